"""Writes of the targets app. HTML views, the API and the demo loader all come through here.

Each service is keyword-only, takes `actor` (None = the system / demo loader), checks the permission and the
branch's scope, runs in one transaction and writes one audit row. Refusals raise ValidationError with the
Chinese message of the rule that failed (see rules.problem_message).
"""

import hashlib
import json
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.core.actors import SYSTEM, is_system
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.roles import Role
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.org.models import Branch

from . import rules
from .choices import DeliberationStatus, MatterKind, PledgeStatus, RoundAction, Step, TargetStatus
from .models import (
    Baseline,
    BaselineEntry,
    BaselineEvidence,
    Deliberation,
    DeliberationStep,
    PlanMeasure,
    PlanMilestone,
    Pledge,
    ProcedureSetting,
    StepAttachment,
    Target,
    TargetRound,
)


def _refuse(problems):
    raise ValidationError([rules.problem_message(p) for p in problems])


def _check(actor, perm: str, branch: Branch, message: str):
    """Permission first, then the branch must be inside the actor's scope."""
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise PermissionDenied(message)
    if not Branch.objects.restrict(actor, "view").filter(pk=branch.pk).exists():
        raise PermissionDenied(_("This branch is outside your scope."))


def _check_campaign_branch(campaign, branch):
    if branch.office_id != campaign.office_id:
        raise ValidationError({"branch": _("The branch does not belong to the campaign's office.")})


def _check_campaign_open(campaign):
    if campaign.status == "closed":
        raise ValidationError(_("The campaign is closed; its targets can no longer change."))


def _lock(model, pk):
    return model.objects.select_for_update(of=("self",)).get(pk=pk)


def _actor_name(actor):
    return actor.display_name if actor is not None and getattr(actor, "is_authenticated", False) else _("System")


# ---------------------------------------------------------------------------------------------------------
# Baseline (对表摸排)
# ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def baseline_save(
    *, actor, campaign, branch, surveyed_on: date, ratings: dict, branch_consulted: bool = False, note: str = ""
) -> Baseline:
    """Create or update the branch's baseline; `ratings` maps indicator id → rating or (rating, note)."""
    _check(actor, "targets.change_baseline", branch, _("You may not record baseline surveys."))
    _check_campaign_branch(campaign, branch)
    _check_campaign_open(campaign)
    from wuxing.standards.models import Indicator

    indicators = {
        i.pk: i for i in Indicator.objects.filter(star__standard=campaign.standard, star__star_set=branch.star_set)
    }
    errors = []
    clean = {}
    for key, value in ratings.items():
        rating, entry_note = value if isinstance(value, (tuple, list)) else (value, "")
        if not rating:
            continue
        if int(key) not in indicators:
            errors.append(_("Indicator %(id)s is not part of this branch's standard.") % {"id": key})
        elif rating not in ("met", "near", "far"):
            errors.append(_("Unknown rating “%(rating)s”.") % {"rating": rating})
        else:
            clean[int(key)] = (rating, (entry_note or "")[:300])
    if errors:
        raise ValidationError(errors)
    baseline = Baseline.objects.filter(campaign=campaign, branch=branch).first()
    before = None
    if baseline:
        before = {
            "entries": {str(e.indicator_id): e.rating for e in baseline.entries.all()},
            **snapshot(baseline, ["surveyed_on", "note"]),
        }
        baseline.surveyed_on, baseline.branch_consulted, baseline.note = surveyed_on, branch_consulted, note
        baseline.save()
    else:
        baseline = Baseline.objects.create(
            campaign=campaign, branch=branch, surveyed_on=surveyed_on, branch_consulted=branch_consulted, note=note
        )
    existing = {e.indicator_id: e for e in baseline.entries.all()}
    for indicator_id, (rating, entry_note) in clean.items():
        entry = existing.get(indicator_id)
        if entry is None:
            BaselineEntry.objects.create(baseline=baseline, indicator_id=indicator_id, rating=rating, note=entry_note)
        elif (entry.rating, entry.note) != (rating, entry_note):
            entry.rating, entry.note = rating, entry_note
            entry.save(update_fields=["rating", "note"])
    audit_record(
        actor=actor,
        action="baseline.save",
        obj=baseline,
        before=before,
        after={"entries": {str(k): v[0] for k, v in clean.items()}, "surveyed_on": surveyed_on, "note": note},
    )
    return baseline


