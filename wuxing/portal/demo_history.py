"""The demo's history dated as it happened: what the services stamped with the moment of loading gets the day it
carries in the story, and the audit rows the load wrote get the moment of the record they describe and the person
who did it.

The apps' demo steps go through the services, which stamp `timezone.now()` (auto_now_add and the like) and write
audit rows as the demo actor. The loader holds those audit rows (`core.audit.audit_held`) and, once every step has
run, calls `date_history`: first the stamps are moved to their day (`STAMPS`, parents before children, each from a
date the row or its parent carries), then every held row is dated and attributed from its record and written in
the order of its moments, so the chain reads as the history does. Nothing is dated after the load began; what
happened "today" in the story happened before the load, the last of it half an hour before.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db import models
from django.utils import timezone

from wuxing.core.actors import is_system

# The day the office set up the system: the organisation, the standard, the accounts, the grids.
SETUP_DAY = datetime.date(2024, 11, 18)
# Whatever the story puts "today" happened at least this long before the load began.
MARGIN = datetime.timedelta(minutes=30)

# Actions that are the system's own imports: they keep the system as actor and the moment of the load.
SYSTEM_ACTIONS = {"demo.load", "participation.demo_load", "rhythm.reports_load_history", "checklist.items_demo"}
# Actions of the organisation's set-up: done by the system on SETUP_DAY.
SETUP_ACTIONS = {
    "orgunit.create",
    "branch.create",
    "branch.update",
    "department.create",
    "person.create",
    "user.create",
    "role.assign",
    "assignment.create",
    "standard.load",
    "grid.create",
    "boundary.upload",
    "showcase.catalogue_defaults",
}
# Actions a branch takes (its secretary), a contact department takes (its cadre), the district takes; the rest are
# the office's (its campaign staff), except those the office leader signs.
BRANCH_ACTIONS = {
    "checklist.checkin",
    "checklist.checkin_correct",
    "deliberation.create",
    "deliberation.step",
    "deliberation.close",
    "deliberation.implementation",
    "target.save_draft",
    "target.submit",
    "pledge.confirm_secretary",
    "rating.self_evaluate",
    "rating.submit",
    "rhythm.help_ask",
    "participation.topic_answer",
    "participation.session_create",
    "plan.measure_save",
    "plan.milestone_add",
    "showcase.milestone_complete",
    "showcase.project_evidence",
    "showcase.volunteer_add",
    "showcase.volunteer_activity_add",
    "showcase.service_record_add",
    "showcase.incident_report",
    "showcase.incident_close",
    "showcase.tea_session_add",
    "showcase.agreement_add",
    "showcase.grid_add",
    "showcase.grid_worker_add",
    "showcase.member_register",
    "showcase.team_add",
    "showcase.project_create",
}
DEPARTMENT_ACTIONS = {"liaison.activity_record", "liaison.finding_record"}
DISTRICT_ACTIONS = {
    "rating.district_review",
    "rating.name",
    "rating.reviewer_add",
    "rating.withdrawal_start",
    "rating.withdrawal_district_review",
    "rating.withdrawal_decide",
    "campaign.amend_result",
}
LEADER_ACTIONS = {
    "targets.confirm",
    "pledge.confirm_leader",
    "showcase.site_claim",
    "rhythm.summary_finalise",
    "supervision.evaluation_publish",
    "supervision.accountability_record",
}
# The stamp of the record that an action sets, where it is not the record's first stamp.
ACTION_STAMP = {
    "target.agree": "agreed_at",
    "target.return": "agreed_at",
    "targets.confirm": "confirmed_at",
    "pledge.generate": "created_at",
    "pledge.confirm_secretary": "secretary_confirmed_at",
    "pledge.confirm_leader": "leader_confirmed_at",
    "deliberation.close": "closed_at",
    "deliberation.implementation": "implemented_on",
    "rhythm.action_close": "done_at",
    "rhythm.meeting_record": "held_on",
    "rhythm.summary_generate": "generated_at",
    "rhythm.summary_finalise": "finalised_at",
    "rhythm.help_answer": "answered_at",
    "supervision.evaluation_compute": "computed_at",
    "supervision.evaluation_publish": "published_at",
    "supervision.rectification_create": "created_at",
    "participation.topic_moderate": "moderated_at",
    "participation.topic_answer": "answered_at",
    "participation.topic_convert": "converted_at",
    "participation.issue_triage": "dispatched_at",
    "participation.solicitation_close": "closed_at",
    "rating.open": "created_at",
    "rating.submit": "submitted_at",
    "rating.publicity": "publicity_start",
    "rating.name": "named_on",
    "rating.withdrawal_decide": "decided_on",
    "campaign.record_result": "rated_on",
    "showcase.site_claim": "claimed_on",
}
# Actions whose record keeps no day: the day they were taken.
ACTION_DAY = {
    "rating.reviewer_add": datetime.date(2025, 11, 3),
    "supervision.tag_create": datetime.date(2026, 3, 2),
}
# Where a record keeps the steps of its history: (child model, link, its moment, its actor, the actor's name, the
# field naming the step). An audit action pairs with the steps of one kind (None: any), the n-th row with the n-th
# step, shifted by the minutes given (a self-evaluation is written the day before the branch submits it).
STEP_ROWS = {
    "targets.target": ("targets.targetround", "target", "at", "actor", "actor_name", "action"),
    "rating.ratingstar": ("rating.reviewstep", "rating_star", "acted_at", "actor", "actor_label", "step"),
    "rating.withdrawal": ("rating.withdrawalrecord", "withdrawal", "acted_at", "actor", "actor_label", "step"),
    "supervision.rectification": ("supervision.rectificationevent", "rectification", "at", "by", "", ""),
}
STEP_MATCH = {
    "target.submit": ("submit", 0),
    "target.record_past": ("submit", 0),
    "target.agree": ("agree", 0),
    "target.return": ("return", 0),
    "target.save_draft": ("submit", -120),
    "rating.self_evaluate": ("submit", -60 * 24),
    "rating.office_review": ("office_review", 0),
    "rating.district_review": ("district_review", 0),
    "rating.withdrawal_start": ("start", 0),
    "rating.withdrawal_office_review": ("office_review", 0),
    "rating.withdrawal_district_review": ("district_review", 0),
    "rating.withdrawal_publicity": ("publicity", 0),
    "rating.withdrawal_decide": ("decide", 0),
    "supervision.rectification_transition": (None, 0),
}
# Candidate stamps and days of a record, most telling first.
MOMENT_FIELDS = [
    "at",
    "acted_at",
    "recorded_at",
    "submitted_at",
    "received_at",
    "uploaded_at",
    "held_on",
    "effective_on",
    "found_on",
    "occurred_on",
    "surveyed_on",
    "claimed_on",
    "started_on",
    "created_at",
    "started_at",
    "generated_at",
    "loaded_at",
    "date_joined",
]
PERSON_FIELDS = [
    "recorded_by",
    "submitted_by",
    "created_by",
    "uploaded_by",
    "asked_by",
    "observer",
    "answered_by",
    "moderated_by",
    "converted_by",
    "triaged_by",
    "done_by",
    "finalised_by",
    "closed_by",
    "started_by",
]


def _aware(day: datetime.date, minutes: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)) + datetime.timedelta(minutes=minutes))


def on_day(day: datetime.date, pk: int, *, start: int = 9 * 60, span: int = 8 * 60) -> datetime.datetime:
    """A working-hours moment of `day`, varying with `pk` so that a day's rows do not share one minute."""
    return _aware(day, start + (pk or 0) * 37 % span)


