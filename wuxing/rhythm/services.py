"""Writes of the rhythm: the calendar, daily reports and help requests, notifications and reminders, meetings and
their actions. The pages, the API and the scheduled tasks call these same functions."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.models import Campaign
from wuxing.campaigns.services import ensure_campaign_open
from wuxing.checklists.selectors import checkin_rows_on
from wuxing.core.actors import is_system, user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.roles import Role
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.liaison.selectors import activity_rows_on
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.models import Assignment, Branch, User

from . import rules
from .choices import ActionStatus, EventKind, HelpStatus, MeetingKind
from .delivery import deliver
from .models import (
    Action,
    ActionEvidence,
    AnnualSummary,
    CalendarEvent,
    CalendarToken,
    DailyReport,
    DailyReportRevision,
    DayLock,
    HelpRequest,
    Meeting,
    Notification,
    RhythmPolicy,
)

MAX_TEXT = 5000


def policy_for(office) -> RhythmPolicy:
    """The office's rhythm settings (the defaults, unsaved, until the office changes them)."""
    return RhythmPolicy.objects.filter(office=office).first() or RhythmPolicy(office=office)


def _text(value, field: str, *, required: bool = False, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message or _("This field is required.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": MAX_TEXT}})
    return value


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: _("Enter a valid date.")}) from None
    if not isinstance(value, datetime.date):
        raise ValidationError({field: _("Enter a valid date.")})
    return value


def _in_year(campaign, day: datetime.date, field: str = "day") -> None:
    if day.year != campaign.year:
        raise ValidationError({field: _("The date must be in the campaign's year %(year)d.") % {"year": campaign.year}})


# ---------------------------------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def calendar_generate(*, actor, campaign) -> int:
    """Put a weekly meeting on the official working calendar for every week of the campaign's year (idempotent:
    weeks already generated, moved or not, are left alone). Returns how many were added."""
    ensure_allowed(actor, "rhythm.add_calendarevent", campaign, message=_("You may not edit the calendar."))
    ensure_campaign_open(campaign)
    policy = policy_for(campaign.office)
    done = set(CalendarEvent.objects.filter(campaign=campaign).values_list("generated_for", flat=True))
    rows = []
    for monday in rules.week_starts(campaign.year):
        day = rules.meeting_day(monday, policy.meeting_weekday)
        if monday in done or day is None or day.year != campaign.year:
            continue
        rows.append(
            CalendarEvent(
                campaign=campaign,
                kind=EventKind.WEEKLY_MEETING,
                title=_("Weekly meeting"),
                day=day,
                start=policy.meeting_time,
                generated_for=monday,
            )
        )
    CalendarEvent.objects.bulk_create(rows)
    audit_record(actor=actor, action="rhythm.calendar_generate", obj=campaign, after={"events": len(rows)})
    return len(rows)


@transaction.atomic
def event_create(
    *, actor, campaign, kind: str, title: str, day, start=None, location: str = "", note: str = ""
) -> CalendarEvent:
    """The office adds an event: a 动员部署会, a 推进会 or another date."""
    ensure_allowed(actor, "rhythm.add_calendarevent", campaign, message=_("You may not edit the calendar."))
    ensure_campaign_open(campaign)
    if kind not in EventKind.values:
        raise ValidationError({"kind": _("Unknown kind of event.")})
    day = _date(day, "day")
    _in_year(campaign, day)
    event = CalendarEvent.objects.create(
        campaign=campaign,
        kind=kind,
        title=_text(title, "title", required=True, message=_("Enter the event's title."))[:200],
        day=day,
        start=start,
        location=_text(location, "location")[:200],
        note=_text(note, "note"),
    )
    ensure_in_scope(event, actor=actor, action="change")
    audit_record(actor=actor, action="rhythm.event_create", obj=event, after=snapshot(event))
    return event


