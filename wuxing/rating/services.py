"""Writes of the rating: self-evaluation, the review chain star by star (R14), publicity, objections, vetoes (R3)
and naming, which records the branch's result through the campaigns service.

The pages and the API call these same functions. Who may take a step is decided here: the office's leader and
staff (a role on the office) review first; a district department's reviewer (a role on the district and a
DepartmentReviewer row naming the department) reviews the stars its department is responsible for; the
district's leader and staff (a role on the district or above) name.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuxing.campaigns.services import campaign_amend_result, campaign_record_result, ensure_campaign_open
from wuxing.core.actors import SystemActor, is_system, user_or_none
from wuxing.core.audit import audit_record, current_ip, snapshot
from wuxing.core.roles import Role
from wuxing.org.access import ensure_allowed, ensure_in_scope
from wuxing.org.choices import UnitLevel
from wuxing.standards.models import Star, StarRule
from wuxing.standards.rules import RuleData

from . import rules
from .choices import (
    Decision,
    ObjectionDecision,
    ObjectionStatus,
    StarResult,
    StarState,
    Step,
    WithdrawalState,
    WithdrawalStep,
)
from .models import (
    EVIDENCE_SOURCES,
    DepartmentReviewer,
    Objection,
    ObjectionEvidence,
    Rating,
    RatingStar,
    ReviewStep,
    StarEvidence,
    StarWarning,
    VetoEvent,
    Withdrawal,
    WithdrawalRecord,
)

PUBLIC = SystemActor("public")
MAX_STATEMENT = 2000
MAX_EVIDENCE_LINKS = 20

_UNIT_ROLES = {Role.OFFICE_LEADER, Role.CAMPAIGN_STAFF}
_DISTRICT_LEVELS = {UnitLevel.DISTRICT, UnitLevel.CITY, UnitLevel.PROVINCE}


# ---------------------------------------------------------------------------------------------------------
# Who may take which step
# ---------------------------------------------------------------------------------------------------------


def _units_over(actor, branch, levels) -> bool:
    path = branch.office.path
    return any(
        ra.role in _UNIT_ROLES and ra.unit_id and ra.unit.level in levels and path.startswith(ra.unit.path)
        for ra in actor.cached_role_assignments()
    )


def acts_for_office(actor, branch) -> bool:
    """A leader or staff member of the branch's own office (街道)."""
    return is_system(actor) or _units_over(actor, branch, {UnitLevel.OFFICE})


def acts_for_district(actor, branch) -> bool:
    """A leader or staff member of the branch's district (or a unit above it)."""
    return is_system(actor) or _units_over(actor, branch, _DISTRICT_LEVELS)


def acts_above_office(actor) -> bool:
    """A leader or staff member of a district or a unit above it: the one who names and reads the summaries."""
    return is_system(actor) or any(
        ra.role in _UNIT_ROLES and ra.unit_id and ra.unit.level in _DISTRICT_LEVELS
        for ra in actor.cached_role_assignments()
    )


def reviewer_departments(actor, branch=None) -> set[str]:
    """The departments whose stars the actor reviews for the district (for `branch`'s office, if given)."""
    if is_system(actor) or not getattr(actor, "is_authenticated", False):
        return set()
    rows = DepartmentReviewer.objects.filter(user=actor).select_related("unit")
    return {r.department for r in rows if branch is None or branch.office.path.startswith(r.unit.path)}


def _refuse(message: str):
    raise PermissionDenied(message)


# ---------------------------------------------------------------------------------------------------------
# The rating and the self-evaluation
# ---------------------------------------------------------------------------------------------------------


def _stars_of(campaign, branch):
    return Star.objects.filter(standard_id=campaign.standard_id, star_set=branch.star_set).order_by("position")


@transaction.atomic
def rating_open(*, actor, campaign, branch) -> Rating:
    """The branch's rating in the campaign, created with one row per star of its star set when first opened."""
    ensure_allowed(actor, "rating.view_rating", branch, action="view", message=_("You may not rate this branch."))
    if branch.office_id != campaign.office_id:
        raise ValidationError(_("The branch does not belong to the campaign's office."))
    rating = Rating.objects.filter(campaign=campaign, branch=branch).first()
    if rating is not None:
        return rating
    ensure_campaign_open(campaign)
    rating = Rating.objects.create(campaign=campaign, branch=branch)
    RatingStar.objects.bulk_create(RatingStar(rating=rating, star=star) for star in _stars_of(campaign, branch))
    audit_record(actor=actor, action="rating.open", obj=rating, after={"stars": rating.stars.count()})
    return rating


def _ensure_secretary(actor, rating):
    ensure_allowed(
        actor, "rating.change_rating", rating, action="view", message=_("Only the branch may evaluate its own stars.")
    )
    ensure_campaign_open(rating.campaign)


def _evidence_keys(evidence_ids) -> set[str]:
    """ "source:id" keys; a bare number is a check-in's evidence file (the first kind of evidence linked)."""
    keys = set()
    for raw in evidence_ids:
        raw = str(raw).strip()
        source, _sep, ref = raw.rpartition(":")
        source = source or "checkin_evidence"
        if source not in EVIDENCE_SOURCES or not ref.isdigit():
            raise ValidationError({"evidence": _("Only the branch's own records of this campaign can be linked.")})
        keys.add(f"{source}:{int(ref)}")
    return keys


