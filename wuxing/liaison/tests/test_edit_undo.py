"""Editing a 五个一 activity keeps its history; deleting it needs a reason and can be undone for 10 seconds."""

import datetime
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.liaison import services
from wuxing.liaison.models import Activity, ActivityEvidence

TODAY = datetime.date.today()


@pytest.fixture
def activity(assignments):
    return services.activity_record(
        actor=SYSTEM,
        campaign_assignment=assignments[("T-a1", "A1")],
        kind="party_lecture",
        held_on=TODAY,
        participants="全体党员",
        evidence=[as_upload(sample_jpeg("党课"), "a.jpg", "image/jpeg")],
    )


class Clock:
    """timezone.now() frozen at a moment the test moves on."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    frozen = Clock()
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


def test_an_edit_is_shown_as_a_readable_change_on_the_activity_page(client, users, activity):
    client.force_login(users.cadre)
    url = reverse("liaison:activity_edit", args=[activity.pk])
    page = client.get(url).content.decode()
    assert f'value="{TODAY.isoformat()}"' in page  # the saved date stays in the date input
    response = client.post(url, {"kind": "heart_talk", "held_on": TODAY.isoformat(), "participants": "两委委员"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.kind, activity.participants) == ("heart_talk", "两委委员")
    page = client.get(reverse("liaison:activity_detail", args=[activity.pk])).content.decode()
    assert "修改" in page and "<del>上一节党课</del>" in page and "<ins>开展一次谈心谈话</ins>" in page
    assert "<del>全体党员</del>" in page and "liaison.activity_update" not in page


def test_an_edit_with_bad_input_changes_nothing(users, activity):
    with pytest.raises(ValidationError):
        services.activity_update(
            actor=users.cadre, activity=activity, kind="party_lecture", held_on=TODAY, participants="  "
        )
    with pytest.raises(ValidationError):
        services.activity_update(
            actor=users.cadre,
            activity=activity,
            kind="party_lecture",
            held_on=TODAY + datetime.timedelta(days=3),
            participants="x",
        )
    activity.refresh_from_db()
    assert activity.participants == "全体党员"


def test_delete_needs_a_reason_and_is_undone_within_ten_seconds(client, users, activity, clock):
    client.force_login(users.cadre)
    delete = reverse("liaison:activity_delete", args=[activity.pk])
    client.post(delete, {"reason": "  "}, HTTP_REFERER="/")
    assert Activity.objects.filter(pk=activity.pk).exists()

    response = client.post(delete, {"reason": "重复录入"})
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists() and not ActivityEvidence.objects.exists()
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    restore = reverse("liaison:activity_restore", args=[activity.pk])
    assert f'action="{restore}"' in text and "撤销" in text
    row = AuditLog.objects.get(action="liaison.activity_delete")
    assert row.note == "重复录入" and row.before["participants"] == "全体党员"

    clock.now += datetime.timedelta(seconds=9)
    response = client.post(restore)
    assert response.status_code == 302
    restored = Activity.objects.get(pk=activity.pk)
    assert restored.participants == "全体党员" and restored.evidence.count() == 1
    assert AuditLog.objects.filter(action="liaison.activity_restore").count() == 1


def test_undo_is_refused_after_ten_seconds(client, users, activity, clock):
    client.force_login(users.cadre)
    client.post(reverse("liaison:activity_delete", args=[activity.pk]), {"reason": "录错了"})
    clock.now += datetime.timedelta(seconds=11)
    response = client.post(reverse("liaison:activity_restore", args=[activity.pk]), HTTP_REFERER="/")
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "10 秒" in text
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not AuditLog.objects.filter(action="liaison.activity_restore").exists()


def test_delete_and_undo_stay_in_scope(client, users, activity, assignments, clock):
    # The secretary reads the activity but may not delete it; another office's leader does not see it.
    for user, expected in ((users.secretary, 403), (users.leader_b, 404)):
        client.force_login(user)
        assert client.post(reverse("liaison:activity_delete", args=[activity.pk]), {"reason": "x"}).status_code == (
            expected
        )
    assert Activity.objects.filter(pk=activity.pk).exists()
    # A cadre of another department may not delete or restore an activity of an assignment not its own.
    other = services.activity_record(
        actor=SYSTEM,
        campaign_assignment=assignments[("T-a3", "A2")],
        kind="heart_talk",
        held_on=TODAY,
        participants="x",
    )
    client.force_login(users.cadre)
    assert client.post(reverse("liaison:activity_delete", args=[other.pk]), {"reason": "x"}).status_code == 404
    services.activity_delete(actor=users.staff, activity=other, reason="录错了")
    with pytest.raises(PermissionDenied):
        services.activity_restore(actor=users.cadre, pk=other.pk)
    assert not Activity.objects.filter(pk=other.pk).exists()
    services.activity_restore(actor=users.staff, pk=other.pk)
    assert Activity.objects.filter(pk=other.pk).exists()


def test_the_api_edits_deletes_and_restores_through_the_same_services(users, activity, clock):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(users.cadre)
    url = f"/api/v1/assignment-activities/{activity.pk}/"
    body = {"kind": "heart_talk", "held_on": TODAY.isoformat(), "participants": "两委委员"}
    assert api.put(url, body, format="json").status_code == 200
    assert AuditLog.objects.filter(action="liaison.activity_update").count() == 1
    assert api.delete(url, {}, format="json").status_code == 400  # no reason
    assert api.delete(url, {"reason": "录重了"}, format="json").status_code == 204
    assert not Activity.objects.filter(pk=activity.pk).exists()
    clock.now += datetime.timedelta(seconds=5)
    response = api.post(f"{url}restore/", format="json")
    assert response.status_code == 200 and response.json()["participants"] == "两委委员"
    api.force_authenticate(users.secretary)
    assert api.delete(url, {"reason": "x"}, format="json").status_code == 403