@transaction.atomic
def event_move(*, actor, event: CalendarEvent, day, start=None) -> CalendarEvent:
    """Move an event (a weekly meeting to another day); the generated date is kept in `moved_from`."""
    ensure_allowed(actor, "rhythm.change_calendarevent", message=_("You may not edit the calendar."))
    event = CalendarEvent.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=event.pk)
    ensure_allowed(actor, obj=event, action="change")
    ensure_campaign_open(event.campaign)
    day = _date(day, "day")
    _in_year(event.campaign, day)
    before = snapshot(event)
    if event.moved_from is None and event.day != day:
        event.moved_from = event.day
    event.day = day
    if start is not None:
        event.start = start
    event.save()
    ensure_in_scope(event, actor=actor, action="change")
    audit_record(actor=actor, action="rhythm.event_move", obj=event, before=before, after=snapshot(event))
    return event


@transaction.atomic
def calendar_token_reset(*, actor) -> CalendarToken:
    """A new secret address for the user's calendar feed; the old one stops working."""
    CalendarToken.objects.filter(user=actor).delete()
    token = CalendarToken.objects.create(user=actor)
    audit_record(actor=actor, action="rhythm.calendar_token_reset", obj=token)
    return token


# ---------------------------------------------------------------------------------------------------------------
# Daily reports and help requests
# ---------------------------------------------------------------------------------------------------------------


def campaign_of(branch, day: datetime.date) -> Campaign | None:
    return Campaign.objects.filter(office_id=branch.office_id, year=day.year).select_related("office").first()


def auto_summary(branch, day) -> list[dict]:
    """The day's check-ins and 五个一 activities of the branch, as plain rows (read through their apps)."""
    rows = checkin_rows_on(branch_ids=[branch.pk], day=day).get(branch.pk, [])
    return rows + activity_rows_on(branch_ids=[branch.pk], day=day).get(branch.pk, [])


def is_locked(campaign, day) -> bool:
    return DayLock.objects.filter(campaign=campaign, day=day).exists()


@transaction.atomic
def report_submit(*, actor, branch, day, progress: str = "", problems: str = "", help_text: str = "") -> DailyReport:
    """Write the branch's daily report of `day`, or edit it (the earlier text kept as a revision).

    Refused for a day to come, a non-working day, a locked day, another branch, or a closed campaign. The status is
    set by the first submission: on time up to the office's deadline (default 18:00), late after it.
    """
    ensure_allowed(actor, "rhythm.add_dailyreport", message=_("You may not write daily reports."))
    ensure_allowed(actor, obj=branch, action="view", message=_("You can only write your own branch's daily report."))
    day = _date(day, "day")
    campaign = campaign_of(branch, day)
    if campaign is None:
        raise ValidationError(_("The office has no campaign for %(year)d.") % {"year": day.year})
    ensure_campaign_open(campaign)
    now = timezone.localtime()
    refusal = rules.report_refusal(
        day=day, today=now.date(), working=rules.is_working_day(day), locked=is_locked(campaign, day)
    )
    if refusal:
        raise ValidationError(_(refusal) % {"day": day.isoformat()})
    progress = _text(progress, "progress")
    problems = _text(problems, "problems")
    help_text = _text(help_text, "help_text")
    if not (progress or problems or help_text):
        raise ValidationError({"progress": _("Write at least a line on the day's progress.")})
    report = DailyReport.objects.select_for_update().filter(campaign=campaign, branch=branch, day=day).first()
    summary = auto_summary(branch, day)
    if report is None:
        deadline = policy_for(campaign.office).report_deadline
        report = DailyReport.objects.create(
            campaign=campaign,
            branch=branch,
            day=day,
            status=rules.report_status(now, day, deadline),
            auto_summary=summary,
            progress=progress,
            problems=problems,
            submitted_by=user_or_none(actor),
            submitted_at=now,
            updated_at=now,
        )
        before = None
    else:
        before = snapshot(report)
        DailyReportRevision.objects.create(
            report=report,
            revision=report.revision,
            progress=report.progress,
            problems=report.problems,
            saved_by=report.submitted_by,
            saved_at=report.updated_at,
        )
        report.progress, report.problems, report.auto_summary = progress, problems, summary
        report.revision += 1
        report.updated_at = now
        report.submitted_by = user_or_none(actor) or report.submitted_by
        report.save()
    ensure_in_scope(report, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="rhythm.report_submit" if before is None else "rhythm.report_edit",
        obj=report,
        before=before,
        after=snapshot(report),
    )
    if help_text:
        help_ask(actor=actor, branch=branch, text=help_text, report=report)
    return report