@transaction.atomic
def baseline_add_evidence(*, actor, entry: BaselineEntry, upload) -> BaselineEvidence:
    _check(actor, "targets.change_baseline", entry.baseline.branch, _("You may not record baseline surveys."))
    _check_campaign_open(entry.baseline.campaign)
    return store_evidence(BaselineEvidence, upload, actor=actor, entry=entry)


# ---------------------------------------------------------------------------------------------------------
# Targets (压担子 + 做选择)
# ---------------------------------------------------------------------------------------------------------


def _star_objects(campaign, stars, star_set: str = ""):
    """Stars given as objects, ids or codes → Star objects of the campaign's standard (unknown ones refused).

    Codes are read in `star_set` first (支部过硬 exists in both sets); a code found only in the other set is
    returned from there, so R2 can name it.
    """
    from wuxing.standards.models import Star

    stars = [s for s in (stars or []) if s not in ("", None)]
    found, unknown = [], []
    by_code = {}
    codes = [s for s in stars if isinstance(s, str) and not s.isdigit()]
    if codes:
        for star in Star.objects.filter(standard=campaign.standard, code__in=codes):
            if star.code not in by_code or star.star_set == star_set:
                by_code[star.code] = star
    ids = {int(s) for s in stars if isinstance(s, int) or (isinstance(s, str) and s.isdigit())}
    by_id = {s.pk: s for s in Star.objects.filter(standard=campaign.standard, pk__in=ids)} if ids else {}
    for item in stars:
        if isinstance(item, Star):
            (found if item.standard_id == campaign.standard_id else unknown).append(item)
        elif isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
            star = by_id.get(int(item))
            (found.append(star) if star else unknown.append(item))
        else:
            star = by_code.get(item)
            (found.append(star) if star else unknown.append(item))
    if unknown:
        raise ValidationError({"stars": _("Unknown star: choose stars of the campaign's standard.")})
    return sorted({s.pk: s for s in found}.values(), key=lambda s: (s.star_set, s.position))


def _star_problems(campaign, branch, star_objs):
    from wuxing.standards.fileformat import standard_rules
    from wuxing.standards.rules import unmet_prerequisites

    problems = rules.star_set_problems(branch.star_set, [(s.name, s.star_set) for s in star_objs])
    if problems:
        return problems
    names = dict(campaign.standard.stars.filter(star_set=branch.star_set).values_list("code", "name"))
    return [
        rules.Problem("prerequisite", {"star": names.get(star, star), "required": names.get(req, req)})
        for star, req in unmet_prerequisites(
            [s.code for s in star_objs], standard_rules(campaign.standard, branch.star_set)
        )
    ]


def _round(target, action, actor, reason="", stars=None):
    stars = list(stars) if stars is not None else list(target.stars.order_by("position"))
    return TargetRound.objects.create(
        target=target,
        action=action,
        level=len(stars),
        star_codes=[s.code for s in stars],
        star_names=[s.name for s in stars],
        reason=reason,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_name=_actor_name(actor),
    )


def _void_pledges(target, reason):
    now = timezone.now()
    for pledge in target.pledges.exclude(status=PledgeStatus.VOID):
        pledge.status, pledge.void_reason, pledge.voided_at = PledgeStatus.VOID, reason[:300], now
        pledge.save(update_fields=["status", "void_reason", "voided_at"])
        audit_record(actor=SYSTEM, action="pledge.void", obj=pledge, note=reason)


def _target_for(campaign, branch):
    target, _created = Target.objects.get_or_create(campaign=campaign, branch=branch)
    return _lock(Target, target.pk)


