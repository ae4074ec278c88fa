"""The rhythm's rules without a database: the official calendar of 2025 and 2026 (from chinese-calendar), the
fallback for a year without data, lateness at the deadline, refusals, meeting days, the iCalendar text."""

import datetime

import chinese_calendar
import pytest

from wuxing.rhythm import rules

D = datetime.date


def _year(year):
    return [D(year, 1, 1) + datetime.timedelta(days=i) for i in range((D(year + 1, 1, 1) - D(year, 1, 1)).days)]


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_2025_and_2026_follows_the_official_arrangement(year):
    for day in _year(year):
        assert rules.is_working_day(day) == chinese_calendar.is_workday(day), day


def test_the_adjusted_working_days_of_2025_and_2026_are_working_days():
    # The State Council's 调休 weekend working days, as the package holds them.
    adjusted_2025 = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]
    adjusted_2026 = [d for d in _year(2026) if d.weekday() >= 5 and chinese_calendar.is_workday(d)]
    assert adjusted_2026[:3] == [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28)]
    assert [d for d in _year(2025) if rules.is_adjusted_working_day(d)] == adjusted_2025
    assert [d for d in _year(2026) if rules.is_adjusted_working_day(d)] == adjusted_2026
    for day in adjusted_2025 + adjusted_2026:
        assert day.weekday() >= 5 and rules.is_working_day(day)


def test_holidays_are_not_working_days():
    for day in [D(2025, 1, 1), D(2025, 1, 29), D(2025, 10, 1), D(2025, 10, 8), D(2026, 2, 17), D(2026, 10, 1)]:
        assert day.weekday() < 5 and not rules.is_working_day(day), day
        assert rules.holiday_name(day)
    assert rules.holiday_name(D(2026, 10, 1)) == "National Day"


def test_a_year_without_official_data_falls_back_to_monday_to_friday():
    assert rules.has_official_calendar(2026) and not rules.has_official_calendar(2027)
    assert rules.is_working_day(D(2027, 1, 1))  # a Friday; the real holiday is unknown until published
    assert not rules.is_working_day(D(2027, 1, 2))
    assert rules.holiday_name(D(2027, 1, 1)) == "" and not rules.is_adjusted_working_day(D(2027, 1, 2))


@pytest.mark.parametrize(
    "at,expected", [((17, 59), "on_time"), ((18, 0), "on_time"), ((18, 1), "late"), ((23, 59), "late")]
)
def test_a_report_is_late_after_the_deadline(at, expected):
    day = D(2026, 11, 25)
    submitted = datetime.datetime.combine(day, datetime.time(*at))
    assert rules.report_status(submitted, day, datetime.time(18, 0)) == expected


def test_a_report_of_an_earlier_day_is_late():
    day = D(2026, 11, 24)
    assert rules.report_status(datetime.datetime(2026, 11, 25, 9, 0), day, datetime.time(18, 0)) == "late"


def test_refusals():
    today = D(2026, 11, 25)
    ok = {"today": today, "working": True, "locked": False}
    assert rules.report_refusal(day=today, **ok) is None
    assert "not come" in rules.report_refusal(day=today + datetime.timedelta(days=1), **ok)
    assert "not a working day" in rules.report_refusal(day=today, today=today, working=False, locked=False)
    assert "locked" in rules.report_refusal(day=today, today=today, working=True, locked=True)


def test_the_weekly_meeting_moves_off_holidays():
    assert rules.meeting_day(D(2026, 11, 23)) == D(2026, 11, 23)  # an ordinary Monday
    # 2026-10-01..07 is the National Day holiday: the week of Monday 5 October meets on Thursday the 8th.
    assert rules.meeting_day(D(2026, 10, 5)) == D(2026, 10, 8)
    # Spring Festival 2026 (16–22 February after the 调休): the week of the 16th has no working day.
    assert rules.meeting_day(D(2026, 2, 16)) is None
    # A Friday meeting in a week whose Friday is off falls back to the last working day before it.
    assert rules.meeting_day(D(2026, 9, 28), weekday=4) == D(2026, 9, 30)


def test_week_starts_cover_the_year():
    weeks = rules.week_starts(2026)
    assert weeks[0] == D(2025, 12, 29) and weeks[-1] == D(2026, 12, 28) and len(weeks) == 53
    assert all(w.weekday() == 0 for w in weeks)


def test_overdue_action():
    today = D(2026, 11, 25)
    assert rules.is_action_overdue(due_on=D(2026, 11, 24), done=False, today=today)
    assert not rules.is_action_overdue(due_on=D(2026, 11, 25), done=False, today=today)
    assert not rules.is_action_overdue(due_on=D(2026, 11, 1), done=True, today=today)


def test_ics_text_is_folded_escaped_and_crlf():
    events = [
        rules.IcsEvent(uid="a@x", day=D(2026, 11, 23), title="周例会, 第47周; 党建", start=datetime.time(9, 0)),
        rules.IcsEvent(uid="b@x", day=D(2026, 11, 24), title="推进会" * 40),
    ]
    text = rules.ics_text(events, name="五星", stamp=datetime.datetime(2026, 11, 20, 1, 0, tzinfo=datetime.UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")
    assert "SUMMARY:周例会\\, 第47周\\; 党建" in lines
    assert "DTSTART;TZID=Asia/Shanghai:20261123T090000" in lines
    assert "DTSTART;VALUE=DATE:20261124" in lines and "DTEND;VALUE=DATE:20261125" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:" + "推进会" * 40 in unfolded.split("\r\n")
