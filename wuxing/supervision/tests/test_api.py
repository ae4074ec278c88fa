"""Supervision's API: the same scope as the pages, rankings with `rank`, R15 transitions with a Chinese 400."""

import pytest
from django.core.management import call_command

from wuxing.supervision import services
from wuxing.testing import api_as

from .conftest import card_of, full_marks


@pytest.fixture
def scored(world):
    for user in (world.users.leader, world.users.staff):
        for code, value in (("a1", 8), ("a2", 8)):
            card = card_of(world.observation, user, world.org.branches[code])
            services.card_save(actor=user, card=card, points=full_marks(card, value), submit=True)
    services.evaluation_compute(actor=user, evaluation=world.evaluation)
    return world


def test_observations_carry_their_sheet_and_ranking(api_client, scored):
    api = api_as(api_client, scored.users.leader)
    listing = api.get("/api/v1/observations/").json()
    assert listing["count"] == 1 and listing["results"][0]["submitted"] == 4
    detail = api.get(f"/api/v1/observations/{scored.observation.pk}/").json()
    assert [c["text"] for c in detail["sheet"]["criteria"]] == ["班子建设", "阵地建设", "群众评价"]
    assert [(r["branch_name"], r["rank"]) for r in detail["ranking"]] == [("甲二社区", 1), ("甲一村", 1)]
    assert api_as(api_client, scored.users.leader_b).get("/api/v1/observations/").json()["count"] == 0


def test_evaluations_have_ranking_rows_with_rank(api_client, scored):
    body = api_as(api_client, scored.users.secretary).get("/api/v1/evaluations/").json()
    rows = body["results"][0]["rows"]
    assert {r["branch_name"]: r["rank"] for r in rows}["甲二社区"] in (1, 2)
    assert all("missing" in r and "board" in r for r in rows)
    assert rows[-1]["rank"] is None  # a3: nothing measured


def test_inspections_findings_and_rectifications_in_scope(api_client, world):
    services.public_report_submit(
        office=world.org.office_a, branch=world.org.branches["a2"], text="问题", address="10.1.1.1", phone="13912345678"
    )
    leader = api_as(api_client, world.users.leader)
    assert leader.get("/api/v1/inspections/").json()["results"][0]["inspectors"] == ["甲书记", "甲干部"]
    findings = leader.get("/api/v1/inspection-findings/").json()
    assert findings["count"] == 2 and "13912345678" not in str(findings)
    assert leader.get("/api/v1/inspection-findings/", {"triage": "pending"}).json()["count"] == 1
    secretary = api_as(api_client, world.users.secretary)
    assert secretary.get("/api/v1/inspection-findings/").json()["count"] == 1  # a1's only
    rows = secretary.get("/api/v1/rectifications/").json()["results"]
    assert [r["state"] for r in rows] == ["open"] and rows[0]["allowed"] == ["in_progress"]
    assert api_as(api_client, world.users.leader_b).get("/api/v1/rectifications/").json()["count"] == 0
    assert api_as(api_client, world.users.auditor).get("/api/v1/rectifications/").status_code == 403


def test_transition_moves_a_step_and_refuses_a_forbidden_one_in_chinese(api_client, world):
    url = f"/api/v1/rectifications/{world.rectification.pk}/transition/"
    secretary = api_as(api_client, world.users.secretary)
    response = secretary.post(url, {"to": "verified", "note": "好了"}, format="json")
    assert response.status_code == 400
    assert "不能改为“已验收销号”" in str(response.json())
    response = secretary.post(url, {"to": "in_progress"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "in_progress"
    response = secretary.post(url, {"to": "submitted", "note": "已补齐台账"}, format="json")
    assert response.json()["state"] == "submitted"
    response = secretary.post(url, {"to": "verified"}, format="json")
    assert response.status_code == 403
    response = secretary.post(url, {"to": "lost"}, format="json")
    assert response.status_code == 400 and "未知状态" in str(response.json())
    staff = api_as(api_client, world.users.staff)
    response = staff.post(url, {"to": "returned"}, format="json")
    assert response.status_code == 400 and "理由" in str(response.json())
    assert staff.post(url, {"to": "returned", "note": "材料不全"}, format="json").json()["returned_count"] == 1
    other = api_as(api_client, world.users.leader_b)
    assert other.post(url, {"to": "in_progress"}, format="json").status_code == 404


def test_the_schema_has_the_endpoints_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text(encoding="utf-8")
    for path in ("observations", "evaluations", "inspections", "inspection-findings", "rectifications/{id}/transition"):
        assert f"/api/v1/{path}/" in text
