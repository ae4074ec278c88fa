"""Writes of the demonstration sites: the catalogue, claiming a site, its feature projects and their records.

Every write checks the permission and the scope (the site's branch), runs in one transaction and leaves an
audit row. The HTML pages and the API call these same functions.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wuxing.campaigns.selectors import campaign_public
from wuxing.campaigns.services import ensure_campaign_open
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.trash import restore, trash
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.services import place_check

from . import rules
from .choices import DEFAULT_PROJECT_KINDS, GridWorkerRole, ProjectStatus, RecordStructure
from .models import (
    Agreement,
    DemoSite,
    FeatureProject,
    Grid,
    GridIncident,
    GridWorker,
    InServiceMember,
    Milestone,
    ProjectEvidence,
    ProjectKind,
    ServiceRecord,
    TeaSession,
    Volunteer,
    VolunteerActivity,
    VolunteerTeam,
)

MAX_EVIDENCE_FILES = 10


def _text(value, field: str, *, required: bool = True, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length and len(value) > max_length:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": max_length}})
    return value


def _date(value, field: str, *, required: bool = True, not_future: bool = False):
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Enter a date.")})
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: _("Enter a valid date.")}) from None
    if not_future and value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return value


def _hours(value, field: str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise ValidationError({field: _("Enter a number of hours.")}) from None
    if hours < 0 or hours > 100000:
        raise ValidationError({field: _("The hours must be between 0 and 100,000.")})
    return hours.quantize(Decimal("0.1"))


# --- catalogue ------------------------------------------------------------------------------------------------


@transaction.atomic
def catalogue_ensure_defaults(*, actor, office) -> list[ProjectKind]:
    """Add the nine default kinds of feature project the office's catalogue does not have yet.

    Part of claiming a site (the claim checks the permission); here only the office's scope is checked.
    """
    ensure_allowed(actor, obj=office, action="view")
    existing = set(ProjectKind.objects.filter(office=office).values_list("code", flat=True))
    created = []
    for position, (code, name, structure) in enumerate(DEFAULT_PROJECT_KINDS, start=1):
        if code not in existing:
            created.append(
                ProjectKind.objects.create(
                    office=office, code=code, name=str(name), structure=structure, sort_order=position * 10
                )
            )
    for kind in created:
        ensure_in_scope(kind, actor=actor, action="view")
    if created:
        audit_record(
            actor=actor, action="showcase.catalogue_defaults", obj=office, after={"kinds": [k.code for k in created]}
        )
    return created


@transaction.atomic
def project_kind_create(
    *, actor, office, code: str, name: str, structure: str = RecordStructure.GENERIC, description: str = ""
) -> ProjectKind:
    """The office extends its catalogue with its own kind of feature project."""
    ensure_allowed(
        actor,
        "showcase.add_projectkind",
        message=_("You may not change the catalogue of feature projects."),
    )
    ensure_allowed(actor, obj=office, action="view")
    code = _text(code, "code", max_length=32).lower()
    if not code.replace("_", "").replace("-", "").isalnum() or not code.isascii():
        raise ValidationError({"code": _("Use letters, digits, “-” and “_” only.")})
    if structure not in RecordStructure.values:
        raise ValidationError({"structure": _("Unknown kind of records.")})
    if ProjectKind.objects.filter(office=office, code=code).exists():
        raise ValidationError({"code": _("The catalogue already has a kind with this code.")})
    last = (
        ProjectKind.objects.filter(office=office).order_by("-sort_order").values_list("sort_order", flat=True).first()
        or 0
    )
    kind = ProjectKind.objects.create(
        office=office,
        code=code,
        name=_text(name, "name", max_length=100),
        structure=structure,
        description=(description or "").strip(),
        sort_order=last + 10,
    )
    ensure_in_scope(kind, actor=actor, action="view")
    audit_record(actor=actor, action="showcase.kind_create", obj=kind, after=snapshot(kind))
    return kind


# --- sites ----------------------------------------------------------------------------------------------------


@transaction.atomic
def site_claim(*, actor, campaign, branch, leader, feature: str, plan: str = "", claimed_on=None) -> DemoSite:
    """A leader claims a branch as a demonstration site for the campaign (既挂帅、又出征)."""
    ensure_allowed(actor, "showcase.add_demosite", message=_("Only office leaders claim demonstration sites."))
    ensure_allowed(actor, obj=branch, action="view")
    ensure_allowed(actor, obj=campaign, action="view")
    if branch.office_id != campaign.office_id:
        raise ValidationError({"branch": _("The branch does not belong to the campaign's office.")})
    ensure_campaign_open(campaign)
    if not leader.is_leader or leader.office_id != campaign.office_id:
        raise ValidationError({"leader": _("Only a leadership member of the office can claim a demonstration site.")})
    if DemoSite.objects.filter(campaign=campaign, branch=branch).exists():
        raise ValidationError(
            {"branch": _("%(branch)s is already a demonstration site of this campaign.") % {"branch": branch.name}}
        )
    if DemoSite.objects.filter(campaign=campaign, leader=leader).exists():
        raise ValidationError(
            {"leader": _("%(leader)s already claimed a demonstration site in this campaign.") % {"leader": leader.name}}
        )
    site = DemoSite.objects.create(
        campaign=campaign,
        branch=branch,
        leader=leader,
        feature=_text(feature, "feature", max_length=100),
        plan=(plan or "").strip(),
        claimed_on=_date(claimed_on, "claimed_on", required=False) or timezone.localdate(),
    )
    ensure_in_scope(site, actor=actor, action="change")
    catalogue_ensure_defaults(actor=actor, office=campaign.office)
    audit_record(actor=actor, action="showcase.site_claim", obj=site, after=snapshot(site))
    return site


@transaction.atomic
def site_update(*, actor, site: DemoSite, feature: str, plan: str, lon=None, lat=None) -> DemoSite:
    """The site's feature and tailored plan, and its place on the office's map (longitude and latitude in the
    map's coordinate system, or neither)."""
    message = _("You may not change this demonstration site.")
    ensure_allowed(actor, "showcase.change_demosite", message=message)
    site = DemoSite.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=site.pk)
    ensure_allowed(actor, obj=site, action="change", message=message)
    ensure_campaign_open(site.campaign)
    before = snapshot(site)
    site.feature = _text(feature, "feature", max_length=100)
    site.plan = (plan or "").strip()
    site.lon, site.lat = place_check(office=site.campaign.office, lon=lon, lat=lat)
    site.save(update_fields=["feature", "plan", "lon", "lat"])
    ensure_in_scope(site, actor=actor, action="change", message=message)
    audit_record(actor=actor, action="showcase.site_update", obj=site, before=before, after=snapshot(site))
    return site