@transaction.atomic
def reports_load_history(*, actor, campaign, rows: list[dict]) -> int:
    """Load past daily reports with the times they were submitted (the demo, or reports moved in from another
    system): `rows` of {branch, day, submitted_at, progress, problems}. The status follows the office's deadline
    as for a report written in the app. Only a system actor may; one audit row for the load."""
    if not is_system(actor):
        raise PermissionDenied(_("You may not load report history."))
    ensure_campaign_open(campaign)
    deadline = policy_for(campaign.office).report_deadline
    days = sorted({row["day"] for row in rows})
    branch_ids = sorted({row["branch"].pk for row in rows})
    recorded = {}
    for day in days:
        checkins = checkin_rows_on(branch_ids=branch_ids, day=day)
        activities = activity_rows_on(branch_ids=branch_ids, day=day)
        for branch_id in branch_ids:
            recorded[(branch_id, day)] = checkins.get(branch_id, []) + activities.get(branch_id, [])
    reports = []
    for row in rows:
        day, at = row["day"], row["submitted_at"]
        if row["branch"].office_id != campaign.office_id or day.year != campaign.year:
            raise ValidationError(_("The branch does not belong to the campaign's office."))
        if not rules.is_working_day(day):
            refusal = rules.report_refusal(day=day, today=day, working=False, locked=False)
            raise ValidationError(_(refusal) % {"day": day.isoformat()})
        reports.append(
            DailyReport(
                campaign=campaign,
                branch=row["branch"],
                day=day,
                status=rules.report_status(timezone.localtime(at), day, deadline),
                auto_summary=recorded.get((row["branch"].pk, day), []),
                progress=_text(row.get("progress"), "progress"),
                problems=_text(row.get("problems"), "problems"),
                submitted_at=at,
                updated_at=at,
            )
        )
    DailyReport.objects.bulk_create(reports, batch_size=500)
    audit_record(actor=actor, action="rhythm.reports_load_history", obj=campaign, after={"reports": len(reports)})
    return len(reports)


def _assignment_of(branch):
    return (
        Assignment.objects.filter(branch=branch, active=True)
        .select_related("department", "leader")
        .order_by(F("department_id").asc(nulls_last=True), "id")
        .first()
    )


def responsible_users(*, department=None, leader=None):
    """Accounts of the department's cadres or of the leader (the people a help request is routed to)."""
    q = Q(pk__in=[])
    if department is not None:
        q |= Q(person__department=department, role_assignments__role=Role.DEPARTMENT_CADRE)
    if leader is not None:
        q |= Q(person=leader)
    return User.objects.filter(q, is_active=True).distinct()


def office_users(office):
    """The office's leaders and campaign staff."""
    return User.objects.filter(
        is_active=True,
        role_assignments__role__in=[Role.OFFICE_LEADER, Role.CAMPAIGN_STAFF],
        role_assignments__unit=office,
    ).distinct()


def branch_users(branch):
    """The branch's secretaries."""
    return User.objects.filter(
        is_active=True, role_assignments__role=Role.BRANCH_SECRETARY, role_assignments__branch=branch
    ).distinct()


@transaction.atomic
def help_ask(*, actor, branch, text: str, report: DailyReport | None = None) -> HelpRequest:
    """求助: routed to the branch's liaison department (or leader), whose people are notified."""
    ensure_allowed(actor, "rhythm.add_helprequest", message=_("You may not ask for help."))
    ensure_allowed(actor, obj=branch, action="view", message=_("You can only ask for help for your own branch."))
    today = timezone.localdate()
    campaign = report.campaign if report is not None else campaign_of(branch, today)
    if campaign is None:
        raise ValidationError(_("The office has no campaign for %(year)d.") % {"year": today.year})
    ensure_campaign_open(campaign)
    text = _text(text, "help_text", required=True, message=_("Say what help you need."))
    assignment = _assignment_of(branch)
    row = HelpRequest.objects.create(
        campaign=campaign,
        branch=branch,
        report=report,
        text=text,
        department=assignment.department if assignment else None,
        leader=assignment.leader if assignment else None,
        asked_by=user_or_none(actor),
        created_at=timezone.now(),
    )
    ensure_in_scope(row, actor=actor, action="view")
    audit_record(actor=actor, action="rhythm.help_ask", obj=row, after=snapshot(row))
    url = reverse("rhythm:help_detail", args=[row.pk])
    recipients = responsible_users(department=row.department, leader=row.leader)
    if not recipients.exists():
        recipients = office_users(campaign.office)
    for user in recipients:
        notify(
            user=user,
            kind="help_request",
            title=_("Help requested by %(branch)s") % {"branch": branch.name},
            body=text,
            url=url,
            key=rules.notification_key("help", row.pk, user.pk),
        )
    return row


