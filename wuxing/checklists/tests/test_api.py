"""The API: items with progress flags, check-ins with evidence and corrections, a branch's progress; same rules as the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wuxing.checklists.models import CheckIn, ChecklistItem
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import sample_jpeg
from wuxing.testing import api_token


def auth(api_client, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


def test_item_create_defaults_and_progress_fields(api_client, world):
    auth(api_client, world.users.secretary)
    branch = world.org.branches["a1"]
    r = api_client.post(
        "/api/v1/checklist-items/",
        {
            "branch": branch.pk,
            "title": "召开党员大会",
            "star": "strong_branch",
            "kind": "quantitative",
            "target_value": "4",
            "unit": "次",
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["campaign"] == world.campaign.pk
    assert body["owner"] == world.org.secretary_a1.pk
    assert body["star"] == "strong_branch"
    assert body["progress"] == 0 and body["behind"] in (True, False) and body["overdue"] is False
    assert body["due_date"] == f"{world.campaign.year}-12-31"


def test_item_create_refuses_bad_input_in_chinese(api_client, world):
    auth(api_client, world.users.secretary)
    branch = world.org.branches["a1"]
    r = api_client.post(
        "/api/v1/checklist-items/",
        {"branch": branch.pk, "title": "共建", "star": "co_building", "target_value": "3"},
        format="json",
    )
    assert r.status_code == 400 and "不是本支部星系列中的星" in r.json()["star"][0]
    r = api_client.post(
        "/api/v1/checklist-items/",
        {"branch": branch.pk, "title": "x", "star": "strong_branch", "kind": "quantitative"},
        format="json",
    )
    assert r.status_code == 400 and r.json()["target_value"] == ["定量型事项须填写目标值。"]
    r = api_client.post(
        "/api/v1/checklist-items/",
        {"branch": world.org.branches["a2"].pk, "title": "x", "star": "strong_branch", "target_value": 1},
        format="json",
    )
    assert r.status_code == 400
    assert not ChecklistItem.objects.exists()


def test_item_list_is_scoped(api_client, world, make_item):
    mine = make_item("a1")
    make_item("a2")
    make_item("b1")
    auth(api_client, world.users.secretary)
    assert [i["id"] for i in api_client.get("/api/v1/checklist-items/").json()["results"]] == [mine.pk]
    auth(api_client, world.users.leader)
    assert api_client.get("/api/v1/checklist-items/").json()["count"] == 2
    auth(api_client, world.users.auditor)
    assert api_client.get("/api/v1/checklist-items/").status_code == 403


def test_checkin_with_evidence_and_correction(api_client, world, make_item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = make_item(target=10)
    auth(api_client, world.users.secretary)
    photo = sample_jpeg("党员大会", exif_gps=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api_client.post(
        "/api/v1/checkins/",
        {
            "item": item.pk,
            "value": "4",
            "note": "一季度",
            "evidence": [
                SimpleUploadedFile("a.jpg", photo, "image/jpeg"),
                SimpleUploadedFile("b.jpg", photo, "image/jpeg"),
            ],
        },
        format="multipart",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert len(body["evidence"]) == 2 and body["superseded"] is False
    url = body["evidence"][0]["url"]
    assert api_client.get(url).status_code == 200
    auth(api_client, world.users.leader_b)
    assert api_client.get(url).status_code == 404
    auth(api_client, world.users.secretary)
    r = api_client.post(
        "/api/v1/checkins/", {"item": item.pk, "value": "5", "corrects": body["id"]}, format="multipart"
    )
    assert r.status_code == 400 and r.json()["reason"] == ["更正必须填写原因。"]
    r = api_client.post(
        "/api/v1/checkins/",
        {"item": item.pk, "value": "5", "corrects": body["id"], "reason": "少记一次"},
        format="multipart",
    )
    assert r.status_code == 201
    old = api_client.get(f"/api/v1/checkins/{body['id']}/").json()
    assert old["superseded"] is True and old["value"] == "4.00"
    progress = api_client.get(f"/api/v1/branches/{item.branch_id}/progress/").json()
    assert progress["overall"] == 0.5 and progress["by_star"]["strong_branch"] == 0.5
    assert CheckIn.objects.count() == 2


def test_checkin_refusals(api_client, world, make_item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = make_item("a2", target=10)
    auth(api_client, world.users.secretary)
    r = api_client.post("/api/v1/checkins/", {"item": item.pk, "value": "4"}, format="multipart")
    assert r.status_code == 400
    own = make_item("a1", target=10)
    from django.core.files.uploadedfile import SimpleUploadedFile

    svg = SimpleUploadedFile(
        "x.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/jpeg"
    )
    r = api_client.post("/api/v1/checkins/", {"item": own.pk, "value": "4", "evidence": [svg]}, format="multipart")
    assert r.status_code == 400 and "不接受" in str(r.json())
    assert not CheckIn.objects.exists()


def test_branch_progress_counts_and_scope(api_client, world, make_item):
    from wuxing.checklists.services import checkin_record

    past = timezone.localdate() - timedelta(days=30)
    overdue = make_item(target=10, start_date=past - timedelta(days=30), due_date=past)
    done = make_item(kind="yes_no", title="公开", start_date=past - timedelta(days=30), due_date=past)
    checkin_record(actor=SYSTEM, item=done, done=True)
    checkin_record(actor=SYSTEM, item=overdue, value=2)
    auth(api_client, world.users.cadre)
    body = api_client.get(f"/api/v1/branches/{overdue.branch_id}/progress/").json()
    assert (body["done"], body["overdue"], body["behind"]) == (1, 1, 0)
    assert body["overall"] == pytest.approx(0.6)
    assert set(body["by_star"]) >= {"strong_branch"}
    assert api_client.get(f"/api/v1/branches/{world.org.branches['a3'].pk}/progress/").status_code == 404
    auth(api_client, world.users.auditor)
    assert api_client.get(f"/api/v1/branches/{overdue.branch_id}/progress/").status_code == 403
    api_client.credentials()
    assert api_client.get(f"/api/v1/branches/{overdue.branch_id}/progress/").status_code == 401
    assert reverse("api-branch-progress", args=[1]) == "/api/v1/branches/1/progress/"


def test_item_update_through_the_api(api_client, world, make_item):
    item = make_item(target=4)
    auth(api_client, world.users.secretary)
    r = api_client.patch(
        f"/api/v1/checklist-items/{item.pk}/", {"target_value": "6", "star": "industry"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["target_value"] == "6.00" and r.json()["star"] == "industry"
    r = api_client.patch(f"/api/v1/checklist-items/{item.pk}/", {"weight": "0"}, format="json")
    assert r.status_code == 400 and r.json()["weight"] == ["权重必须大于0。"]
    auth(api_client, world.users.cadre)
    assert api_client.patch(f"/api/v1/checklist-items/{item.pk}/", {"weight": "2"}, format="json").status_code == 403
    item.refresh_from_db()
    assert item.weight == 1 and item.target_value == 6


def test_evidence_downloads_with_the_token_alone(api_client, world, make_item, settings, tmp_path):
    """Every file address the API hands out is an /api/v1/ path that the same token downloads; another office's
    token gets 404."""
    from wuxing.checklists.services import checkin_record
    from wuxing.core.uploads import as_upload, sample_pdf

    settings.MEDIA_ROOT = tmp_path
    item = make_item(target=10)
    checkin_record(
        actor=SYSTEM,
        item=item,
        value=1,
        evidence=[
            as_upload(sample_jpeg("会议"), "m.jpg", "image/jpeg"),
            as_upload(sample_pdf(), "minutes.pdf", "application/pdf"),
        ],
    )
    auth(api_client, world.users.secretary)
    files = api_client.get("/api/v1/checkins/", {"item": item.pk}).json()["results"][0]["evidence"]
    by_type = {f["content_type"]: f["url"] for f in files}
    assert set(by_type) == {"image/jpeg", "application/pdf"}
    for content_type, url in by_type.items():
        assert url.startswith("/api/v1/checklists/evidence/"), url
        r = api_client.get(url)
        assert r.status_code == 200 and r["Content-Type"] == content_type
    thumb = api_client.get(by_type["image/jpeg"], {"thumb": "1"})
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    auth(api_client, world.users.leader_b)
    for url in by_type.values():
        assert api_client.get(url).status_code == 404
    api_client.credentials()
    assert api_client.get(by_type["image/jpeg"]).status_code == 401


def test_list_filters_keep_their_names_and_check_their_ids(api_client, world, make_item):
    from wuxing.checklists.services import checkin_record

    a1 = make_item("a1", title="甲一事项")
    a2 = make_item("a2", title="甲二事项")
    industry = make_item("a1", title="产业事项", star="industry")
    b1 = make_item("b1", title="乙一事项")
    auth(api_client, world.users.leader)

    def ids(**params):
        r = api_client.get("/api/v1/checklist-items/", params)
        assert r.status_code == 200, r.content
        return sorted(i["id"] for i in r.json()["results"])

    assert ids(branch=a1.branch_id) == sorted([a1.pk, industry.pk])
    assert ids(campaign=world.campaign.pk) == sorted([a1.pk, a2.pk, industry.pk])
    assert ids(branch=a1.branch_id, star="industry") == [industry.pk]
    # Ids out of scope, unknown, malformed or too long are refused, never a 500.
    for params in ({"branch": b1.branch_id}, {"campaign": world.campaign_b.pk}, {"branch": "x"}, {"branch": "9" * 30}):
        assert api_client.get("/api/v1/checklist-items/", params).status_code == 400, params
    first = checkin_record(actor=SYSTEM, item=a1, value=1)
    checkin_record(actor=SYSTEM, item=a2, value=2)
    r = api_client.get("/api/v1/checkins/", {"item": a1.pk})
    assert [c["id"] for c in r.json()["results"]] == [first.pk]
    assert api_client.get("/api/v1/checkins/", {"item": b1.pk}).status_code == 400
    assert api_client.get("/api/v1/checkins/", {"item": "9" * 30}).status_code == 400


def test_api_lists_query_count_does_not_grow_with_rows(api_client, world, make_item, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wuxing.checklists.services import checkin_record

    checkin_record(actor=SYSTEM, item=make_item("a1"), value=1)
    auth(api_client, world.users.leader)
    small = {}
    for url in ("/api/v1/checklist-items/", "/api/v1/checkins/"):
        with CaptureQueriesContext(connection) as ctx:
            assert api_client.get(url).status_code == 200
        small[url] = len(ctx.captured_queries)
    # The check-in list also reads the versions of the offices in scope (the key of its page kept in the cache).
    assert small == {"/api/v1/checklist-items/": 5, "/api/v1/checkins/": 6}
    for code in ("a1", "a2", "a3"):
        for n in range(4):
            checkin_record(actor=SYSTEM, item=make_item(code, title=f"事项{n}"), value=1)
    for url, count in small.items():
        with django_assert_max_num_queries(count):
            assert api_client.get(url).status_code == 200


def test_branch_progress_campaign_of_another_office_is_not_found(api_client, world, make_item):
    item = make_item("a1")
    auth(api_client, world.users.leader)
    url = f"/api/v1/branches/{item.branch_id}/progress/"
    assert api_client.get(url, {"campaign": world.campaign.pk}).json()["campaign"] == world.campaign.pk
    assert api_client.get(url, {"campaign": world.campaign_b.pk}).status_code == 404
    auth(api_client, world.users.district)
    assert api_client.get(url, {"campaign": world.campaign_b.pk}).status_code == 404  # not the branch's office
