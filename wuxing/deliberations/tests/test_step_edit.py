"""The last recorded step of a deliberation can be corrected (with its history shown) or deleted with a reason and
restored for 10 seconds — never once a later step is recorded on it."""

import datetime
from datetime import date
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.deliberations import services
from wuxing.deliberations.choices import Step
from wuxing.deliberations.models import DeliberationStep, StepAttachment


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


def test_the_last_step_is_corrected_and_its_history_reads_in_chinese(client, world):
    client.force_login(world.tc.users.secretary)
    url = reverse("deliberations:step_edit", args=[world.step.pk])
    page = client.get(url).content.decode()
    assert 'value="2026-11-02"' in page
    response = client.post(url, {"held_on": "2026-11-03", "chair": "甲一书记", "place": "党群服务中心"})
    assert response.status_code == 302
    world.step.refresh_from_db()
    assert world.step.held_on == date(2026, 11, 3) and world.step.place == "党群服务中心"
    page = client.get(url).content.decode()
    assert "更正" in page and "<del>2026-11-02</del>" in page and "<ins>2026-11-03</ins>" in page
    detail = client.get(reverse("deliberations:deliberation_detail", args=[world.deliberation.pk])).content.decode()
    assert url in detail


def test_a_step_under_a_later_one_is_neither_corrected_nor_deleted(client, world):
    later = services.step_record(
        actor=SYSTEM, deliberation=world.deliberation, step=Step.COMMITTEES_CONSULT, held_on=date(2026, 11, 4)
    )
    for call in (
        lambda: services.step_update(actor=world.tc.users.secretary, step=world.step, held_on=date(2026, 11, 3)),
        lambda: services.step_delete(actor=world.tc.users.secretary, step=world.step, reason="x"),
    ):
        with pytest.raises(ValidationError):
            call()
    client.force_login(world.tc.users.secretary)
    page = client.get(reverse("deliberations:step_edit", args=[world.step.pk])).content.decode()
    assert reverse("deliberations:step_delete", args=[world.step.pk]) not in page
    detail = client.get(reverse("deliberations:deliberation_detail", args=[world.deliberation.pk])).content.decode()
    assert reverse("deliberations:step_edit", args=[later.pk]) in detail
    assert reverse("deliberations:step_edit", args=[world.step.pk]) not in detail


def test_a_corrected_step_is_checked_again(world):
    # The resolution cannot be published before the residents' meeting that adopted it (2026-11-05).
    with pytest.raises(ValidationError):
        services.step_update(actor=SYSTEM, step=world.notice, held_on=date(2026, 11, 4), minutes="改")
    world.notice.refresh_from_db()
    assert world.notice.held_on == date(2026, 11, 6) and world.notice.minutes != "改"


def test_the_last_step_is_deleted_with_a_reason_and_restored_within_ten_seconds(client, world, clock):
    client.force_login(world.tc.users.secretary)
    delete = reverse("deliberations:step_delete", args=[world.step.pk])
    client.post(delete, {"reason": ""}, HTTP_REFERER="/")
    assert DeliberationStep.objects.filter(pk=world.step.pk).exists()
    response = client.post(delete, {"reason": "会议日期录错，重新录入"})
    assert response.status_code == 302
    assert not DeliberationStep.objects.filter(pk=world.step.pk).exists()
    assert not StepAttachment.objects.filter(step_id=world.step.pk).exists()
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    restore = reverse("deliberations:step_restore", args=[world.step.pk])
    assert restore in text
    assert AuditLog.objects.get(action="deliberation.step_delete").note == "会议日期录错，重新录入"
    clock.now += datetime.timedelta(seconds=10)
    client.post(restore)
    step = DeliberationStep.objects.get(pk=world.step.pk)
    assert step.attachments.count() == 1 and step.chair == "甲一书记"
    # Deleted again, the undo comes too late.
    client.post(delete, {"reason": "再删"})
    clock.now += datetime.timedelta(seconds=11)
    response = client.post(restore, HTTP_REFERER="/")
    assert "10 秒" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert not DeliberationStep.objects.filter(pk=world.step.pk).exists()


def test_a_step_recorded_again_in_its_place_is_not_overwritten_by_an_undo(client, world, clock):
    client.force_login(world.tc.users.secretary)
    client.post(reverse("deliberations:step_delete", args=[world.step.pk]), {"reason": "重录"})
    services.step_record(
        actor=SYSTEM, deliberation=world.deliberation, step=Step.PROPOSE, held_on=date(2026, 11, 3), chair="新"
    )
    response = client.post(reverse("deliberations:step_restore", args=[world.step.pk]), HTTP_REFERER="/")
    assert response.status_code == 302
    assert list(world.deliberation.steps.values_list("chair", flat=True)) == ["新"]