@transaction.atomic
def star_self_evaluate(
    *, actor, rating_star: RatingStar, claimed: bool, statement: str = "", evidence_ids=()
) -> RatingStar:
    """The branch claims a star (or not), says why in a short statement and links evidence it already has: check-in
    evidence, deliberations, 五个一 records and its demonstration site's projects (picked, never re-uploaded)."""
    from .selectors import evidence_options

    rating = rating_star.rating
    _ensure_secretary(actor, rating)
    if rating_star.state not in (StarState.DRAFT, StarState.RETURNED):
        raise ValidationError(_("This star has been submitted; it can be changed only when it is returned."))
    statement = (statement or "").strip()
    if len(statement) > MAX_STATEMENT:
        raise ValidationError({"statement": _("The statement is limited to 2000 characters.")})
    if claimed and not statement:
        raise ValidationError({"statement": _("Say in a short statement why the branch claims this star.")})
    wanted = _evidence_keys(evidence_ids)
    if len(wanted) > MAX_EVIDENCE_LINKS:
        raise ValidationError({"evidence": _("Link at most 20 records to a star.")})
    reader = None if is_system(actor) else actor
    available = {o.key: o for o in evidence_options(user=reader, branch=rating.branch, campaign=rating.campaign)}
    if wanted - set(available):
        raise ValidationError({"evidence": _("Only the branch's own records of this campaign can be linked.")})
    have = {f"{e.source}:{e.ref_id}": e for e in rating_star.evidence_links.all()}
    before = {**snapshot(rating_star, ["claimed", "statement"]), "evidence": sorted(have)}
    rating_star.claimed = bool(claimed)
    rating_star.statement = statement
    rating_star.save(update_fields=["claimed", "statement", "updated_at"])
    gone = [e.pk for key, e in have.items() if key not in wanted]
    if gone:
        StarEvidence.objects.filter(pk__in=gone).delete()
    StarEvidence.objects.bulk_create(
        StarEvidence(
            rating_star=rating_star,
            source=available[key].source,
            ref_id=available[key].id,
            label=available[key].label[:200],
            url=available[key].url[:300],
        )
        for key in sorted(wanted - set(have))
    )
    ensure_in_scope(rating_star.rating, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="rating.self_evaluate",
        obj=rating_star,
        before=before,
        after={"claimed": rating_star.claimed, "statement": statement, "evidence": sorted(wanted)},
    )
    return rating_star


def _committee(date, attendance):
    if attendance in (None, ""):
        return date, None
    try:
        attendance = int(attendance)
    except (TypeError, ValueError):
        raise ValidationError({"committee_attendance": _("Enter a whole number.")}) from None
    if not 0 <= attendance <= 100:
        raise ValidationError({"committee_attendance": _("The attendance must be between 0 and 100.")})
    return date, attendance


@transaction.atomic
def rating_submit(*, actor, rating: Rating, committee_decided_on=None, committee_attendance=None) -> Rating:
    """The secretary submits the self-evaluation: every claimed star not yet in review goes to the office."""
    _ensure_secretary(actor, rating)
    stars = list(rating.stars.select_for_update().select_related("star"))
    to_submit = [s for s in stars if s.claimed and s.state in (StarState.DRAFT, StarState.RETURNED)]
    if not to_submit:
        raise ValidationError(_("No claimed star is waiting to be submitted."))
    decided_on, attendance = _committee(committee_decided_on, committee_attendance)
    asking = [s.star.name for s in to_submit if s.star.requires_committee_decision]
    problem = rules.committee_problem(bool(asking), decided_on, attendance)
    if problem:
        names = "、".join(asking)
        if problem == "committee_date_needed":
            raise ValidationError(
                {
                    "committee_decided_on": _(
                        "The standard asks for the committees' decision for %(stars)s: enter the date of the decision."
                    )
                    % {"stars": names}
                }
            )
        raise ValidationError(
            {
                "committee_attendance": _(
                    "The standard asks for the committees' decision for %(stars)s: enter how many committee members "
                    "were present."
                )
                % {"stars": names}
            }
        )
    rating.committee_decided_on, rating.committee_attendance = decided_on, attendance
    rating.submitted_at = timezone.now()
    rating.save(update_fields=["committee_decided_on", "committee_attendance", "submitted_at"])
    for rating_star in to_submit:
        _take_step(actor, rating_star, Step.SUBMIT)
    for rating_star in stars:
        if not rating_star.claimed and rating_star.state == StarState.DRAFT:
            rating_star.result = StarResult.NOT_CLAIMED
            rating_star.save(update_fields=["result", "updated_at"])
    ensure_in_scope(rating, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="rating.submit",
        obj=rating,
        after={"stars": [s.star.code for s in to_submit], "committee": str(rating.committee_decided_on or "")},
    )
    return rating


# ---------------------------------------------------------------------------------------------------------
# The review chain (R14)
# ---------------------------------------------------------------------------------------------------------


def step_message(check: rules.StepCheck) -> str:
    messages = {
        "unknown_step": _("Unknown step."),
        "decision_needed": _("Choose a decision: pass, return or fail."),
        "not_claimed": _("Only a claimed star can be submitted."),
        "reason_needed": _("Give the reason for returning or failing the star."),
        "objection_open": _("Naming is blocked while an objection is open; answer and close it first."),
        "publicity_running": _("The publicity period has not ended yet."),
    }
    if check.problem == "out_of_order":
        if check.expected:
            return _("This step is out of order: the star is waiting for “%(step)s”.") % {
                "step": Step(check.expected).label
            }
        return _("This step is out of order: the star's review has ended.")
    return messages.get(check.problem, _("This step is not allowed."))