@transaction.atomic
def target_require_stars(*, actor, campaign, branch, stars, reason: str = "") -> Target:
    """The office marks stars it requires of this branch (压担子); the branch's application must include them."""
    _check(actor, "targets.decide_target", branch, _("Only the office decides targets."))
    _check_campaign_branch(campaign, branch)
    _check_campaign_open(campaign)
    star_objs = _star_objects(campaign, stars, branch.star_set)
    if star_objs:
        problems = rules.star_set_problems(branch.star_set, [(s.name, s.star_set) for s in star_objs])
        if problems:
            _refuse(problems)
    target = _target_for(campaign, branch)
    before = sorted(target.required_stars.values_list("code", flat=True))
    target.required_stars.set(star_objs)
    _round(target, RoundAction.REQUIRE, actor, reason, star_objs)
    audit_record(
        actor=actor,
        action="target.require_stars",
        obj=target,
        before={"required": before},
        after={"required": [s.code for s in star_objs]},
    )
    return target


@transaction.atomic
def target_submit(*, actor, campaign, branch, stars, reason: str = "") -> Target:
    """The branch applies (做选择): stars of its own set (R2), level = number of stars (R4), with a reason."""
    _check(actor, "targets.apply_target", branch, _("Only the branch applies for its target."))
    _check_campaign_branch(campaign, branch)
    _check_campaign_open(campaign)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the branch chooses these stars.")})
    star_objs = _star_objects(campaign, stars, branch.star_set)
    problems = _star_problems(campaign, branch, star_objs)
    if problems:
        _refuse(problems)
    target = _target_for(campaign, branch)
    if target.status in (TargetStatus.AGREED, TargetStatus.CONFIRMED):
        raise ValidationError(
            _("The office has already agreed this target; ask the office to send it back before applying again.")
        )
    required = {s.code: s.name for s in target.required_stars.all()}
    problems = rules.required_star_problems([s.code for s in star_objs], required)
    if problems:
        _refuse(problems)
    before = snapshot(target, ["status", "level", "reason"])
    target.stars.set(star_objs)
    target.level = rules.compute_level(s.code for s in star_objs)
    target.status, target.reason, target.submitted_at = TargetStatus.SUBMITTED, reason.strip(), timezone.now()
    target.save()
    _round(target, RoundAction.SUBMIT, actor, target.reason, star_objs)
    audit_record(
        actor=actor,
        action="target.submit",
        obj=target,
        before=before,
        after={**snapshot(target, ["status", "level", "reason"]), "stars": [s.code for s in star_objs]},
    )
    return target


@transaction.atomic
def target_save_draft(*, actor, campaign, branch, stars, reason: str = "") -> Target:
    """The branch keeps a choice without sending it yet; R2 is checked already, the rest on submission."""
    _check(actor, "targets.apply_target", branch, _("Only the branch applies for its target."))
    _check_campaign_branch(campaign, branch)
    _check_campaign_open(campaign)
    star_objs = _star_objects(campaign, stars, branch.star_set)
    if star_objs:
        problems = rules.star_set_problems(branch.star_set, [(s.name, s.star_set) for s in star_objs])
        if problems:
            _refuse(problems)
    target = _target_for(campaign, branch)
    if target.status not in (TargetStatus.DRAFT, TargetStatus.RETURNED):
        raise ValidationError(
            _("The application has already been sent to the office; it can no longer be kept as a draft.")
        )
    before = snapshot(target, ["level", "reason"])
    target.stars.set(star_objs)
    target.level = rules.compute_level(s.code for s in star_objs)
    target.reason = (reason or "").strip()
    target.save()
    audit_record(
        actor=actor,
        action="target.save_draft",
        obj=target,
        before=before,
        after={**snapshot(target, ["level", "reason"]), "stars": [s.code for s in star_objs]},
    )
    return target