def _may_answer(actor, row: HelpRequest) -> bool:
    if is_system(actor) or actor.has_perm("rhythm.add_meeting"):
        return True  # the office answers any request of its branches
    person = getattr(actor, "person", None)
    if person is None:
        return False
    return (row.department_id and row.department_id == person.department_id) or (row.leader_id == person.pk)


@transaction.atomic
def help_answer(*, actor, help_request: HelpRequest, answer: str) -> HelpRequest:
    """The liaison department or leader (or the office) answers; the branch is notified."""
    ensure_allowed(actor, "rhythm.change_helprequest", message=_("You may not answer help requests."))
    row = (
        HelpRequest.objects.select_for_update(of=("self",)).select_related("campaign", "branch").get(pk=help_request.pk)
    )
    ensure_allowed(actor, obj=row, action="view")
    ensure_campaign_open(row.campaign)
    if not _may_answer(actor, row):
        raise PermissionDenied(_("This help request is routed to another department or leader."))
    answer = _text(answer, "answer", required=True, message=_("Write the answer."))
    before = snapshot(row)
    row.answer, row.status = answer, HelpStatus.ANSWERED
    row.answered_by, row.answered_at = user_or_none(actor), timezone.now()
    row.save()
    ensure_in_scope(row, actor=actor, action="view")
    audit_record(actor=actor, action="rhythm.help_answer", obj=row, before=before, after=snapshot(row))
    for user in User.objects.filter(pk=row.asked_by_id) if row.asked_by_id else branch_users(row.branch):
        notify(
            user=user,
            kind="help_answered",
            title=_("Your help request was answered"),
            body=answer,
            url=reverse("rhythm:help_detail", args=[row.pk]),
            key=rules.notification_key("help-answer", row.pk, user.pk),
        )
    return row


@transaction.atomic
def day_lock(*, actor, campaign, day) -> DayLock:
    """The office locks a day: its reports can no longer be written or edited."""
    ensure_allowed(actor, "rhythm.add_daylock", campaign, message=_("You may not lock days."))
    ensure_campaign_open(campaign)
    day = _date(day, "day")
    _in_year(campaign, day)
    lock, created = DayLock.objects.get_or_create(
        campaign=campaign, day=day, defaults={"locked_by": user_or_none(actor)}
    )
    if created:
        audit_record(actor=actor, action="rhythm.day_lock", obj=lock, after={"day": day.isoformat()})
    return lock


# ---------------------------------------------------------------------------------------------------------------
# Notifications and reminders
# ---------------------------------------------------------------------------------------------------------------


def notify(*, user, kind: str, title: str, body: str = "", url: str = "", key: str | None = None):
    """Record a notification for `user` and deliver it after the commit; None when `key` was already used (the
    same reminder to the same person is sent once, however often the task runs)."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, title=title[:200], body=body, url=url[:300], key=key
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: deliver(notification.pk))
    return notification


@transaction.atomic
def notification_mark_read(*, actor, notification_ids=None) -> int:
    """Mark the user's own notifications read (all of them without ids); returns how many."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def missing_branches(campaign, day) -> list:
    reported = DailyReport.objects.filter(campaign=campaign, day=day).values("branch_id")
    return list(
        Branch.objects.filter(office_id=campaign.office_id).exclude(pk__in=reported).order_by("sort_order", "code")
    )