def _take_step(actor, rating_star, step, decision="", reason="", *, department="", **guards) -> RatingStar:
    check = rules.check_step(rating_star.state, step, decision, reason=reason, claimed=rating_star.claimed, **guards)
    if not check.ok:
        raise ValidationError(step_message(check))
    before = rating_star.state
    rating_star.state = check.new_state
    rating_star.reason = reason.strip()[:300] if decision in (Decision.RETURN, Decision.FAIL) else ""
    if check.new_state == StarState.FAILED:
        rating_star.result = StarResult.NOT_CONFIRMED
    elif check.new_state in (StarState.CLAIMED, StarState.RETURNED):
        rating_star.result = StarResult.PENDING
    rating_star.save(update_fields=["state", "reason", "result", "updated_at"])
    ReviewStep.objects.create(
        rating_star=rating_star,
        step=step,
        decision=decision,
        reason=reason.strip()[:300],
        from_state=before,
        to_state=check.new_state,
        department=department[:100],
        actor=user_or_none(actor),
        actor_label=actor.get_username()[:100],
        acted_at=timezone.now(),
    )
    return rating_star


@transaction.atomic
def star_review(*, actor, rating_star: RatingStar, step: str, decision: str, reason: str = "") -> RatingStar:
    """街道初审 (step office_review) or 区县联审 (district_review) of one star: pass, return with reasons, or fail."""
    rating_star = (
        RatingStar.objects.select_for_update().select_related("rating__branch__office", "star").get(pk=rating_star.pk)
    )
    rating = rating_star.rating
    branch = rating.branch
    department = ""
    if step == Step.OFFICE_REVIEW:
        ensure_allowed(
            actor, "rating.review_office_rating", rating, action="view", message=_("You may not review ratings.")
        )
        if not acts_for_office(actor, branch):
            _refuse(_("The office review is done by the branch's own office."))
    elif step == Step.DISTRICT_REVIEW:
        ensure_allowed(
            actor, "rating.review_district_rating", rating, action="view", message=_("You may not review ratings.")
        )
        department = rating_star.star.responsible_department
        if not is_system(actor) and department not in reviewer_departments(actor, branch):
            _refuse(_("This star is reviewed by %(department)s.") % {"department": department or "—"})
    else:
        raise ValidationError(_("Unknown step."))
    ensure_campaign_open(rating.campaign)
    before = rating_star.state
    _take_step(actor, rating_star, step, decision, reason, department=department)
    audit_record(
        actor=actor,
        action=f"rating.{step}",
        obj=rating_star,
        before={"state": before},
        after={"state": rating_star.state, "decision": decision, "reason": reason.strip()[:300]},
    )
    return rating_star


@transaction.atomic
def rating_publicity_start(*, actor, rating: Rating, start=None, days: int | None = None) -> Rating:
    """公示: the stars that passed the district review go public for `days` working days (default 5) from `start`."""
    rating = Rating.objects.select_for_update().select_related("branch__office", "campaign").get(pk=rating.pk)
    ensure_allowed(actor, "rating.name_rating", rating, action="view", message=_("You may not start the publicity."))
    if not (acts_for_office(actor, rating.branch) or acts_for_district(actor, rating.branch)):
        _refuse(_("You may not start the publicity."))
    ensure_campaign_open(rating.campaign)
    days = rules.DEFAULT_PUBLICITY_DAYS if days in (None, "") else days
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if rules.publicity_days_problem(days):
        raise ValidationError({"days": _("The publicity lasts between 1 and 30 working days.")})
    stars = list(rating.stars.select_related("star"))
    problem = rules.publicity_problem([s.state for s in stars if s.claimed])
    if problem == "stars_in_review":
        raise ValidationError(_("Some claimed stars are still in review; the publicity waits for all of them."))
    if problem == "nothing_passed":
        raise ValidationError(_("No star has passed the district review; there is nothing to publish."))
    start = start or timezone.localdate()
    rating.publicity_days = days
    rating.publicity_start = start
    rating.publicity_end = rules.last_working_day(start, days)
    rating.save(update_fields=["publicity_days", "publicity_start", "publicity_end"])
    for rating_star in stars:
        if rating_star.state == StarState.DISTRICT_PASSED:
            _take_step(actor, rating_star, Step.PUBLICITY)
    audit_record(
        actor=actor,
        action="rating.publicity",
        obj=rating,
        after={"start": start, "end": rating.publicity_end, "days": days},
    )
    return rating


def _vetoed_indicators(rating) -> set[str]:
    return set(
        VetoEvent.objects.filter(campaign=rating.campaign, branch=rating.branch).values_list(
            "indicator_code", flat=True
        )
    )


def rule_data(standard_id: int, star_set: str) -> list[RuleData]:
    return [
        RuleData(
            kind=r.kind,
            star_code=r.star_code,
            requires_star_code=r.requires_star_code,
            indicator_code=r.indicator_code,
            description=r.description,
        )
        for r in StarRule.objects.filter(standard_id=standard_id, star_set=star_set)
    ]


def _record_result(actor, rating, named_stars, today, note=None):
    """Write the branch's level through the campaigns service (CampaignResult), confirmed stars only."""
    return campaign_record_result(
        actor=actor,
        campaign=rating.campaign,
        branch=rating.branch,
        level=len(named_stars),
        stars=named_stars,
        rated_on=today,
        note=note or _("Named after review and publicity."),
    )