@transaction.atomic
def target_return(*, actor, target: Target, reason: str, stars=None) -> Target:
    """The office sends the target back with a reason, optionally with the stars it proposes instead.

    A confirmed target may be sent back too: its responsibility letter becomes void and a new one is needed.
    """
    _check(actor, "targets.decide_target", target.branch, _("Only the office decides targets."))
    _check_campaign_open(target.campaign)
    target = _lock(Target, target.pk)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the target is sent back.")})
    if target.status == TargetStatus.DRAFT:
        raise ValidationError(_("The branch has not applied yet."))
    if target.status == TargetStatus.RETURNED:
        raise ValidationError(_("The target has already been sent back."))
    before = snapshot(target, ["status", "level", "office_note"])
    if stars:
        star_objs = _star_objects(target.campaign, stars, target.branch.star_set)
        problems = _star_problems(target.campaign, target.branch, star_objs)
        if problems:
            _refuse(problems)
        target.stars.set(star_objs)
        target.level = rules.compute_level(s.code for s in star_objs)
    if target.status == TargetStatus.CONFIRMED:
        _void_pledges(target, _("The target was changed after confirmation: %(reason)s") % {"reason": reason.strip()})
    target.status, target.office_note = TargetStatus.RETURNED, reason.strip()
    target.agreed_at = target.confirmed_at = None
    target.save()
    _round(target, RoundAction.RETURN, actor, target.office_note)
    audit_record(
        actor=actor,
        action="target.return",
        obj=target,
        before=before,
        after=snapshot(target, ["status", "level", "office_note"]),
    )
    return target


@transaction.atomic
def target_agree(*, actor, target: Target, note: str = "") -> Target:
    _check(actor, "targets.decide_target", target.branch, _("Only the office decides targets."))
    _check_campaign_open(target.campaign)
    target = _lock(Target, target.pk)
    if target.status != TargetStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted application can be agreed; this one is “%(status)s”.")
            % {"status": target.get_status_display()}
        )
    before = snapshot(target, ["status"])
    target.status, target.agreed_at = TargetStatus.AGREED, timezone.now()
    if note:
        target.office_note = note
    target.save()
    _round(target, RoundAction.AGREE, actor, note)
    audit_record(actor=actor, action="target.agree", obj=target, before=before, after=snapshot(target, ["status"]))
    return target


@transaction.atomic
def target_record_past(*, actor, campaign, branch, stars, reason: str = "", note: str = "") -> Target:
    """Record an earlier year's confirmed target (a closed campaign kept on paper before the platform).

    R2 still holds; the rounds show submit, agree and confirm by whoever records it, with `note` saying where
    the record comes from.
    """
    if actor is not None and not actor.has_perm("targets.decide_target"):
        raise PermissionDenied(_("Only the office decides targets."))
    _check(actor, "targets.decide_target", branch, _("Only the office decides targets."))
    _check_campaign_branch(campaign, branch)
    star_objs = _star_objects(campaign, stars, branch.star_set)
    problems = rules.star_set_problems(branch.star_set, [(s.name, s.star_set) for s in star_objs])
    if problems:
        _refuse(problems)
    target = _target_for(campaign, branch)
    if target.status != TargetStatus.DRAFT:
        raise ValidationError(_("This branch already has a target for the campaign."))
    now = timezone.now()
    target.stars.set(star_objs)
    target.level = rules.compute_level(s.code for s in star_objs)
    target.status, target.reason, target.office_note = TargetStatus.CONFIRMED, reason, note
    target.submitted_at = target.agreed_at = target.confirmed_at = now
    target.save()
    for action in (RoundAction.SUBMIT, RoundAction.AGREE, RoundAction.CONFIRM):
        _round(target, action, actor, note if action == RoundAction.CONFIRM else "", star_objs)
    audit_record(
        actor=actor,
        action="target.record_past",
        obj=target,
        after={**snapshot(target, ["status", "level"]), "stars": [s.code for s in star_objs]},
    )
    return target


