"""Supervision's API writes call the same services as the pages: each in scope succeeds, out of scope is refused,
and bad input answers 400 with a Chinese message and writes nothing."""

import datetime
import re

import pytest
from django.utils import timezone

from wuxing.core.models import AuditLog
from wuxing.supervision.models import Evaluation, Finding, Inspection, Rectification, Score, ScoreCard
from wuxing.testing import api_as

TODAY = timezone.localdate()
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _chinese_400(response):
    assert response.status_code == 400, (response.status_code, response.content)
    assert CHINESE.search(
        response.content.decode("unicode_escape") if "\\u" in response.content.decode() else response.content.decode()
    )
    return response.json()


@pytest.fixture
def audit():
    """The audit row count: a refused request writes none."""
    return lambda: AuditLog.objects.count()


def _inspection_body(world, **extra):
    return {
        "campaign": world.campaign.pk,
        "mode": "unannounced",
        "held_on": TODAY.isoformat(),
        "title": "暗访",
        "inspectors": [world.org.leader_a.pk],
        "branches": [world.org.branches["a2"].pk],
        **extra,
    }


def test_inspections_are_created_and_changed(api_client, world, audit):
    staff = api_as(api_client, world.users.staff)
    response = staff.post("/api/v1/inspections/", _inspection_body(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mode"] == "unannounced" and body["branches"] == [world.org.branches["a2"].pk]
    pk = body["id"]
    response = staff.patch(f"/api/v1/inspections/{pk}/", {"title": "暗访（补记）", "notes": "夜间"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "暗访（补记）"
    inspection = Inspection.objects.get(pk=pk)
    assert inspection.notes == "夜间" and inspection.mode == "unannounced"
    assert AuditLog.objects.filter(action="supervision.inspection_update", object_id=str(pk)).count() == 1


def test_inspection_writes_refuse_bad_input_and_foreign_objects(api_client, world, audit):
    staff = api_as(api_client, world.users.staff)
    n, a = Inspection.objects.count(), audit()
    _chinese_400(staff.post("/api/v1/inspections/", _inspection_body(world, mode="party"), format="json"))
    _chinese_400(staff.post("/api/v1/inspections/", _inspection_body(world, branches=[]), format="json"))
    _chinese_400(staff.post("/api/v1/inspections/", _inspection_body(world, held_on="昨天"), format="json"))
    body = _chinese_400(
        staff.post(
            "/api/v1/inspections/", _inspection_body(world, branches=[world.org.branches["b1"].pk]), format="json"
        )
    )
    assert "branches" in body  # another office's branch: not found among the caller's
    # a2 has no finding, a1 has: it must stay among the branches
    body = _chinese_400(
        staff.patch(
            f"/api/v1/inspections/{world.inspection.pk}/",
            {"branches": [world.org.branches["a2"].pk]},
            format="json",
        )
    )
    assert "甲一村" in str(body)
    assert Inspection.objects.count() == n and audit() == a
    # out of scope: another office's leader, a secretary
    other = api_as(api_client, world.users.leader_b)
    assert other.patch(f"/api/v1/inspections/{world.inspection.pk}/", {"title": "x"}, format="json").status_code == 404
    assert other.post("/api/v1/inspections/", _inspection_body(world), format="json").status_code == 400
    secretary = api_as(api_client, world.users.secretary)
    assert secretary.post("/api/v1/inspections/", _inspection_body(world), format="json").status_code == 403
    assert Inspection.objects.count() == n and audit() == a


def test_findings_are_recorded_changed_deleted_restored_and_triaged(api_client, world, audit):
    from wuxing.supervision import services

    staff = api_as(api_client, world.users.staff)
    response = staff.post(
        "/api/v1/inspection-findings/",
        {
            "inspection": world.inspection.pk,
            "branch": world.org.branches["a2"].pk,
            "category": "effect",
            "severity": "low",
            "description": "宣传栏未更新",
            "responsible_department": world.org.dept_a1.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = staff.patch(f"/api/v1/inspection-findings/{pk}/", {"severity": "high"}, format="json")
    assert response.status_code == 200 and response.json()["severity"] == "high"
    assert response.json()["description"] == "宣传栏未更新"  # the fields not sent stay
    entry = AuditLog.objects.get(action="supervision.finding_update", object_id=str(pk))
    assert entry.before == {"severity": "low"} and entry.after == {"severity": "high"}
    _chinese_400(staff.post(f"/api/v1/inspection-findings/{pk}/delete/", {}, format="json"))
    assert staff.post(f"/api/v1/inspection-findings/{pk}/delete/", {"reason": "重复"}, format="json").status_code == 204
    assert staff.get(f"/api/v1/inspection-findings/{pk}/").status_code == 404
    leader = api_as(api_client, world.users.leader)
    assert leader.post(f"/api/v1/inspection-findings/{pk}/restore/").status_code == 404  # not the one who deleted
    staff = api_as(api_client, world.users.staff)
    assert staff.post(f"/api/v1/inspection-findings/{pk}/restore/").json()["id"] == pk
    # a finding with a rectification cannot be deleted
    body = _chinese_400(
        staff.post(f"/api/v1/inspection-findings/{world.finding.pk}/delete/", {"reason": "x"}, format="json")
    )
    assert "整改" in str(body)
    # triage of a public report
    report = services.public_report_submit(
        office=world.org.office_a, branch=world.org.branches["a1"], text="公示栏没有更新", address="10.0.0.5"
    )
    url = f"/api/v1/inspection-findings/{report.finding_id}/triage/"
    _chinese_400(staff.post(url, {"accept": True, "category": "", "severity": "low"}, format="json"))
    response = staff.post(url, {"accept": True, "category": "effect", "severity": "low"}, format="json")
    assert response.status_code == 200 and response.json()["triage"] == "accepted"
    _chinese_400(staff.post(url, {"accept": False}, format="json"))  # triaged already


def test_finding_writes_refuse_bad_input_and_out_of_scope(api_client, world, audit):
    n, a = Finding.objects.count(), audit()
    staff = api_as(api_client, world.users.staff)
    good = {
        "inspection": world.inspection.pk,
        "branch": world.org.branches["a1"].pk,
        "category": "progress",
        "severity": "low",
        "description": "x",
    }
    _chinese_400(staff.post("/api/v1/inspection-findings/", {**good, "category": "luck"}, format="json"))
    _chinese_400(staff.post("/api/v1/inspection-findings/", {**good, "description": ""}, format="json"))
    body = _chinese_400(
        staff.post("/api/v1/inspection-findings/", {**good, "branch": world.org.branches["a3"].pk}, format="json")
    )
    assert "未检查该支部" in str(body)
    _chinese_400(staff.patch(f"/api/v1/inspection-findings/{world.finding.pk}/", {"severity": "x"}, format="json"))
    secretary = api_as(api_client, world.users.secretary)
    assert secretary.post("/api/v1/inspection-findings/", good, format="json").status_code == 403
    assert (
        secretary.patch(f"/api/v1/inspection-findings/{world.finding.pk}/", {"severity": "low"}, format="json")
    ).status_code == 403
    other = api_as(api_client, world.users.leader_b)
    assert other.post("/api/v1/inspection-findings/", good, format="json").status_code == 400  # unknown inspection
    assert other.patch(f"/api/v1/inspection-findings/{world.finding.pk}/", {}, format="json").status_code == 404
    assert other.post(f"/api/v1/inspection-findings/{world.finding.pk}/delete/", {"reason": "x"}).status_code == 404
    assert Finding.objects.count() == n and audit() == a


def test_an_observer_scores_a_sheet_and_submits_it(api_client, world, audit):
    secretary = api_as(api_client, world.users.secretary)  # 互观互评: scores a2, not their own a1
    url = f"/api/v1/observations/{world.observation.pk}/score/"
    criteria = list(world.sheet.criteria.all())
    a2 = world.org.branches["a2"]
    a, scores = audit(), Score.objects.count()
    body = _chinese_400(secretary.post(url, {"branch": a2.pk, "points": {criteria[0].pk: 11}}, format="json"))
    assert f"c{criteria[0].pk}" in body
    _chinese_400(secretary.post(url, {"branch": a2.pk, "points": [1, 2]}, format="json"))
    _chinese_400(secretary.post(url, {"branch": world.org.branches["a1"].pk, "points": {}}, format="json"))
    body = _chinese_400(
        secretary.post(url, {"branch": a2.pk, "points": {criteria[0].pk: 5}, "submit": True}, format="json")
    )
    assert "阵地建设" in str(body)  # every criterion before submitting
    assert audit() == a and Score.objects.count() == scores
    response = secretary.post(url, {"branch": a2.pk, "points": {criteria[0].pk: 8}}, format="json")
    assert response.status_code == 200 and response.json()["submitted_at"] is None
    points = {c.pk: c.max_points for c in criteria}
    response = secretary.post(url, {"branch": a2.pk, "points": points, "comment": "好", "submit": True}, format="json")
    assert response.status_code == 200 and response.json()["submitted_at"] and response.json()["total"] == "40.00"
    _chinese_400(secretary.post(url, {"branch": a2.pk, "points": points}, format="json"))  # locked
    # not an observer of it / another office
    assert api_as(api_client, world.users.cadre).post(
        url, {"branch": a2.pk, "points": {}}, format="json"
    ).status_code in (
        400,
        404,
    )
    assert ScoreCard.objects.filter(observation=world.observation, observer=world.users.cadre).count() == 0
    other = api_as(api_client, world.users.leader_b)
    assert other.post(url, {"branch": a2.pk, "points": points}, format="json").status_code == 404


def test_evaluations_are_created_computed_and_published(api_client, world, audit):
    staff = api_as(api_client, world.users.staff)
    body = {
        "campaign": world.campaign.pk,
        "quarter": 1,
        "title": "第一季度评比",
        "weights": {"observation": 50, "checklist": 50},
        "top_n": 1,
        "bottom_n": 1,
    }
    response = staff.post("/api/v1/evaluations/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and len(created["rows"]) == 3
    pk = created["id"]
    a1 = world.org.branches["a1"]
    response = staff.post(f"/api/v1/evaluations/{pk}/compute/", {"satisfaction": {str(a1.pk): 90}}, format="json")
    assert response.status_code == 200
    assert {r["branch"]: r["satisfaction"] for r in response.json()["rows"]}[a1.pk] == "90.00"
    response = staff.post(f"/api/v1/evaluations/{pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert len(response.json()["content_hash"]) == 64
    _chinese_400(staff.post(f"/api/v1/evaluations/{pk}/publish/"))
    _chinese_400(staff.post(f"/api/v1/evaluations/{pk}/compute/", {}, format="json"))


def test_evaluation_writes_refuse_bad_input_and_out_of_scope(api_client, world, audit):
    staff = api_as(api_client, world.users.staff)
    n, a = Evaluation.objects.count(), audit()
    body = {"campaign": world.campaign.pk, "quarter": 1, "title": "x", "weights": {"observation": 0}}
    _chinese_400(staff.post("/api/v1/evaluations/", body, format="json"))  # all weights zero
    _chinese_400(staff.post("/api/v1/evaluations/", {**body, "quarter": 5}, format="json"))
    _chinese_400(staff.post("/api/v1/evaluations/", {**body, "weights": {"observation": "很多"}}, format="json"))
    url = f"/api/v1/evaluations/{world.evaluation.pk}/compute/"
    _chinese_400(staff.post(url, {"satisfaction": {str(world.org.branches["a1"].pk): 101}}, format="json"))
    _chinese_400(staff.post(url, {"satisfaction": {"999999": 50}}, format="json"))
    assert Evaluation.objects.count() == n and audit() == a
    secretary = api_as(api_client, world.users.secretary)
    assert (
        secretary.post("/api/v1/evaluations/", {**body, "weights": {"observation": 1}}, format="json").status_code
        == 403
    )
    assert secretary.post(f"/api/v1/evaluations/{world.evaluation.pk}/publish/").status_code == 403
    other = api_as(api_client, world.users.leader_b)
    assert other.post(f"/api/v1/evaluations/{world.evaluation.pk}/publish/").status_code == 404
    assert other.post("/api/v1/evaluations/", {**body, "weights": {"observation": 1}}, format="json").status_code == 400
    assert Evaluation.objects.count() == n and audit() == a


def test_rectifications_are_assigned_and_rescheduled(api_client, world, audit):
    staff = api_as(api_client, world.users.staff)
    due = (TODAY + datetime.timedelta(days=20)).isoformat()
    n, a = Rectification.objects.count(), audit()
    _chinese_400(staff.post("/api/v1/rectifications/", {"finding": world.finding.pk, "task": "", "due_on": due}))
    _chinese_400(
        staff.post(
            "/api/v1/rectifications/",
            {"finding": world.finding.pk, "task": "x", "due_on": (TODAY - datetime.timedelta(days=9)).isoformat()},
        )
    )
    secretary = api_as(api_client, world.users.secretary)
    assert (
        secretary.post("/api/v1/rectifications/", {"finding": world.finding.pk, "task": "x", "due_on": due}).status_code
        == 403
    )
    other = api_as(api_client, world.users.leader_b)
    assert (
        other.post(
            f"/api/v1/rectifications/{world.rectification.pk}/reschedule/", {"due_on": due, "note": "x"}
        ).status_code
        == 404
    )
    assert Rectification.objects.count() == n and audit() == a
    staff = api_as(api_client, world.users.staff)
    response = staff.post(
        "/api/v1/rectifications/", {"finding": world.finding.pk, "task": "公开栏更新", "due_on": due}, format="json"
    )
    assert response.status_code == 201 and response.json()["state"] == "open"
    url = f"/api/v1/rectifications/{world.rectification.pk}/reschedule/"
    _chinese_400(staff.post(url, {"due_on": due}, format="json"))
    response = staff.post(url, {"due_on": due, "note": "汛期顺延"}, format="json")
    assert response.status_code == 200 and response.json()["due_on"] == due


def test_observations_are_planned_and_made_public(api_client, world, audit):
    staff = api_as(api_client, world.users.staff)
    a1, a2 = world.org.branches["a1"], world.org.branches["a2"]
    body = {
        "campaign": world.campaign.pk,
        "title": "六月观摩",
        "held_on": TODAY.isoformat(),
        "route": [a2.pk, a1.pk],
        "observers": [world.users.leader.pk, world.users.secretary.pk],
    }
    n, a = ScoreCard.objects.count(), audit()
    _chinese_400(staff.post("/api/v1/observations/", {**body, "route": []}, format="json"))
    _chinese_400(staff.post("/api/v1/observations/", {**body, "observers": [world.users.leader_b.pk]}, format="json"))
    _chinese_400(staff.post("/api/v1/observations/", {**body, "drop_from": 2}, format="json"))
    assert (
        api_as(api_client, world.users.secretary).post("/api/v1/observations/", body, format="json").status_code == 403
    )
    assert ScoreCard.objects.count() == n and audit() == a
    staff = api_as(api_client, world.users.staff)
    response = staff.post("/api/v1/observations/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert [r["branch"] for r in created["ranking"]] == [a2.pk, a1.pk] and created["cards"] == 3  # not a1's own
    url = f"/api/v1/observations/{created['id']}/public/"
    _chinese_400(staff.post(url, {}, format="json"))
    assert staff.post(url, {"public": True}, format="json").json()["public"] is True
    other = api_as(api_client, world.users.leader_b)
    assert other.post(url, {"public": False}, format="json").status_code == 404


def test_accountability_is_recorded_by_leaders_only(api_client, world, audit):
    url = f"/api/v1/inspection-findings/{world.finding.pk}/accountability/"
    body = {"person_name": "张某", "decision": "interview", "decided_on": TODAY.isoformat(), "reason": "台账不全"}
    a = audit()
    assert api_as(api_client, world.users.staff).post(url, body, format="json").status_code == 403
    leader = api_as(api_client, world.users.leader)
    _chinese_400(leader.post(url, {**body, "decision": "firing"}, format="json"))
    _chinese_400(leader.post(url, {**body, "reason": ""}, format="json"))
    assert audit() == a
    response = leader.post(url, body, format="json")
    assert response.status_code == 201 and response.json()["decision"] == "interview"
    assert api_as(api_client, world.users.leader_b).post(url, body, format="json").status_code == 404


def test_a_scoring_sheet_version_and_an_activity_are_added(api_client, world, audit):
    from wuxing.supervision.models import ActivityTag, ScoreSheet

    staff = api_as(api_client, world.users.staff)
    office = world.org.office_a.pk
    criteria = [{"text": "班子建设", "max_points": 10}, {"text": "群众满意", "max_points": 20, "guidance": "随机访谈"}]
    n, a = ScoreSheet.objects.count(), audit()
    _chinese_400(staff.post("/api/v1/score-sheets/", {"office": office, "name": "x", "criteria": []}, format="json"))
    _chinese_400(
        staff.post(
            "/api/v1/score-sheets/",
            {"office": office, "name": "x", "criteria": [{"text": "x", "max_points": 101}]},
            format="json",
        )
    )
    body = {"office": world.org.office_b.pk, "name": "x", "criteria": criteria}
    _chinese_400(staff.post("/api/v1/score-sheets/", body, format="json"))  # another office: not among the caller's
    secretary = api_as(api_client, world.users.secretary)
    assert secretary.post("/api/v1/score-sheets/", {**body, "office": office}, format="json").status_code == 403
    assert ScoreSheet.objects.count() == n and audit() == a
    staff = api_as(api_client, world.users.staff)
    response = staff.post(
        "/api/v1/score-sheets/", {"office": office, "name": "观摩评分表", "criteria": criteria}, format="json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["version"] == 2 and [c["max_points"] for c in created["criteria"]] == [10, 20]
    assert api_as(api_client, world.users.leader_b).get(f"/api/v1/score-sheets/{created['id']}/").status_code == 404

    n = ActivityTag.objects.count()
    staff = api_as(api_client, world.users.staff)
    _chinese_400(staff.post("/api/v1/activity-tags/", {"office": office, "name": "亮赛比"}, format="json"))  # exists
    _chinese_400(staff.post("/api/v1/activity-tags/", {"office": office, "name": ""}, format="json"))
    assert ActivityTag.objects.count() == n
    response = staff.post("/api/v1/activity-tags/", {"office": office, "name": "清廉村居"}, format="json")
    assert response.status_code == 201 and response.json()["name"] == "清廉村居"
    names = [
        t["name"] for t in api_as(api_client, world.users.leader_b).get("/api/v1/activity-tags/").json()["results"]
    ]
    assert "清廉村居" not in names and "亮赛比" in names