def site_place_codes(office) -> set[str]:
    """What a Point of the office's map upload may name as a site: the branch code of each demonstration site of
    the office's current campaign."""
    campaign = campaign_public(office=office)
    if campaign is None:
        return set()
    return set(DemoSite.objects.filter(campaign=campaign).values_list("branch__code", flat=True))


@transaction.atomic
def sites_place(*, actor, office, places: dict[str, tuple]) -> int:
    """Place the current campaign's sites named (by branch code) in an uploaded map: {code: (lon, lat)}."""
    campaign = campaign_public(office=office)
    if campaign is None or not places:
        return 0
    ensure_allowed(actor, "org.change_boundary", office, action="view")
    placed = 0
    sites = (
        DemoSite.objects.select_for_update(of=("self",))
        .select_related("branch")
        .filter(campaign=campaign, branch__code__in=list(places))
    )
    for site in sites:
        lon, lat = places[site.branch.code]
        before = {"lon": site.lon, "lat": site.lat}
        site.lon, site.lat = place_check(office=office, lon=lon, lat=lat)
        site.save(update_fields=["lon", "lat"])
        audit_record(
            actor=actor, action="showcase.site_place", obj=site, before=before, after={"lon": site.lon, "lat": site.lat}
        )
        placed += 1
    return placed


# --- projects -------------------------------------------------------------------------------------------------


def _project_for_change(actor, project: FeatureProject, structure: str | None = None) -> FeatureProject:
    """The project, freshly read, after the checks every change of it or its records makes."""
    message = _("You may not change this feature project.")
    ensure_allowed(actor, "showcase.change_featureproject", message=message)
    project = FeatureProject.objects.select_related("kind", "site__campaign").get(pk=project.pk)
    ensure_allowed(actor, obj=project, action="change", message=message)
    ensure_campaign_open(project.site.campaign)
    if structure is not None and project.kind.structure != structure:
        raise ValidationError(_("A “%(kind)s” project does not keep these records.") % {"kind": project.kind.name})
    return project