def _relevel(actor, rating, today, note, *, withdrawal=None):
    """After naming, a star left the result (摘星, a veto): the level and the result follow, the certificate is
    reissued. A completed withdrawal amends the recorded result through the campaigns service's narrow path,
    which also holds once the campaign is closed (a 2025 star withdrawn during 2026)."""
    confirmed = [s.star for s in rating.stars.select_related("star") if s.result == StarResult.CONFIRMED]
    rating.level = rules.rating_level(s.code for s in confirmed)
    rating.reissued_on = today
    rating.save(update_fields=["level", "reissued_on"])
    if withdrawal is None:
        _record_result(actor, rating, confirmed, today, note=note)
        return
    campaign_amend_result(
        actor=actor,
        campaign=rating.campaign,
        branch=rating.branch,
        level=len(confirmed),
        stars=confirmed,
        amended_on=today,
        reason=f"{withdrawal.rating_star.star.name}：{withdrawal.reason}",
        source="withdrawal",
    )


@transaction.atomic
def rating_name(*, actor, rating: Rating, today=None) -> Rating:
    """命名 by the district: after the publicity and with no objection open; R3 applied, level = stars confirmed."""
    rating = Rating.objects.select_for_update().select_related("branch__office", "campaign").get(pk=rating.pk)
    ensure_allowed(actor, "rating.name_rating", rating, action="view", message=_("You may not name ratings."))
    if not acts_for_district(actor, rating.branch):
        _refuse(_("Naming is done by the district."))
    ensure_campaign_open(rating.campaign)
    today = today or timezone.localdate()
    stars = list(rating.stars.select_related("star"))
    in_publicity = [s for s in stars if s.state == StarState.PUBLICITY]
    objection_open = rating.objections.filter(status=ObjectionStatus.OPEN).exists()
    ended = rules.publicity_over(rating.publicity_end, today)
    if not in_publicity:
        check = rules.check_step(stars[0].state if stars else StarState.DRAFT, Step.NAME)
        raise ValidationError(_("No star is in publicity; naming comes after it.") if check.ok else step_message(check))
    for rating_star in in_publicity:
        _take_step(actor, rating_star, Step.NAME, objection_open=objection_open, publicity_ended=ended)
    rule_rows = rule_data(rating.campaign.standard_id, rating.branch.star_set)
    named_codes = {s.star.code for s in stars if s.state == StarState.NAMED}
    kept, lost = rules.confirmed_stars(named_codes, _vetoed_indicators(rating), rule_rows)
    for rating_star in stars:
        if rating_star.state != StarState.NAMED:
            continue
        if rating_star.star.code in kept:
            rating_star.result = StarResult.CONFIRMED
        else:
            rating_star.result = StarResult.NOT_CONFIRMED
            rating_star.reason = lost.get(rating_star.star.code, "")[:300]
        rating_star.save(update_fields=["result", "reason", "updated_at"])
    confirmed = [s.star for s in stars if s.result == StarResult.CONFIRMED]
    rating.level = rules.rating_level(s.code for s in confirmed)
    rating.named_on = today
    rating.save(update_fields=["level", "named_on"])
    _record_result(actor, rating, confirmed, today)
    audit_record(
        actor=actor,
        action="rating.name",
        obj=rating,
        after={"level": rating.level, "stars": sorted(s.code for s in confirmed), "lost": lost},
    )
    return rating


@transaction.atomic
def star_advance(
    *,
    actor,
    rating_star: RatingStar,
    step: str,
    decision: str = "",
    reason: str = "",
    committee_decided_on=None,
    committee_attendance=None,
):
    """One entry point for the API: take `step` on the star (publicity and naming act on its whole rating)."""
    if step in (Step.OFFICE_REVIEW, Step.DISTRICT_REVIEW):
        return star_review(actor=actor, rating_star=rating_star, step=step, decision=decision, reason=reason)
    if step == Step.SUBMIT:
        _ensure_secretary(actor, rating_star.rating)
        check = rules.check_step(rating_star.state, step, claimed=rating_star.claimed)
        if not check.ok:
            raise ValidationError(step_message(check))
        return rating_submit(
            actor=actor,
            rating=rating_star.rating,
            committee_decided_on=committee_decided_on,
            committee_attendance=committee_attendance,
        )
    if step in (Step.PUBLICITY, Step.NAME):
        check = rules.check_step(rating_star.state, step)
        if check.problem == "out_of_order":
            raise ValidationError(step_message(check))
        if step == Step.PUBLICITY:
            return rating_publicity_start(actor=actor, rating=rating_star.rating)
        return rating_name(actor=actor, rating=rating_star.rating)
    raise ValidationError(_("Unknown step."))


