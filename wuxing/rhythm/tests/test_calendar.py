"""The calendar: weekly meetings generated on the official working days (idempotent), the office moves and adds
events, the month page marks holidays and 调休 days (and says so when a year has no official data), the feed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from wuxing.rhythm import rules, services
from wuxing.rhythm.models import CalendarEvent, CalendarToken

from .conftest import frozen


def test_weekly_meetings_are_generated_once_on_working_days(world):
    added = services.calendar_generate(actor=world.users.staff, campaign=world.campaign)
    events = list(CalendarEvent.objects.filter(campaign=world.campaign))
    assert added == len(events) == 51  # 53 weeks touch 2026; the Spring Festival week is off, one week is in 2025
    assert all(rules.is_working_day(e.day) and e.day.year == 2026 for e in events)
    assert datetime.date(2026, 10, 8) in {e.day for e in events}  # after the National Day holiday
    assert services.calendar_generate(actor=world.users.staff, campaign=world.campaign) == 0


def test_the_office_moves_a_meeting_and_adds_a_progress_meeting(world):
    services.calendar_generate(actor=world.users.staff, campaign=world.campaign)
    event = CalendarEvent.objects.get(campaign=world.campaign, day=datetime.date(2026, 11, 23))
    moved = services.event_move(actor=world.users.staff, event=event, day=datetime.date(2026, 11, 24))
    assert moved.moved_from == datetime.date(2026, 11, 23)
    assert services.calendar_generate(actor=world.users.staff, campaign=world.campaign) == 0, "a moved week stays"
    added = services.event_create(
        actor=world.users.leader, campaign=world.campaign, kind="progress", title="工作推进会", day="2026-11-26"
    )
    assert added.kind == "progress"
    with pytest.raises(ValidationError):
        services.event_create(
            actor=world.users.leader, campaign=world.campaign, kind="progress", title="x", day="2027-01-05"
        )
    with pytest.raises(ValidationError):
        services.event_create(
            actor=world.users.leader, campaign=world.campaign, kind="progress", title=" ", day="2026-11-26"
        )


def test_the_secretary_cannot_edit_the_calendar(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.calendar_generate(actor=world.users.secretary, campaign=world.campaign)


def test_the_month_page_shows_events_holidays_and_adjusted_days(client, world):
    services.calendar_generate(actor=world.users.staff, campaign=world.campaign)
    client.force_login(world.users.secretary)
    page = client.get(reverse("rhythm:calendar") + "?month=2026-10").content.decode()
    assert "周例会" in page and "假" in page
    page = client.get(reverse("rhythm:calendar") + "?month=2026-02").content.decode()
    assert "调休" in page or "班" in page
    assert 'id="wx-no-official-calendar"' not in page
    page = client.get(reverse("rhythm:calendar") + "?month=2027-01").content.decode()
    assert 'id="wx-no-official-calendar"' in page
    assert client.get(reverse("rhythm:calendar") + "?month=junk").status_code == 404


def test_the_feed_serves_the_users_events_by_token(client, world):
    services.calendar_generate(actor=world.users.staff, campaign=world.campaign)
    client.force_login(world.users.secretary)
    client.post(reverse("rhythm:calendar_token_reset"))
    token = CalendarToken.objects.get(user=world.users.secretary).token
    assert token in client.get(reverse("rhythm:calendar")).content.decode()
    client.logout()
    with frozen(datetime.datetime(2026, 11, 25, 9, 0)):
        response = client.get(reverse("rhythm:calendar_feed", args=[token]))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert text.count("BEGIN:VEVENT") > 10 and "DTSTART;TZID=Asia/Shanghai:20261130T090000" in text
    assert "UID:report-" in text, "the secretary's daily report deadlines are in the feed"
    assert client.get(reverse("rhythm:calendar_feed", args=["wrong"])).status_code == 404
    client.force_login(world.users.secretary)
    client.post(reverse("rhythm:calendar_token_reset"))
    client.logout()
    assert client.get(reverse("rhythm:calendar_feed", args=[token])).status_code == 404, "the old address is dead"


def test_the_feed_of_another_office_does_not_show_office_a(client, world):
    services.calendar_generate(actor=world.users.staff, campaign=world.campaign)
    token = services.calendar_token_reset(actor=world.users.leader_b).token
    text = client.get(reverse("rhythm:calendar_feed", args=[token])).content.decode()
    assert "BEGIN:VEVENT" not in text
