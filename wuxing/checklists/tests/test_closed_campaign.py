"""A closed campaign is the year's record: its items and check-ins no longer change. Every write page of the app
answers a closed campaign with a message (never a 500) and changes nothing; the API answers 400. A batch of
evidence files with one refused file stores nothing at all, neither rows nor files."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from wuxing.campaigns.services import campaign_set_status
from wuxing.checklists import services, urls
from wuxing.checklists.models import CheckIn, CheckInEvidence, ChecklistItem
from wuxing.checklists.services import checkin_record, item_create
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.testing import api_token

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
CLOSED = "已结束"


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_no_item_and_no_check_in_once_the_campaign_is_closed(world, make_item):
    item = make_item()
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    with pytest.raises(ValidationError) as caught:
        checkin_record(actor=world.users.secretary, item=item, value=2)
    assert CLOSED in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        item_create(
            actor=world.users.secretary,
            branch=world.org.branches["a1"],
            campaign=world.campaign,
            star=world.stars[("rural", "industry")],
            title="新增事项",
            target_value=3,
        )
    assert CLOSED in str(caught.value)
    assert CheckIn.objects.count() == 0 and ChecklistItem.objects.count() == 1


def test_one_refused_file_stores_no_check_in_and_no_file(world, make_item):
    item = make_item()
    before = _stored_files()
    files = [as_upload(sample_jpeg("现场"), "现场.jpg"), as_upload(SVG, "照片.jpg")]
    with pytest.raises(ValidationError) as caught:
        checkin_record(actor=world.users.secretary, item=item, value=2, evidence=files)
    assert "照片.jpg" in str(caught.value)
    assert CheckIn.objects.count() == 0 and CheckInEvidence.objects.count() == 0
    assert _stored_files() == before
    # The same photo alone is stored.
    checkin_record(
        actor=world.users.secretary, item=item, value=2, evidence=[as_upload(sample_jpeg("现场"), "现场.jpg")]
    )
    assert CheckInEvidence.objects.count() == 1 and len(_stored_files() - before) == 2  # the photo and its thumbnail


# ---------------------------------------------------------------------------------------------------------
# Every write page and endpoint on a closed campaign
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def closed(world, make_item, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.a1 = world.org.branches["a1"]
    world.item = make_item("a1", target=4)
    checkin = checkin_record(
        actor=SYSTEM, item=world.item, value=1, evidence=[as_upload(sample_jpeg("会议"), "a.jpg", "image/jpeg")]
    )
    world.checkin = checkin
    world.evidence = checkin.evidence.get()
    shown = checkin_record(
        actor=SYSTEM,
        item=world.item,
        value=2,
        evidence=[as_upload(sample_jpeg("公开"), "b.jpg", "image/jpeg")],
        publish=True,
    )
    world.published = shown.evidence.get()
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    return world


def _workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(services.import_headers())
    ws.append(["党员大会", "strong_branch", "", "quantitative", 0, 4, "次", 1, "", "", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# url name, args, method, data — every page of the app that writes.
WRITES = [
    ("checklists:item_create", lambda w: [w.a1.pk], "get", lambda w: None),
    (
        "checklists:item_create",
        lambda w: [w.a1.pk],
        "post",
        lambda w: {
            "title": "新增事项",
            "star": w.stars[("rural", "industry")].pk,
            "kind": "quantitative",
            "start_value": "0",
            "target_value": "3",
            "weight": "1",
            "start_date": f"{w.campaign.year}-01-01",
            "due_date": f"{w.campaign.year}-12-31",
        },
    ),
    ("checklists:item_edit", lambda w: [w.item.pk], "get", lambda w: None),
    (
        "checklists:item_edit",
        lambda w: [w.item.pk],
        "post",
        lambda w: {
            "title": "改过的事项",
            "star": w.item.star_id,
            "kind": "quantitative",
            "start_value": "0",
            "target_value": "9",
            "weight": "1",
            "start_date": f"{w.campaign.year}-01-01",
            "due_date": f"{w.campaign.year}-12-31",
        },
    ),
    ("checklists:items_generate", lambda w: [w.a1.pk], "post", lambda w: {}),
    ("checklists:items_import", lambda w: [w.a1.pk], "get", lambda w: None),
    ("checklists:items_import", lambda w: [w.a1.pk], "post", lambda w: {"file": as_upload(_workbook(), "x.xlsx")}),
    ("checklists:checkin_create", lambda w: [w.item.pk], "post", lambda w: {"value": "3", "note": "迟到的打卡"}),
    (
        "checklists:checkin_create",
        lambda w: [w.item.pk],
        "post",
        lambda w: {"value": "3", "corrects": w.checkin.pk, "reason": "更正"},
    ),
    ("checklists:evidence_publish", lambda w: [w.evidence.pk], "post", lambda w: {"published": "1"}),
    (
        "checklists:evidence_publish_batch",
        lambda w: [w.item.pk],
        "post",
        lambda w: {"evidence": [w.evidence.pk], "published": "1"},
    ),
]

# Pages that only read, and the writes that stay open on a closed campaign (with why).
READ_ONLY = {
    "checklists:branch_checklist",
    "checklists:report_card",
    "checklists:report_card_print",
    "checklists:report_card_pdf",
    "checklists:import_template",
    "checklists:item_detail",
    "checklists:evidence_file",
    "checklists:evidence_thumb",
    "checklists:progress_table",
    "checklists:dashboard",
}
STILL_OPEN = {
    "checklists:policy_update",  # the office's tolerance, not a record of the campaign
    "checklists:evidence_publish",  # taking a file off the public board stays possible (tested below)
}


def test_every_page_of_the_app_is_classified():
    names = {f"checklists:{p.name}" for p in urls.urlpatterns}
    assert names == READ_ONLY | {name for name, *_ in WRITES} | STILL_OPEN


def _state():
    return (
        list(ChecklistItem.objects.order_by("id").values_list("title", "target_value")),
        CheckIn.objects.count(),
        sorted(CheckInEvidence.objects.values_list("pk", "published")),
    )


@pytest.mark.parametrize("name,args,method,data", WRITES, ids=[f"{w[0]}-{w[2]}" for w in WRITES])
def test_every_write_page_answers_a_closed_campaign_with_a_message(client, closed, name, args, method, data):
    w = closed
    client.force_login(w.users.staff)
    before = _state()
    referer = reverse("checklists:branch_checklist", args=[w.a1.pk])
    call = getattr(client, method)
    payload = data(w)
    response = call(reverse(name, args=args(w)), *([payload] if payload is not None else []), HTTP_REFERER=referer)
    assert response.status_code in (200, 302, 400), response.status_code
    page = client.get(response["Location"]) if response.status_code == 302 else response
    assert CLOSED in page.content.decode()
    assert _state() == before


def test_a_file_can_still_be_taken_off_the_public_board(client, closed):
    w = closed
    client.force_login(w.users.staff)
    r = client.post(reverse("checklists:evidence_publish", args=[w.published.pk]), {"published": "0"}, follow=True)
    assert r.status_code == 200 and "已从公开栏撤下" in r.content.decode()
    w.published.refresh_from_db()
    assert w.published.published is False
    with pytest.raises(ValidationError):
        services.evidence_set_published(actor=w.users.staff, evidence=w.published, published=True)


def test_the_pages_of_a_closed_campaign_offer_no_write(client, closed):
    w = closed
    client.force_login(w.users.staff)
    page = client.get(reverse("checklists:branch_checklist", args=[w.a1.pk])).content.decode()
    for name in ("checklists:item_create", "checklists:items_generate", "checklists:items_import"):
        assert reverse(name, args=[w.a1.pk]) not in page
    detail = client.get(reverse("checklists:item_detail", args=[w.item.pk])).content.decode()
    assert reverse("checklists:checkin_create", args=[w.item.pk]) not in detail
    assert reverse("checklists:item_edit", args=[w.item.pk]) not in detail
    assert reverse("checklists:evidence_publish", args=[w.evidence.pk]) not in detail  # not shown: cannot be shown
    assert reverse("checklists:evidence_publish", args=[w.published.pk]) in detail  # shown: can be taken off


def test_the_api_answers_a_closed_campaign_with_400(api_client, closed):
    w = closed
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(w.users.secretary)}")
    before = _state()
    r = api_client.post(
        "/api/v1/checklist-items/",
        {"branch": w.a1.pk, "campaign": w.campaign.pk, "title": "x", "star": "strong_branch", "target_value": "2"},
        format="json",
    )
    assert r.status_code == 400 and CLOSED in str(r.json())
    r = api_client.post(
        "/api/v1/checklist-items/",
        {"branch": w.a1.pk, "title": "x", "star": "strong_branch", "target_value": "2"},
        format="json",
    )
    assert r.status_code == 400 and CLOSED in str(r.json())
    r = api_client.patch(f"/api/v1/checklist-items/{w.item.pk}/", {"target_value": "9"}, format="json")
    assert r.status_code == 400 and CLOSED in str(r.json())
    r = api_client.post("/api/v1/checkins/", {"item": w.item.pk, "value": "3"}, format="json")
    assert r.status_code == 400 and CLOSED in str(r.json())
    assert _state() == before