# ---------------------------------------------------------------------------------------------------------
# Veto events (R3)
# ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def veto_record(*, actor, campaign, branch, indicator_code: str, occurred_on, description: str, evidence) -> VetoEvent:
    """The office records an event that a veto rule of the standard names; the star is lost for the year."""
    from wuxing.core.uploads import store_evidence

    ensure_allowed(actor, "rating.add_vetoevent", branch, action="view", message=_("You may not record veto events."))
    if not (acts_for_office(actor, branch) or acts_for_district(actor, branch)):
        _refuse(_("You may not record veto events."))
    if branch.office_id != campaign.office_id:
        raise ValidationError(_("The branch does not belong to the campaign's office."))
    ensure_campaign_open(campaign)
    rule = next(
        (
            r
            for r in rule_data(campaign.standard_id, branch.star_set)
            if r.kind == "veto" and r.indicator_code == indicator_code
        ),
        None,
    )
    if rule is None:
        raise ValidationError({"indicator_code": _("The standard has no veto rule for this indicator.")})
    description = (description or "").strip()
    if not description or len(description) > 500:
        raise ValidationError({"description": _("Describe the event in at most 500 characters.")})
    if occurred_on is None or occurred_on.year != campaign.year:
        raise ValidationError({"occurred_on": _("The event must be dated within the campaign's year.")})
    if evidence is None:
        raise ValidationError({"evidence": _("Attach the evidence of the event.")})
    event = store_evidence(
        VetoEvent,
        evidence,
        actor=actor,
        campaign=campaign,
        branch=branch,
        indicator_code=indicator_code,
        star_code=rule.star_code,
        occurred_on=occurred_on,
        description=description,
        recorded_by=user_or_none(actor),
    )
    rating = Rating.objects.filter(campaign=campaign, branch=branch).first()
    if rating is not None:
        rating_star = rating.stars.filter(star__code=rule.star_code).first()
        if rating_star is not None and rules.can_veto(rating_star.state):
            before = rating_star.state
            rating_star.state = StarState.VETOED
            rating_star.result = StarResult.NOT_CONFIRMED
            rating_star.reason = (rule.description or description)[:300]
            rating_star.save(update_fields=["state", "result", "reason", "updated_at"])
            ReviewStep.objects.create(
                rating_star=rating_star,
                step=Step.VETO,
                reason=rating_star.reason,
                from_state=before,
                to_state=StarState.VETOED,
                actor=user_or_none(actor),
                actor_label=actor.get_username()[:100],
                acted_at=timezone.now(),
            )
            for withdrawal in rating_star.withdrawals.filter(state__in=rules.WITHDRAWAL_OPEN):
                _withdrawal_move(
                    actor,
                    withdrawal,
                    WithdrawalStep.DECIDE,
                    "",
                    WithdrawalState.DROPPED,
                    _("The star was lost by a veto."),
                )
            if before == StarState.NAMED and rating.named_on:
                _relevel(actor, rating, timezone.localdate(), _("A star was lost by a veto after naming."))
    ensure_in_scope(event, actor=actor, action="view")
    audit_record(
        actor=actor,
        action="rating.veto",
        obj=event,
        after={"indicator": indicator_code, "star": rule.star_code, "occurred_on": occurred_on},
    )
    return event


# ---------------------------------------------------------------------------------------------------------
# Objections during publicity
# ---------------------------------------------------------------------------------------------------------


def sender_key(address: str | None, day) -> str:
    """A keyed hash of the sender's address and the day: enough for the rate limit, not the address itself."""
    message = f"{address or 'unknown'}|{day.isoformat()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def objection_submit(
    *, actor=PUBLIC, rating: Rating, text: str, contact: str = "", rating_star=None, withdrawal=None, evidence=None
) -> Objection:
    """Anyone may object during a publicity (of the rating, or of a star's withdrawal), with an optional file
    (checked like all evidence); at most a few objections a day from one address."""
    today = timezone.localdate()
    if withdrawal is not None:
        if withdrawal.rating_star.rating_id != rating.pk:
            raise ValidationError({"withdrawal": _("The withdrawal is not part of this rating.")})
        if withdrawal.state != WithdrawalState.PUBLICITY or rules.publicity_over(withdrawal.publicity_end, today):
            raise ValidationError(_("Objections are taken only during the publicity period."))
        rating_star = withdrawal.rating_star
    else:
        in_publicity = rating.stars.filter(state=StarState.PUBLICITY).exists()
        if not in_publicity or rules.publicity_over(rating.publicity_end, today):
            raise ValidationError(_("Objections are taken only during the publicity period."))
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise ValidationError({"text": _("Write the objection in at most 2000 characters.")})
    contact = (contact or "").strip()
    if len(contact) > 100:
        raise ValidationError({"contact": _("The contact is limited to 100 characters.")})
    if rating_star is not None and rating_star.rating_id != rating.pk:
        raise ValidationError({"rating_star": _("The star is not part of this rating.")})
    key = sender_key(current_ip.get(), today)
    if not rules.objection_allowed(Objection.objects.filter(sender_key=key).count()):
        raise ValidationError(_("Too many objections from this address today; please try again tomorrow."))
    objection = Objection.objects.create(
        rating=rating, rating_star=rating_star, withdrawal=withdrawal, text=text, contact=contact, sender_key=key
    )
    if evidence is not None:
        from wuxing.core.uploads import store_evidence

        # Refused (type, size, a PDF with scripts): the whole objection is rolled back with the message.
        store_evidence(ObjectionEvidence, evidence, actor=actor, objection=objection)
    # The contact is private: it is not copied into the audit log either.
    audit_record(
        actor=actor,
        action="rating.objection",
        obj=objection,
        after={"text": text[:200], "withdrawal": withdrawal.pk if withdrawal else None},
    )
    return objection


