"""Writes of the targets app: the baseline survey, applications, the two-way target setting and confirmation.

HTML views, the API and the demo loader all come through here. Each service is keyword-only, takes `actor`,
checks permission and scope (`ensure_allowed`), refuses a closed campaign, runs in one transaction, re-checks the
scope of what it wrote (`ensure_in_scope`) and writes one audit row. Refusals raise ValidationError with the
Chinese message of the rule that failed (see rules.problem_message).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.services import ensure_campaign_open
from wuxing.core.actors import is_system, user_or_none
from wuxing.core.audit import audit_record, snapshot
from wuxing.core.uploads import clean_uploads, store_evidence
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.figures import office_figures_changed
from wuxing.org.models import Branch
from wuxing.standards.fileformat import standard_rules
from wuxing.standards.models import Indicator, Star
from wuxing.standards.rules import compute_level, unmet_prerequisites

from . import rules
from .choices import BaselineRating, RoundAction, TargetStatus
from .models import Baseline, BaselineEntry, BaselineEvidence, Target, TargetRound

# Sent by `target_return`, inside its transaction, when a confirmed target is sent back (`target`, `reason`): what
# was built on the confirmed target no longer holds. The plans app voids the target's responsibility letter.
target_reopened = Signal()


def _refuse(problems):
    raise ValidationError([rules.problem_message(p) for p in problems])


def _check_campaign_branch(campaign, branch):
    if branch.office_id != campaign.office_id:
        raise ValidationError({"branch": _("The branch does not belong to the campaign's office.")})


def _lock(model, pk):
    return model.objects.select_for_update(of=("self",)).get(pk=pk)


def target_lock(*, pk: int) -> Target:
    """The target, locked to the end of the caller's transaction: for another app's write that depends on its status
    (a letter is generated only from a confirmed target, and not while the office sends it back)."""
    return (
        Target.objects.select_for_update(of=("self",))
        .select_related("branch", "branch__secretary", "campaign", "campaign__office")
        .get(pk=pk)
    )


def _actor_name(actor) -> str:
    """The name a round shows: the user's, or "System" for the demo loader and commands."""
    return _("System") if is_system(actor) else actor.display_name


# ---------------------------------------------------------------------------------------------------------
# Baseline (对表摸排)
# ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def baseline_save(
    *, actor, campaign, branch, surveyed_on: date, ratings: dict, branch_consulted: bool = False, note: str = ""
) -> Baseline:
    """Create or update the branch's baseline; `ratings` maps indicator id → rating or (rating, note)."""
    ensure_allowed(actor, "targets.change_baseline", branch, message=_("You may not record baseline surveys."))
    _check_campaign_branch(campaign, branch)
    ensure_campaign_open(campaign)
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
        elif rating not in BaselineRating.values:
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
    ensure_in_scope(baseline, actor=actor, action="change")
    audit_record(
        actor=actor,
        action="baseline.save",
        obj=baseline,
        before=before,
        after={"entries": {str(k): v[0] for k, v in clean.items()}, "surveyed_on": surveyed_on, "note": note},
    )
    return baseline


@transaction.atomic
def baseline_add_evidence(*, actor, entry: BaselineEntry, uploads) -> list[BaselineEvidence]:
    """Evidence files of one baseline entry; every file is checked before any is stored, one refused refuses all."""
    ensure_allowed(
        actor, "targets.change_baseline", entry.baseline.branch, message=_("You may not record baseline surveys.")
    )
    ensure_campaign_open(entry.baseline.campaign)
    stored = [
        store_evidence(BaselineEvidence, upload, actor=actor, entry=entry)
        for upload in clean_uploads(uploads, field="evidence")
    ]
    for evidence in stored:
        ensure_in_scope(evidence, actor=actor, action="view")
    return stored


# ---------------------------------------------------------------------------------------------------------
# Targets (压担子 + 做选择)
# ---------------------------------------------------------------------------------------------------------


def _is_id(value) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def _star_objects(campaign, stars, star_set: str = ""):
    """Stars given as objects, ids or codes → Star objects of the campaign's standard (unknown ones refused).

    Codes are read in `star_set` first (支部过硬 exists in both sets); a code found only in the other set is
    returned from there, so R2 can name it.
    """
    stars = [s for s in (stars or []) if s not in ("", None)]
    found, unknown = [], []
    by_code = {}
    codes = [s for s in stars if isinstance(s, str) and not _is_id(s)]
    if codes:
        for star in Star.objects.filter(standard=campaign.standard, code__in=codes):
            if star.code not in by_code or star.star_set == star_set:
                by_code[star.code] = star
    # An id beyond the database's range is unknown (not an error of the database).
    ids = {int(s) for s in stars if _is_id(s) and 0 < int(s) < 2**63}
    by_id = {s.pk: s for s in Star.objects.filter(standard=campaign.standard, pk__in=ids)} if ids else {}
    for item in stars:
        if isinstance(item, Star):
            (found if item.standard_id == campaign.standard_id else unknown).append(item)
        elif _is_id(item):
            star = by_id.get(int(item))
            (found.append(star) if star else unknown.append(item))
        else:
            star = by_code.get(item)
            (found.append(star) if star else unknown.append(item))
    if unknown:
        raise ValidationError({"stars": _("Unknown star: choose stars of the campaign's standard.")})
    return sorted({s.pk: s for s in found}.values(), key=lambda s: (s.star_set, s.position))


