"""The rating's pure rules, without a database: R14 chain, working days, R1, R3, readiness, results."""

import datetime

import pytest

from wuxing.rating import rules
from wuxing.rating.choices import Decision, Readiness, StarState, Step
from wuxing.standards.rules import RuleData

D = datetime.date

ALLOWED = {
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


def _decisions(step):
    return list(Decision.values) if step in rules.REVIEW_STEPS else [""]


STEPS = [s for s in Step.values if s != Step.VETO]
ALL = [(state, step, d) for state in StarState.values for step in STEPS for d in _decisions(step)]


@pytest.mark.parametrize("state,step,decision", ALL)
def test_every_transition_allowed_or_refused(state, step, decision):
    check = rules.check_step(state, step, decision, reason="理由")
    expected = ALLOWED.get((state, step, decision))
    if expected is None:
        assert check.problem == "out_of_order" and check.new_state is None
        assert check.expected == rules.EXPECTED_STEP.get(state)
    else:
        assert check.ok and check.new_state == expected


def test_no_step_is_skipped():
    # Straight from claimed to the district, to publicity or to naming: refused.
    for step, decision in [(Step.DISTRICT_REVIEW, Decision.PASS), (Step.PUBLICITY, ""), (Step.NAME, "")]:
        assert rules.check_step(StarState.CLAIMED, step, decision).problem == "out_of_order"
    assert rules.check_step(StarState.OFFICE_PASSED, Step.NAME).problem == "out_of_order"
    assert rules.check_step(StarState.DRAFT, Step.OFFICE_REVIEW, Decision.PASS).problem == "out_of_order"
    # A named star is not named again, a failed one not reviewed again.
    assert rules.check_step(StarState.NAMED, Step.NAME).problem == "out_of_order"
    assert rules.check_step(StarState.FAILED, Step.OFFICE_REVIEW, Decision.PASS).problem == "out_of_order"


def test_return_and_fail_need_a_reason():
    for step, state in [(Step.OFFICE_REVIEW, StarState.CLAIMED), (Step.DISTRICT_REVIEW, StarState.OFFICE_PASSED)]:
        for decision in (Decision.RETURN, Decision.FAIL):
            assert rules.check_step(state, step, decision, reason="  ").problem == "reason_needed"
        assert rules.check_step(state, step, Decision.PASS).ok


def test_review_needs_a_decision_and_unknown_steps_are_refused():
    assert rules.check_step(StarState.CLAIMED, Step.OFFICE_REVIEW, "").problem == "decision_needed"
    assert rules.check_step(StarState.CLAIMED, Step.OFFICE_REVIEW, "maybe").problem == "decision_needed"
    assert rules.check_step(StarState.CLAIMED, "jump").problem == "unknown_step"
    assert rules.check_step(StarState.CLAIMED, Step.VETO).problem == "unknown_step"


def test_submit_needs_a_claim():
    assert rules.check_step(StarState.DRAFT, Step.SUBMIT, claimed=False).problem == "not_claimed"


def test_naming_blocked_by_open_objection_then_allowed():
    assert rules.check_step(StarState.PUBLICITY, Step.NAME, objection_open=True).problem == "objection_open"
    assert rules.check_step(StarState.PUBLICITY, Step.NAME, publicity_ended=False).problem == "publicity_running"
    assert rules.check_step(StarState.PUBLICITY, Step.NAME, objection_open=False).new_state == StarState.NAMED


def test_veto_reaches_every_live_state_but_not_a_dead_one():
    for state in StarState.values:
        assert rules.can_veto(state) == (state not in (StarState.FAILED, StarState.VETOED, StarState.WITHDRAWN))


def test_publicity_waits_for_every_star():
    assert rules.publicity_problem([StarState.DISTRICT_PASSED, StarState.CLAIMED]) == "stars_in_review"
    assert rules.publicity_problem([StarState.DISTRICT_PASSED, StarState.RETURNED]) == "stars_in_review"
    assert rules.publicity_problem([StarState.FAILED, StarState.DRAFT]) == "nothing_passed"
    assert rules.publicity_problem([StarState.DISTRICT_PASSED, StarState.FAILED, StarState.DRAFT]) is None


# --- working days --------------------------------------------------------------------------------------


def test_five_working_days_across_national_day_2026():
    # 2026-09-30 (Wed) is day 1; 10-01..10-07 are the holiday; 10-08, 10-09, 10-10 (a make-up Saturday) and
    # 10-12 follow.
    assert rules.last_working_day(D(2026, 9, 30), 5) == D(2026, 10, 12)
    assert not rules.is_working_day(D(2026, 10, 5))
    assert rules.is_working_day(D(2026, 10, 10))  # Saturday, made a working day


def test_period_starting_on_a_holiday_begins_on_the_next_working_day():
    assert rules.last_working_day(D(2026, 10, 1), 1) == D(2026, 10, 8)
    assert rules.last_working_day(D(2026, 10, 1), 5) == D(2026, 10, 13)


def test_plain_week_and_beyond_the_calendar():
    assert rules.last_working_day(D(2026, 6, 1), 5) == D(2026, 6, 5)
    assert rules.calendar_covers(2026)
    assert not rules.calendar_covers(2099)
    # Beyond the official data: Monday to Friday.
    assert rules.last_working_day(D(2099, 1, 2), 5) == D(2099, 1, 8)  # Fri 2 → Thu 8
    with pytest.raises(ValueError):
        rules.last_working_day(D(2026, 6, 1), 0)


def test_injected_calendar_and_publicity_over():
    every_day = rules.last_working_day(D(2026, 1, 1), 3, is_workday=lambda d: True)
    assert every_day == D(2026, 1, 3)
    assert not rules.publicity_over(D(2026, 10, 12), D(2026, 10, 12))
    assert rules.publicity_over(D(2026, 10, 12), D(2026, 10, 13))
    assert not rules.publicity_over(None, D(2026, 10, 13))
    assert rules.publicity_days_problem(5) is None
    assert rules.publicity_days_problem(0) == rules.publicity_days_problem(31) == "publicity_days"


# --- R1, R3, results ----------------------------------------------------------------------------------

RULES = [
    RuleData("requires", "civility", requires_star_code="strong_branch"),
    RuleData("veto", "safety_rule_of_law", indicator_code="r_sf_zero_case", description="刑事案件"),
]


def test_level_is_the_number_of_confirmed_stars():
    assert rules.rating_level([]) == 0
    assert rules.rating_level(["a", "b", "b", "c"]) == 3


def test_veto_removes_a_star():
    kept, lost = rules.confirmed_stars(["strong_branch", "safety_rule_of_law"], ["r_sf_zero_case"], RULES)
    assert kept == {"strong_branch"} and lost == {"safety_rule_of_law": "刑事案件"}
    assert rules.rating_level(kept) == 1


def test_prerequisite_unmet_drops_the_star():
    kept, lost = rules.confirmed_stars(["civility", "industry"], [], RULES)
    assert kept == {"industry"} and "civility" in lost
    assert rules.missing_prerequisites("civility", ["industry"], RULES) == ["strong_branch"]
    assert rules.missing_prerequisites("civility", ["strong_branch"], RULES) == []


@pytest.mark.parametrize(
    "level,target,last,vs_target,vs_last",
    [(3, 3, 2, "met", "up"), (2, 3, 2, "not_met", "same"), (1, None, 2, None, "down"), (4, 3, None, "met", None)],
)
def test_results(level, target, last, vs_target, vs_last):
    assert rules.result_vs_target(level, target) == vs_target
    assert rules.result_vs_last_year(level, last) == vs_last


# --- readiness ---------------------------------------------------------------------------------------


def _ind(code, progress, evidence=True, required=True):
    return rules.IndicatorFacts(code=code, evidence_required=required, progress=progress, has_evidence=evidence)


def test_readiness_levels():
    ready = rules.star_readiness("s", [_ind("a", 1.0), _ind("b", 1.2)])
    assert ready.status == Readiness.READY and ready.met == 2 and not ready.missing
    risk = rules.star_readiness("s", [_ind("a", 1.0), _ind("b", 1.0, evidence=False)])
    assert risk.status == Readiness.AT_RISK and risk.missing == [("no_evidence", "b")]
    not_ready = rules.star_readiness("s", [_ind("a", 0.2), _ind("b", None), _ind("c", 1.0)])
    assert not_ready.status == Readiness.NOT_READY
    assert ("no_item", "b") in not_ready.missing and ("not_met", "a") in not_ready.missing
    vetoed = rules.star_readiness("s", [_ind("a", 1.0)], vetoed=True)
    assert vetoed.status == Readiness.NOT_READY and vetoed.missing[0] == ("vetoed", "s")
    prereq = rules.star_readiness("s", [_ind("a", 1.0)], missing_prerequisites=["strong_branch"])
    assert prereq.status == Readiness.AT_RISK and prereq.missing == [("prerequisite", "strong_branch")]


def test_objection_rate_limit():
    assert rules.objection_allowed(0) and rules.objection_allowed(2)
    assert not rules.objection_allowed(3)