@transaction.atomic
def objection_close(*, actor, objection: Objection, decision: str, answer: str) -> Objection:
    """The office answers and closes an objection. Upheld: the star it concerns is failed with the answer."""
    objection = (
        Objection.objects.select_for_update()
        .select_related("rating__branch__office", "rating__campaign")
        .get(pk=objection.pk)
    )
    ensure_allowed(
        actor, "rating.change_objection", objection, action="view", message=_("You may not answer objections.")
    )
    if not (acts_for_office(actor, objection.rating.branch) or acts_for_district(actor, objection.rating.branch)):
        _refuse(_("You may not answer objections."))
    if objection.withdrawal_id:
        ensure_withdrawal_campaign(objection.rating.campaign)
    else:
        ensure_campaign_open(objection.rating.campaign)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("This objection is already closed."))
    if decision not in ObjectionDecision.values:
        raise ValidationError({"decision": _("Choose a decision.")})
    answer = (answer or "").strip()
    if not answer or len(answer) > 2000:
        raise ValidationError({"answer": _("Write the answer in at most 2000 characters.")})
    if objection.withdrawal_id:
        # An objection to a withdrawal is answered and closed; the district decides the withdrawal afterwards.
        pass
    elif decision == ObjectionDecision.UPHELD:
        rating_star = objection.rating_star
        if rating_star is None:
            raise ValidationError({"decision": _("An upheld objection must concern one star.")})
        if rating_star.state == StarState.PUBLICITY:
            before = rating_star.state
            rating_star.state = StarState.FAILED
            rating_star.result = StarResult.NOT_CONFIRMED
            rating_star.reason = answer[:300]
            rating_star.save(update_fields=["state", "result", "reason", "updated_at"])
            ReviewStep.objects.create(
                rating_star=rating_star,
                step=Step.PUBLICITY,
                decision=Decision.FAIL,
                reason=answer[:300],
                from_state=before,
                to_state=StarState.FAILED,
                actor=user_or_none(actor),
                actor_label=actor.get_username()[:100],
                acted_at=timezone.now(),
            )
    objection.status = ObjectionStatus.CLOSED
    objection.decision = decision
    objection.answer = answer
    objection.closed_by = user_or_none(actor)
    objection.closed_at = timezone.now()
    objection.save(update_fields=["status", "decision", "answer", "closed_by", "closed_at"])
    audit_record(actor=actor, action="rating.objection_close", obj=objection, after={"decision": decision})
    return objection


# ---------------------------------------------------------------------------------------------------------
# District department reviewers
# ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def department_reviewer_add(*, actor, user, unit, department: str) -> DepartmentReviewer:
    """Register `user` as the reviewer of `department`'s stars in the district `unit` (set-up by the system)."""
    if not is_system(actor):
        ensure_allowed(actor, "rating.name_rating", unit, action="view", message=_("You may not register reviewers."))
    if unit.level not in _DISTRICT_LEVELS:
        raise ValidationError({"unit": _("District reviewers belong to a district.")})
    department = (department or "").strip()
    if not department or len(department) > 100:
        raise ValidationError({"department": _("Name the department.")})
    reviewer, _created = DepartmentReviewer.objects.get_or_create(user=user, unit=unit, department=department)
    audit_record(actor=actor, action="rating.reviewer_add", obj=reviewer, after={"department": department})
    return reviewer


# ---------------------------------------------------------------------------------------------------------
# 摘星: withdrawing a named star through the same reviews and publicity (R14)
# ---------------------------------------------------------------------------------------------------------


def withdrawal_campaign_allowed(campaign) -> bool:
    """Whether stars of `campaign` may still be withdrawn: open, or the office's latest closed one (see the rule)."""
    from wuxing.campaigns.choices import CampaignStatus
    from wuxing.campaigns.models import Campaign

    latest_closed = (
        not campaign.is_open
        and not Campaign.objects.filter(
            office_id=campaign.office_id, status=CampaignStatus.CLOSED, year__gt=campaign.year
        ).exists()
    )
    return rules.withdrawal_campaign_problem(campaign_open=campaign.is_open, latest_closed=latest_closed) is None


def ensure_withdrawal_campaign(campaign) -> None:
    if not withdrawal_campaign_allowed(campaign):
        raise ValidationError(
            _("The campaign is closed and a later year has been rated since; its stars can no longer be withdrawn.")
        )


def withdrawal_message(check: rules.StepCheck) -> str:
    messages = {
        "unknown_step": _("Unknown step."),
        "decision_needed": _("Choose a decision: agree to withdraw the star, or keep it."),
        "reason_needed": _("Give the reason for keeping the star."),
        "objection_open": _("The decision is blocked while an objection is open; answer and close it first."),
        "publicity_running": _("The publicity period has not ended yet."),
        "not_held": _("The star is no longer held; there is nothing to withdraw."),
    }
    if check.problem == "out_of_order":
        if check.expected:
            return _("This step is out of order: the withdrawal is waiting for “%(step)s”.") % {
                "step": WithdrawalStep(check.expected).label
            }
        return _("This step is out of order: the withdrawal has ended.")
    return messages.get(check.problem, _("This step is not allowed."))


def _withdrawal_move(actor, withdrawal, step, decision, new_state, reason="", department="") -> Withdrawal:
    before = withdrawal.state
    withdrawal.state = new_state
    fields = ["state"]
    if new_state in (WithdrawalState.WITHDRAWN, WithdrawalState.DROPPED):
        withdrawal.decided_on = timezone.localdate()
        fields.append("decided_on")
    withdrawal.save(update_fields=fields)
    WithdrawalRecord.objects.create(
        withdrawal=withdrawal,
        step=step,
        decision=decision,
        reason=(reason or "").strip()[:300],
        from_state=before,
        to_state=new_state,
        department=department[:100],
        actor=user_or_none(actor),
        actor_label=actor.get_username()[:100],
        acted_at=timezone.now(),
    )
    return withdrawal


def _lock_star(rating_star) -> RatingStar:
    return (
        RatingStar.objects.select_for_update(of=("self",))
        .select_related("rating__branch__office", "rating__campaign", "star")
        .get(pk=rating_star.pk)
    )


