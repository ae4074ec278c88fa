"""The rhythm's endpoints: the same services and scope as the pages, Chinese refusals, the caller's own
notifications."""

import datetime

import pytest
from rest_framework.test import APIClient

from wuxing.core.actors import SYSTEM
from wuxing.rhythm import services
from wuxing.testing import api_as

from .conftest import WORKDAY, frozen


def _client(user):
    return api_as(APIClient(), user)


def test_a_secretary_reports_through_the_api(world):
    client = _client(world.users.secretary)
    body = {
        "branch": world.org.branches["a1"].pk,
        "date": WORKDAY.isoformat(),
        "progress": "入户走访",
        "help_text": "缺经费",
    }
    with frozen(datetime.datetime(2026, 11, 25, 18, 1)):
        response = client.post("/api/v1/daily-reports/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["branch"], data["date"], data["status"], data["text"]) == (
        world.org.branches["a1"].pk,
        "2026-11-25",
        "late",
        "入户走访",
    )
    listed = _client(world.users.leader).get("/api/v1/daily-reports/?date=2026-11-25").json()
    assert listed["count"] == 1
    assert _client(world.users.leader_b).get("/api/v1/daily-reports/").json()["count"] == 0
    assert _client(world.users.auditor).get("/api/v1/daily-reports/").status_code == 403
    helps = _client(world.users.cadre).get("/api/v1/help-requests/?status=open").json()["results"]
    assert [h["text"] for h in helps] == ["缺经费"]
    with frozen(datetime.datetime(2026, 11, 25, 19, 0)):
        answered = _client(world.users.cadre).post(
            f"/api/v1/help-requests/{helps[0]['id']}/answer/", {"answer": "已协调"}, format="json"
        )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"


@pytest.mark.parametrize(
    "branch,date,status,text",
    [
        ("a2", "2026-11-25", 400, "对象不存在"),  # another branch is not even visible
        ("a1", "2026-10-01", 400, "不是工作日"),
        ("a1", "2026-11-26", 400, "尚未到来"),
        ("b1", "2026-11-25", 400, "对象不存在"),
    ],
)
def test_refused_reports_answer_in_chinese(world, branch, date, status, text):
    body = {"branch": world.org.branches[branch].pk, "date": date, "progress": "x"}
    with frozen(datetime.datetime(2026, 11, 25, 17, 0)):
        response = _client(world.users.secretary).post("/api/v1/daily-reports/", body, format="json")
    assert response.status_code == status and text in response.content.decode(), response.content.decode()


def test_meetings_actions_and_events(world):
    staff = _client(world.users.staff)
    meeting = staff.post(
        "/api/v1/meetings/",
        {"campaign": world.campaign.pk, "kind": "progress", "held_on": "2026-11-02", "title": "工作推进会"},
        format="json",
    ).json()
    assert staff.patch(f"/api/v1/meetings/{meeting['id']}/", {"minutes": "研究推进"}, format="json").json()["held"]
    action = staff.post(
        "/api/v1/actions/",
        {
            "meeting": meeting["id"],
            "title": "补齐台账",
            "due_on": "2026-11-20",
            "owner_department": world.org.dept_a1.pk,
        },
        format="json",
    )
    assert action.status_code == 201 and action.json()["overdue"] is True
    closed = _client(world.users.cadre).post(
        f"/api/v1/actions/{action.json()['id']}/close/", {"evidence": "台账已建"}, format="json"
    )
    assert closed.json()["status"] == "done"
    assert _client(world.users.leader_b).get("/api/v1/actions/").json()["count"] == 0
    event = staff.post(
        "/api/v1/calendar-events/",
        {"campaign": world.campaign.pk, "kind": "mobilisation", "title": "动员部署会", "date": "2026-12-01"},
        format="json",
    ).json()
    moved = staff.patch(f"/api/v1/calendar-events/{event['id']}/", {"date": "2026-12-02"}, format="json").json()
    assert (moved["date"], moved["moved_from"]) == ("2026-12-02", "2026-12-01")
    refused = _client(world.users.secretary).post(
        "/api/v1/calendar-events/",
        {"campaign": world.campaign.pk, "kind": "other", "title": "x", "date": "2026-12-01"},
        format="json",
    )
    assert refused.status_code == 403


def test_notifications_are_the_callers_own(world):
    with frozen(datetime.datetime(2026, 11, 25, 16, 0)):
        services.remind_missing(actor=SYSTEM, campaign=world.campaign, day=WORKDAY)
    mine = _client(world.users.secretary).get("/api/v1/notifications/").json()
    assert mine["count"] == 1 and mine["results"][0]["read_at"] is None
    other = _client(world.users.staff)
    assert other.get("/api/v1/notifications/").json()["count"] == 0
    assert other.post(f"/api/v1/notifications/{mine['results'][0]['id']}/read/").status_code == 404
    read = _client(world.users.secretary).post(f"/api/v1/notifications/{mine['results'][0]['id']}/read/")
    assert read.json()["read_at"] is not None
    assert _client(world.users.secretary).post("/api/v1/notifications/read-all/").json() == {"marked": 0}