@transaction.atomic
def project_create(
    *,
    actor,
    site: DemoSite,
    kind: ProjectKind,
    title: str,
    goal: str = "",
    lead: str = "",
    started_on=None,
    due_on=None,
    milestones=(),
) -> FeatureProject:
    """Add a feature project to a site's tailored plan, with its milestones [(title, due_on), …]."""
    ensure_allowed(actor, "showcase.add_featureproject", message=_("You may not add feature projects."))
    ensure_allowed(actor, obj=site, action="view")
    if kind.office_id != site.campaign.office_id:
        raise ValidationError({"kind": _("The kind is not in this office's catalogue.")})
    ensure_campaign_open(site.campaign)
    started_on = _date(started_on, "started_on", required=False)
    due_on = _date(due_on, "due_on", required=False)
    if started_on and due_on and due_on < started_on:
        raise ValidationError({"due_on": _("The due date is before the start.")})
    project = FeatureProject.objects.create(
        site=site,
        kind=kind,
        title=_text(title, "title", max_length=200),
        goal=(goal or "").strip(),
        lead=(lead or "").strip()[:100],
        started_on=started_on,
        due_on=due_on,
        status=ProjectStatus.IN_PROGRESS
        if started_on and started_on <= timezone.localdate()
        else ProjectStatus.PLANNED,
    )
    for position, (m_title, m_due) in enumerate(milestones, start=1):
        Milestone.objects.create(
            project=project,
            title=_text(m_title, "milestones", max_length=200),
            due_on=_date(m_due, "milestones", required=False),
            sort_order=position,
        )
    ensure_in_scope(project, actor=actor, action="change")
    audit_record(
        actor=actor,
        action="showcase.project_create",
        obj=project,
        after={**snapshot(project), "milestones": [m[0] for m in milestones]},
    )
    return project


@transaction.atomic
def milestone_add(*, actor, project: FeatureProject, title: str, due_on=None, weight: int = 1) -> Milestone:
    project = _project_for_change(actor, project)
    if not 1 <= int(weight) <= 100:
        raise ValidationError({"weight": _("The weight must be between 1 and 100.")})
    last = project.milestones.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    milestone = Milestone.objects.create(
        project=project,
        title=_text(title, "title", max_length=200),
        due_on=_date(due_on, "due_on", required=False),
        weight=int(weight),
        sort_order=last + 1,
    )
    ensure_in_scope(project, actor=actor, action="change")
    audit_record(actor=actor, action="showcase.milestone_add", obj=project, after=snapshot(milestone))
    return milestone


@transaction.atomic
def milestone_complete(*, actor, milestone: Milestone, done_on=None) -> Milestone:
    """Mark a milestone done; the project is in progress from its first one and done with its last."""
    project = _project_for_change(actor, milestone.project)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_on:
        raise ValidationError(_("This milestone is already done."))
    milestone.done_on = _date(done_on, "done_on", required=False, not_future=True) or timezone.localdate()
    milestone.save(update_fields=["done_on"])
    open_left = project.milestones.filter(done_on__isnull=True).exists()
    status = ProjectStatus.IN_PROGRESS if open_left else ProjectStatus.DONE
    if project.status != status:
        FeatureProject.objects.filter(pk=project.pk).update(status=status)
    ensure_in_scope(project, actor=actor, action="change")
    audit_record(
        actor=actor,
        action="showcase.milestone_complete",
        obj=project,
        after={"milestone": milestone.title, "done_on": milestone.done_on, "status": status},
    )
    return milestone


@transaction.atomic
def project_add_evidence(*, actor, project: FeatureProject, evidence, caption: str = "") -> list[ProjectEvidence]:
    project = _project_for_change(actor, project)
    evidence = list(evidence or [])
    if not evidence:
        raise ValidationError({"evidence": _("Choose at least one file.")})
    if project.evidence.count() + len(evidence) > MAX_EVIDENCE_FILES * 3:
        raise ValidationError({"evidence": _("At most %(n)d files per project.") % {"n": MAX_EVIDENCE_FILES * 3}})
    cleaned = clean_uploads(evidence, field="evidence")
    files = [
        store_evidence(ProjectEvidence, upload, actor=actor, project=project, caption=(caption or "").strip()[:200])
        for upload in cleaned
    ]
    ensure_in_scope(project, actor=actor, action="change")
    audit_record(
        actor=actor,
        action="showcase.project_evidence",
        obj=project,
        after={"evidence": [f.original_name for f in files]},
    )
    return files