def as_moment(value, pk: int, *, after: int = 0) -> datetime.datetime | None:
    """`value` (a day or a moment) as a moment; a moment gets `after` minutes more (and a few varying with `pk`)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value + datetime.timedelta(minutes=after + (pk or 0) % 11) if after else value
    return on_day(value, pk)


class _Clock:
    """The latest moment the story may use: half an hour before the load began, minus a little per row, never
    before the (local) day of that moment began: a record and its audit row capped with different rows' offsets
    stay on one day when the load begins just after midnight."""

    def __init__(self, since: datetime.datetime):
        self.latest = since - MARGIN
        self.day_began = timezone.localtime(self.latest).replace(hour=0, minute=0, second=0, microsecond=0)

    def cap(self, moment: datetime.datetime, pk: int = 0) -> datetime.datetime:
        return min(moment, max(self.day_began, self.latest - datetime.timedelta(seconds=(pk or 0) % 600)))


def _campaign_start(year: int) -> datetime.date:
    """The day a year's campaign was set up: in the autumn before it."""
    return datetime.date(year - 1, 10, 20)


# --- stamps --------------------------------------------------------------------------------------------------------

Anchor = Callable[[models.Model], object]


def _attr(path: str) -> Anchor:
    def read(obj):
        for name in path.split("."):
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj

    return read