def _star_problems(campaign, branch, star_objs):
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
        actor=user_or_none(actor),
        actor_name=_actor_name(actor),
    )


def _target_for(campaign, branch):
    target, _created = Target.objects.get_or_create(campaign=campaign, branch=branch)
    return _lock(Target, target.pk)


@transaction.atomic
def target_require_stars(*, actor, campaign, branch, stars, reason: str = "") -> Target:
    """The office marks stars it requires of this branch (压担子); the branch's application must include them."""
    ensure_allowed(actor, "targets.decide_target", branch, message=_("Only the office decides targets."))
    _check_campaign_branch(campaign, branch)
    ensure_campaign_open(campaign)
    star_objs = _star_objects(campaign, stars, branch.star_set)
    if star_objs:
        problems = rules.star_set_problems(branch.star_set, [(s.name, s.star_set) for s in star_objs])
        if problems:
            _refuse(problems)
    target = _target_for(campaign, branch)
    before = sorted(target.required_stars.values_list("code", flat=True))
    target.required_stars.set(star_objs)
    _round(target, RoundAction.REQUIRE, actor, reason, star_objs)
    # Targets have no change permission: each role acts through its own (apply, decide); it must see the target.
    ensure_in_scope(target, actor=actor, action="view")
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
    ensure_allowed(actor, "targets.apply_target", branch, message=_("Only the branch applies for its target."))
    _check_campaign_branch(campaign, branch)
    ensure_campaign_open(campaign)
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
    target.level = compute_level(s.code for s in star_objs)
    target.status, target.reason, target.submitted_at = TargetStatus.SUBMITTED, reason.strip(), timezone.now()
    target.save()
    _round(target, RoundAction.SUBMIT, actor, target.reason, star_objs)
    ensure_in_scope(target, actor=actor, action="view")
    office_figures_changed(campaign.office_id)  # the boards show a target's stars as soon as the branch picks them
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
    ensure_allowed(actor, "targets.apply_target", branch, message=_("Only the branch applies for its target."))
    _check_campaign_branch(campaign, branch)
    ensure_campaign_open(campaign)
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
    target.level = compute_level(s.code for s in star_objs)
    target.reason = (reason or "").strip()
    target.save()
    ensure_in_scope(target, actor=actor, action="view")
    office_figures_changed(campaign.office_id)  # the boards show a target's stars as soon as the branch picks them
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
    ensure_allowed(actor, "targets.decide_target", target.branch, message=_("Only the office decides targets."))
    ensure_campaign_open(target.campaign)
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
        target.level = compute_level(s.code for s in star_objs)
    if target.status == TargetStatus.CONFIRMED:
        target_reopened.send(
            sender=Target,
            target=target,
            reason=_("The target was changed after confirmation: %(reason)s") % {"reason": reason.strip()},
        )
    target.status, target.office_note = TargetStatus.RETURNED, reason.strip()
    target.agreed_at = target.confirmed_at = None
    target.save()
    office_figures_changed(target.campaign.office_id)  # the summaries count targets agreed and confirmed
    _round(target, RoundAction.RETURN, actor, target.office_note)
    ensure_in_scope(target, actor=actor, action="view")
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
    ensure_allowed(actor, "targets.decide_target", target.branch, message=_("Only the office decides targets."))
    ensure_campaign_open(target.campaign)
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
    office_figures_changed(target.campaign.office_id)
    _round(target, RoundAction.AGREE, actor, note)
    ensure_in_scope(target, actor=actor, action="view")
    audit_record(actor=actor, action="target.agree", obj=target, before=before, after=snapshot(target, ["status"]))
    return target