@transaction.atomic
def remind_missing(*, actor, campaign, day=None) -> int:
    """Remind the secretaries of branches without a report for `day` (today); each is reminded once per day.
    Returns how many reminders were sent now."""
    ensure_allowed(actor, "rhythm.view_dailyreport", campaign, message=_("You may not send reminders."))
    if not is_system(actor) and not actor.has_perm("rhythm.add_meeting"):
        raise PermissionDenied(_("You may not send reminders."))
    ensure_campaign_open(campaign)
    day = _date(day or timezone.localdate(), "day")
    if not rules.is_working_day(day):
        return 0
    deadline = policy_for(campaign.office).report_deadline
    sent = 0
    for branch in missing_branches(campaign, day):
        for user in branch_users(branch):
            if notify(
                user=user,
                kind="report_reminder",
                title=_("Today's daily report is not in yet"),
                body=_("Please submit the daily report of %(day)s before %(time)s.")
                % {"day": day.isoformat(), "time": deadline.strftime("%H:%M")},
                url=reverse("rhythm:report_today") + f"?day={day.isoformat()}",
                key=rules.notification_key("report-reminder", day.isoformat(), branch.pk, user.pk),
            ):
                sent += 1
    audit_record(actor=actor, action="rhythm.remind_missing", obj=campaign, after={"day": str(day), "sent": sent})
    return sent


@transaction.atomic
def send_digest(*, actor, campaign, day=None) -> int:
    """The 18:00 digest to the office's leaders and staff: reported, late and missing counts of the day."""
    from .selectors import digest_counts  # selectors import services' helpers

    day = _date(day or timezone.localdate(), "day")
    if not rules.is_working_day(day):
        return 0
    counts = digest_counts(campaign=campaign, day=day)
    sent = 0
    for user in office_users(campaign.office):
        if notify(
            user=user,
            kind="digest",
            title=_("Daily digest of %(day)s") % {"day": day.isoformat()},
            body=_("%(on_time)d on time, %(late)d late, %(missing)d missing; %(help)d open help requests.") % counts,
            url=reverse("rhythm:digest") + f"?day={day.isoformat()}",
            key=rules.notification_key("digest", campaign.pk, day.isoformat(), user.pk),
        ):
            sent += 1
    return sent


@transaction.atomic
def remind_overdue_actions(*, actor, campaign, day=None) -> int:
    """Remind the owners of overdue actions (and the office when no owner has an account), once per day."""
    day = _date(day or timezone.localdate(), "day")
    sent = 0
    overdue = Action.objects.filter(campaign=campaign, status=ActionStatus.OPEN, due_on__lt=day).select_related(
        "owner_department", "owner_person"
    )
    for action in overdue:
        users = list(responsible_users(department=action.owner_department, leader=action.owner_person))
        for user in users or office_users(campaign.office):
            if notify(
                user=user,
                kind="action_overdue",
                title=_("Overdue action: %(title)s") % {"title": action.title[:80]},
                body=_("Due %(due)s.") % {"due": action.due_on.isoformat()},
                url=reverse("rhythm:action_detail", args=[action.pk]),
                key=rules.notification_key("action-overdue", action.pk, day.isoformat(), user.pk),
            ):
                sent += 1
    return sent


def _remind_action(action, day, recipients_if_none) -> int:
    sent = 0
    users = list(responsible_users(department=action.owner_department, leader=action.owner_person))
    for user in users or recipients_if_none:
        if notify(
            user=user,
            kind="action_overdue",
            title=_("Reminder of an action: %(title)s") % {"title": action.title[:80]},
            body=_("Due %(due)s.") % {"due": action.due_on.isoformat()},
            url=reverse("rhythm:action_detail", args=[action.pk]),
            key=rules.notification_key("action-remind", action.pk, day.isoformat(), user.pk),
        ):
            sent += 1
    return sent