def confirm_problems(campaign) -> list[rules.Problem]:
    """R4 for a whole campaign: what stops its targets from being confirmed now."""
    targets = {t.branch_id: t for t in Target.objects.filter(campaign=campaign)}
    agreed, pending = [], []
    for branch in Branch.objects.filter(office_id=campaign.office_id).order_by("sort_order", "code"):
        t = targets.get(branch.pk)
        if t is not None and t.status in (TargetStatus.AGREED, TargetStatus.CONFIRMED):
            agreed.append(t.level)
        else:
            pending.append(branch.name)
    return rules.quota_problems(agreed, campaign.quota_map(), pending)


@transaction.atomic
def targets_confirm(*, actor, campaign) -> int:
    """The office confirms every agreed target of the campaign at once, only if R4 holds; returns how many."""
    if actor is not None:
        if not actor.has_perm("targets.decide_target"):
            raise PermissionDenied(_("Only the office decides targets."))
        from wuxing.campaigns.models import Campaign

        if not Campaign.objects.restrict(actor, "view").filter(pk=campaign.pk).exists():
            raise PermissionDenied(_("This campaign is outside your scope."))
        office_branches = Branch.objects.filter(office_id=campaign.office_id)
        if (
            Branch.objects.restrict(actor, "view").filter(office_id=campaign.office_id).count()
            != office_branches.count()
        ):
            raise PermissionDenied(_("Only someone responsible for the whole office can confirm its targets."))
    _check_campaign_open(campaign)
    list(Target.objects.select_for_update(of=("self",)).filter(campaign=campaign))
    problems = confirm_problems(campaign)
    if problems:
        raise ValidationError(
            [_("The targets cannot be confirmed yet:")] + [rules.problem_message(p) for p in problems]
        )
    now = timezone.now()
    to_confirm = list(Target.objects.filter(campaign=campaign, status=TargetStatus.AGREED).select_related("branch"))
    for target in to_confirm:
        target.status, target.confirmed_at = TargetStatus.CONFIRMED, now
        target.save(update_fields=["status", "confirmed_at", "updated_at"])
        _round(target, RoundAction.CONFIRM, actor)
    audit_record(
        actor=actor,
        action="targets.confirm",
        obj=campaign,
        after={
            "confirmed": [t.branch.code for t in to_confirm],
            "quotas": {str(k): v for k, v in campaign.quota_map().items()},
        },
    )
    return len(to_confirm)


# ---------------------------------------------------------------------------------------------------------
# 一村(社区)一策
# ---------------------------------------------------------------------------------------------------------


def _check_plan(actor, target):
    _check(actor, "targets.change_planmeasure", target.branch, _("You may not edit this branch's plan."))
    _check_campaign_open(target.campaign)


@transaction.atomic
def measure_save(
    *,
    actor,
    target: Target,
    star,
    title: str,
    description: str = "",
    resources: str = "",
    responsible=(),
    position: int | None = None,
    measure: PlanMeasure | None = None,
) -> PlanMeasure:
    """Create (or, with `measure`, update) a measure of the plan for one of the target's stars."""
    _check_plan(actor, target)
    if measure is not None and measure.target_id != target.pk:
        raise ValidationError(_("The measure belongs to another target."))
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the measure a title.")})
    if not target.stars.filter(pk=star.pk).exists():
        raise ValidationError(
            {
                "star": _("A measure must serve one of the target's stars (%(stars)s).")
                % {"stars": "、".join(s.name for s in target.stars.all()) or "—"}
            }
        )
    responsible = list(responsible)
    if any(p.office_id != target.branch.office_id for p in responsible):
        raise ValidationError({"responsible": _("Responsible persons must belong to the branch's office.")})
    before = snapshot(measure) if measure else None
    if measure is None:
        measure = PlanMeasure(target=target)
        if position is None:
            position = target.measures.count() + 1
    measure.star, measure.title, measure.description, measure.resources = star, title.strip(), description, resources
    if position is not None:
        measure.position = position
    measure.save()
    measure.responsible.set(responsible)
    audit_record(
        actor=actor,
        action="plan.measure_save",
        obj=measure,
        before=before,
        after={**snapshot(measure), "responsible": [p.name for p in responsible]},
    )
    return measure


