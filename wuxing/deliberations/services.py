"""Writes of the deliberations app: the office's procedure settings, and deliberations recorded step by step.

HTML views, the API and the demo loader all come through here. Each service is keyword-only, takes `actor`,
checks permission and scope (`ensure_allowed`), runs in one transaction, re-checks the scope of what it wrote
(`ensure_in_scope`) and writes one audit row. A deliberation that decides a campaign's matter changes no more once
the campaign is closed. Refusals raise ValidationError with the Chinese message of the rule that failed (see
rules.problem_message).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.services import ensure_campaign_open
from wuxing.core.actors import user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.trash import restore, trash
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.org.access import ensure_allowed, ensure_in_scope

from . import rules
from .choices import DeliberationStatus, MatterKind, Step
from .models import Deliberation, DeliberationStep, ProcedureSetting, StepAttachment
from .selectors import procedure_for


def _refuse(problems):
    raise ValidationError([rules.problem_message(p) for p in problems])


def _ensure_recorder(actor, deliberation: Deliberation) -> Deliberation:
    """The actor records this branch's deliberations; the deliberation, locked, is open and so is its campaign."""
    ensure_allowed(
        actor,
        "deliberations.record_deliberation",
        deliberation.branch,
        message=_("Only the branch records its deliberations."),
    )
    deliberation = Deliberation.objects.select_for_update(of=("self",)).select_related("branch").get(pk=deliberation.pk)
    if deliberation.campaign_id is not None:
        ensure_campaign_open(deliberation.campaign)
    return deliberation


# ---------------------------------------------------------------------------------------------------------
# Deliberations (四议两公开 / 一征三议两公开)
# ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def procedure_setting_save(
    *,
    actor,
    office,
    branch_kind: str,
    procedure: str,
    publication_days: int = 7,
    quorum_numerator: int = 2,
    quorum_denominator: int = 3,
) -> ProcedureSetting:
    """The office's procedure, publication period and R7 quorum for one kind of branch."""
    ensure_allowed(
        actor,
        "deliberations.change_proceduresetting",
        office,
        message=_("Only the office sets the procedures of its branches."),
    )
    if publication_days < 1:
        _refuse([rules.Problem("publication_days", {"given": publication_days})])
    if not (0 < quorum_numerator <= quorum_denominator):
        raise ValidationError(_("The quorum must be a fraction between 0 and 1."))
    setting, _created = ProcedureSetting.objects.update_or_create(
        office=office,
        branch_kind=branch_kind,
        defaults={
            "procedure": procedure,
            "publication_days": publication_days,
            "quorum_numerator": quorum_numerator,
            "quorum_denominator": quorum_denominator,
        },
    )
    ensure_in_scope(setting, actor=actor, action="change")
    audit_record(actor=actor, action="deliberation.procedure_setting", obj=setting, after=snapshot(setting))
    return setting


@transaction.atomic
def deliberation_create(
    *, actor, branch, subject: str, matter: str = MatterKind.TARGET, campaign=None, target=None
) -> Deliberation:
    """Open a deliberation of `branch`; `target` (a Target or a `targets.selectors.TargetSummary`) is the target it
    decides, of the same branch and campaign."""
    ensure_allowed(
        actor, "deliberations.add_deliberation", branch, message=_("Only the branch records its deliberations.")
    )
    if not (subject or "").strip():
        raise ValidationError({"subject": _("Say what is being decided.")})
    if matter not in MatterKind.values:
        raise ValidationError({"matter": _("Unknown kind of matter.")})
    if target is not None and target.branch_id != branch.pk:
        raise ValidationError({"target": _("The target belongs to another branch.")})
    if target is not None and campaign is not None and target.campaign_id != campaign.pk:
        raise ValidationError({"target": _("The target belongs to another campaign.")})
    if campaign is not None:
        if branch.office_id != campaign.office_id:
            raise ValidationError({"branch": _("The branch does not belong to the campaign's office.")})
        ensure_campaign_open(campaign)
    setting = procedure_for(branch)
    deliberation = Deliberation.objects.create(
        branch=branch,
        campaign_id=campaign.pk if campaign is not None else (target.campaign_id if target is not None else None),
        target_id=target.pk if target is not None else None,
        subject=subject.strip(),
        matter=matter,
        procedure=setting.procedure,
        publication_days=setting.publication_days,
        quorum_numerator=setting.quorum_numerator,
        quorum_denominator=setting.quorum_denominator,
    )
    # The branch opens deliberations without the change permission (that is nobody's): it must still see this one.
    ensure_in_scope(deliberation, actor=actor, action="view")
    audit_record(actor=actor, action="deliberation.create", obj=deliberation, after=snapshot(deliberation))
    return deliberation