@transaction.atomic
def remind_actions(*, actor, campaign, action_ids, day=None) -> int:
    """Remind the owners of the ticked open actions (the office when no owner has an account), once a day for
    each; actions outside the user's scope or already done are left out. Returns how many reminders were sent."""
    ensure_allowed(actor, "rhythm.add_meeting", campaign, message=_("You may not send reminders."))
    ensure_campaign_open(campaign)
    day = _date(day or timezone.localdate(), "day")
    actions = (
        Action.objects.restrict(actor, "view")
        .filter(campaign=campaign, status=ActionStatus.OPEN, pk__in=list(action_ids))
        .select_related("owner_department", "owner_person")
        .order_by("pk")
    )
    office = list(office_users(campaign.office))
    sent, reminded = 0, []
    for action in actions:
        sent += _remind_action(action, day, office)
        reminded.append(action.pk)
    audit_record(actor=actor, action="rhythm.remind_actions", obj=campaign, after={"actions": reminded, "sent": sent})
    return sent


@transaction.atomic
def remind_meetings(*, actor, campaign, day=None) -> int:
    """Tell the office's leaders and staff of meetings on the next day."""
    day = _date(day or timezone.localdate(), "day")
    tomorrow = day + datetime.timedelta(days=1)
    sent = 0
    for event in CalendarEvent.objects.filter(campaign=campaign, day=tomorrow):
        for user in office_users(campaign.office):
            if notify(
                user=user,
                kind="meeting_reminder",
                title=_("Tomorrow: %(title)s") % {"title": event.title},
                body=f"{event.day.isoformat()} {event.start.strftime('%H:%M') if event.start else ''} {event.location}",
                url=reverse("rhythm:calendar") + f"?month={event.day:%Y-%m}",
                key=rules.notification_key("meeting", event.pk, event.day.isoformat(), user.pk),
            ):
                sent += 1
    return sent


# ---------------------------------------------------------------------------------------------------------------
# Meetings and actions
# ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor,
    campaign,
    kind: str,
    held_on,
    title: str = "",
    event: CalendarEvent | None = None,
    participants: str = "",
    documents: str = "",
) -> Meeting:
    """A meeting record: a weekly meeting (usually from its calendar event), a 动员部署会 or a 推进会."""
    ensure_allowed(actor, "rhythm.add_meeting", campaign, message=_("You may not record meetings."))
    ensure_campaign_open(campaign)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": _("Unknown kind of meeting.")})
    held_on = _date(held_on, "held_on")
    _in_year(campaign, held_on, "held_on")
    if event is not None:
        if event.campaign_id != campaign.pk:
            raise ValidationError(_("The event belongs to another campaign."))
        if Meeting.objects.filter(event=event).exists():
            raise ValidationError(_("This event already has a meeting record."))
    meeting = Meeting.objects.create(
        campaign=campaign,
        kind=kind,
        title=_text(title, "title")[:200] or str(MeetingKind(kind).label),
        held_on=held_on,
        event=event,
        participants=_text(participants, "participants"),
        documents=_text(documents, "documents"),
    )
    ensure_in_scope(meeting, actor=actor, action="change")
    audit_record(actor=actor, action="rhythm.meeting_create", obj=meeting, after=snapshot(meeting))
    return meeting


MEETING_FIELDS = ("title", "attendees", "absentees", "participants", "documents", "minutes")


@transaction.atomic
def meeting_record(*, actor, meeting: Meeting, held: bool = True, **fields) -> Meeting:
    """Record attendance, minutes, participants and documents of a meeting."""
    ensure_allowed(actor, "rhythm.change_meeting", message=_("You may not record meetings."))
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=meeting.pk)
    ensure_allowed(actor, obj=meeting, action="change")
    ensure_campaign_open(meeting.campaign)
    before = snapshot(meeting)
    for name, value in fields.items():
        value = _text(value, name)
        if name == "title":
            value = value[:200] or meeting.title
        setattr(meeting, name, value)
    meeting.held = bool(held)
    meeting.save()
    ensure_in_scope(meeting, actor=actor, action="change")
    audit_record(actor=actor, action="rhythm.meeting_record", obj=meeting, before=before, after=snapshot(meeting))
    return meeting