def _first(*anchors: Anchor) -> Anchor:
    return lambda obj: next((v for v in (a(obj) for a in anchors) if v is not None), None)


def _days_before(anchor: Anchor, days: int) -> Anchor:
    def read(obj):
        value = anchor(obj)
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date()
        return value - datetime.timedelta(days=days)

    return read


def _later(anchor: Anchor, minutes: int) -> Anchor:
    """`minutes` (and a few more) after the moment `anchor` gives (a day: the working-hours moment of that day)."""
    return lambda obj: as_moment(anchor(obj), obj.pk, after=minutes)


def _campaign_set_up(path: str = "campaign") -> Anchor:
    def read(obj):
        campaign = _attr(path)(obj)
        return _campaign_start(campaign.year) if campaign is not None else None

    return read


def _notification_subject(obj):
    """The moment of what a notification is about, read from its link (the notification keeps no key to it)."""
    parts = [p for p in (obj.url or "").split("/") if p]
    number = next((int(p) for p in reversed(parts) if p.isdigit()), None)
    if number is None:
        return None
    if obj.kind == "help_request":
        row = apps.get_model("rhythm", "HelpRequest")._base_manager.filter(pk=number).first()
        return row and row.created_at
    if obj.kind == "action_assigned":
        row = apps.get_model("rhythm", "Action")._base_manager.filter(pk=number).first()
        return row and row.created_at
    if obj.kind == "action_overdue":
        row = apps.get_model("rhythm", "Action")._base_manager.filter(pk=number).first()
        return row and row.due_on and _aware(row.due_on + datetime.timedelta(days=1), 8 * 60)
    if obj.kind == "rectification_overdue":
        row = apps.get_model("supervision", "Rectification")._base_manager.filter(pk=number).first()
        return row and row.due_on and _aware(row.due_on + datetime.timedelta(days=1), 8 * 60)
    return None


