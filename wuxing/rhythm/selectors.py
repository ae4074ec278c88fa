"""Reads of the rhythm, scoped to the user: the month calendar and the feed, reports and the daily digest, help
requests, meetings, the weekly agenda, actions and notifications."""

import calendar as pycalendar
import datetime
from dataclasses import dataclass, field

from django.apps import apps as django_apps
from django.db.models import Count, F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.models import CampaignResult
from wuxing.checklists.selectors import checkin_rows_on, flagged_items
from wuxing.liaison.selectors import activity_rows_on
from wuxing.org.models import Branch

from . import rules
from .choices import ActionStatus, HelpStatus, ReportStatus
from .models import (
    Action,
    ActionEvidence,
    AnnualSummary,
    CalendarEvent,
    CalendarToken,
    DailyReport,
    DayLock,
    HelpRequest,
    Meeting,
    Notification,
)
from .services import policy_for

# ---------------------------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------------------------


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list(*, user):
    return Notification.objects.filter(user=user).prefetch_related("deliveries")


# ---------------------------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------------------------


def event_list(*, user, campaign=None, start=None, end=None, action: str = "view"):
    qs = CalendarEvent.objects.restrict(user, action).select_related("campaign")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    return qs.order_by("day", "start", "id")


def event_get(*, user, pk: int, action: str = "view") -> CalendarEvent:
    event = event_list(user=user, action=action).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


@dataclass
class Day:
    day: datetime.date
    in_month: bool
    working: bool
    adjusted: bool
    holiday: str
    events: list = field(default_factory=list)