@transaction.atomic
def action_create(
    *, actor, meeting: Meeting, title: str, due_on, owner_department=None, owner_person=None, branch=None
) -> Action:
    """A decision of the meeting becomes an action (督办事项) with an owner, a branch where it applies, a due date."""
    ensure_allowed(actor, "rhythm.add_action", message=_("You may not record decisions."))
    meeting = Meeting.objects.select_related("campaign").get(pk=meeting.pk)
    ensure_allowed(actor, obj=meeting, action="change")
    campaign = meeting.campaign
    ensure_campaign_open(campaign)
    title = _text(title, "title", required=True, message=_("Write the decision."))[:300]
    due_on = _date(due_on, "due_on")
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": _("The due date cannot be before the meeting.")})
    if owner_department is None and owner_person is None:
        raise ValidationError(_("Name the department or the person who owns the action."))
    for owner in (owner_department, owner_person):
        if owner is not None and owner.office_id != campaign.office_id:
            raise ValidationError(_("The owner must belong to the campaign's office."))
    if branch is not None and branch.office_id != campaign.office_id:
        raise ValidationError({"branch": _("The branch does not belong to the campaign's office.")})
    action = Action.objects.create(
        campaign=campaign,
        meeting=meeting,
        title=title,
        due_on=due_on,
        owner_department=owner_department,
        owner_person=owner_person,
        branch=branch,
    )
    ensure_in_scope(action, actor=actor, action="change")
    audit_record(actor=actor, action="rhythm.action_create", obj=action, after=snapshot(action))
    for user in responsible_users(department=owner_department, leader=owner_person):
        notify(
            user=user,
            kind="action_assigned",
            title=_("New action: %(title)s") % {"title": title[:80]},
            body=_("Due %(due)s.") % {"due": due_on.isoformat()},
            url=reverse("rhythm:action_detail", args=[action.pk]),
            key=rules.notification_key("action", action.pk, user.pk),
        )
    return action


def _may_close(actor, action: Action) -> bool:
    if is_system(actor) or actor.has_perm("rhythm.add_action"):
        return True
    person = getattr(actor, "person", None)
    if person is None:
        return False
    return (action.owner_person_id == person.pk) or bool(
        action.owner_department_id and action.owner_department_id == person.department_id
    )


@transaction.atomic
def action_close(*, actor, action: Action, evidence: str, files=()) -> Action:
    """Close an action with the evidence of what was done (by its owner or the office): a description and, where
    there are, photos or PDFs (checked and cleaned like all evidence; one refused file refuses the closing)."""
    ensure_allowed(actor, "rhythm.change_action", message=_("You may not close actions."))
    action = Action.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=action.pk)
    ensure_allowed(actor, obj=action, action="view")
    ensure_campaign_open(action.campaign)
    if not _may_close(actor, action):
        raise PermissionDenied(_("Only the action's owner or the office can close it."))
    if action.status == ActionStatus.DONE:
        raise ValidationError(_("This action is already closed."))
    evidence = _text(evidence, "evidence", required=True, message=_("Describe what was done (the evidence)."))
    files = clean_uploads(files or [], field="files")
    before = snapshot(action)
    action.status, action.evidence = ActionStatus.DONE, evidence
    action.done_at, action.done_by = timezone.now(), user_or_none(actor)
    action.save()
    for upload in files:
        store_evidence(ActionEvidence, upload, actor=actor, action=action)
    audit_record(actor=actor, action="rhythm.action_close", obj=action, before=before, after=snapshot(action))
    return action


# ---------------------------------------------------------------------------------------------------------------
# Annual summary
# ---------------------------------------------------------------------------------------------------------------


def _summary_payload(summary: AnnualSummary) -> dict:
    return {"figures": summary.figures, "narrative": summary.narrative}


