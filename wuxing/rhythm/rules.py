"""The rhythm's rules as pure functions: the official working calendar, report deadlines and lateness, which
report may be written, meeting dates, overdue actions, the iCalendar text and the summary's content hash."""

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext_noop

DEFAULT_DEADLINE = datetime.time(18, 0)
DEFAULT_REMINDER = datetime.time(16, 0)
DEFAULT_MEETING_WEEKDAY = 0  # Monday


def has_official_calendar(year: int) -> bool:
    """Whether `chinese-calendar` holds the State Council's holiday arrangement for the year."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: datetime.date) -> bool:
    """An official working day (holidays off, 调休 weekend days on); Monday to Friday for a year without data."""
    if has_official_calendar(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def working_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days, day = [], start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def holiday_name(day: datetime.date) -> str:
    """The official holiday's name (English, from the package) or ""; "" for a year without data."""
    if not has_official_calendar(day.year):
        return ""
    on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return name or "" if on_holiday else ""


def is_adjusted_working_day(day: datetime.date) -> bool:
    """A weekend day worked in exchange for a holiday (调休上班)."""
    return day.weekday() >= 5 and is_working_day(day)


def last_working_day(before_or_on: datetime.date) -> datetime.date:
    day = before_or_on
    for _ in range(40):
        if is_working_day(day):
            return day
        day -= datetime.timedelta(days=1)
    return before_or_on


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_starts(year: int) -> list[datetime.date]:
    """The Monday of every week that has at least one day in the year."""
    monday = week_start(datetime.date(year, 1, 1))
    out = []
    while monday.year <= year:
        out.append(monday)
        monday += datetime.timedelta(days=7)
    return [m for m in out if (m + datetime.timedelta(days=6)).year >= year]


def meeting_day(monday: datetime.date, weekday: int = DEFAULT_MEETING_WEEKDAY) -> datetime.date | None:
    """The weekly meeting's day in the week of `monday`: the office's weekday, or the first working day after it
    in the same week, or the last one before it; None when the whole week is off (the Spring Festival)."""
    days = [monday + datetime.timedelta(days=i) for i in range(7)]
    wanted = days[weekday]
    later = [d for d in days if d >= wanted and is_working_day(d)]
    if later:
        return later[0]
    earlier = [d for d in days if d < wanted and is_working_day(d)]
    return earlier[-1] if earlier else None


def deadline_at(day: datetime.date, deadline: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, deadline)


def report_status(submitted_local: datetime.datetime, day: datetime.date, deadline: datetime.time) -> str:
    """ "on_time" up to and including the deadline minute's start, "late" after it (a naive local datetime)."""
    return "on_time" if submitted_local.replace(tzinfo=None) <= deadline_at(day, deadline) else "late"


def report_refusal(*, day: datetime.date, today: datetime.date, working: bool, locked: bool) -> str | None:
    """Why a daily report for `day` cannot be written now (an English msgid, translated by the caller), or None."""
    if day > today:
        return gettext_noop("A daily report cannot be written for a day that has not come yet.")
    if not working:
        return gettext_noop("%(day)s is not a working day; no daily report is due.")
    if locked:
        return gettext_noop("The office has locked the reports of %(day)s; they can no longer be changed.")
    return None


def punctuality_percent(on_time: int, working_days_elapsed: int) -> float | None:
    """Daily report punctuality: the share of the working days so far reported on time, 0–100 (None: no day yet)."""
    if working_days_elapsed <= 0:
        return None
    return round(100 * min(on_time, working_days_elapsed) / working_days_elapsed, 1)


def is_action_overdue(*, due_on: datetime.date | None, done: bool, today: datetime.date) -> bool:
    return bool(due_on) and not done and due_on < today


def notification_key(*parts) -> str:
    """The idempotency key of a notification: the same reminder for the same person and day has one key."""
    return ":".join(str(p) for p in parts)[:200]


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    day: datetime.date
    title: str
    start: datetime.time | None = None
    minutes: int = 60
    description: str = ""


def _ics_escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """RFC 5545 §3.1: lines longer than 75 octets are folded (continuation lines start with a space)."""
    out, current = [], ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def ics_text(events: Iterable[IcsEvent], *, name: str, stamp: datetime.datetime, tz: str = "Asia/Shanghai") -> str:
    """A small iCalendar (RFC 5545) document: all-day or timed events in the office's local time."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//wuxing//rhythm//ZH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_ics_escape(name)}",
        f"X-WR-TIMEZONE:{tz}",
    ]
    dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ")
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{dtstamp}"]
        if event.start is None:
            lines.append(f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}")
            lines.append(f"DTEND;VALUE=DATE:{event.day + datetime.timedelta(days=1):%Y%m%d}")
        else:
            begin = datetime.datetime.combine(event.day, event.start)
            end = begin + datetime.timedelta(minutes=event.minutes)
            lines.append(f"DTSTART;TZID={tz}:{begin:%Y%m%dT%H%M%S}")
            lines.append(f"DTEND;TZID={tz}:{end:%Y%m%dT%H%M%S}")
        lines.append(f"SUMMARY:{_ics_escape(event.title)}")
        if event.description:
            lines.append(f"DESCRIPTION:{_ics_escape(event.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))


def content_hash(payload) -> str:
    """SHA-256 of the canonical JSON of a finalised summary (figures and narrative)."""
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
