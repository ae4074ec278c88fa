"""Writes of the assignments app: taking a branch for a campaign, pledges and deliveries, 五个一 activities, findings.

The HTML pages and the API call these same functions, so the rules (R9 kinds, scope, own assignments) cannot drift.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.services import ensure_campaign_open
from wuxing.core.actors import user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.trash import restore, trash
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.figures import office_figures_changed
from wuxing.org.models import Assignment
from wuxing.org.services import assignment_create

from .choices import FindingKind, FindingSource
from .models import Activity, ActivityEvidence, CampaignAssignment, Finding
from .querysets import only_own_assignments
from .rules import is_known_kind
from .selectors import assignment_list

MAX_EVIDENCE_FILES = 10


def _outside() -> str:
    return _("This assignment is outside your scope.")


def _ensure_branch_of_campaign(campaign, branch) -> None:
    if branch.office_id != campaign.office_id:
        raise ValidationError({"branch": _("The branch does not belong to the campaign's office.")})


def _decimal(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation:
        raise ValidationError({field: _("Enter a number.")}) from None
    if amount < 0 or amount >= Decimal("100000000"):
        raise ValidationError({field: _("The amount must be between 0 and 99,999,999.99.")})
    return amount.quantize(Decimal("0.01"))


def _people(value, field: str) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a whole number.")}) from None
    if not 0 <= number <= 10000:
        raise ValidationError({field: _("The number of people must be between 0 and 10,000.")})
    return number


@transaction.atomic
def campaign_assignment_create(
    *,
    actor,
    campaign,
    branch,
    department=None,
    leader=None,
    pledged_people=0,
    pledged_funds=0,
    pledged_projects: str = "",
    note: str = "",
) -> CampaignAssignment:
    """A department or a leader takes a branch for the campaign (creating the standing 联系分包 if needed)."""
    ensure_allowed(actor, "liaison.add_campaignassignment", message=_("You may not assign branches."))
    ensure_allowed(actor, obj=branch, action="view")
    ensure_allowed(actor, obj=campaign, action="view")
    _ensure_branch_of_campaign(campaign, branch)
    ensure_campaign_open(campaign)
    assignment = assignment_create(actor=actor, branch=branch, department=department, leader=leader)
    if CampaignAssignment.objects.filter(campaign=campaign, assignment=assignment).exists():
        raise ValidationError(
            _("%(who)s already took %(branch)s for this campaign.")
            % {"who": department or leader, "branch": branch.name}
        )
    row = CampaignAssignment.objects.create(
        campaign=campaign,
        assignment=assignment,
        pledged_people=_people(pledged_people, "pledged_people"),
        pledged_funds=_decimal(pledged_funds, "pledged_funds"),
        pledged_projects=(pledged_projects or "").strip(),
        note=(note or "").strip(),
    )
    ensure_in_scope(row, actor=actor, action="change", message=_outside())
    office_figures_changed(campaign.office_id)  # the summaries count assignments with their 五个一 complete
    audit_record(actor=actor, action="liaison.assignment_create", obj=row, after=snapshot(row))
    return row


CONTRIBUTION_FIELDS = [
    "pledged_people",
    "pledged_funds",
    "pledged_projects",
    "delivered_people",
    "delivered_funds",
    "delivered_projects",
    "note",
]


@transaction.atomic
def campaign_assignment_update(*, actor, campaign_assignment: CampaignAssignment, **fields) -> CampaignAssignment:
    """Record what an assignment pledges and delivered ("有人出人、有力出力")."""
    ensure_allowed(actor, "liaison.change_campaignassignment", message=_("You may not change this assignment."))
    unknown = set(fields) - set(CONTRIBUTION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    row = (
        CampaignAssignment.objects.select_for_update(of=("self",))
        .select_related("campaign", "assignment__branch")
        .get(pk=campaign_assignment.pk)
    )
    ensure_allowed(actor, obj=row, action="change", message=_outside())
    ensure_campaign_open(row.campaign)
    before = snapshot(row)
    for name, value in fields.items():
        if name.endswith("_people"):
            value = _people(value, name)
        elif name.endswith("_funds"):
            value = _decimal(value, name)
        else:
            value = (value or "").strip()
        setattr(row, name, value)
    row.save()
    ensure_in_scope(row, actor=actor, action="change", message=_outside())
    audit_record(actor=actor, action="liaison.assignment_update", obj=row, before=before, after=snapshot(row))
    return row


def _clean_held_on(held_on) -> datetime.date:
    if isinstance(held_on, str):
        try:
            held_on = datetime.date.fromisoformat(held_on)
        except ValueError:
            raise ValidationError({"held_on": _("Enter a valid date.")}) from None
    if not isinstance(held_on, datetime.date):
        raise ValidationError({"held_on": _("Enter the date the activity was held.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("An activity cannot be recorded before it is held.")})
    return held_on


@transaction.atomic
def activity_record(
    *,
    actor,
    campaign_assignment: CampaignAssignment,
    kind: str,
    held_on,
    participants: str,
    notes: str = "",
    evidence=(),
) -> Activity:
    """R9: record one of the 五个一 for an assignment, with its evidence files (all or nothing)."""
    ensure_allowed(actor, "liaison.add_activity", message=_("You may not record activities."))
    if not is_known_kind(kind):
        raise ValidationError(
            {"kind": _("Unknown activity kind “%(kind)s”: it must be one of the “five ones”.") % {"kind": kind}}
        )
    row = CampaignAssignment.objects.select_related("campaign", "assignment__branch").get(pk=campaign_assignment.pk)
    ensure_allowed(actor, obj=row, action="view", message=_outside())
    ensure_campaign_open(row.campaign)
    held_on = _clean_held_on(held_on)
    participants = (participants or "").strip()
    if not participants:
        raise ValidationError({"participants": _("Enter who took part.")})
    evidence = list(evidence or [])
    if len(evidence) > MAX_EVIDENCE_FILES:
        raise ValidationError({"evidence": _("At most %(n)d files per activity.") % {"n": MAX_EVIDENCE_FILES}})
    evidence = clean_uploads(evidence, field="evidence")
    activity = Activity.objects.create(
        campaign_assignment=row,
        kind=kind,
        held_on=held_on,
        participants=participants,
        notes=(notes or "").strip(),
        recorded_by=user_or_none(actor),
    )
    files = [_store(activity, upload, actor) for upload in evidence]
    ensure_in_scope(activity, actor=actor, action="view", message=_outside())
    office_figures_changed(row.campaign.office_id)
    audit_record(
        actor=actor,
        action="liaison.activity_record",
        obj=activity,
        after={**snapshot(activity), "evidence": [f.original_name for f in files]},
    )
    return activity


def _store(activity, upload, actor):
    return store_evidence(ActivityEvidence, upload, actor=actor, activity=activity)


@transaction.atomic
def activity_add_evidence(*, actor, activity: Activity, evidence) -> list[ActivityEvidence]:
    ensure_allowed(actor, "liaison.add_activity", message=_("You may not record activities."))
    activity = Activity.objects.select_related("campaign_assignment__campaign").get(pk=activity.pk)
    ensure_allowed(actor, obj=activity, action="view", message=_outside())
    ensure_campaign_open(activity.campaign_assignment.campaign)
    evidence = list(evidence or [])
    if not evidence:
        raise ValidationError({"evidence": _("Choose at least one file.")})
    if activity.evidence.count() + len(evidence) > MAX_EVIDENCE_FILES:
        raise ValidationError({"evidence": _("At most %(n)d files per activity.") % {"n": MAX_EVIDENCE_FILES}})
    files = [_store(activity, upload, actor) for upload in clean_uploads(evidence, field="evidence")]
    ensure_in_scope(activity, actor=actor, action="view", message=_outside())
    audit_record(
        actor=actor,
        action="liaison.activity_evidence",
        obj=activity,
        after={"evidence": [f.original_name for f in files]},
    )
    return files


ACTIVITY_FIELDS = ["kind", "held_on", "participants", "notes"]


def _activity_for_change(actor, activity: Activity, perm: str, message: str) -> Activity:
    ensure_allowed(actor, perm, message=message)
    row = Activity.objects.select_related("campaign_assignment__campaign").select_for_update(of=("self",))
    row = row.get(pk=activity.pk)
    ensure_allowed(actor, obj=row, action="change", message=_outside())
    ensure_campaign_open(row.campaign_assignment.campaign)
    return row


@transaction.atomic
def activity_update(*, actor, activity: Activity, kind: str, held_on, participants: str, notes: str = "") -> Activity:
    """Correct an activity's kind, date, participants or notes; the audit row keeps what it was."""
    row = _activity_for_change(actor, activity, "liaison.change_activity", _("You may not edit activities."))
    if not is_known_kind(kind):
        raise ValidationError(
            {"kind": _("Unknown activity kind “%(kind)s”: it must be one of the “five ones”.") % {"kind": kind}}
        )
    participants = (participants or "").strip()
    if not participants:
        raise ValidationError({"participants": _("Enter who took part.")})
    before = snapshot(row, ACTIVITY_FIELDS)
    row.kind, row.held_on, row.participants = kind, _clean_held_on(held_on), participants
    row.notes = (notes or "").strip()
    row.save(update_fields=ACTIVITY_FIELDS)
    ensure_in_scope(row, actor=actor, message=_outside())
    office_figures_changed(row.campaign_assignment.campaign.office_id)
    audit_record(
        actor=actor, action="liaison.activity_update", obj=row, before=before, after=snapshot(row, ACTIVITY_FIELDS)
    )
    return row