@transaction.atomic
def summary_generate(*, actor, campaign, branch=None) -> AnnualSummary:
    """Generate (or regenerate) the year's figures of the office or of one branch; the narrative is kept."""
    from .selectors import NARRATIVE_SECTIONS, summary_figures

    ensure_allowed(actor, "rhythm.add_annualsummary", campaign, message=_("You may not write annual summaries."))
    ensure_campaign_open(campaign)
    if branch is not None and branch.office_id != campaign.office_id:
        raise ValidationError(_("The branch does not belong to the campaign's office."))
    summary = AnnualSummary.objects.select_for_update(of=("self",)).filter(campaign=campaign, branch=branch).first()
    if summary is not None and summary.final:
        raise ValidationError(_("The annual summary is finalised and can no longer change."))
    figures = summary_figures(campaign=campaign, branch=branch)
    if summary is None:
        summary = AnnualSummary.objects.create(
            campaign=campaign,
            branch=branch,
            figures=figures,
            narrative={key: "" for key in NARRATIVE_SECTIONS},
            generated_at=timezone.now(),
        )
    else:
        summary.figures, summary.generated_at = figures, timezone.now()
        summary.save(update_fields=["figures", "generated_at"])
    ensure_in_scope(summary, actor=actor, action="change")
    audit_record(actor=actor, action="rhythm.summary_generate", obj=summary, after={"as_of": figures["as_of"]})
    return summary


@transaction.atomic
def summary_edit(*, actor, summary: AnnualSummary, **sections) -> AnnualSummary:
    """Write the narrative sections (kept apart from the generated figures)."""
    from .selectors import NARRATIVE_SECTIONS

    ensure_allowed(actor, "rhythm.change_annualsummary", message=_("You may not write annual summaries."))
    summary = AnnualSummary.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=summary.pk)
    ensure_allowed(actor, obj=summary, action="change")
    ensure_campaign_open(summary.campaign)
    if summary.final:
        raise ValidationError(_("The annual summary is finalised and can no longer change."))
    unknown = set(sections) - set(NARRATIVE_SECTIONS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = dict(summary.narrative)
    summary.narrative = {**summary.narrative, **{k: _text(v, k) for k, v in sections.items()}}
    summary.save(update_fields=["narrative"])
    audit_record(actor=actor, action="rhythm.summary_edit", obj=summary, before=before, after=summary.narrative)
    return summary


@transaction.atomic
def summary_finalise(*, actor, summary: AnnualSummary) -> AnnualSummary:
    """Freeze the summary: no more regeneration or edits; the SHA-256 of figures and narrative is recorded."""
    ensure_allowed(actor, "rhythm.change_annualsummary", message=_("You may not write annual summaries."))
    summary = AnnualSummary.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=summary.pk)
    ensure_allowed(actor, obj=summary, action="change")
    ensure_campaign_open(summary.campaign)
    if summary.final:
        raise ValidationError(_("The annual summary is finalised and can no longer change."))
    summary.final = True
    summary.content_hash = rules.content_hash(_summary_payload(summary))
    summary.finalised_at, summary.finalised_by = timezone.now(), user_or_none(actor)
    summary.save(update_fields=["final", "content_hash", "finalised_at", "finalised_by"])
    audit_record(actor=actor, action="rhythm.summary_finalise", obj=summary, after={"hash": summary.content_hash})
    return summary


def summary_intact(summary: AnnualSummary) -> bool:
    """A finalised summary's content still hashes to what was recorded when it was finalised."""
    return bool(summary.final) and rules.content_hash(_summary_payload(summary)) == summary.content_hash


@transaction.atomic
def policy_set(*, actor, office, report_deadline, meeting_weekday: int, meeting_time) -> RhythmPolicy:
    """The office's own daily report deadline and weekly meeting day and time (used from the next generation of
    the calendar and for reports written from now on)."""
    ensure_allowed(actor, "rhythm.change_rhythmpolicy", office, message=_("You may not change the rhythm settings."))
    if not isinstance(meeting_weekday, int) or not 0 <= meeting_weekday <= 4:
        raise ValidationError({"meeting_weekday": _("The weekly meeting is held Monday to Friday.")})
    if report_deadline is None or meeting_time is None:
        raise ValidationError(_("Enter the deadline and the meeting time."))
    policy = RhythmPolicy.objects.select_for_update().filter(office=office).first() or RhythmPolicy(office=office)
    before = snapshot(policy) if policy.pk else None
    policy.report_deadline, policy.meeting_weekday, policy.meeting_time = report_deadline, meeting_weekday, meeting_time
    policy.save()
    ensure_in_scope(policy, actor=actor, action="change")
    audit_record(actor=actor, action="rhythm.policy_set", obj=policy, before=before, after=snapshot(policy))
    return policy