@transaction.atomic
def targets_remind(*, actor, campaign, day: date | None = None) -> tuple[int, int, list[str]]:
    """Remind the secretaries of the branches in the user's scope that have not applied yet (no target, a draft,
    or a target sent back) to submit their application. Once a day per branch and person, through the
    notification centre (`core.extensions.send_notice`). Returns (branches concerned, reminders sent, the names of
    the branches whose secretary has no account to be reminded on)."""
    from django.urls import reverse

    from wuxing.core.extensions import send_notice
    from wuxing.core.roles import Role
    from wuxing.org.models import Person

    ensure_allowed(
        actor, "targets.decide_target", campaign, action="view", message=_("Only the office decides targets.")
    )
    ensure_campaign_open(campaign)
    day = day or timezone.localdate()
    applied = Target.objects.filter(campaign=campaign).exclude(status__in=rules.NOT_APPLIED).values("branch_id")
    branches = list(
        Branch.objects.restrict(actor, "view")
        .filter(office_id=campaign.office_id, retired_at__isnull=True)
        .exclude(pk__in=applied)
        .order_by("sort_order", "code")
    )
    people: dict[int, dict[int, Person]] = {b.pk: {} for b in branches}
    recorded = Person.objects.filter(pk__in=[b.secretary_id for b in branches if b.secretary_id])
    by_pk = {p.pk: p for p in recorded.select_related("user")}
    for branch in branches:
        if branch.secretary_id in by_pk:
            people[branch.pk][branch.secretary_id] = by_pk[branch.secretary_id]
    for person in (
        Person.objects.filter(
            user__is_active=True,
            user__role_assignments__role=Role.BRANCH_SECRETARY,
            user__role_assignments__branch__in=[b.pk for b in branches],
        )
        .select_related("user")
        .annotate(branch_pk=F("user__role_assignments__branch_id"))
    ):
        people[person.branch_pk].setdefault(person.pk, person)
    url = reverse("targets:target_list") + f"?campaign={campaign.pk}"
    title = _("Please submit your branch's star target for %(year)s") % {"year": campaign.year}
    sent, unreachable = 0, []
    for branch in branches:
        for person in people[branch.pk].values():
            key = f"targets:remind:{campaign.pk}:{branch.pk}:{person.pk}:{day.isoformat()}"
            sent += send_notice(person=person, kind="target_remind", title=title, url=url, key=key)
        if not any(getattr(getattr(p, "user", None), "is_active", False) for p in people[branch.pk].values()):
            unreachable.append(branch.name)
    audit_record(
        actor=actor, action="target.remind", obj=campaign, after={"items": [b.pk for b in branches], "count": sent}
    )
    return len(branches), sent, unreachable


@transaction.atomic
def targets_agree(*, actor, campaign, target_ids, note: str = "") -> list[Target]:
    """The office agrees several submitted applications of the campaign at once (the board's batch): each one as
    `target_agree` does it, with its round and audit row. All or nothing: an id outside the user's scope or the
    campaign refuses the whole batch, and so does an application that is no longer waiting for review."""
    ensure_allowed(
        actor, "targets.decide_target", campaign, action="view", message=_("Only the office decides targets.")
    )
    ensure_campaign_open(campaign)
    ids = sorted({int(pk) for pk in target_ids})
    if not ids:
        raise ValidationError(_("Tick the applications to agree first."))
    targets = list(
        Target.objects.restrict(actor, "view")
        .filter(campaign=campaign, pk__in=ids)
        .select_related("branch", "campaign")
        .order_by("pk")
    )
    if len(targets) != len(ids):
        raise PermissionDenied(_("Some of the ticked applications are not yours to decide."))
    return [target_agree(actor=actor, target=target, note=note) for target in targets]


@transaction.atomic
def target_record_past(*, actor, campaign, branch, stars, reason: str = "", note: str = "") -> Target:
    """Record an earlier year's confirmed target (a closed campaign kept on paper before the platform).

    R2 still holds; the rounds show submit, agree and confirm by whoever records it, with `note` saying where
    the record comes from.
    """
    ensure_allowed(actor, "targets.decide_target", branch, message=_("Only the office decides targets."))
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
    target.level = compute_level(s.code for s in star_objs)
    target.status, target.reason, target.office_note = TargetStatus.CONFIRMED, reason, note
    target.submitted_at = target.agreed_at = target.confirmed_at = now
    target.save()
    office_figures_changed(campaign.office_id)
    for action in (RoundAction.SUBMIT, RoundAction.AGREE, RoundAction.CONFIRM):
        _round(target, action, actor, note if action == RoundAction.CONFIRM else "", star_objs)
    ensure_in_scope(target, actor=actor, action="view")
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
    branches = Branch.objects.filter(office_id=campaign.office_id).filter(
        Q(retired_at__isnull=True) | Q(pk__in=list(targets))
    )
    for branch in branches.order_by("sort_order", "code"):
        t = targets.get(branch.pk)
        if t is not None and t.status in (TargetStatus.AGREED, TargetStatus.CONFIRMED):
            agreed.append(t.level)
        else:
            pending.append(branch.name)
    return rules.quota_problems(agreed, campaign.quota_map(), pending)


@transaction.atomic
def targets_confirm(*, actor, campaign) -> int:
    """The office confirms every agreed target of the campaign at once, only if R4 holds; returns how many."""
    ensure_allowed(actor, "targets.decide_target", campaign, message=_("Only the office decides targets."))
    if not is_system(actor):
        office_branches = Branch.objects.filter(office_id=campaign.office_id, retired_at__isnull=True)
        in_scope = Branch.objects.restrict(actor, "view").filter(office_id=campaign.office_id, retired_at__isnull=True)
        if in_scope.count() != office_branches.count():
            raise PermissionDenied(_("Only someone responsible for the whole office can confirm its targets."))
    ensure_campaign_open(campaign)
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
    office_figures_changed(campaign.office_id)
    ensure_in_scope(campaign, actor=actor, action="view")
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