def step_problems(
    deliberation: Deliberation,
    recorded: list[DeliberationStep],
    *,
    step: str,
    held_on: date,
    merged: bool,
    counts: rules.Counts,
) -> list[rules.Problem]:
    branch = deliberation.branch
    problems = rules.step_order_problems(
        deliberation.procedure,
        [(s.step, s.merged) for s in recorded],
        step,
        merged=merged,
        secretary_chairs=branch.secretary_chairs_committee,
        held_on=held_on,
        last_held_on=max((s.held_on for s in recorded), default=None),
    )
    if problems:
        return problems
    if step == Step.RESULT_PUBLISHED:
        problems = rules.result_publication_problems(bool(deliberation.implemented_on))
        if problems:
            return problems
    community = step == Step.RESIDENTS_RESOLVE
    return rules.quorum_problems(
        step,
        counts,
        households=branch.households,
        quorum=(deliberation.quorum_numerator, deliberation.quorum_denominator) if community else (2, 3),
        rule="R7" if community else "R6",
    )


@transaction.atomic
def step_record(
    *,
    actor,
    deliberation: Deliberation,
    step: str,
    held_on: date,
    place: str = "",
    chair: str = "",
    merged: bool = False,
    meeting_form: str = "",
    should_attend=None,
    should_attend_reason: str = "",
    attended=None,
    households_represented=None,
    yes=None,
    no=None,
    abstain=None,
    minutes: str = "",
    attachments=(),
) -> DeliberationStep:
    """Record the next step of a deliberation after checking order (R5/R7), quorum (R6/R7) and publication (R8)."""
    deliberation = _ensure_recorder(actor, deliberation)
    if deliberation.status == DeliberationStatus.CLOSED:
        raise ValidationError(_("The deliberation is closed."))
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date of the step.")})
    attachments = clean_uploads(attachments or [], field="attachments")
    counts = rules.Counts(should_attend, attended, yes, no, abstain, households_represented, meeting_form or "")
    recorded = list(deliberation.steps.all())
    problems = step_problems(deliberation, recorded, step=step, held_on=held_on, merged=merged, counts=counts)
    voting = step in rules.VOTING_STEPS
    branch = deliberation.branch
    expected = rules.expected_attendance(
        step,
        meeting_form or "",
        party_members=branch.party_members,
        representatives=branch.representatives,
        adult_population=branch.adult_population,
    )
    should_attend_reason = (should_attend_reason or "").strip() if voting else ""
    if not problems and voting:
        problems = rules.attendance_basis_problems(should_attend, expected, should_attend_reason)
    if problems:
        _refuse(problems)
    record = DeliberationStep.objects.create(
        deliberation=deliberation,
        step=step,
        position=rules.procedure_steps(deliberation.procedure).index(step) + 1,
        merged=merged,
        held_on=held_on,
        place=place,
        chair=chair,
        meeting_form=meeting_form if step in rules.RESOLVE_STEPS else "",
        should_attend=should_attend,
        should_attend_reason=should_attend_reason,
        attendance_flagged=voting and should_attend is not None and should_attend != expected,
        attended=attended,
        households_represented=households_represented if step in rules.RESOLVE_STEPS else None,
        yes=yes if voting else None,
        no=no if voting else None,
        abstain=abstain if voting else None,
        minutes=minutes,
        published_until=rules.publication_end(held_on, deliberation.publication_days)
        if step in rules.PUBLICATION_STEPS
        else None,
        recorded_by=user_or_none(actor),
    )
    for upload in attachments:
        store_evidence(StepAttachment, upload, actor=actor, step=record)
    ensure_in_scope(record, actor=actor, action="view")
    audit_record(actor=actor, action="deliberation.step", obj=record, after=snapshot(record))
    return record


@transaction.atomic
def deliberation_record_implementation(
    *, actor, deliberation: Deliberation, implemented_on: date, implementation: str
) -> Deliberation:
    """R8: implementation is recorded only after the resolution is published."""
    deliberation = _ensure_recorder(actor, deliberation)
    if not (implementation or "").strip() or implemented_on is None:
        raise ValidationError({"implementation": _("Describe what was implemented and when.")})
    steps = {s.step: s for s in deliberation.steps.all()}
    done = rules.steps_done([(s.step, s.merged) for s in steps.values()])
    published = steps.get(Step.RESOLUTION_PUBLISHED)
    problems = rules.implementation_problems(
        done, resolution_published_on=published.held_on if published else None, implemented_on=implemented_on
    )
    if problems:
        _refuse(problems)
    if Step.RESULT_PUBLISHED in done:
        raise ValidationError(_("The result has already been published."))
    before = snapshot(deliberation, ["implementation", "implemented_on"])
    deliberation.implementation, deliberation.implemented_on = implementation.strip(), implemented_on
    deliberation.save(update_fields=["implementation", "implemented_on"])
    ensure_in_scope(deliberation, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="deliberation.implementation",
        obj=deliberation,
        before=before,
        after=snapshot(deliberation, ["implementation", "implemented_on"]),
    )
    return deliberation


@transaction.atomic
def deliberation_close(*, actor, deliberation: Deliberation) -> Deliberation:
    """R8: a deliberation closes only once its result is published."""
    deliberation = _ensure_recorder(actor, deliberation)
    if deliberation.status == DeliberationStatus.CLOSED:
        raise ValidationError(_("The deliberation is closed."))
    problems = rules.close_problems(rules.steps_done([(s.step, s.merged) for s in deliberation.steps.all()]))
    if problems:
        _refuse(problems)
    deliberation.status, deliberation.closed_at = DeliberationStatus.CLOSED, timezone.now()
    deliberation.save(update_fields=["status", "closed_at"])
    ensure_in_scope(deliberation, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="deliberation.close",
        obj=deliberation,
        after=snapshot(deliberation, ["status", "closed_at"]),
    )
    return deliberation