# (model, stamp field, anchor): each stamp written during the load moves to the moment its anchor gives; parents
# come before their children, so a child's anchor reads its parent's new stamp.
STAMPS: list[tuple[str, str, Anchor]] = [
    ("org.user", "date_joined", lambda obj: SETUP_DAY),
    ("org.roleassignment", "created_at", lambda obj: SETUP_DAY),
    ("org.grid", "created_at", lambda obj: SETUP_DAY),
    ("org.boundary", "uploaded_at", lambda obj: SETUP_DAY),
    ("standards.standard", "loaded_at", lambda obj: SETUP_DAY),
    ("core.accountpolicy", "updated_at", lambda obj: SETUP_DAY),
    ("campaigns.campaign", "created_at", lambda obj: _campaign_start(obj.year)),
    ("targets.baseline", "updated_at", _attr("surveyed_on")),
    ("deliberations.deliberation", "created_at", _attr("first_held_on")),
    ("deliberations.deliberationstep", "recorded_at", _later(_attr("held_on"), 0)),
    ("checklists.checklistitem", "created_at", _first(_attr("first_checkin_on"), _attr("start_date"))),
    ("checklists.checkinevidence", "uploaded_at", _later(_attr("checkin.recorded_at"), 2)),
    ("liaison.campaignassignment", "created_at", _campaign_set_up()),
    ("liaison.activity", "recorded_at", _attr("held_on")),
    ("liaison.activityevidence", "uploaded_at", _later(_attr("activity.recorded_at"), 3)),
    ("liaison.finding", "recorded_at", _attr("found_on")),
    ("showcase.demosite", "created_at", _attr("claimed_on")),
    ("showcase.featureproject", "created_at", _attr("started_on")),
    ("showcase.projectevidence", "uploaded_at", _later(_attr("project.created_at"), 60 * 24 * 20)),
    ("rhythm.calendarevent", "created_at", _days_before(_first(_attr("generated_for"), _attr("day")), 7)),
    ("rhythm.dailyreport", "submitted_at", _later(_attr("day"), 0)),
    ("rhythm.dailyreport", "updated_at", _attr("submitted_at")),
    ("rhythm.meeting", "created_at", _attr("held_on")),
    ("rhythm.action", "created_at", _later(_attr("meeting.created_at"), 90)),
    ("rhythm.action", "done_at", _attr("done_on")),
    ("rhythm.annualsummary", "generated_at", lambda obj: datetime.date(obj.campaign.year, 12, 20)),
    ("rhythm.annualsummary", "finalised_at", lambda obj: datetime.date(obj.campaign.year, 12, 28)),
    ("rhythm.notification", "created_at", _first(_notification_subject, _attr("before_load"))),
    ("rhythm.delivery", "at", _later(_attr("notification.created_at"), 1)),
    ("supervision.scoresheet", "created_at", _days_before(_attr("first_held_on"), 10)),
    ("supervision.observation", "created_at", _days_before(_attr("held_on"), 5)),
    ("supervision.scorecard", "submitted_at", _attr("observation.held_on")),
    ("supervision.scorecard", "updated_at", _first(_attr("submitted_at"), _attr("observation.held_on"))),
    ("supervision.scorephoto", "uploaded_at", _later(_attr("card.submitted_at"), 1)),
    ("supervision.evaluation", "created_at", _attr("quarter_ends")),
    ("supervision.evaluation", "computed_at", _later(_attr("created_at"), 60)),
    ("supervision.evaluation", "published_at", _later(_attr("computed_at"), 60 * 24 * 2)),
    ("supervision.finding", "recorded_at", _attr("found_on")),
    ("supervision.findingphoto", "uploaded_at", _later(_attr("finding.recorded_at"), 2)),
    ("supervision.publicreport", "received_at", _first(_days_before(_attr("finding.found_on"), 2), _attr("days_ago"))),
    ("supervision.rectificationevidence", "uploaded_at", _later(_attr("last_event_at"), -30)),
    ("supervision.escalation", "created_at", _attr("escalated_on")),
    ("supervision.accountability", "recorded_at", _attr("decided_on")),
    ("rating.vetoevent", "recorded_at", _days_before(_attr("occurred_on"), -1)),
    ("rating.vetoevent", "uploaded_at", _attr("recorded_at")),
    ("rating.objection", "received_at", _attr("inside_publicity")),
    ("rating.objectionevidence", "uploaded_at", _attr("objection.received_at")),
    ("rating.rating", "created_at", _first(_days_before(_attr("submitted_at"), 3), _attr("opened_on"))),
    ("rating.ratingstar", "updated_at", _attr("last_step_at")),
    ("participation.teatopic", "converted_at", _later(_first(_attr("answered_at"), _attr("moderated_at")), 60 * 20)),
    ("participation.issue", "received_at", _attr("topic_converted_at")),
    ("participation.issue", "dispatched_at", _attr("topic_converted_at")),
    ("participation.issueevent", "at", _later(_attr("issue.received_at"), 5)),
    ("participation.issuephoto", "uploaded_at", _attr("issue.received_at")),
    ("participation.survey", "created_at", _days_before(_attr("first_response_at"), 5)),
    ("participation.solicitation", "closed_at", _later(_attr("closed_on"), 0)),
    ("participation.solicitation", "created_at", _attr("opened_on")),
    ("participation.opinion", "submitted_at", _attr("within_solicitation")),
    ("participation.teasession", "recorded_at", _later(_attr("held_on"), 9 * 60)),
]