# --- structured records ---------------------------------------------------------------------------------------


def _record(actor, project, obj, action):
    """Re-check the project after writing one of its records, inside the service's transaction, and audit it."""
    ensure_in_scope(project, actor=actor, action="change")
    audit_record(
        actor=actor, action=f"showcase.{action}", obj=project, after={"record": obj._meta.model_name, **snapshot(obj)}
    )
    return obj


@transaction.atomic
def agreement_add(*, actor, project, partner: str, content: str, signed_on, term_end=None) -> Agreement:
    project = _project_for_change(actor, project, RecordStructure.AGREEMENTS)
    signed_on = _date(signed_on, "signed_on", not_future=True)
    term_end = _date(term_end, "term_end", required=False)
    if term_end and term_end < signed_on:
        raise ValidationError({"term_end": _("The agreement cannot end before it is signed.")})
    row = Agreement.objects.create(
        project=project,
        partner=_text(partner, "partner", max_length=200),
        content=_text(content, "content"),
        signed_on=signed_on,
        term_end=term_end,
    )
    return _record(actor, project, row, "agreement_add")


@transaction.atomic
def member_register(*, actor, project, name: str, employer: str, registered_on) -> InServiceMember:
    project = _project_for_change(actor, project, RecordStructure.MEMBERS)
    row = InServiceMember.objects.create(
        project=project,
        name=_text(name, "name", max_length=50),
        employer=_text(employer, "employer", max_length=200),
        registered_on=_date(registered_on, "registered_on", not_future=True),
    )
    return _record(actor, project, row, "member_register")


@transaction.atomic
def service_record_add(*, actor, member: InServiceMember, served_on, content: str, hours) -> ServiceRecord:
    project = _project_for_change(actor, member.project, RecordStructure.MEMBERS)
    served_on = _date(served_on, "served_on", not_future=True)
    if served_on < member.registered_on:
        raise ValidationError({"served_on": _("The service is dated before the member registered with the community.")})
    row = ServiceRecord.objects.create(
        member=member,
        served_on=served_on,
        content=_text(content, "content", max_length=200),
        hours=_hours(hours, "hours"),
    )
    return _record(actor, project, row, "service_record_add")


@transaction.atomic
def tea_session_add(
    *, actor, project, held_on, issues: str, issue_count: int = 1, answers: str = "", follow_up: str = ""
) -> TeaSession:
    project = _project_for_change(actor, project, RecordStructure.SESSIONS)
    try:
        issue_count = int(issue_count)
    except (TypeError, ValueError):
        raise ValidationError({"issue_count": _("Enter a whole number.")}) from None
    if not 1 <= issue_count <= 500:
        raise ValidationError({"issue_count": _("A session records between 1 and 500 issues.")})
    row = TeaSession.objects.create(
        project=project,
        held_on=_date(held_on, "held_on", not_future=True),
        issues=_text(issues, "issues"),
        issue_count=issue_count,
        answers=(answers or "").strip(),
        follow_up=(follow_up or "").strip(),
    )
    return _record(actor, project, row, "tea_session_add")


@transaction.atomic
def team_add(*, actor, project, name: str, captain: str = "") -> VolunteerTeam:
    project = _project_for_change(actor, project, RecordStructure.VOLUNTEERS)
    row = VolunteerTeam.objects.create(
        project=project, name=_text(name, "name", max_length=100), captain=(captain or "").strip()[:50]
    )
    return _record(actor, project, row, "team_add")


@transaction.atomic
def volunteer_add(*, actor, team: VolunteerTeam, name: str, joined_on) -> Volunteer:
    project = _project_for_change(actor, team.project, RecordStructure.VOLUNTEERS)
    row = Volunteer.objects.create(
        team=team, name=_text(name, "name", max_length=50), joined_on=_date(joined_on, "joined_on", not_future=True)
    )
    return _record(actor, project, row, "volunteer_add")


