"""Pure rules of the annual rating: the review chain (R14), working days, level (R1), prerequisites and vetoes (R3),
readiness, and the result against the target and last year. No ORM, no request."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import chinese_calendar

from wuxing.standards.rules import RuleData, apply_star_rules, compute_level

from .choices import Decision, Readiness, StarResult, StarState, Step, WarningCause, WithdrawalDecision
from .choices import WithdrawalState as WS
from .choices import WithdrawalStep as WStep

DEFAULT_PUBLICITY_DAYS = 5
MAX_PUBLICITY_DAYS = 30

# ---------------------------------------------------------------------------------------------------------
# The official working calendar
# ---------------------------------------------------------------------------------------------------------


def calendar_covers(year: int) -> bool:
    """Whether the installed official calendar (chinese_calendar) has the State Council's holidays of `year`."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: datetime.date) -> bool:
    """A working day on the official calendar (holidays off, make-up Saturdays and Sundays on).

    For a year the calendar does not cover yet, Monday to Friday count: an approximation, flagged on the
    publicity page by `calendar_covers`.
    """
    if calendar_covers(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def last_working_day(
    start: datetime.date, days: int, is_workday: Callable[[datetime.date], bool] = is_working_day
) -> datetime.date:
    """The last day of a period of `days` working days beginning on `start` (which counts if it is one)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    day = start
    counted = 0
    while True:
        if is_workday(day):
            counted += 1
            if counted == days:
                return day
        day += datetime.timedelta(days=1)


def publicity_over(end: datetime.date | None, today: datetime.date) -> bool:
    """The publicity period is over once its last day has passed."""
    return end is not None and today > end


def publicity_days_problem(days) -> str | None:
    if not isinstance(days, int) or not 1 <= days <= MAX_PUBLICITY_DAYS:
        return "publicity_days"
    return None


# ---------------------------------------------------------------------------------------------------------
# The review chain (R14), star by star
# ---------------------------------------------------------------------------------------------------------

# (state, step, decision) → the next state. Nothing else is allowed: no step is skipped or repeated.
TRANSITIONS: dict[tuple[str, str, str], str] = {
    (StarState.DRAFT, Step.SUBMIT, ""): StarState.CLAIMED,
    (StarState.RETURNED, Step.SUBMIT, ""): StarState.CLAIMED,
    (StarState.CLAIMED, Step.OFFICE_REVIEW, Decision.PASS): StarState.OFFICE_PASSED,
    (StarState.CLAIMED, Step.OFFICE_REVIEW, Decision.RETURN): StarState.RETURNED,
    (StarState.CLAIMED, Step.OFFICE_REVIEW, Decision.FAIL): StarState.FAILED,
    (StarState.OFFICE_PASSED, Step.DISTRICT_REVIEW, Decision.PASS): StarState.DISTRICT_PASSED,
    (StarState.OFFICE_PASSED, Step.DISTRICT_REVIEW, Decision.RETURN): StarState.RETURNED,
    (StarState.OFFICE_PASSED, Step.DISTRICT_REVIEW, Decision.FAIL): StarState.FAILED,
    (StarState.DISTRICT_PASSED, Step.PUBLICITY, ""): StarState.PUBLICITY,
    (StarState.PUBLICITY, Step.NAME, ""): StarState.NAMED,
}

# A confirmed veto event takes the star for the year, whatever stage it reached.
VETOABLE = frozenset(
    {
        StarState.DRAFT,
        StarState.CLAIMED,
        StarState.OFFICE_PASSED,
        StarState.DISTRICT_PASSED,
        StarState.PUBLICITY,
        StarState.NAMED,
        StarState.RETURNED,
    }
)

# The step each state waits for, to say what should come next when a step is refused.
EXPECTED_STEP = {
    StarState.DRAFT: Step.SUBMIT,
    StarState.RETURNED: Step.SUBMIT,
    StarState.CLAIMED: Step.OFFICE_REVIEW,
    StarState.OFFICE_PASSED: Step.DISTRICT_REVIEW,
    StarState.DISTRICT_PASSED: Step.PUBLICITY,
    StarState.PUBLICITY: Step.NAME,
}

REVIEW_STEPS = frozenset({Step.OFFICE_REVIEW, Step.DISTRICT_REVIEW})


@dataclass(frozen=True)
class StepCheck:
    """The outcome of asking for a step: the new state, or the reason it is refused (a problem code)."""

    new_state: str | None = None
    problem: str | None = None
    expected: str | None = None  # the step the star waits for, when out of order

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_step(
    state: str,
    step: str,
    decision: str = "",
    *,
    reason: str = "",
    claimed: bool = True,
    objection_open: bool = False,
    publicity_ended: bool = True,
) -> StepCheck:
    """Whether `step` (with `decision` for a review) may be taken on a star in `state`, and where it leads.

    Problems: "unknown_step", "decision_needed", "not_claimed", "out_of_order", "reason_needed",
    "objection_open", "publicity_running".
    """
    if step not in Step.values or step == Step.VETO:
        return StepCheck(problem="unknown_step")
    if step in REVIEW_STEPS:
        if decision not in Decision.values:
            return StepCheck(problem="decision_needed")
    else:
        decision = ""
    if step == Step.SUBMIT and not claimed:
        return StepCheck(problem="not_claimed")
    new_state = TRANSITIONS.get((state, step, decision))
    if new_state is None:
        return StepCheck(problem="out_of_order", expected=EXPECTED_STEP.get(state))
    if decision in (Decision.RETURN, Decision.FAIL) and not reason.strip():
        return StepCheck(problem="reason_needed")
    if step == Step.NAME:
        if objection_open:
            return StepCheck(problem="objection_open")
        if not publicity_ended:
            return StepCheck(problem="publicity_running")
    return StepCheck(new_state=new_state)


def committee_problem(required: bool, decided_on, attendance) -> str | None:
    """The 两委 decision on submitting a self-evaluation, where the standard asks for it for a claimed star: its
    date and the number of committee members present (at least one). Not asked for: nothing is required.

    Problems: "committee_date_needed", "committee_attendance_needed".
    """
    if not required:
        return None
    if decided_on in (None, ""):
        return "committee_date_needed"
    if attendance in (None, "") or attendance < 1:
        return "committee_attendance_needed"
    return None


def can_veto(state: str) -> bool:
    return state in VETOABLE


def publicity_problem(states: Iterable[str]) -> str | None:
    """A branch goes to publicity once, with all its claimed stars through the district review.

    Every star still in the chain (claimed, returned, reviewed by the office only) holds it back; at least one
    star must have passed.
    """
    states = list(states)
    if any(s in (StarState.CLAIMED, StarState.OFFICE_PASSED, StarState.RETURNED) for s in states):
        return "stars_in_review"
    if not any(s == StarState.DISTRICT_PASSED for s in states):
        return "nothing_passed"
    return None


# ---------------------------------------------------------------------------------------------------------
# Level (R1), prerequisites and vetoes (R3), results
# ---------------------------------------------------------------------------------------------------------


def confirmed_stars(
    named: Iterable[str], vetoed_indicators: Iterable[str], rules: Iterable[RuleData]
) -> tuple[set[str], dict[str, str]]:
    """The stars confirmed for the year: those named, less those a veto or an unmet prerequisite takes (R3)."""
    return apply_star_rules(named, vetoed_indicators, rules)


def rating_level(confirmed: Iterable[str]) -> int:
    """R1: the level is the number of stars confirmed that year."""
    return compute_level(confirmed)


def result_vs_target(level: int, target_level: int | None) -> str | None:
    """达标 (met) when the level reaches the agreed target, 未达标 otherwise; None without a target."""
    if target_level is None:
        return None
    return "met" if level >= target_level else "not_met"


def result_vs_last_year(level: int, last_level: int | None) -> str | None:
    """晋位 (up), 保持 (same) or 降星 (down) against last year's rated level; None without one."""
    if last_level is None:
        return None
    if level > last_level:
        return "up"
    if level < last_level:
        return "down"
    return "same"


# ---------------------------------------------------------------------------------------------------------
# Readiness (对标自查)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorFacts:
    code: str
    evidence_required: bool
    progress: float | None  # R10 progress of the check-in items measuring it; None when no item measures it
    has_evidence: bool
    veto: bool = False


@dataclass
class StarReadiness:
    code: str
    status: str
    met: int = 0
    total: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (problem, indicator or star code)


def indicator_met(facts: IndicatorFacts) -> bool:
    return facts.progress is not None and facts.progress >= 1.0


def star_readiness(
    code: str,
    indicators: Iterable[IndicatorFacts],
    *,
    vetoed: bool = False,
    missing_prerequisites: Iterable[str] = (),
) -> StarReadiness:
    """How ready a star is for self-evaluation, indicator by indicator.

    Ready: every indicator met and evidenced, no veto, prerequisites in place. Not ready: a veto event this year,
    or fewer than half of the indicators met. At risk: anything between.
    """
    indicators = list(indicators)
    missing: list[tuple[str, str]] = []
    met = 0
    for ind in indicators:
        if ind.progress is None:
            missing.append(("no_item", ind.code))
        elif not indicator_met(ind):
            missing.append(("not_met", ind.code))
        else:
            met += 1
        if ind.evidence_required and not ind.has_evidence:
            missing.append(("no_evidence", ind.code))
    for required in missing_prerequisites:
        missing.append(("prerequisite", required))
    if vetoed:
        missing.insert(0, ("vetoed", code))
    total = len(indicators)
    if vetoed or (total and met * 2 < total):
        status = Readiness.NOT_READY
    elif missing:
        status = Readiness.AT_RISK
    else:
        status = Readiness.READY
    return StarReadiness(code=code, status=status, met=met, total=total, missing=missing)


def missing_prerequisites(star_code: str, ready_codes: Iterable[str], rules: Iterable[RuleData]) -> list[str]:
    """The stars `star_code` requires (R3) that are not among `ready_codes`."""
    ready = set(ready_codes)
    return [
        r.requires_star_code
        for r in rules
        if r.kind == "requires" and r.star_code == star_code and r.requires_star_code not in ready
    ]


# ---------------------------------------------------------------------------------------------------------
# 摘星: withdrawing a named star through the same reviews and publicity
# ---------------------------------------------------------------------------------------------------------

# (state, step, decision) → the next state. The district starts; the office and the star's department review;
# publicity; the district decides. A disagreement at any review, or the district keeping the star, drops it.
WITHDRAWAL_TRANSITIONS: dict[tuple[str, str, str], str] = {
    (WS.STARTED, WStep.OFFICE_REVIEW, WithdrawalDecision.AGREE): WS.OFFICE_AGREED,
    (WS.STARTED, WStep.OFFICE_REVIEW, WithdrawalDecision.DISAGREE): WS.DROPPED,
    (WS.OFFICE_AGREED, WStep.DISTRICT_REVIEW, WithdrawalDecision.AGREE): WS.DISTRICT_AGREED,
    (WS.OFFICE_AGREED, WStep.DISTRICT_REVIEW, WithdrawalDecision.DISAGREE): WS.DROPPED,
    (WS.DISTRICT_AGREED, WStep.PUBLICITY, ""): WS.PUBLICITY,
    (WS.PUBLICITY, WStep.DECIDE, WithdrawalDecision.AGREE): WS.WITHDRAWN,
    (WS.PUBLICITY, WStep.DECIDE, WithdrawalDecision.DISAGREE): WS.DROPPED,
}
WITHDRAWAL_EXPECTED = {
    WS.STARTED: WStep.OFFICE_REVIEW,
    WS.OFFICE_AGREED: WStep.DISTRICT_REVIEW,
    WS.DISTRICT_AGREED: WStep.PUBLICITY,
    WS.PUBLICITY: WStep.DECIDE,
}
WITHDRAWAL_OPEN = frozenset(WITHDRAWAL_EXPECTED)
WITHDRAWAL_DECIDING = frozenset({WStep.OFFICE_REVIEW, WStep.DISTRICT_REVIEW, WStep.DECIDE})


def withdrawal_start_problem(star_state: str, star_result: str, *, open_withdrawal: bool, reason: str) -> str | None:
    """Only a star named and confirmed can be withdrawn, once at a time, and with the reason given.

    Problems: "not_held", "already_open", "reason_needed".
    """
    if star_state != StarState.NAMED or star_result != StarResult.CONFIRMED:
        return "not_held"
    if open_withdrawal:
        return "already_open"
    if not (reason or "").strip():
        return "reason_needed"
    return None


def withdrawal_campaign_problem(*, campaign_open: bool, latest_closed: bool) -> str | None:
    """Whether a star of this campaign may still be withdrawn (or its withdrawal moved on).

    A star is held from naming until the next year's rating is closed (一次创一直成), so a withdrawal runs in
    an open campaign and in the office's latest closed one (a 2025 star withdrawn during 2026); an older
    year's record no longer changes. Problem: "campaign_closed".
    """
    if campaign_open or latest_closed:
        return None
    return "campaign_closed"


def check_withdrawal_step(
    state: str,
    step: str,
    decision: str = "",
    *,
    reason: str = "",
    objection_open: bool = False,
    publicity_ended: bool = True,
    star_held: bool = True,
) -> StepCheck:
    """Whether `step` may be taken on a withdrawal in `state`, and where it leads.

    Problems: "unknown_step", "decision_needed", "out_of_order", "reason_needed", "objection_open",
    "publicity_running", "not_held".
    """
    if step not in WStep.values or step == WStep.START:
        return StepCheck(problem="unknown_step")
    if step in WITHDRAWAL_DECIDING:
        if decision not in WithdrawalDecision.values:
            return StepCheck(problem="decision_needed")
    else:
        decision = ""
    new_state = WITHDRAWAL_TRANSITIONS.get((state, step, decision))
    if new_state is None:
        return StepCheck(problem="out_of_order", expected=WITHDRAWAL_EXPECTED.get(state))
    if decision == WithdrawalDecision.DISAGREE and not reason.strip():
        return StepCheck(problem="reason_needed")
    if step == WStep.DECIDE:
        if objection_open:
            return StepCheck(problem="objection_open")
        if not publicity_ended:
            return StepCheck(problem="publicity_running")
        if decision == WithdrawalDecision.AGREE and not star_held:
            return StepCheck(problem="not_held")
    return StepCheck(new_state=new_state)


# ---------------------------------------------------------------------------------------------------------
# Stars under watch (一次创一直成): warnings
# ---------------------------------------------------------------------------------------------------------


def warning_causes(*, earned: bool, vetoed: bool, readiness: str) -> list[str]:
    """Why a star the branch holds raises a warning: a veto event this year, or its indicators slipped so far
    below their thresholds that it is not ready any more. A star not held is not watched."""
    if not earned:
        return []
    causes = []
    if vetoed:
        causes.append(WarningCause.VETO)
    if readiness == Readiness.NOT_READY and not vetoed:
        causes.append(WarningCause.SLIPPED)
    return causes


def warning_key(campaign_id: int, branch_id: int, star_code: str, cause: str) -> str:
    """One warning per (campaign, branch, star, cause): a task run twice sends nothing twice."""
    return f"rating:warning:{campaign_id}:{branch_id}:{star_code}:{cause}"


# ---------------------------------------------------------------------------------------------------------
# Objections: rate limit
# ---------------------------------------------------------------------------------------------------------

OBJECTIONS_PER_ADDRESS_PER_DAY = 3


def objection_allowed(count_today: int, limit: int = OBJECTIONS_PER_ADDRESS_PER_DAY) -> bool:
    return count_today < limit
