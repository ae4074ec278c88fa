"""The API: assignments with missing_kinds, activities with multipart evidence, refusals; demo sites within scope."""

import datetime

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.testing import api_token

TODAY = datetime.date.today().isoformat()


def test_assignments_expose_branch_responsible_and_missing_kinds(api_client, users, assignments):
    api_client.force_authenticate(users.cadre)
    data = api_client.get("/api/v1/assignments/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert {r["branch_name"] for r in rows} == {"甲一村", "甲二社区"}
    row = next(r for r in rows if r["branch_name"] == "甲一村")
    assert row["department"] == assignments[("T-a1", "A1")].assignment.department_id and row["leader"] is None
    assert row["missing_kinds"] == ["party_lecture", "heart_talk", "work_meeting", "checkin_list", "target_assessment"]


def test_record_activity_with_multipart_evidence(api_client, users, assignments):
    row = assignments[("T-a1", "A1")]
    api_client.force_authenticate(users.cadre)
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile("a.jpg", sample_jpeg("党课"), "image/jpeg"),
        SimpleUploadedFile("b.jpg", sample_jpeg("合影"), "image/jpeg"),
    ]
    response = api_client.post(
        "/api/v1/assignment-activities/",
        {
            "assignment": row.pk,
            "kind": "party_lecture",
            "held_on": TODAY,
            "participants": "全体党员",
            "evidence": files,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["evidence_files"]) == 2
    detail = api_client.get(f"/api/v1/assignments/{row.pk}/").json()
    assert "party_lecture" not in detail["missing_kinds"] and len(detail["missing_kinds"]) == 4


def test_unknown_kind_and_out_of_scope_assignment_are_refused(api_client, users, assignments):
    api_client.force_authenticate(users.cadre)
    bad_kind = api_client.post(
        "/api/v1/assignment-activities/",
        {"assignment": assignments[("T-a1", "A1")].pk, "kind": "banquet", "held_on": TODAY, "participants": "x"},
        format="json",
    )
    assert bad_kind.status_code == 400 and "五个一" in str(bad_kind.json())
    outside = api_client.post(
        "/api/v1/assignment-activities/",
        {"assignment": assignments[("T-a3", "A2")].pk, "kind": "heart_talk", "held_on": TODAY, "participants": "x"},
        format="json",
    )
    assert outside.status_code == 400 and "assignment" in outside.json()
    from wuxing.liaison.models import Activity

    assert not Activity.objects.exists()


def test_create_assignment_through_the_api(api_client, org, users, campaign, assignments):
    api_client.force_authenticate(users.staff)
    response = api_client.post(
        "/api/v1/assignments/",
        {"campaign": campaign.pk, "branch": org.branches["a2"].pk, "department": org.dept_a2.pk, "pledged_people": 2},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["pledged_people"] == 2 and len(response.json()["missing_kinds"]) == 5
    both = api_client.post(
        "/api/v1/assignments/",
        {
            "campaign": campaign.pk,
            "branch": org.branches["a1"].pk,
            "department": org.dept_a2.pk,
            "leader": org.leader_a.pk,
        },
        format="json",
    )
    assert both.status_code == 400
    api_client.force_authenticate(users.cadre)
    refused = api_client.post(
        "/api/v1/assignments/",
        {"campaign": campaign.pk, "branch": org.branches["a1"].pk, "department": org.dept_a1.pk},
        format="json",
    )
    assert refused.status_code == 403


def test_demo_sites_within_scope(api_client, org, users, campaign):
    from wuxing.showcase.models import ProjectKind
    from wuxing.showcase.services import project_create, site_claim

    site = site_claim(
        actor=SYSTEM, campaign=campaign, branch=org.branches["a2"], leader=org.leader_a, feature="邻里共治"
    )
    project_create(
        actor=SYSTEM,
        site=site,
        kind=ProjectKind.objects.get(office=org.office_a, code="grid"),
        title="网格",
        milestones=[("划网格", None)],
    )
    api_client.force_authenticate(users.cadre)
    data = api_client.get("/api/v1/demo-sites/").json()
    rows = data["results"] if isinstance(data, dict) else data
    assert len(rows) == 1 and rows[0]["projects"][0]["kind"] == "grid" and rows[0]["totals"]["incidents_reported"] == 0
    assert "phone" not in str(rows[0]["leader"])
    api_client.force_authenticate(users.secretary)
    data = api_client.get("/api/v1/demo-sites/").json()
    assert (data["results"] if isinstance(data, dict) else data) == []
    assert api_client.get(f"/api/v1/demo-sites/{site.pk}/").status_code == 404


def test_record_deliveries_through_the_api(api_client, users, assignments):
    row = assignments[("T-a1", "A1")]
    api_client.force_authenticate(users.cadre)
    response = api_client.patch(
        f"/api/v1/assignments/{row.pk}/", {"delivered_people": 3, "delivered_funds": "4.50"}, format="json"
    )
    assert (
        response.status_code == 200
        and response.json()["delivered_people"] == 3
        and response.json()["delivered_funds"] == "4.50"
    )
    bad = api_client.patch(f"/api/v1/assignments/{row.pk}/", {"delivered_funds": "很多"}, format="json")
    assert bad.status_code == 400 and "数字" in str(bad.json())
    other = assignments[("T-a3", "A2")]
    assert (
        api_client.patch(f"/api/v1/assignments/{other.pk}/", {"delivered_people": 1}, format="json").status_code == 404
    )


def _token(api_client, user):

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")


def test_evidence_urls_download_with_the_token(api_client, users, assignments):
    from wuxing.liaison.services import activity_record

    row = assignments[("T-a1", "A1")]
    activity_record(
        actor=SYSTEM,
        campaign_assignment=row,
        kind="party_lecture",
        held_on=datetime.date.today(),
        participants="全体党员",
        evidence=[as_upload(sample_jpeg("党课"), "lecture.jpg", "image/jpeg")],
    )
    _token(api_client, users.cadre)
    listed = api_client.get(f"/api/v1/assignment-activities/?assignment={row.pk}").json()
    files = listed["results"][0]["evidence_files"]
    url = files[0]["url"]
    assert url.startswith("/api/v1/")
    response = api_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    thumbnail = api_client.get(url + "?thumb=1")
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    _token(api_client, users.leader_b)  # another office
    assert api_client.get(url).status_code == 404
    api_client.credentials()
    assert api_client.get(url).status_code == 401


def test_evidence_of_another_departments_activity_is_not_found_through_the_api(api_client, org, users, assignments):
    from wuxing.liaison.services import activity_record

    theirs = activity_record(
        actor=SYSTEM,
        campaign_assignment=assignments[("T-a3", "A2")],
        kind="heart_talk",
        held_on=datetime.date.today(),
        participants="x",
        evidence=[as_upload(sample_jpeg("谈心"), "talk.jpg", "image/jpeg")],
    )
    url = f"/api/v1/liaison/evidence/{theirs.evidence.get().pk}/"
    _token(api_client, users.cadre)  # department A-1's cadre: not its assignment
    assert api_client.get(url).status_code == 404
    _token(api_client, users.leader)
    assert api_client.get(url).status_code == 200


def test_the_api_lists_filter_like_the_pages(api_client, org, users, campaign, assignments):
    from wuxing.liaison.services import activity_record

    for kind in ("party_lecture", "heart_talk", "work_meeting", "checkin_list", "target_assessment"):
        activity_record(
            actor=SYSTEM,
            campaign_assignment=assignments[("T-a2", "A1")],
            kind=kind,
            held_on=datetime.date.today(),
            participants="x",
        )
    _token(api_client, users.leader)

    def ids(url):
        data = api_client.get(url).json()
        return {r["id"] for r in data["results"]}

    assert ids("/api/v1/assignments/?state=complete") == {assignments[("T-a2", "A1")].pk}
    assert ids(f"/api/v1/assignments/?department={org.dept_a2.pk}") == {assignments[("T-a3", "A2")].pk}
    assert ids(f"/api/v1/assignments/?leader={org.leader_a.pk}") == {assignments[("T-a3", "leader")].pk}
    assert len(ids(f"/api/v1/assignments/?campaign={campaign.pk}")) == 4
    assert len(ids("/api/v1/assignment-activities/?kind=heart_talk")) == 1
    assert len(ids(f"/api/v1/assignment-activities/?assignment={assignments[('T-a1', 'A1')].pk}")) == 0
    # An id outside the caller's scope reads as unknown, and a malformed one is refused, not a database error.
    _token(api_client, users.leader_b)
    assert api_client.get(f"/api/v1/assignments/?campaign={campaign.pk}").status_code == 400
    assert api_client.get("/api/v1/assignments/?campaign=99999999999999999999999").status_code == 400


def test_the_api_lists_do_not_grow_in_queries(
    api_client, org, users, campaign, assignments, django_assert_max_num_queries
):
    from wuxing.liaison.services import activity_record

    def grow():
        for row in assignments.values():
            activity_record(
                actor=SYSTEM,
                campaign_assignment=row,
                kind="party_lecture",
                held_on=datetime.date.today(),
                participants="x",
                evidence=[as_upload(sample_jpeg("党课"), "a.jpg", "image/jpeg")],
            )

    _token(api_client, users.leader)
    grow()
    counts = {}
    for url in ("/api/v1/assignments/", "/api/v1/assignment-activities/"):
        with django_assert_max_num_queries(20) as captured:
            assert api_client.get(url).status_code == 200
        counts[url] = len(captured.captured_queries)
    grow()
    grow()
    for url, before in counts.items():
        with django_assert_max_num_queries(before):
            api_client.get(url)