def month_grid(*, user, campaign, year: int, month: int) -> dict:
    """The month as weeks of days (Monday first), each day with its working status and its events."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, pycalendar.monthrange(year, month)[1])
    grid_start = rules.week_start(first)
    grid_end = rules.week_start(last) + datetime.timedelta(days=6)
    events: dict[datetime.date, list] = {}
    for event in event_list(user=user, campaign=campaign, start=grid_start, end=grid_end):
        events.setdefault(event.day, []).append(event)
    weeks, day = [], grid_start
    while day <= grid_end:
        week = []
        for _weekday in range(7):
            week.append(
                Day(
                    day=day,
                    in_month=day.month == month,
                    working=rules.is_working_day(day),
                    adjusted=rules.is_adjusted_working_day(day),
                    holiday=rules.holiday_name(day),
                    events=events.get(day, []),
                )
            )
            day += datetime.timedelta(days=1)
        weeks.append(week)
    return {
        "weeks": weeks,
        "first": first,
        "official": rules.has_official_calendar(year),
        "deadline": policy_for(campaign.office).report_deadline,
        "previous": (first - datetime.timedelta(days=1)).replace(day=1),
        "next": last + datetime.timedelta(days=1),
    }


def token_user(token: str):
    row = CalendarToken.objects.filter(token=token).select_related("user").first()
    if row is None or not row.user.is_active:
        raise Http404
    return row.user


def feed_events(*, user, today: datetime.date | None = None) -> list[rules.IcsEvent]:
    """The user's calendar feed: the events of the campaigns in scope (this year and the last), and, for a branch
    secretary, the daily report deadline of every working day of the current campaign year from today."""
    today = today or timezone.localdate()
    out = []
    start = datetime.date(today.year - 1, 1, 1)
    for event in event_list(user=user, start=start):
        out.append(
            rules.IcsEvent(
                uid=f"event-{event.pk}@wuxing",
                day=event.day,
                title=event.title,
                start=event.start,
                description=event.location or event.note,
            )
        )
    if user.has_perm("rhythm.add_dailyreport"):
        branch = Branch.objects.restrict(user, "view").select_related("office").first()
        if branch is not None:
            deadline = policy_for(branch.office).report_deadline
            for day in rules.working_days(today, datetime.date(today.year, 12, 31)):
                out.append(
                    rules.IcsEvent(
                        uid=f"report-{branch.pk}-{day:%Y%m%d}@wuxing",
                        day=day,
                        title=_("Daily report due"),
                        start=deadline,
                        minutes=0,
                    )
                )
    return out


# ---------------------------------------------------------------------------------------------------------------
# Daily reports, help requests, the digest
# ---------------------------------------------------------------------------------------------------------------


def report_list(*, user, campaign=None):
    qs = DailyReport.objects.restrict(user, "view").select_related("branch", "submitted_by")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-day", "branch__sort_order", "branch__code")


def report_get(*, user, pk: int) -> DailyReport:
    report = report_list(user=user).select_related("campaign").prefetch_related("revisions").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def help_list(*, user, campaign=None, status: str | None = None):
    qs = HelpRequest.objects.restrict(user, "view").select_related("branch", "department", "leader", "report")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-created_at", "-id")


def help_get(*, user, pk: int) -> HelpRequest:
    row = help_list(user=user).select_related("campaign").filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


@dataclass
class DigestRow:
    branch: Branch
    report: DailyReport | None
    status: str
    recorded: int = 0


def digest(*, user, campaign, day: datetime.date) -> dict:
    """The office's daily digest: each branch in scope reported on time / late / missing, the problems written,
    the open help requests and what was recorded that day (check-ins and 五个一) — a fixed number of queries."""
    branches = list(
        Branch.objects.restrict(user, "view").filter(office_id=campaign.office_id).order_by("sort_order", "code")
    )
    ids = [b.pk for b in branches]
    reports = {r.branch_id: r for r in DailyReport.objects.filter(campaign=campaign, day=day, branch_id__in=ids)}
    recorded = checkin_rows_on(branch_ids=ids, day=day)
    for branch_id, rows in activity_rows_on(branch_ids=ids, day=day).items():
        recorded.setdefault(branch_id, []).extend(rows)
    working = rules.is_working_day(day)
    rows = []
    for branch in branches:
        report = reports.get(branch.pk)
        status = report.status if report else (ReportStatus.MISSING if working else "")
        rows.append(DigestRow(branch=branch, report=report, status=status, recorded=len(recorded.get(branch.pk, []))))
    counts = {s: sum(1 for r in rows if r.status == s) for s in ReportStatus.values}
    return {
        "day": day,
        "working": working,
        "rows": rows,
        "counts": counts,
        "problems": [r for r in rows if r.report and r.report.problems],
        "help": list(help_list(user=user, campaign=campaign, status=HelpStatus.OPEN).filter(branch_id__in=ids)[:50]),
        "locked": DayLock.objects.filter(campaign=campaign, day=day).exists(),
        "deadline": policy_for(campaign.office).report_deadline,
    }


def digest_counts(*, campaign, day) -> dict:
    """The digest's counts over the whole office (for the scheduled notification)."""
    branches = Branch.objects.filter(office_id=campaign.office_id).count()
    by_status = dict(
        DailyReport.objects.filter(campaign=campaign, day=day).values_list("status").annotate(n=Count("id"))
    )
    on_time, late = by_status.get(ReportStatus.ON_TIME, 0), by_status.get(ReportStatus.LATE, 0)
    return {
        "on_time": on_time,
        "late": late,
        "missing": max(branches - on_time - late, 0),
        "help": HelpRequest.objects.filter(campaign=campaign, status=HelpStatus.OPEN).count(),
    }


# ---------------------------------------------------------------------------------------------------------------
# Meetings, actions, the weekly agenda
# ---------------------------------------------------------------------------------------------------------------