@transaction.atomic
def volunteer_activity_add(
    *, actor, team: VolunteerTeam, held_on, title: str, volunteer_count: int, hours
) -> VolunteerActivity:
    project = _project_for_change(actor, team.project, RecordStructure.VOLUNTEERS)
    try:
        volunteer_count = int(volunteer_count)
    except (TypeError, ValueError):
        raise ValidationError({"volunteer_count": _("Enter a whole number.")}) from None
    if not 1 <= volunteer_count <= 10000:
        raise ValidationError({"volunteer_count": _("Between 1 and 10,000 volunteers.")})
    hours = _hours(hours, "hours")
    if hours > volunteer_count * 24:
        raise ValidationError(
            {
                "hours": _("%(hours)s hours is more than %(count)d volunteers can serve in one day.")
                % {"hours": hours, "count": volunteer_count}
            }
        )
    row = VolunteerActivity.objects.create(
        team=team,
        held_on=_date(held_on, "held_on", not_future=True),
        title=_text(title, "title", max_length=200),
        volunteer_count=volunteer_count,
        hours=hours,
    )
    return _record(actor, project, row, "volunteer_activity_add")


@transaction.atomic
def grid_add(*, actor, project, name: str, area: str = "", households: int = 0) -> Grid:
    project = _project_for_change(actor, project, RecordStructure.GRID)
    try:
        households = int(households or 0)
    except (TypeError, ValueError):
        raise ValidationError({"households": _("Enter a whole number.")}) from None
    if households < 0:
        raise ValidationError({"households": _("Enter a whole number.")})
    row = Grid.objects.create(
        project=project,
        name=_text(name, "name", max_length=100),
        area=(area or "").strip()[:200],
        households=households,
    )
    return _record(actor, project, row, "grid_add")


@transaction.atomic
def grid_worker_add(*, actor, grid: Grid, name: str, role: str = GridWorkerRole.WORKER) -> GridWorker:
    project = _project_for_change(actor, grid.project, RecordStructure.GRID)
    if role not in GridWorkerRole.values:
        raise ValidationError({"role": _("Unknown role in the grid.")})
    row = GridWorker.objects.create(grid=grid, name=_text(name, "name", max_length=50), role=role)
    return _record(actor, project, row, "grid_worker_add")


@transaction.atomic
def incident_report(*, actor, grid: Grid, reported_on, category: str, description: str) -> GridIncident:
    project = _project_for_change(actor, grid.project, RecordStructure.GRID)
    row = GridIncident.objects.create(
        grid=grid,
        reported_on=_date(reported_on, "reported_on", not_future=True),
        category=_text(category, "category", max_length=50),
        description=_text(description, "description"),
    )
    return _record(actor, project, row, "incident_report")


@transaction.atomic
def incident_close(*, actor, incident: GridIncident, closed_on=None, result: str) -> GridIncident:
    project = _project_for_change(actor, incident.grid.project, RecordStructure.GRID)
    incident = GridIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.closed_on:
        raise ValidationError(_("This incident is already closed."))
    closed_on = _date(closed_on, "closed_on", required=False, not_future=True) or timezone.localdate()
    if closed_on < incident.reported_on:
        raise ValidationError({"closed_on": _("An incident cannot be closed before it was reported.")})
    incident.closed_on = closed_on
    incident.result = _text(result, "result")
    incident.save(update_fields=["closed_on", "result"])
    return _record(actor, project, incident, "incident_close")


# --- correcting and deleting records ------------------------------------------------------------------------------

# record kind → (model, path from the record to its project, the structure that keeps it, fields a user edits)
RECORD_KINDS = {
    "agreement": (Agreement, "project", RecordStructure.AGREEMENTS, ["partner", "content", "signed_on", "term_end"]),
    "member": (InServiceMember, "project", RecordStructure.MEMBERS, ["name", "employer", "registered_on"]),
    "service": (ServiceRecord, "member__project", RecordStructure.MEMBERS, ["served_on", "content", "hours"]),
    "session": (
        TeaSession,
        "project",
        RecordStructure.SESSIONS,
        ["held_on", "issues", "issue_count", "answers", "follow_up"],
    ),
    "team": (VolunteerTeam, "project", RecordStructure.VOLUNTEERS, ["name", "captain"]),
    "volunteer": (Volunteer, "team__project", RecordStructure.VOLUNTEERS, ["name", "joined_on"]),
    "volunteer_activity": (
        VolunteerActivity,
        "team__project",
        RecordStructure.VOLUNTEERS,
        ["held_on", "title", "volunteer_count", "hours"],
    ),
    "grid": (Grid, "project", RecordStructure.GRID, ["name", "area", "households"]),
    "grid_worker": (GridWorker, "grid__project", RecordStructure.GRID, ["name", "role"]),
    "incident": (GridIncident, "grid__project", RecordStructure.GRID, ["reported_on", "category", "description"]),
}
NOT_FUTURE_EXCEPT = {"term_end"}
PROBLEM_MESSAGES = {
    "agreement_ends_before_signed": _lazy("The agreement cannot end before it is signed."),
    "service_before_registration": _lazy("The service is dated before the member registered with the community."),
    "hours_beyond_a_day": _lazy("The hours are more than the volunteers can serve in one day."),
}


