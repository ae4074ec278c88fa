"""API: a feature project's records are read, corrected, deleted with a reason and restored within the undo window
through the pages' services — the same refusals (400, Chinese, nothing written) and the same scope."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.showcase import services
from wuxing.showcase.models import VolunteerActivity
from wuxing.testing import api_as

API = "/api/v1/showcase/records"
D = datetime.date.today() - datetime.timedelta(days=3)


@pytest.fixture
def activity(site, kinds):
    project = services.project_create(actor=SYSTEM, site=site, kind=kinds["volunteers"], title="志愿服务")
    team = services.team_add(actor=SYSTEM, project=project, name="红马甲")
    return services.volunteer_activity_add(
        actor=SYSTEM, team=team, held_on=D, title="清理楼道", volunteer_count=10, hours="20"
    )


def _url(activity, suffix=""):
    return f"{API}/volunteer_activity/{activity.pk}/{suffix}"


def test_anonymous_callers_are_refused(api_client, activity):
    assert api_client.get(_url(activity)).status_code in (401, 403)
    assert api_client.patch(_url(activity), {"title": "x"}, format="json").status_code in (401, 403)
    assert api_client.delete(_url(activity), {"reason": "x"}, format="json").status_code in (401, 403)
    assert api_client.post(_url(activity, "restore/")).status_code in (401, 403)
    activity.refresh_from_db()
    assert activity.title == "清理楼道"


def test_out_of_scope_users_see_nothing_and_change_nothing(api_client, users, activity):
    other = api_as(api_client, users.leader_b)  # office B: the site is office A's
    assert other.get(_url(activity)).status_code == 404
    assert other.patch(_url(activity), {"title": "改"}, format="json").status_code == 404
    assert other.delete(_url(activity), {"reason": "x"}, format="json").status_code == 404
    # A reader in scope who keeps no records may look but not change.
    cadre = api_as(api_client, users.cadre)
    assert cadre.get(_url(activity)).status_code == 200
    assert cadre.patch(_url(activity), {"title": "改"}, format="json").status_code == 403
    assert cadre.delete(_url(activity), {"reason": "x"}, format="json").status_code == 403
    assert api_as(api_client, users.staff).get(f"{API}/nonsense/{activity.pk}/").status_code == 404
    activity.refresh_from_db()
    assert VolunteerActivity.objects.filter(pk=activity.pk, title="清理楼道").exists()


def test_a_record_is_read_and_corrected_with_the_checks_of_adding_it(api_client, users, activity):
    client = api_as(api_client, users.staff)
    body = client.get(_url(activity)).json()
    assert body["values"] == {"held_on": D.isoformat(), "title": "清理楼道", "volunteer_count": 10, "hours": "20.0"}
    assert body["deletable"] is True and body["kind"] == "volunteer_activity"
    response = client.patch(_url(activity), {"title": "清理楼道杂物", "volunteer_count": 12}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["values"]["title"] == "清理楼道杂物"
    activity.refresh_from_db()
    assert (activity.title, activity.volunteer_count, activity.held_on) == ("清理楼道杂物", 12, D)
    row = AuditLog.objects.filter(action="showcase.record_update").latest("id")
    assert row.before["title"] == "清理楼道" and row.actor == users.staff
    # PUT takes every field of the kind, as the page's form does.
    put = {"held_on": D.isoformat(), "title": "清理楼道", "volunteer_count": 10, "hours": "20"}
    assert client.put(_url(activity), put, format="json").status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"held_on": "2099-01-01"}, "held_on", "晚于今天"),
        ({"held_on": "昨天"}, "held_on", "日期"),
        ({"hours": "500"}, "hours", "时长"),
        ({"volunteer_count": "很多"}, "volunteer_count", "整数"),
        ({"title": ""}, "title", ""),
    ],
)
def test_bad_input_is_a_400_in_chinese_and_nothing_is_written(api_client, users, activity, change, field, words):
    client = api_as(api_client, users.staff)
    before = AuditLog.objects.count()
    response = client.patch(_url(activity), change, format="json")
    assert response.status_code == 400, response.content
    message = " ".join(response.json().get(field, []) + response.json().get("detail", []))
    assert words in message and any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    activity.refresh_from_db()
    assert (activity.title, activity.volunteer_count, activity.held_on) == ("清理楼道", 10, D)
    assert AuditLog.objects.count() == before


def test_a_record_is_deleted_with_a_reason_and_restored_within_the_undo_window(api_client, users, activity):
    client = api_as(api_client, users.staff)
    response = client.delete(_url(activity), {"reason": ""}, format="json")
    assert response.status_code == 400 and "理由" in str(response.json())
    assert VolunteerActivity.objects.filter(pk=activity.pk).exists()
    assert client.delete(_url(activity), {"reason": "重复录入"}, format="json").status_code == 204
    assert not VolunteerActivity.objects.filter(pk=activity.pk).exists()
    assert AuditLog.objects.filter(action="showcase.record_delete", note="重复录入").exists()
    response = client.post(_url(activity, "restore/"))
    assert response.status_code == 200, response.content
    assert response.json()["values"]["title"] == "清理楼道"
    assert VolunteerActivity.objects.filter(pk=activity.pk).exists()
    # Too late: the undo window has passed.
    assert client.delete(_url(activity), {"reason": "重复录入"}, format="json").status_code == 204
    later = timezone.now() + datetime.timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", lambda: later):
        response = client.post(_url(activity, "restore/"))
    assert response.status_code == 400
    assert not VolunteerActivity.objects.filter(pk=activity.pk).exists()


def test_a_record_others_depend_on_is_not_deleted(api_client, users, activity):
    client = api_as(api_client, users.staff)
    team = activity.team
    response = client.delete(f"{API}/team/{team.pk}/", {"reason": "x"}, format="json")
    assert response.status_code == 400 and "请先删除" in str(response.json())
    assert client.get(f"{API}/team/{team.pk}/").json()["deletable"] is False
    assert type(team).objects.filter(pk=team.pk).exists()


def test_the_record_routes_are_in_the_schema(api_client, users):
    schema = api_as(api_client, users.staff).get("/api/schema/?format=json").json()
    path = schema["paths"]["/api/v1/showcase/records/{kind}/{id}/"]
    assert {"get", "put", "patch", "delete"} <= set(path)
    assert "post" in schema["paths"]["/api/v1/showcase/records/{kind}/{id}/restore/"]