def meeting_list(*, user, campaign=None, action: str = "view"):
    qs = (
        Meeting.objects.restrict(user, action)
        .select_related("event")
        .annotate(n_actions=Count("actions"), n_open=Count("actions", filter=Q(actions__status=ActionStatus.OPEN)))
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("-held_on", "-id")


def meeting_get(*, user, pk: int, action: str = "view") -> Meeting:
    meeting = Meeting.objects.restrict(user, action).select_related("campaign__office", "event").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def action_list(*, user, campaign=None, action: str = "view"):
    qs = Action.objects.restrict(user, action).select_related(
        "meeting", "owner_department", "owner_person", "branch", "done_by"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.order_by("status", "due_on", "id")


def action_get(*, user, pk: int) -> Action:
    row = action_list(user=user).select_related("campaign").filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def carried_actions(*, campaign, before: datetime.date, today: datetime.date):
    """Actions decided before `before` and still open: carried onto the agenda until closed; overdue flagged."""
    rows = list(
        Action.objects.filter(campaign=campaign, status=ActionStatus.OPEN, meeting__held_on__lt=before)
        .select_related("meeting", "owner_department", "owner_person", "branch")
        .order_by("due_on", "id")
    )
    for row in rows:
        row.overdue = rules.is_action_overdue(due_on=row.due_on, done=False, today=today)
    return rows


def agenda_extensions(campaign, week: datetime.date) -> list[dict]:
    """Sections other apps add to the weekly agenda: `AppConfig.agenda_items(campaign, week)` → a list of
    {"title": str, "items": [str, ...]} (e.g. rectifications due, when that app exists)."""
    sections = []
    for config in django_apps.get_app_configs():
        hook = getattr(config, "agenda_items", None)
        if not callable(hook):
            continue
        rows = hook(campaign, week) or []
        if rows and all("items" not in row for row in rows):
            # An app may answer plain rows (branch, title, due_on, days_overdue): one section under its name.
            rows = [{"title": str(config.verbose_name), "items": [_agenda_line(row) for row in rows]}]
        sections.extend(rows)
    return sections


def _agenda_line(row: dict) -> str:
    parts = [str(row.get(key)) for key in ("branch", "title") if row.get(key)]
    if row.get("due_on"):
        parts.append(_("due %(date)s") % {"date": row["due_on"]})
    if row.get("days_overdue"):
        parts.append(_("%(n)d days overdue") % {"n": row["days_overdue"]})
    return " · ".join(parts)


def agenda(*, user, campaign, week: datetime.date, today: datetime.date | None = None) -> dict:
    """The generated agenda of the week starting `week` (a Monday): items behind or overdue (R10), branches with
    missing or late reports in the week so far, open help requests, unfinished actions of earlier meetings, and
    what other apps add."""
    today = today or timezone.localdate()
    week = rules.week_start(week)
    week_end = week + datetime.timedelta(days=6)
    # The figures stand as of the meeting's week: the week's last day, or today while it runs.
    as_of = min(week_end, today)
    flagged = flagged_items(user=user, campaign=campaign, today=as_of)[2]
    branches = list(
        Branch.objects.restrict(user, "view").filter(office_id=campaign.office_id).order_by("sort_order", "code")
    )
    # Reports of the working days of the week before it (the meeting reviews the past week).
    review_start = week - datetime.timedelta(days=7)
    days = [d for d in rules.working_days(review_start, week - datetime.timedelta(days=1)) if d <= today]
    reports = {
        (r.branch_id, r.day): r.status
        for r in DailyReport.objects.filter(campaign=campaign, day__in=days, branch__in=branches).only(
            "branch_id", "day", "status"
        )
    }
    report_rows = []
    for branch in branches:
        missing = [d for d in days if (branch.pk, d) not in reports]
        late = [d for d in days if reports.get((branch.pk, d)) == ReportStatus.LATE]
        if missing or late:
            report_rows.append({"branch": branch, "missing": missing, "late": late})
    return {
        "week": week,
        "week_end": week_end,
        "review_days": days,
        "flagged": flagged,
        "reports": report_rows,
        "help": list(help_list(user=user, campaign=campaign, status=HelpStatus.OPEN)[:100]),
        "actions": carried_actions(campaign=campaign, before=week, today=today),
        "extensions": agenda_extensions(campaign, week),
    }


# ---------------------------------------------------------------------------------------------------------------
# Annual summary
# ---------------------------------------------------------------------------------------------------------------

NARRATIVE_SECTIONS = ("overview", "highlights", "problems", "next_year")


def _pct(value) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


def summary_rankings(campaign, rows) -> list[dict]:
    """The year's rankings: the check-in progress ranking, then what other apps add through
    `AppConfig.summary_rankings(campaign)` → [{"title", "rows": [[rank, branch name, score]]}] (the quarterly
    evaluation, when it exists)."""
    rankings = [
        {
            "title": str(_("Check-in progress")),
            "rows": [[r["rank"], r["name"], r["overall"]] for r in sorted(rows, key=lambda r: r["rank"] or 999)],
        }
    ]
    for config in django_apps.get_app_configs():
        hook = getattr(config, "summary_rankings", None)
        if callable(hook):
            rankings.extend(hook(campaign) or [])
    return rankings


def summary_figures(*, campaign, branch=None, today: datetime.date | None = None) -> dict:
    """The generated figures of the office's (or one branch's) year, as plain JSON: targets and progress per star,
    check-in list completion, 五个一 per department, meetings and actions, daily reports, demonstration sites,
    rankings, highlights and problems."""
    from django.db.models import Count as _Count

    from wuxing.checklists.selectors import branches_of, progress_rows
    from wuxing.liaison.selectors import five_ones_by_responsible
    from wuxing.showcase.selectors import site_rows

    today = today or timezone.localdate()
    as_of = min(today, datetime.date(campaign.year, 12, 31))
    qs = Branch.objects.filter(pk=branch.pk) if branch is not None else Branch.objects.all()
    progress = progress_rows(campaign=campaign, branches=branches_of(campaign, qs), today=as_of)
    rated = {
        result.branch_id: result
        for result in CampaignResult.objects.filter(campaign=campaign).prefetch_related("stars")
    }
    rows = [
        {
            "name": r.branch.name,
            "code": r.branch.code,
            "target_level": r.target_level,
            "rated_level": rated[r.branch.pk].level if r.branch.pk in rated else None,
            "rated_stars": [s.name for s in rated[r.branch.pk].stars.all()] if r.branch.pk in rated else [],
            "stars": [{"name": s.name, "progress": _pct(v)} for s, v in r.stars],
            "overall": _pct(r.progress.overall),
            "items": r.progress.items,
            "done": r.progress.done,
            "behind": r.progress.behind,
            "overdue": r.progress.overdue,
            "rank": r.rank,
        }
        for r in progress
    ]
    ids = [r.branch.pk for r in progress]
    items = sum(r["items"] for r in rows)
    done = sum(r["done"] for r in rows)
    meetings = dict(Meeting.objects.filter(campaign=campaign).values_list("kind").annotate(n=_Count("id")).order_by())
    actions = Action.objects.filter(campaign=campaign)
    if branch is not None:
        actions = actions.filter(branch=branch)
    reports = dict(
        DailyReport.objects.filter(campaign=campaign, branch_id__in=ids)
        .values_list("status")
        .annotate(n=_Count("id"))
        .order_by()
    )
    due = len(rules.working_days(datetime.date(campaign.year, 1, 1), as_of)) * len(ids)
    on_time, late = reports.get(ReportStatus.ON_TIME, 0), reports.get(ReportStatus.LATE, 0)
    ranked = sorted((r for r in rows if r["overall"] is not None), key=lambda r: -r["overall"])
    return {
        "office": campaign.office.name,
        "branch": branch.name if branch is not None else "",
        "year": campaign.year,
        "campaign": campaign.name,
        "as_of": as_of.isoformat(),
        "branches": rows,
        "checklist": {
            "items": items,
            "done": done,
            "behind": sum(r["behind"] for r in rows),
            "overdue": sum(r["overdue"] for r in rows),
            "completion": round(done * 100 / items, 1) if items else None,
        },
        "five_ones": five_ones_by_responsible(campaign=campaign, branch_ids=ids if branch is not None else None),
        "meetings": {kind: meetings.get(kind, 0) for kind in ("weekly", "mobilisation", "progress")},
        "actions": {
            "total": actions.count(),
            "closed": actions.filter(status=ActionStatus.DONE).count(),
            "overdue": actions.filter(status=ActionStatus.OPEN, due_on__lt=as_of).count(),
        },
        # A year before the app kept daily reports has none to count.
        "reports": {"on_time": on_time, "late": late, "missing": max(due - on_time - late, 0)} if reports else None,
        "sites": site_rows(campaign=campaign, branch_ids=ids if branch is not None else None),
        "rankings": summary_rankings(campaign, rows),
        "highlights": [f"{r['name']} {r['overall']}%" for r in ranked[:3]],
        "problems": [f"{r['name']}: {r['overdue']}" for r in rows if r["overdue"]],
    }


def summary_list(*, user, campaign):
    return (
        AnnualSummary.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .select_related("branch", "campaign__office")
        .order_by(F("branch__sort_order").asc(nulls_first=True), "branch__code")
    )


def summary_get(*, user, pk: int, action: str = "view") -> AnnualSummary:
    row = (
        AnnualSummary.objects.restrict(user, action).select_related("campaign__office", "branch").filter(pk=pk).first()
    )
    if row is None:
        raise Http404
    return row


def report_punctuality(campaign, start: datetime.date, end: datetime.date, branch_ids) -> dict[int, float | None]:
    """branch id → the share (0–100) of the working days from `start` to `end` (or today) reported on time; for
    the quarterly evaluation (R13) of the supervision app, which asks through `AppConfig.daily_report_punctuality`.
    Empty when the office kept no daily report in the period."""
    end = min(end, timezone.localdate())
    elapsed = len(rules.working_days(start, end)) if end >= start else 0
    on_time = dict(
        DailyReport.objects.filter(
            campaign=campaign, branch_id__in=list(branch_ids), day__range=(start, end), status=ReportStatus.ON_TIME
        )
        .values("branch_id")
        .annotate(n=Count("id"))
        .values_list("branch_id", "n")
    )
    # An office that keeps no daily reports in the period is not measured (the evaluation re-weights the others);
    # one that does counts a branch without reports as 0.
    if not DailyReport.objects.filter(campaign=campaign, day__range=(start, end)).exists():
        return {}
    return {branch_id: rules.punctuality_percent(on_time.get(branch_id, 0), elapsed) for branch_id in branch_ids}


def action_evidence_get(*, user, pk: int) -> ActionEvidence:
    """A file of an action the user may see (the page and the API serve it alike)."""
    evidence = ActionEvidence.objects.restrict(user, "view").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence


def screen_figures(*, campaign, today: datetime.date) -> dict:
    """This week's rhythm for the command screen, as plain figures: today's daily reports in and missing, the
    week's meetings, open actions past their due date."""
    counts = digest_counts(campaign=campaign, day=today)
    monday = today - datetime.timedelta(days=today.weekday())
    return {
        "reports_in": counts["on_time"] + counts["late"],
        "reports_missing": counts["missing"],
        "meetings": Meeting.objects.filter(
            campaign=campaign, held_on__gte=monday, held_on__lte=monday + datetime.timedelta(days=6)
        ).count(),
        "actions_overdue": Action.objects.filter(campaign=campaign, status=ActionStatus.OPEN, due_on__lt=today).count(),
    }


def is_working_day(day: datetime.date) -> bool:
    """Whether `day` is an official working day (holidays off, 调休 weekend days on): the calendar other apps count
    their due dates on (e.g. a resident's work order due in three working days)."""
    return rules.is_working_day(day)