@transaction.atomic
def activity_delete(*, actor, activity: Activity, reason: str) -> CampaignAssignment:
    """Delete an activity with its evidence rows (nothing else depends on it), with a reason; undoable for a while."""
    row = _activity_for_change(actor, activity, "liaison.delete_activity", _("You may not delete activities."))
    parent = row.campaign_assignment
    before = {**snapshot(row), "evidence": list(row.evidence.values_list("original_name", flat=True))}
    audit_record(actor=actor, action="liaison.activity_delete", obj=row, before=before, note=(reason or "").strip())
    trash(actor=actor, obj=row, related=list(row.evidence.all()), reason=reason)
    office_figures_changed(parent.campaign.office_id)
    return parent


@transaction.atomic
def activity_restore(*, actor, pk: int) -> Activity:
    """Undo a deletion made moments ago (core.rules.UNDO_SECONDS); the same checks as deleting, again."""
    ensure_allowed(actor, "liaison.delete_activity", message=_("You may not delete activities."))
    row, _entry = restore(model=Activity, object_id=pk)
    row = Activity.objects.select_related("campaign_assignment__campaign").get(pk=row.pk)
    ensure_campaign_open(row.campaign_assignment.campaign)
    ensure_in_scope(row, actor=actor, message=_outside())
    office_figures_changed(row.campaign_assignment.campaign.office_id)
    audit_record(actor=actor, action="liaison.activity_restore", obj=row, after=snapshot(row))
    return row