def record_kind(kind: str):
    if kind not in RECORD_KINDS:
        raise ValidationError(_("Unknown kind of record."))
    return RECORD_KINDS[kind]


def record_project(record) -> FeatureProject:
    """The feature project a record belongs to."""
    for model, path, _structure, _fields in RECORD_KINDS.values():
        if isinstance(record, model):
            obj = record
            for step in path.split("__"):
                obj = getattr(obj, step)
            return obj
    raise ValidationError(_("Unknown kind of record."))


def _record_for_change(actor, kind: str, record):
    model, path, structure, fields = record_kind(kind)
    row = model.objects.select_for_update(of=("self",)).get(pk=record.pk)
    project = _project_for_change(actor, record_project(row), structure)
    return row, project, fields


def _clean_record_value(model, name: str, value):
    field = model._meta.get_field(name)
    required = not (field.blank or field.null)
    if isinstance(field, models.DateField):
        return _date(value, name, required=required, not_future=name not in NOT_FUTURE_EXCEPT)
    if isinstance(field, models.DecimalField):
        return _hours(value, name)
    if isinstance(field, models.IntegerField):
        try:
            number = int(value if value not in (None, "") else 0)
        except (TypeError, ValueError):
            raise ValidationError({name: _("Enter a whole number.")}) from None
        low, high = rules.RECORD_NUMBER_BOUNDS.get(name, (0, 1000000))
        if not low <= number <= high:
            raise ValidationError(
                {name: _("Enter a number between %(low)d and %(high)d.") % {"low": low, "high": high}}
            )
        return number
    if field.choices:
        if value not in dict(field.flatchoices):
            raise ValidationError({name: _("Choose one of the options.")})
        return value
    return _text(value, name, required=required, max_length=getattr(field, "max_length", None))


@transaction.atomic
def record_update(*, actor, kind: str, record, **values):
    """Correct a record of a feature project, with the checks of adding it; the audit row keeps what it was."""
    row, project, fields = _record_for_change(actor, kind, record)
    model = type(row)
    cleaned = {name: _clean_record_value(model, name, values.get(name)) for name in fields}
    registered_on = row.member.registered_on if kind == "service" else None
    problems = rules.record_problems(kind, cleaned, registered_on=registered_on)
    if problems:
        raise ValidationError({field: str(PROBLEM_MESSAGES[code]) for field, code in problems.items()})
    before = snapshot(row, fields)
    for name, value in cleaned.items():
        setattr(row, name, value)
    row.save(update_fields=fields)
    ensure_in_scope(project, actor=actor, action="change")
    audit_record(actor=actor, action="showcase.record_update", obj=row, before=before, after=snapshot(row, fields))
    return row


@transaction.atomic
def record_delete(*, actor, kind: str, record, reason: str) -> FeatureProject:
    """Delete a record nothing depends on, with a reason; it can be put back for a few seconds."""
    row, project, _fields = _record_for_change(actor, kind, record)
    for related in rules.RECORD_DEPENDANTS.get(kind, ()):
        if getattr(row, related).exists():
            raise ValidationError(_("Other records depend on this one: delete them first."))
    reason = (reason or "").strip()
    audit_record(actor=actor, action="showcase.record_delete", obj=row, before=snapshot(row), note=reason)
    trash(actor=actor, obj=row, reason=reason)
    return project


@transaction.atomic
def record_restore(*, actor, kind: str, pk: int):
    """Undo a deletion made moments ago (core.rules.UNDO_SECONDS), with the checks of deleting it."""
    model, _path, structure, _fields = record_kind(kind)
    ensure_allowed(actor, "showcase.change_featureproject", message=_("You may not change this feature project."))
    row, _entry = restore(model=model, object_id=pk)
    project = _project_for_change(actor, record_project(row), structure)
    ensure_in_scope(project, actor=actor, action="change")
    audit_record(actor=actor, action="showcase.record_restore", obj=row, after=snapshot(row))
    return row
