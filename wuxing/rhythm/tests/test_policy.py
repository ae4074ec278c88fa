"""The office's own rhythm settings: the daily report deadline and the weekly meeting day."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.rhythm import services
from wuxing.rhythm.models import CalendarEvent, RhythmPolicy

from .conftest import frozen


def test_the_office_sets_its_deadline_and_meeting_day(client, world, submit):
    client.force_login(world.users.staff)
    response = client.post(
        reverse("rhythm:policy_edit"), {"report_deadline": "17:30", "meeting_weekday": "2", "meeting_time": "14:30"}
    )
    assert response.status_code == 302
    policy = RhythmPolicy.objects.get(office=world.org.office_a)
    assert (policy.report_deadline, policy.meeting_weekday) == (datetime.time(17, 30), 2)
    assert submit(at=datetime.time(17, 45)).status == "late"
    services.calendar_generate(actor=world.users.staff, campaign=world.campaign)
    event = CalendarEvent.objects.get(campaign=world.campaign, generated_for=datetime.date(2026, 11, 23))
    assert event.day == datetime.date(2026, 11, 25) and event.start == datetime.time(14, 30)


def test_bad_settings_are_refused(client, world):
    client.force_login(world.users.staff)
    page = client.post(
        reverse("rhythm:policy_edit"), {"report_deadline": "25:00", "meeting_weekday": "6", "meeting_time": "x"}
    ).content.decode()
    assert "errorlist" in page or "invalid-feedback" in page
    assert not RhythmPolicy.objects.exists()
    with pytest.raises(ValidationError):
        services.policy_set(
            actor=world.users.staff,
            office=world.org.office_a,
            report_deadline=datetime.time(18),
            meeting_weekday=6,
            meeting_time=datetime.time(9),
        )
    with pytest.raises(PermissionDenied):
        services.policy_set(
            actor=world.users.leader_b,
            office=world.org.office_a,
            report_deadline=datetime.time(18),
            meeting_weekday=0,
            meeting_time=datetime.time(9),
        )
    with pytest.raises(PermissionDenied), frozen(datetime.datetime(2026, 11, 25, 9, 0)):
        services.policy_set(
            actor=world.users.secretary,
            office=world.org.office_a,
            report_deadline=datetime.time(18),
            meeting_weekday=0,
            meeting_time=datetime.time(9),
        )