@transaction.atomic
def measure_delete(*, actor, measure: PlanMeasure) -> None:
    _check_plan(actor, measure.target)
    before = snapshot(measure)
    audit_record(actor=actor, action="plan.measure_delete", obj=measure, before=before)
    measure.delete()


@transaction.atomic
def milestone_add(
    *, actor, measure: PlanMeasure, title: str, due_on: date, target_value=None, unit: str = ""
) -> PlanMilestone:
    _check_plan(actor, measure.target)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the milestone a title.")})
    if due_on is None:
        raise ValidationError({"due_on": _("Give the milestone a due date.")})
    year = measure.target.campaign.year
    if not (year - 1 <= due_on.year <= year + 1):
        raise ValidationError(
            {
                "due_on": _("A milestone of the %(year)d campaign must fall between %(start)d and %(end)d.")
                % {"year": year, "start": year - 1, "end": year + 1}
            }
        )
    if target_value is not None and not unit:
        raise ValidationError({"unit": _("Give the unit of the target value.")})
    milestone = PlanMilestone.objects.create(
        measure=measure, title=title.strip(), due_on=due_on, target_value=target_value, unit=unit
    )
    audit_record(actor=actor, action="plan.milestone_add", obj=milestone, after=snapshot(milestone))
    return milestone


@transaction.atomic
def milestone_delete(*, actor, milestone: PlanMilestone) -> None:
    _check_plan(actor, milestone.measure.target)
    audit_record(actor=actor, action="plan.milestone_delete", obj=milestone, before=snapshot(milestone))
    milestone.delete()


# ---------------------------------------------------------------------------------------------------------
# Deliberations (四议两公开 / 一征三议两公开)
# ---------------------------------------------------------------------------------------------------------


def procedure_for(branch) -> ProcedureSetting:
    """The office's setting for this kind of branch, or the default (unsaved) one."""
    setting = ProcedureSetting.objects.filter(office_id=branch.office_id, branch_kind=branch.kind).first()
    if setting is None:
        setting = ProcedureSetting(
            office_id=branch.office_id,
            branch_kind=branch.kind,
            procedure=rules.default_procedure(branch.kind, branch.star_set),
        )
    return setting


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
    if actor is not None:
        if not actor.has_perm("targets.decide_target"):
            raise PermissionDenied(_("Only the office decides targets."))
        from wuxing.org.access import ensure_in_scope

        ensure_in_scope(office, actor=actor, action="view")
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
    audit_record(actor=actor, action="deliberation.procedure_setting", obj=setting, after=snapshot(setting))
    return setting


@transaction.atomic
def deliberation_create(
    *, actor, branch, subject: str, matter: str = MatterKind.TARGET, campaign=None, target: Target | None = None
) -> Deliberation:
    _check(actor, "targets.add_deliberation", branch, _("Only the branch records its deliberations."))
    if not (subject or "").strip():
        raise ValidationError({"subject": _("Say what is being decided.")})
    if matter not in MatterKind.values:
        raise ValidationError({"matter": _("Unknown kind of matter.")})
    if target is not None and target.branch_id != branch.pk:
        raise ValidationError({"target": _("The target belongs to another branch.")})
    if target is not None and campaign is not None and target.campaign_id != campaign.pk:
        raise ValidationError({"target": _("The target belongs to another campaign.")})
    if campaign is not None:
        _check_campaign_branch(campaign, branch)
    setting = procedure_for(branch)
    deliberation = Deliberation.objects.create(
        branch=branch,
        campaign=campaign or (target.campaign if target else None),
        target=target,
        subject=subject.strip(),
        matter=matter,
        procedure=setting.procedure,
        publication_days=setting.publication_days,
        quorum_numerator=setting.quorum_numerator,
        quorum_denominator=setting.quorum_denominator,
    )
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
    attended=None,
    households_represented=None,
    yes=None,
    no=None,
    abstain=None,
    minutes: str = "",
    attachments=(),
) -> DeliberationStep:
    """Record the next step of a deliberation after checking order (R5/R7), quorum (R6/R7) and publication (R8)."""
    _check(actor, "targets.record_deliberation", deliberation.branch, _("Only the branch records its deliberations."))
    deliberation = _lock(Deliberation, deliberation.pk)
    if deliberation.status == DeliberationStatus.CLOSED:
        raise ValidationError(_("The deliberation is closed."))
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date of the step.")})
    attachments = clean_uploads(attachments or [], field="attachments")
    counts = rules.Counts(should_attend, attended, yes, no, abstain, households_represented, meeting_form or "")
    recorded = list(deliberation.steps.all())
    problems = step_problems(deliberation, recorded, step=step, held_on=held_on, merged=merged, counts=counts)
    if problems:
        _refuse(problems)
    voting = step in rules.VOTING_STEPS
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
        attended=attended,
        households_represented=households_represented if step in rules.RESOLVE_STEPS else None,
        yes=yes if voting else None,
        no=no if voting else None,
        abstain=abstain if voting else None,
        minutes=minutes,
        published_until=rules.publication_end(held_on, deliberation.publication_days)
        if step in rules.PUBLICATION_STEPS
        else None,
        recorded_by=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
    )
    for upload in attachments:
        store_evidence(StepAttachment, upload, actor=actor, step=record)
    audit_record(actor=actor, action="deliberation.step", obj=record, after=snapshot(record))
    return record