def _annotate(label: str, rows: list[models.Model], clock: _Clock) -> None:
    """Give the rows of `label` the derived days their anchors read (first step held, quarter's end, …)."""
    ids = [r.pk for r in rows]
    if label == "deliberations.deliberation":
        first = dict(
            apps.get_model("deliberations", "DeliberationStep")
            .objects.filter(deliberation__in=ids)
            .values("deliberation")
            .annotate(day=models.Min("held_on"))
            .values_list("deliberation", "day")
        )
        for r in rows:
            r.first_held_on = first.get(r.pk) or (_campaign_start(r.campaign.year) if r.campaign_id else SETUP_DAY)
    elif label == "checklists.checklistitem":
        first = dict(
            apps.get_model("checklists", "CheckIn")
            .objects.filter(item__in=ids)
            .values("item")
            .annotate(day=models.Min("effective_on"))
            .values_list("item", "day")
        )
        today = timezone.localtime(clock.latest).date()
        for r in rows:
            r.first_checkin_on = first.get(r.pk) or (r.start_date if r.start_date and r.start_date <= today else None)
            if r.first_checkin_on is None:
                r.first_checkin_on = max(_campaign_start(r.campaign.year), min(today, r.campaign.created_at.date()))
    elif label == "rhythm.action":
        for r in rows:
            r.done_on = None
            if r.done_at is not None and r.due_on:
                r.done_on = max(timezone.localtime(r.created_at).date(), r.due_on - datetime.timedelta(days=r.pk % 3))
    elif label == "supervision.scoresheet":
        first = dict(
            apps.get_model("supervision", "Observation")
            .objects.filter(sheet__in=ids)
            .values("sheet")
            .annotate(day=models.Min("held_on"))
            .values_list("sheet", "day")
        )
        for r in rows:
            r.first_held_on = first.get(r.pk) or SETUP_DAY
    elif label == "supervision.evaluation":
        for r in rows:
            month = r.quarter * 3
            end = datetime.date(r.campaign.year + month // 12, month % 12 + 1, 1)
            r.quarter_ends = end + datetime.timedelta(days=4)
    elif label == "supervision.publicreport":
        for r in rows:
            r.days_ago = timezone.localtime(clock.latest).date() - datetime.timedelta(days=2 + r.pk % 3)
    elif label == "supervision.rectificationevidence":
        last = dict(
            apps.get_model("supervision", "RectificationEvent")
            .objects.filter(rectification__in=[r.rectification_id for r in rows])
            .values("rectification")
            .annotate(at=models.Max("at"))
            .values_list("rectification", "at")
        )
        for r in rows:
            r.last_event_at = last.get(r.rectification_id) or r.rectification.created_at
    elif label == "rhythm.notification":
        for r in rows:
            # Today's reminders and digests went out before the load.
            r.before_load = clock.latest
    elif label == "rating.rating":
        today = timezone.localtime(clock.latest).date()
        for r in rows:
            r.opened_on = min(today, datetime.date(r.campaign.year, 12, 31)) - datetime.timedelta(days=20)
    elif label == "rating.objection":
        for r in rows:
            r.inside_publicity = _inside_publicity(r, clock)
    elif label == "rating.ratingstar":
        last = dict(
            apps.get_model("rating", "ReviewStep")
            .objects.filter(rating_star__in=ids)
            .values("rating_star")
            .annotate(at=models.Max("acted_at"))
            .values_list("rating_star", "at")
        )
        for r in rows:
            r.last_step_at = last.get(r.pk) or r.rating.created_at
    elif label == "participation.issue":
        topics = dict(
            apps.get_model("participation", "TeaTopic")
            .objects.filter(issue__in=ids)
            .values_list("issue", "converted_at")
        )
        for r in rows:
            r.topic_converted_at = topics.get(r.pk)
    elif label == "participation.survey":
        first = dict(
            apps.get_model("participation", "SurveyResponse")
            .objects.filter(survey__in=ids)
            .values("survey")
            .annotate(at=models.Min("submitted_at"))
            .values_list("survey", "at")
        )
        for r in rows:
            r.first_response_at = first.get(r.pk)
    elif label == "participation.solicitation":
        for r in rows:
            r.closed_on = timezone.localtime(r.closed_at).date() if r.closed_at else None
            # Open ten days before its deadline, or (closed) a week before it was summed up.
            end = timezone.localtime(r.closed_at).date() if r.closed_at else r.deadline
            r.opened_on = min(end - datetime.timedelta(days=10), timezone.localtime(clock.latest).date())
    elif label == "participation.opinion":
        for r in rows:
            r.within_solicitation = _within_solicitation(r, clock)


def _inside_publicity(objection, clock: _Clock):
    """An objection arrives inside its publicity window, on a day before the load (the evening, as residents do)."""
    parent = objection.withdrawal or objection.rating
    start, end = parent.publicity_start, parent.publicity_end
    if start is None:
        return None
    today = timezone.localtime(clock.latest).date()
    day = min(start + datetime.timedelta(days=1), end or start, today)
    return _aware(max(day, start), 19 * 60 + 40)


def _within_solicitation(opinion, clock: _Clock):
    solicitation = opinion.solicitation
    opened = solicitation.created_at
    until = min(solicitation.closed_at or clock.latest, clock.latest)
    span = max((until - opened).total_seconds(), 60)
    return opened + datetime.timedelta(seconds=span * ((opinion.pk * 7919) % 97 + 1) / 99)


def date_stamps(*, since: datetime.datetime) -> int:
    """Move every stamp of `STAMPS` written since `since` (the load) to its moment in the story; returns the rows."""
    clock = _Clock(since)
    moved = 0
    for label, field, anchor in STAMPS:
        model = apps.get_model(label)
        rows = list(model._base_manager.filter(**{f"{field}__gte": since}))
        if not rows:
            continue
        _annotate(label, rows, clock)
        changed = []
        for row in rows:
            moment = as_moment(anchor(row), row.pk)
            if moment is None:
                continue
            setattr(row, field, clock.cap(moment, row.pk))
            changed.append(row)
        model._base_manager.bulk_update(changed, [field], batch_size=500)
        moved += len(changed)
    return moved


# --- audit rows ----------------------------------------------------------------------------------------------------


class _People:
    """Who did what in the demo: the accounts where the demo has them, else the people's names."""

    def __init__(self):
        User = apps.get_model("org", "User")
        self.accounts = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
        self.by_person = {u.person_id: u for u in User.objects.filter(person__isnull=False)}
        self.office_staff: dict[int, tuple] = {}

    def of_person(self, person) -> tuple:
        if person is None:
            return None
        user = self.by_person.get(person.pk)
        return (user, user.get_username()) if user else (None, person.name)

    def account(self, username: str):
        user = self.accounts.get(username)
        return (user, user.get_username()) if user else None

    def district(self, office_id: int | None, body: str) -> tuple | None:
        """Where the district has no demo account: the district body by name (its 创建办, its 组织部)."""
        office = apps.get_model("org", "OrgUnit").objects.filter(pk=office_id).select_related("parent").first()
        return (None, f"{office.parent.name}{body}") if office and office.parent else None

    def staff(self, office_id: int | None, leader: bool = False) -> tuple | None:
        """The office's campaign staff (the 创建办 cadre) or its leader (the 党工委书记)."""
        from wuxing.org.demo import person_name
        from wuxing.targets.demo import OFFICE_LEADER, OFFICE_STAFF

        key = (office_id, leader)
        if key not in self.office_staff:
            Person = apps.get_model("org", "Person")
            name = person_name(OFFICE_LEADER if leader else OFFICE_STAFF)
            person = Person.objects.filter(office_id=office_id, name=name).first()
            if person is None:
                person = (
                    Person.objects.filter(office_id=office_id, department__isnull=True, branch__isnull=True)
                    .order_by("pk")
                    .first()
                )
            self.office_staff[key] = self.of_person(person)
        return self.office_staff[key]


def _branch_of(obj):
    for path in (
        "branch",
        "item.branch",
        "checkin.item.branch",
        "target.branch",
        "deliberation.branch",
        "rating.branch",
        "rating_star.rating.branch",
        "site.branch",
        "project.site.branch",
        "finding.branch",
        "pledge.target.branch",
        "measure.target.branch",
        "campaign_assignment.assignment.branch",
        "activity.campaign_assignment.assignment.branch",
    ):
        value = _attr(path)(obj)
        if value is not None and value._meta.label_lower == "org.branch":
            return value
    return None


def _office_id(obj):
    if obj._meta.label_lower == "org.orgunit":
        return obj.pk
    for path in (
        "office_id",
        "campaign.office_id",
        "branch.office_id",
        "rating.campaign.office_id",
        "card.observation.campaign.office_id",
        "finding.campaign.office_id",
        "rectification.finding.campaign.office_id",
        "objection.rating.campaign.office_id",
        "issue.office_id",
        "project.site.campaign.office_id",
        "checkin.item.campaign.office_id",
        "measure.target.campaign.office_id",
        "target.campaign.office_id",
        "rating_star.rating.campaign.office_id",
        "withdrawal.rating_star.rating.campaign.office_id",
    ):
        value = _attr(path)(obj)
        if value is not None:
            return value
    branch = _branch_of(obj)
    return branch.office_id if branch is not None else None


def _department_cadre(obj, people: _People):
    for path in ("campaign_assignment.assignment", "activity.campaign_assignment.assignment", "assignment"):
        assignment = _attr(path)(obj)
        if assignment is not None:
            return people.of_person(getattr(assignment, "leader", None))
    return None


def _step_rows(held: list) -> dict[tuple, list]:
    """The history steps of the records that have them, oldest first, by record and kind of step."""
    wanted = defaultdict(set)
    for row in held:
        if row.object_type in STEP_ROWS and row.action in STEP_MATCH and row.object_id:
            wanted[row.object_type].add(int(row.object_id))
    steps = defaultdict(list)
    for label, ids in wanted.items():
        child, link, at, actor, _name, kind = STEP_ROWS[label]
        model = apps.get_model(child)
        for step in model._base_manager.filter(**{f"{link}__in": ids}).select_related(actor).order_by(at, "pk"):
            record = str(getattr(step, f"{link}_id"))
            steps[(label, record, None)].append(step)
            if kind:
                steps[(label, record, getattr(step, kind))].append(step)
    return steps


def _records(held: list) -> dict[tuple[str, str], models.Model]:
    ids = defaultdict(set)
    for row in held:
        if row.object_type and row.object_id and row.object_id.isdigit():
            ids[row.object_type].add(int(row.object_id))
    found = {}
    for label, pks in ids.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for obj in model._base_manager.filter(pk__in=pks):
            found[(label, str(obj.pk))] = obj
    return found


def _moment_of(obj, action: str, since):
    """The moment of `obj` that `action` set, or its first telling stamp, if it lies before the load."""
    if action in ACTION_DAY:
        return on_day(ACTION_DAY[action], obj.pk)
    label = obj._meta.label_lower
    if label in {"plans.planmeasure", "plans.planmilestone"}:
        # A plan is drawn up in the week after its target was confirmed (agreed, for a year in preparation).
        target = obj.target if label == "plans.planmeasure" else obj.measure.target
        base = target.confirmed_at or target.agreed_at or target.submitted_at
        if base is None or base >= since:
            return None
        return base + datetime.timedelta(days=3, minutes=obj.pk % 50 + (10 if label == "plans.planmilestone" else 0))
    names = [ACTION_STAMP[action]] if action in ACTION_STAMP else []
    if obj._meta.label_lower == "campaigns.campaign" and action == "targets.confirm":
        Target = apps.get_model("targets", "Target")
        value = Target.objects.filter(campaign=obj, confirmed_at__lt=since).aggregate(at=models.Max("confirmed_at"))
        if value["at"]:
            return value["at"]
    for name in [*names, *MOMENT_FIELDS]:
        value = getattr(obj, name, None)
        if isinstance(value, datetime.datetime) and value >= since:
            continue
        if isinstance(value, (datetime.date, datetime.datetime)):
            return as_moment(value, obj.pk)
    campaign = getattr(obj, "campaign", None)
    if campaign is not None and campaign.created_at < since:
        return campaign.created_at
    return None


def _parent_moment(obj, since):
    """For a file or photo: the moment of the record it belongs to."""
    for name in ("checkin", "activity", "project", "card", "finding", "rectification", "objection", "issue"):
        parent = getattr(obj, name, None)
        if parent is not None:
            return _moment_of(parent, "", since)
    return None


def _who(row, obj, people: _People):
    """(account or None, name) of the person who took `row`'s action on `obj`."""
    action = row.action
    if obj is not None:
        parents = [obj]
        if action == "evidence.upload":
            parents += [
                getattr(obj, name, None) for name in ("checkin", "activity", "card", "finding", "rectification")
            ]
        for record in filter(None, parents):
            for name in PERSON_FIELDS:
                user = getattr(record, name, None) if name in {f.name for f in record._meta.fields} else None
                if user is not None:
                    return user, user.get_username()
        if action == "pledge.confirm_secretary" and obj.secretary_confirmed_by_id:
            return obj.secretary_confirmed_by, obj.secretary_confirmed_by.get_username()
        if action == "pledge.confirm_leader" and obj.leader_confirmed_by_id:
            return obj.leader_confirmed_by, obj.leader_confirmed_by.get_username()
    office_id = _office_id(obj) if obj is not None else None
    if action in DISTRICT_ACTIONS:
        if action == "rating.withdrawal_district_review":
            return people.account("demo-district-org") or people.district(office_id, "区委组织部")
        return people.account("demo-district") or people.district(office_id, "创建办")
    if action in LEADER_ACTIONS:
        return people.staff(office_id, leader=True)
    if obj is not None and (action in DEPARTMENT_ACTIONS or action == "evidence.upload"):
        cadre = _department_cadre(obj, people)
        if cadre:
            return cadre
    if obj is not None and (action in BRANCH_ACTIONS or action == "evidence.upload"):
        branch = _branch_of(obj)
        if branch is not None and branch.secretary_id:
            return people.of_person(branch.secretary)
    return people.staff(office_id)


def _restamp(value, since: datetime.datetime, moment: datetime.datetime):
    """`value` (an audit row's JSON) with every moment from the load replaced by `moment`."""
    if isinstance(value, dict):
        return {key: _restamp(item, since, moment) for key, item in value.items()}
    if isinstance(value, list):
        return [_restamp(item, since, moment) for item in value]
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            stamp = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(stamp) and stamp >= since:
            return moment.isoformat()
    return value


def date_audit_rows(held: list, *, since: datetime.datetime) -> list:
    """Date and attribute the audit rows held during the load; returns them in the order of their moments.

    A row keeps a person the service was called with; a row of the demo actor gets the person its record names (the
    step of its history, who recorded it) or who takes such an action (the branch's secretary, the contact cadre,
    the office's staff or leader, the district). The system's own imports keep the system; the organisation's
    set-up is dated on SETUP_DAY. A record's rows never go back in time.
    """
    clock = _Clock(since)
    people = _People()
    records = _records(held)
    steps = _step_rows(held)
    taken = defaultdict(int)
    last = {}
    dated = []
    for order, row in enumerate(held):
        acting = getattr(row, "acting", None)
        key = (row.object_type, row.object_id)
        obj = records.get(key)
        if row.action in SYSTEM_ACTIONS:
            dated.append((since + datetime.timedelta(microseconds=order), order, row))
            continue
        moment, who = None, None
        if row.action in SETUP_ACTIONS:
            moment = on_day(SETUP_DAY, order)
        elif row.object_type in STEP_ROWS and row.action in STEP_MATCH:
            kind, shift = STEP_MATCH[row.action]
            pairing = (*key, kind)
            history = steps.get(pairing, [])
            index = taken[pairing]
            if index < len(history):
                step = history[index]
                taken[pairing] += shift == 0
                _child, _link, at, actor, label, _kind = STEP_ROWS[row.object_type]
                moment = getattr(step, at)
                if moment < since:
                    moment += datetime.timedelta(minutes=shift)
                    account = getattr(step, actor)
                    name = getattr(step, label) if label else ""
                    if shift:
                        pass  # the step is someone else's: who wrote this row is found below
                    elif account is not None:
                        who = (account, account.get_username())
                    elif name and not name.startswith("system:"):
                        who = (None, name)
                else:
                    moment = None
        if moment is None and obj is not None:
            moment = _moment_of(obj, row.action, since)
            if moment is None or row.action == "evidence.upload":
                moment = _parent_moment(obj, since) or moment
        if moment is None or moment >= since:
            moment = last.get(key) or clock.latest
        moment = clock.cap(max(moment, last.get(key, moment)), order)
        last[key] = moment
        row.at = moment
        # The values recorded with the row were read as the load stamped them; they read the row's moment.
        row.before, row.after = _restamp(row.before, since, moment), _restamp(row.after, since, moment)
        if acting is None or is_system(acting) and acting.name == "demo":
            if row.action not in SETUP_ACTIONS:
                who = who or _who(row, obj, people)
            if who:
                row.actor, row.actor_name = who[0], who[1][:150]
        dated.append((moment, order, row))
    dated.sort(key=lambda item: (item[0], item[1]))
    return [row for _moment, _order, row in dated]


def date_deliveries(*, since: datetime.datetime) -> int:
    """The notifications' deliveries go out when the load commits: date each a minute after its notification."""
    clock = _Clock(since)
    Delivery = apps.get_model("rhythm", "Delivery")
    rows = list(Delivery._base_manager.filter(at__gte=since).select_related("notification"))
    for row in rows:
        if row.notification.created_at < since:
            row.at = clock.cap(row.notification.created_at + datetime.timedelta(minutes=1 + row.pk % 5), row.pk)
    Delivery._base_manager.bulk_update(rows, ["at"], batch_size=500)
    return len(rows)


def date_history(held: Iterable, *, since: datetime.datetime) -> list:
    """Date the stamps of the load, then its audit rows (which read those stamps); returns the rows to write."""
    date_stamps(since=since)
    return date_audit_rows(list(held), since=since)
