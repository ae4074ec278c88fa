"""API `deliberation-steps`: the last recorded step is corrected, deleted with a reason and restored within the undo
window through the pages' services — the same refusals (400, Chinese, nothing written) and the same scope."""

import datetime
from datetime import date
from unittest import mock

import pytest
from django.utils import timezone

from wuxing.core.models import AuditLog
from wuxing.core.roles import Role
from wuxing.deliberations.models import DeliberationStep
from wuxing.testing import api_as

API = "/api/v1/deliberation-steps"


@pytest.fixture
def community_secretary(world, make_user):
    """The secretary of 甲二社区, whose deliberation ends with its published resolution (world.notice)."""
    return make_user("t-secretary-a2", Role.BRANCH_SECRETARY, branch=world.tc.a2)


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_anonymous_callers_are_refused(api_client, world):
    url = f"{API}/{world.step.pk}/"
    assert api_client.get(url).status_code in (401, 403)
    assert api_client.patch(url, {"chair": "x"}, format="json").status_code in (401, 403)
    assert api_client.delete(url, {"reason": "x"}, format="json").status_code in (401, 403)
    assert api_client.post(f"{url}restore/").status_code in (401, 403)
    assert DeliberationStep.objects.get(pk=world.step.pk).chair == "甲一书记"


def test_out_of_scope_users_see_nothing_and_change_nothing(api_client, world):
    url = f"{API}/{world.step.pk}/"
    other_office = api_as(api_client, world.tc.users.leader_b)
    assert other_office.get(url).status_code == 404
    assert other_office.patch(url, {"chair": "乙"}, format="json").status_code == 404
    assert other_office.delete(url, {"reason": "x"}, format="json").status_code == 404
    # a1's secretary does not see 甲二社区's steps.
    secretary = api_as(api_client, world.tc.users.secretary)
    assert secretary.get(f"{API}/{world.notice.pk}/").status_code == 404
    assert secretary.delete(f"{API}/{world.notice.pk}/", {"reason": "x"}, format="json").status_code == 404
    # The office leader sees the step but does not record the branch's deliberation.
    leader = api_as(api_client, world.tc.users.leader)
    assert leader.get(url).status_code == 200
    assert leader.patch(url, {"chair": "领导"}, format="json").status_code == 403
    assert leader.delete(url, {"reason": "x"}, format="json").status_code == 403
    assert DeliberationStep.objects.get(pk=world.step.pk).chair == "甲一书记"
    assert DeliberationStep.objects.filter(pk=world.notice.pk).exists()


def test_the_last_step_is_corrected(api_client, world):
    client = api_as(api_client, world.tc.users.secretary)
    url = f"{API}/{world.step.pk}/"
    assert client.get(url).json()["held_on"] == "2026-11-02"
    response = client.patch(url, {"held_on": "2026-11-03", "place": "党群服务中心"}, format="json")
    assert response.status_code == 200, response.content
    step = DeliberationStep.objects.get(pk=world.step.pk)
    assert (step.held_on, step.place, step.chair) == (date(2026, 11, 3), "党群服务中心", "甲一书记")
    row = AuditLog.objects.filter(action="deliberation.step_update").latest("id")
    assert row.before["held_on"] == "2026-11-02" and row.actor == world.tc.users.secretary
    # PUT: every field as on the page's form (the chair left out is cleared).
    assert client.put(url, {"held_on": "2026-11-02"}, format="json").status_code == 200
    assert DeliberationStep.objects.get(pk=world.step.pk).chair == ""


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"held_on": "昨天"}, "日期"),
        ({"held_on": "2026-11-04"}, ""),  # before the residents' meeting that adopted the resolution (11-05)
        ({"attended": -3}, ""),
    ],
)
def test_bad_input_is_a_400_in_chinese_and_nothing_is_written(api_client, world, community_secretary, change, words):
    client = api_as(api_client, community_secretary)
    before = AuditLog.objects.count()
    response = client.patch(f"{API}/{world.notice.pk}/", change, format="json")
    assert response.status_code == 400, response.content
    message = str(response.json())
    assert words in message and _chinese(message), message
    notice = DeliberationStep.objects.get(pk=world.notice.pk)
    assert notice.held_on == date(2026, 11, 6) and notice.minutes.startswith("经居民代表会议")
    assert AuditLog.objects.count() == before


def test_a_step_under_a_later_one_is_refused(api_client, world, community_secretary):
    client = api_as(api_client, community_secretary)
    earlier = world.community.steps.exclude(pk=world.notice.pk).order_by("-position").first()
    response = client.patch(f"{API}/{earlier.pk}/", {"minutes": "改"}, format="json")
    assert response.status_code == 400 and "最后" in str(response.json())
    response = client.delete(f"{API}/{earlier.pk}/", {"reason": "x"}, format="json")
    assert response.status_code == 400
    assert DeliberationStep.objects.get(pk=earlier.pk).minutes != "改"


def test_the_last_step_is_deleted_with_a_reason_and_restored_within_the_undo_window(api_client, world):
    client = api_as(api_client, world.tc.users.secretary)
    url = f"{API}/{world.step.pk}/"
    response = client.delete(url, {"reason": ""}, format="json")
    assert response.status_code == 400 and _chinese(str(response.json()))
    assert DeliberationStep.objects.filter(pk=world.step.pk).exists()
    assert client.delete(url, {"reason": "会议日期录错"}, format="json").status_code == 204
    assert not DeliberationStep.objects.filter(pk=world.step.pk).exists()
    assert AuditLog.objects.get(action="deliberation.step_delete").note == "会议日期录错"
    response = client.post(f"{url}restore/")
    assert response.status_code == 200, response.content
    assert response.json()["chair"] == "甲一书记" and len(response.json()["attachments"]) == 1
    # Deleted again, the undo comes too late.
    assert client.delete(url, {"reason": "再删"}, format="json").status_code == 204
    later = timezone.now() + datetime.timedelta(minutes=5)
    with mock.patch("django.utils.timezone.now", lambda: later):
        response = client.post(f"{url}restore/")
    assert response.status_code == 400 and _chinese(str(response.json()))
    assert not DeliberationStep.objects.filter(pk=world.step.pk).exists()


def test_the_step_routes_are_in_the_schema(api_client, world):
    schema = api_as(api_client, world.tc.users.secretary).get("/api/schema/?format=json").json()
    path = schema["paths"]["/api/v1/deliberation-steps/{id}/"]
    assert {"get", "put", "patch", "delete"} <= set(path)
    assert "post" in schema["paths"]["/api/v1/deliberation-steps/{id}/restore/"]