@transaction.atomic
def finding_record(
    *,
    actor,
    campaign,
    branch,
    kind: str,
    source: str,
    text: str,
    found_on,
    star=None,
    campaign_assignment: CampaignAssignment | None = None,
) -> Finding:
    """A strength or weak point of a branch (优势/短板), linked to one of its stars."""
    ensure_allowed(actor, "liaison.add_finding", message=_("You may not record findings."))
    ensure_allowed(actor, obj=branch, action="view")
    _ensure_branch_of_campaign(campaign, branch)
    ensure_campaign_open(campaign)
    if kind not in FindingKind.values:
        raise ValidationError({"kind": _("A finding is either a strength or a weak point.")})
    if source not in FindingSource.values:
        raise ValidationError({"source": _("Unknown source of the finding.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Describe the finding.")})
    if star is not None and (star.standard_id != campaign.standard_id or star.star_set != branch.star_set):
        raise ValidationError({"star": _("The star is not one of this branch's stars in the campaign's standard.")})
    if campaign_assignment is not None:
        if campaign_assignment.assignment.branch_id != branch.pk or campaign_assignment.campaign_id != campaign.pk:
            raise ValidationError(_("The assignment is for another branch or campaign."))
        ensure_allowed(actor, obj=campaign_assignment, action="view", message=_outside())
    elif only_own_assignments(actor):
        # A department cadre records findings through its own assignment of the branch.
        campaign_assignment = assignment_list(user=actor, campaign=campaign).filter(assignment__branch=branch).first()
        if campaign_assignment is None:
            raise PermissionDenied(_outside())
    if isinstance(found_on, str):
        found_on = _clean_held_on(found_on)
    finding = Finding.objects.create(
        campaign=campaign,
        branch=branch,
        campaign_assignment=campaign_assignment,
        kind=kind,
        star=star,
        source=source,
        found_on=found_on,
        text=text,
        recorded_by=user_or_none(actor),
    )
    ensure_in_scope(finding, actor=actor, action="view")
    audit_record(actor=actor, action="liaison.finding_record", obj=finding, after=snapshot(finding))
    return finding


def standing_not_in_campaign(campaign) -> int:
    """How many active 联系分包 of the office the campaign does not include yet."""
    taken = CampaignAssignment.objects.filter(campaign=campaign).values("assignment_id")
    return Assignment.objects.filter(branch__office_id=campaign.office_id, active=True).exclude(pk__in=taken).count()


@transaction.atomic
def campaign_assignments_sync(*, actor, campaign) -> list[CampaignAssignment]:
    """Bring every active 联系分包 of the campaign's office into the campaign (when it starts, or after new ones).

    Each assignment is taken in by `campaign_assignment_create`, which checks and re-checks it.
    """
    ensure_allowed(actor, "liaison.add_campaignassignment", message=_("You may not assign branches."))
    ensure_allowed(actor, obj=campaign, action="view")
    ensure_campaign_open(campaign)
    created = []
    existing = set(CampaignAssignment.objects.filter(campaign=campaign).values_list("assignment_id", flat=True))
    for assignment in Assignment.objects.filter(branch__office=campaign.office, active=True).select_related(
        "branch", "department", "leader"
    ):
        if assignment.pk in existing:
            continue
        created.append(
            campaign_assignment_create(
                actor=actor,
                campaign=campaign,
                branch=assignment.branch,
                department=assignment.department,
                leader=assignment.leader,
            )
        )
    return created