@transaction.atomic
def deliberation_record_implementation(
    *, actor, deliberation: Deliberation, implemented_on: date, implementation: str
) -> Deliberation:
    """R8: implementation is recorded only after the resolution is published."""
    _check(actor, "targets.record_deliberation", deliberation.branch, _("Only the branch records its deliberations."))
    deliberation = _lock(Deliberation, deliberation.pk)
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
    _check(actor, "targets.record_deliberation", deliberation.branch, _("Only the branch records its deliberations."))
    deliberation = _lock(Deliberation, deliberation.pk)
    if deliberation.status == DeliberationStatus.CLOSED:
        raise ValidationError(_("The deliberation is closed."))
    problems = rules.close_problems(rules.steps_done([(s.step, s.merged) for s in deliberation.steps.all()]))
    if problems:
        _refuse(problems)
    deliberation.status, deliberation.closed_at = DeliberationStatus.CLOSED, timezone.now()
    deliberation.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="deliberation.close",
        obj=deliberation,
        after=snapshot(deliberation, ["status", "closed_at"]),
    )
    return deliberation


# ---------------------------------------------------------------------------------------------------------
# Responsibility letters (责任书)
# ---------------------------------------------------------------------------------------------------------

DEFAULT_COMMITMENTS = (
    "党工委明确一名班子成员和一个职能部门联系分包，落实“五个一”；在政策、资金、项目上向创建任务倾斜；"
    "每月观摩、每季评比，及时协调解决创建中的困难和问题。"
)


# The letter is a Chinese document (its template is Chinese whatever the UI language), so is its procedure name.
PROCEDURE_NAMES = {"four_two": "四议两公开", "one_three_two": "一征三议两公开"}