@transaction.atomic
def withdrawal_start(*, actor, rating_star: RatingStar, reason: str, warning=None) -> Withdrawal:
    """摘星 begins: the district starts withdrawing a star it named, giving the reason (a warning, a veto event, a
    finding). The star stays named until the district decides after the reviews and the publicity."""
    rating_star = _lock_star(rating_star)
    rating = rating_star.rating
    ensure_allowed(actor, "rating.name_rating", rating, action="view", message=_("You may not withdraw stars."))
    if not acts_for_district(actor, rating.branch):
        _refuse(_("A star is withdrawn by the district."))
    ensure_withdrawal_campaign(rating.campaign)
    reason = (reason or "").strip()
    problem = rules.withdrawal_start_problem(
        rating_star.state,
        rating_star.result,
        open_withdrawal=rating_star.withdrawals.filter(state__in=rules.WITHDRAWAL_OPEN).exists(),
        reason=reason,
    )
    if problem == "not_held":
        raise ValidationError(_("Only a star that was named and confirmed can be withdrawn."))
    if problem == "already_open":
        raise ValidationError(_("A withdrawal of this star is already under way."))
    if problem == "reason_needed":
        raise ValidationError({"reason": _("Give the reason for withdrawing the star.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("The reason is limited to 300 characters.")})
    if warning is not None and (warning.branch_id != rating.branch_id or warning.star_id != rating_star.star_id):
        raise ValidationError(_("The warning concerns another star."))
    withdrawal = Withdrawal.objects.create(
        rating_star=rating_star,
        reason=reason,
        warning=warning,
        started_by=user_or_none(actor),
        started_at=timezone.now(),
    )
    WithdrawalRecord.objects.create(
        withdrawal=withdrawal,
        step=WithdrawalStep.START,
        reason=reason,
        to_state=WithdrawalState.STARTED,
        actor=user_or_none(actor),
        actor_label=actor.get_username()[:100],
        acted_at=withdrawal.started_at,
    )
    ensure_in_scope(withdrawal, actor=actor, action="view")
    audit_record(actor=actor, action="rating.withdrawal_start", obj=withdrawal, after={"reason": reason})
    return withdrawal


@transaction.atomic
def withdrawal_advance(
    *,
    actor,
    withdrawal: Withdrawal,
    step: str,
    decision: str = "",
    reason: str = "",
    start=None,
    days=None,
    today=None,
) -> Withdrawal:
    """The next step of a withdrawal: the office's review, the review of the department responsible for the star,
    the publicity (`days` working days from `start`), then the district's decision. Withdrawn, the star leaves the
    result recorded through the campaigns service and the certificate is reissued."""
    withdrawal = (
        Withdrawal.objects.select_for_update(of=("self",))
        .select_related("rating_star__rating__branch__office", "rating_star__rating__campaign", "rating_star__star")
        .get(pk=withdrawal.pk)
    )
    rating_star = withdrawal.rating_star
    rating = rating_star.rating
    branch = rating.branch
    department = ""
    if step == WithdrawalStep.OFFICE_REVIEW:
        ensure_allowed(
            actor, "rating.review_office_rating", rating, action="view", message=_("You may not review ratings.")
        )
        if not acts_for_office(actor, branch):
            _refuse(_("The office review is done by the branch's own office."))
    elif step == WithdrawalStep.DISTRICT_REVIEW:
        ensure_allowed(
            actor, "rating.review_district_rating", rating, action="view", message=_("You may not review ratings.")
        )
        department = rating_star.star.responsible_department
        if not is_system(actor) and department not in reviewer_departments(actor, branch):
            _refuse(_("This star is reviewed by %(department)s.") % {"department": department or "—"})
    elif step == WithdrawalStep.PUBLICITY:
        ensure_allowed(
            actor, "rating.name_rating", rating, action="view", message=_("You may not start the publicity.")
        )
        if not (acts_for_office(actor, branch) or acts_for_district(actor, branch)):
            _refuse(_("You may not start the publicity."))
    elif step == WithdrawalStep.DECIDE:
        ensure_allowed(actor, "rating.name_rating", rating, action="view", message=_("You may not withdraw stars."))
        if not acts_for_district(actor, branch):
            _refuse(_("A star is withdrawn by the district."))
    else:
        raise ValidationError(_("Unknown step."))
    ensure_withdrawal_campaign(rating.campaign)
    today = today or timezone.localdate()
    check = rules.check_withdrawal_step(
        withdrawal.state,
        step,
        decision,
        reason=reason or "",
        objection_open=withdrawal.objections.filter(status=ObjectionStatus.OPEN).exists(),
        publicity_ended=rules.publicity_over(withdrawal.publicity_end, today),
        star_held=rating_star.state == StarState.NAMED and rating_star.result == StarResult.CONFIRMED,
    )
    if not check.ok:
        raise ValidationError(withdrawal_message(check))
    if step == WithdrawalStep.PUBLICITY:
        days = rules.DEFAULT_PUBLICITY_DAYS if days in (None, "") else days
        try:
            days = int(days)
        except (TypeError, ValueError):
            days = 0
        if rules.publicity_days_problem(days):
            raise ValidationError({"days": _("The publicity lasts between 1 and 30 working days.")})
        start = start or today
        withdrawal.publicity_days = days
        withdrawal.publicity_start = start
        withdrawal.publicity_end = rules.last_working_day(start, days)
        withdrawal.save(update_fields=["publicity_days", "publicity_start", "publicity_end"])
    before = withdrawal.state
    _withdrawal_move(actor, withdrawal, step, _decision_of(step, decision), check.new_state, reason, department)
    if check.new_state == WithdrawalState.WITHDRAWN:
        rating_star.state = StarState.WITHDRAWN
        rating_star.result = StarResult.NOT_CONFIRMED
        rating_star.reason = withdrawal.reason[:300]
        rating_star.save(update_fields=["state", "result", "reason", "updated_at"])
        _relevel(actor, rating, today, _("A star was withdrawn after review and publicity."), withdrawal=withdrawal)
    ensure_in_scope(withdrawal, actor=actor, action="view")
    audit_record(
        actor=actor,
        action=f"rating.withdrawal_{step}",
        obj=withdrawal,
        before={"state": before},
        after={"state": withdrawal.state, "decision": decision, "reason": (reason or "").strip()[:300]},
    )
    return withdrawal


def _decision_of(step, decision) -> str:
    return decision if step in rules.WITHDRAWAL_DECIDING else ""


@transaction.atomic
def star_withdrawal(*, actor, rating_star: RatingStar, step: str, decision: str = "", reason: str = "", days=None):
    """One entry point for the page and the API: start a withdrawal of the star, or take the next step of the one
    under way."""
    if step == WithdrawalStep.START:
        return withdrawal_start(actor=actor, rating_star=rating_star, reason=reason)
    if step not in WithdrawalStep.values:
        raise ValidationError(_("Unknown step."))
    withdrawal = rating_star.withdrawals.filter(state__in=rules.WITHDRAWAL_OPEN).first()
    if withdrawal is None:
        raise ValidationError(_("No withdrawal of this star is under way; the district starts one first."))
    return withdrawal_advance(
        actor=actor, withdrawal=withdrawal, step=step, decision=decision, reason=reason, days=days
    )


# ---------------------------------------------------------------------------------------------------------
# Stars under watch (一次创一直成): warnings to the branch and the office
# ---------------------------------------------------------------------------------------------------------


def _recipients(branch) -> list:
    """The people told about a branch's star: its secretaries, and the office's leaders and staff (with accounts)."""
    from django.db.models import Q

    from wuxing.org.models import RoleAssignment

    rows = (
        RoleAssignment.objects.filter(
            Q(role=Role.BRANCH_SECRETARY, branch=branch) | Q(role__in=list(_UNIT_ROLES), unit_id=branch.office_id),
            user__is_active=True,
            user__person__isnull=False,
        )
        .select_related("user__person")
        .order_by("user_id")
    )
    seen, people = set(), []
    for row in rows:
        if row.user_id not in seen:
            seen.add(row.user_id)
            people.append(row.user.person)
    return people


@transaction.atomic
def warnings_raise(*, actor, campaign, branches=None, today=None) -> list[StarWarning]:
    """Raise a warning for each star a branch holds (confirmed last year or named this year) that slipped below its
    thresholds or was hit by a veto event, once per (campaign, branch, star, cause); each is sent to the branch and
    the office through `core.extensions.send_notice` with the same unique key, so a task run twice sends nothing
    twice. Run daily by the `raise_star_warnings` task."""
    from django.urls import reverse

    from wuxing.core.extensions import send_notice

    from .selectors import readiness_rows

    ensure_allowed(actor, "rating.review_office_rating", message=_("You may not raise warnings."))
    today = today or timezone.localdate()
    from wuxing.org.models import Branch

    qs = Branch.objects.filter(office_id=campaign.office_id)
    if branches is not None:
        qs = qs.filter(pk__in=[b.pk for b in branches])
    if not is_system(actor):
        qs = qs.restrict(actor, "view")
    rows = readiness_rows(campaign=campaign, branches=qs.order_by("sort_order", "code"))
    done = set(
        StarWarning.objects.filter(campaign=campaign, branch__in=[r.branch for r in rows]).values_list(
            "branch_id", "star_id", "cause"
        )
    )
    raised = []
    for row in rows:
        for line in row.stars:
            causes = rules.warning_causes(earned=line.earned, vetoed=bool(line.vetoes), readiness=line.readiness.status)
            for cause in causes:
                if (row.branch.pk, line.star.pk, cause) in done:
                    continue
                detail = line.vetoes[0].description if cause == "veto" else ""
                if not detail:
                    detail = _("%(met)d of %(total)d indicators met") % {
                        "met": line.readiness.met,
                        "total": line.readiness.total,
                    }
                warning = StarWarning.objects.create(
                    campaign=campaign,
                    branch=row.branch,
                    star=line.star,
                    cause=cause,
                    detail=detail[:300],
                    raised_on=today,
                )
                title = _("Star under watch: %(branch)s — %(star)s (%(cause)s)") % {
                    "branch": row.branch.name,
                    "star": line.star.name,
                    "cause": warning.get_cause_display(),
                }
                url = reverse("rating:branch_readiness", args=[row.branch.pk]) + f"?campaign={campaign.pk}"
                key = rules.warning_key(campaign.pk, row.branch.pk, line.star.code, cause)
                warning.notified = sum(
                    send_notice(person=person, kind="rating_warning", title=title, url=url, key=f"{key}:{person.pk}")
                    and 1
                    for person in _recipients(row.branch)
                )
                warning.save(update_fields=["notified"])
                audit_record(
                    actor=actor,
                    action="rating.warning",
                    obj=warning,
                    after={"star": line.star.code, "cause": cause, "told": warning.notified},
                )
                raised.append(warning)
    return raised