# ---------------------------------------------------------------------------------------------------------
# Correcting or deleting the last step (before the next one is recorded on it)
# ---------------------------------------------------------------------------------------------------------

STEP_FIELDS = [
    "held_on",
    "place",
    "chair",
    "meeting_form",
    "should_attend",
    "should_attend_reason",
    "attendance_flagged",
    "attended",
    "households_represented",
    "yes",
    "no",
    "abstain",
    "minutes",
    "published_until",
]


def _last_step(actor, step: DeliberationStep) -> tuple[Deliberation, DeliberationStep]:
    """The step, locked, if it is the last one of an open deliberation the actor records (and its campaign is open)."""
    row = DeliberationStep.objects.select_related("deliberation").get(pk=step.pk)
    deliberation = _ensure_recorder(actor, row.deliberation)
    if deliberation.status == DeliberationStatus.CLOSED:
        raise ValidationError(_("The deliberation is closed."))
    row = DeliberationStep.objects.select_for_update(of=("self",)).get(pk=row.pk)
    positions = deliberation.steps.values_list("position", flat=True)
    if not rules.is_last_step(row.position, positions):
        raise ValidationError(_("A later step is already recorded: only the last step can be corrected or deleted."))
    return deliberation, row


@transaction.atomic
def step_update(
    *,
    actor,
    step: DeliberationStep,
    held_on: date,
    place: str = "",
    chair: str = "",
    meeting_form: str = "",
    should_attend=None,
    should_attend_reason: str = "",
    attended=None,
    households_represented=None,
    yes=None,
    no=None,
    abstain=None,
    minutes: str = "",
) -> DeliberationStep:
    """Correct the last recorded step; the same checks as recording it (R5–R8) run again on the new figures."""
    deliberation, row = _last_step(actor, step)
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date of the step.")})
    counts = rules.Counts(should_attend, attended, yes, no, abstain, households_represented, meeting_form or "")
    others = [s for s in deliberation.steps.all() if s.pk != row.pk]
    problems = step_problems(deliberation, others, step=row.step, held_on=held_on, merged=row.merged, counts=counts)
    voting = row.step in rules.VOTING_STEPS
    branch = deliberation.branch
    expected = rules.expected_attendance(
        row.step,
        meeting_form or "",
        party_members=branch.party_members,
        representatives=branch.representatives,
        adult_population=branch.adult_population,
    )
    should_attend_reason = (should_attend_reason or "").strip() if voting else ""
    if not problems and voting:
        problems = rules.attendance_basis_problems(should_attend, expected, should_attend_reason)
    if problems:
        _refuse(problems)
    before = snapshot(row, STEP_FIELDS)
    row.held_on, row.place, row.chair = held_on, place, chair
    row.meeting_form = meeting_form if row.step in rules.RESOLVE_STEPS else ""
    row.should_attend, row.should_attend_reason, row.attended = should_attend, should_attend_reason, attended
    row.attendance_flagged = voting and should_attend is not None and should_attend != expected
    row.households_represented = households_represented if row.step in rules.RESOLVE_STEPS else None
    row.yes, row.no, row.abstain = (yes, no, abstain) if voting else (None, None, None)
    row.minutes = minutes
    row.published_until = (
        rules.publication_end(held_on, deliberation.publication_days) if row.step in rules.PUBLICATION_STEPS else None
    )
    row.save(update_fields=STEP_FIELDS)
    ensure_in_scope(row, actor=actor, action="view")
    audit_record(
        actor=actor, action="deliberation.step_update", obj=row, before=before, after=snapshot(row, STEP_FIELDS)
    )
    return row


@transaction.atomic
def step_delete(*, actor, step: DeliberationStep, reason: str) -> Deliberation:
    """Delete the last recorded step (with its attachments) with a reason; undoable for a few seconds."""
    deliberation, row = _last_step(actor, step)
    reason = (reason or "").strip()
    before = {**snapshot(row), "attachments": list(row.attachments.values_list("original_name", flat=True))}
    audit_record(actor=actor, action="deliberation.step_delete", obj=row, before=before, note=reason)
    trash(actor=actor, obj=row, related=list(row.attachments.all()), reason=reason)
    return deliberation


@transaction.atomic
def step_restore(*, actor, pk: int) -> DeliberationStep:
    """Undo the deletion of a step made moments ago, if it is still the last one and the deliberation is open."""
    ensure_allowed(actor, "deliberations.record_deliberation", message=_("Only the branch records its deliberations."))
    row, _entry = restore(model=DeliberationStep, object_id=pk)
    _deliberation, row = _last_step(actor, row)
    ensure_in_scope(row, actor=actor, action="view")
    audit_record(actor=actor, action="deliberation.step_restore", obj=row, after=snapshot(row))
    return row