def _figure(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def pledge_content(target: Target, office_commitments: str) -> dict:
    """What the letter says, as data: frozen with the letter, hashed once both sides confirm."""
    branch, campaign = target.branch, target.campaign
    stars = list(target.stars.order_by("position"))
    measures = (
        target.measures.select_related("star")
        .prefetch_related("milestones")
        .order_by("star__position", "position", "id")
    )
    return {
        "campaign": campaign.name,
        "year": campaign.year,
        "office": campaign.office.name,
        "branch": branch.name,
        "branch_code": branch.code,
        "secretary": branch.secretary.name if branch.secretary_id else "",
        "secretary_position": branch.secretary.position if branch.secretary_id else "",
        "level": target.level,
        "stars": [s.name for s in stars],
        "procedure": PROCEDURE_NAMES[
            next((d.procedure for d in target.deliberations.order_by("-created_at")), None)
            or rules.default_procedure(branch.kind, branch.star_set)
        ],
        "milestones": [
            {
                "star": m.star.name,
                "measure": m.title,
                "title": ms.title,
                "due_on": ms.due_on.isoformat(),
                "target_value": _figure(ms.target_value),
                "unit": ms.unit,
            }
            for m in measures
            for ms in m.milestones.all()
        ],
        "office_commitments": office_commitments,
    }


def content_hash(content: dict) -> str:
    return hashlib.sha256(
        json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


@transaction.atomic
def pledge_generate(*, actor, target: Target, office_commitments: str = "") -> Pledge:
    """A new letter from the confirmed target; an earlier letter not yet frozen is voided."""
    _check(actor, "targets.change_pledge", target.branch, _("Only the office issues responsibility letters."))
    _check_campaign_open(target.campaign)
    target = _lock(Target, target.pk)
    if target.status != TargetStatus.CONFIRMED:
        raise ValidationError(
            _("A responsibility letter is generated from a confirmed target; this one is “%(status)s”.")
            % {"status": target.get_status_display()}
        )
    if target.pledges.filter(status=PledgeStatus.FROZEN).exists():
        raise ValidationError(_("Both sides have already confirmed this target's letter."))
    _void_pledges(target, _("Replaced by a new letter."))
    number = (target.pledges.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    commitments = (office_commitments or "").strip() or DEFAULT_COMMITMENTS
    pledge = Pledge.objects.create(
        target=target, number=number, content=pledge_content(target, commitments), office_commitments=commitments
    )
    audit_record(actor=actor, action="pledge.generate", obj=pledge, after={"number": number, "level": target.level})
    return pledge


def pledge_sides(user, pledge: Pledge) -> set[str]:
    """Which side(s) of the letter `user` may confirm: the branch's secretary, an office leader of its office."""
    sides = set()
    branch = pledge.target.branch
    for ra in user.cached_role_assignments():
        if ra.role == Role.BRANCH_SECRETARY and ra.branch_id == branch.pk:
            sides.add("secretary")
        # The letter is between the branch and its own office: a leader of the district above signs no side of it.
        if ra.role == Role.OFFICE_LEADER and ra.unit_id == branch.office_id:
            sides.add("leader")
    return sides


@transaction.atomic
def pledge_confirm(*, actor, pledge: Pledge, side: str | None = None) -> Pledge:
    """The secretary or the office leader confirms the letter; once both have, it is frozen with its hash."""
    _check(actor, "targets.sign_pledge", pledge.target.branch, _("You may not confirm responsibility letters."))
    pledge = _lock(Pledge, pledge.pk)
    if pledge.status != PledgeStatus.AWAITING:
        raise ValidationError(
            _("This letter is “%(status)s” and can no longer be confirmed.") % {"status": pledge.get_status_display()}
        )
    sides = {"secretary", "leader"} if is_system(actor) else pledge_sides(actor, pledge)
    if side is None:
        open_sides = [s for s in ("secretary", "leader") if s in sides and not getattr(pledge, f"{s}_confirmed_at")]
        side = open_sides[0] if open_sides else (sorted(sides)[0] if sides else None)
    if side not in sides:
        raise PermissionDenied(_("Only the branch's secretary and an office leader confirm its responsibility letter."))
    if getattr(pledge, f"{side}_confirmed_at"):
        raise ValidationError(_("You have already confirmed this letter."))
    now = timezone.now()
    by = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    setattr(pledge, f"{side}_confirmed_by", by)
    setattr(pledge, f"{side}_confirmed_at", now)
    if pledge.secretary_confirmed_at and pledge.leader_confirmed_at:
        pledge.status = PledgeStatus.FROZEN
        pledge.content = {
            **pledge.content,
            "secretary_confirmed_at": pledge.secretary_confirmed_at.isoformat(),
            "leader_confirmed_at": pledge.leader_confirmed_at.isoformat(),
        }
        pledge.content_sha256 = content_hash(pledge.content)
    pledge.save()
    audit_record(
        actor=actor,
        action=f"pledge.confirm_{side}",
        obj=pledge,
        after={"status": pledge.status, "sha256": pledge.content_sha256},
    )
    return pledge
