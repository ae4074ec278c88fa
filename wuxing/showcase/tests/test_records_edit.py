"""A record of a feature project is corrected with the checks of adding it (its history shown in Chinese), and
deleted with a reason when nothing depends on it; the deletion can be undone for 10 seconds."""

import datetime
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.showcase import services
from wuxing.showcase.models import VolunteerActivity, VolunteerTeam

D = datetime.date.today() - datetime.timedelta(days=3)


class Clock:
    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    frozen = Clock()
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


@pytest.fixture
def team(site, kinds):
    project = services.project_create(actor=SYSTEM, site=site, kind=kinds["volunteers"], title="志愿服务")
    return services.team_add(actor=SYSTEM, project=project, name="红马甲")


@pytest.fixture
def activity(team):
    return services.volunteer_activity_add(
        actor=SYSTEM, team=team, held_on=D, title="清理楼道", volunteer_count=10, hours="20"
    )


def test_a_record_is_corrected_and_its_history_reads_in_chinese(client, users, activity):
    client.force_login(users.staff)
    url = reverse("showcase:record_edit", args=["volunteer_activity", activity.pk])
    page = client.get(url).content.decode()
    assert f'value="{D.isoformat()}"' in page and "清理楼道" in page
    data = {"held_on": D.isoformat(), "title": "清理楼道杂物", "volunteer_count": 12, "hours": "24"}
    assert client.post(url, data).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.volunteer_count) == ("清理楼道杂物", 12)
    page = client.get(url).content.decode()
    assert "更正" in page and "<del>清理楼道</del>" in page and "<ins>12</ins>" in page
    assert "showcase.record_update" not in page


def test_a_correction_is_checked_as_an_addition_is(users, activity):
    with pytest.raises(ValidationError):  # 10 volunteers cannot serve 300 hours in a day
        services.record_update(
            actor=users.staff,
            kind="volunteer_activity",
            record=activity,
            held_on=D,
            title="x",
            volunteer_count=10,
            hours="300",
        )
    with pytest.raises(ValidationError):  # not in the future
        services.record_update(
            actor=users.staff,
            kind="volunteer_activity",
            record=activity,
            held_on=timezone.localdate() + datetime.timedelta(days=2),
            title="x",
            volunteer_count=10,
            hours="2",
        )
    activity.refresh_from_db()
    assert activity.title == "清理楼道"


def test_a_record_others_depend_on_is_not_deleted(client, users, team, activity):
    with pytest.raises(ValidationError):
        services.record_delete(actor=users.staff, kind="team", record=team, reason="x")
    assert VolunteerTeam.objects.filter(pk=team.pk).exists()
    client.force_login(users.staff)
    page = client.get(reverse("showcase:record_edit", args=["team", team.pk])).content.decode()
    assert reverse("showcase:record_delete", args=["team", team.pk]) not in page


def test_delete_with_a_reason_and_undo_within_ten_seconds_only(client, users, activity, clock):
    client.force_login(users.staff)
    delete = reverse("showcase:record_delete", args=["volunteer_activity", activity.pk])
    restore = reverse("showcase:record_restore", args=["volunteer_activity", activity.pk])
    client.post(delete, {"reason": ""}, HTTP_REFERER="/")
    assert VolunteerActivity.objects.filter(pk=activity.pk).exists()
    response = client.post(delete, {"reason": "重复录入"})
    assert restore in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert not VolunteerActivity.objects.filter(pk=activity.pk).exists()
    assert AuditLog.objects.get(action="showcase.record_delete").note == "重复录入"
    clock.now += datetime.timedelta(seconds=9)
    client.post(restore)
    assert VolunteerActivity.objects.get(pk=activity.pk).title == "清理楼道"
    client.post(delete, {"reason": "确实重复"})
    clock.now += datetime.timedelta(seconds=11)
    response = client.post(restore, HTTP_REFERER="/")
    assert "10 秒" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert not VolunteerActivity.objects.filter(pk=activity.pk).exists()


def test_only_who_changes_the_project_deletes_and_restores(client, users, activity, clock):
    for user, expected in ((users.cadre, 403), (users.leader_b, 404), (users.secretary, 404)):
        client.force_login(user)
        url = reverse("showcase:record_delete", args=["volunteer_activity", activity.pk])
        assert client.post(url, {"reason": "x"}).status_code == expected, user
    assert VolunteerActivity.objects.filter(pk=activity.pk).exists()
    services.record_delete(actor=users.staff, kind="volunteer_activity", record=activity, reason="x")
    client.force_login(users.leader_b)
    url = reverse("showcase:record_restore", args=["volunteer_activity", activity.pk])
    response = client.post(url, HTTP_REFERER="/")
    assert response.status_code in (302, 403, 404)
    assert not VolunteerActivity.objects.filter(pk=activity.pk).exists()
    assert client.post(reverse("showcase:record_restore", args=["nothing", 1])).status_code == 404
