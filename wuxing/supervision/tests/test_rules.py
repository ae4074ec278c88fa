"""The supervision rules without a database: R12 at its edges, rankings with ties, R13 re-weighting, 红黑榜, every R15
transition allowed and forbidden, the content hash."""

import datetime
import itertools
from decimal import Decimal as D

import pytest
from django.utils import translation

from wuxing.supervision import rules


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


# --- R12 -------------------------------------------------------------------------------------------------------


def test_four_observers_keep_every_total():
    result = rules.compute_observation_score([80, 90, 70, 100])
    assert result.score == D("85.00") and result.dropped == () and result.observers == 4


def test_five_observers_drop_the_highest_and_the_lowest():
    result = rules.compute_observation_score([80, 90, 70, 100, 60])
    assert result.dropped == (D("60"), D("100"))
    assert result.score == D("80.00") and len(result.kept) == 3 and result.observers == 5


def test_dropping_is_configurable():
    assert rules.compute_observation_score([80, 90, 70, 100, 60], drop_extremes=False).score == D("80.00")
    assert rules.compute_observation_score([10, 90, 70, 100, 60], drop_extremes=False).score == D("66.00")
    assert rules.compute_observation_score([10, 90, 70, 100, 60]).score == D("73.33")
    # Dropping from 6 observers: five are all kept.
    assert rules.compute_observation_score([10, 90, 70, 100, 60], drop_from=6).score == D("66.00")
    assert rules.compute_observation_score([10, 90, 70, 100, 60, 80], drop_from=6).score == D("75.00")


def test_all_equal_totals_score_that_total_and_drop_one_each():
    result = rules.compute_observation_score([88.5] * 5)
    assert result.score == D("88.50") and result.dropped == (D("88.5"), D("88.5")) and len(result.kept) == 3
    assert rules.compute_observation_score([88.5] * 4).score == D("88.50")


def test_no_observer_no_score_and_one_observer_is_their_total():
    assert rules.compute_observation_score([]).score is None
    assert rules.compute_observation_score([42]).score == D("42.00")


def test_sheet_total_and_points_bounds():
    assert rules.compute_sheet_total([D("9.5"), 10, D("0")]) == D("19.50")
    assert rules.check_points(10, 10) is None and rules.check_points(0, 10) is None
    assert rules.check_points("9.5", 10) is None
    assert "0" in rules.check_points(11, 10) and rules.check_points(-1, 10)
    assert rules.check_points("abc", 10) == "请输入数字。"
    assert rules.check_points("9.3", 10) == "请以 0.5 分为单位打分。"
    assert rules.check_points("NaN", 10)


def test_ties_share_a_rank_and_skip_the_next():
    assert rules.competition_ranks([D("90"), D("95"), D("90"), D("80")]) == [2, 1, 2, 4]
    assert rules.competition_ranks([70, 70, 70]) == [1, 1, 1]
    assert rules.competition_ranks([None, 50, 60]) == [None, 2, 1]
    assert rules.competition_ranks([]) == []


# --- R13 -------------------------------------------------------------------------------------------------------

WEIGHTS = {"observation": 40, "checklist": 30, "punctuality": 10, "rectification": 10, "satisfaction": 10}


def test_every_input_present():
    result = rules.compute_evaluation(
        {"observation": 90, "checklist": 80, "punctuality": 100, "rectification": 50, "satisfaction": 70}, WEIGHTS
    )
    assert result.score == D("82.00") and result.missing == () and not result.reweighted
    assert sum(result.used_weights.values()) == D("100.00")


def test_a_missing_input_reweights_the_others_and_is_reported():
    result = rules.compute_evaluation(
        {"observation": 90, "checklist": 80, "punctuality": None, "rectification": 50, "satisfaction": None}, WEIGHTS
    )
    # 40·90 + 30·80 + 10·50 over 80
    assert result.score == D("81.25")
    assert result.missing == ("punctuality", "satisfaction") and result.reweighted
    assert result.used_weights == {"observation": D("50.00"), "checklist": D("37.50"), "rectification": D("12.50")}


def test_a_zero_weight_input_is_not_missing_and_all_missing_gives_no_score():
    weights = {"observation": 100, "satisfaction": 0}
    result = rules.compute_evaluation({"observation": 70, "satisfaction": None}, weights)
    assert result.score == D("70.00") and result.missing == ()
    none = rules.compute_evaluation({}, WEIGHTS)
    assert none.score is None and none.missing == rules.INPUTS


def test_all_equal_inputs_give_that_score():
    result = rules.compute_evaluation({k: 75 for k in rules.INPUTS}, WEIGHTS)
    assert result.score == D("75.00")


def test_weights_are_checked():
    assert rules.check_weights(WEIGHTS) is None
    assert rules.check_weights({"observation": 0}) == "至少有一项权重须大于 0。"
    assert rules.check_weights({"observation": 101})
    assert rules.check_weights({"observation": -1})
    assert rules.check_weights({"luck": 10})


def test_red_and_black_lists_include_ties():
    ranks = rules.competition_ranks([95, 90, 90, 80, 70, 70, 60])  # 1 2 2 4 5 5 7
    assert rules.compute_boards(ranks, top=2, bottom=2) == ["red", "red", "red", "", "black", "black", "black"]
    assert rules.compute_boards(ranks, top=2, bottom=1) == ["red", "red", "red", "", "", "", "black"]
    assert rules.compute_boards(ranks, top=1, bottom=3) == ["red", "", "", "", "black", "black", "black"]
    # Too few branches for both lists: a branch is never on both.
    assert rules.compute_boards([1, 2], top=2, bottom=2) == ["red", "red"]
    assert rules.compute_boards([1, None], top=0, bottom=1) == ["black", ""]


def test_percent_and_quarter_bounds():
    assert rules.as_percent(45, 50) == D("90.00") and rules.as_percent(None, 50) is None
    assert rules.as_percent(3, 0) is None
    assert rules.quarter_bounds(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert rules.quarter_bounds(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
    with pytest.raises(ValueError):
        rules.quarter_bounds(2026, 5)


def test_content_hash_is_stable_and_sees_any_change():
    payload = {"weights": {"observation": D("40")}, "rows": [{"branch": 1, "score": D("81.50"), "rank": 1}]}
    same = {"rows": [{"rank": 1, "score": D("81.5"), "branch": 1}], "weights": {"observation": D("40.00")}}
    assert rules.content_hash(payload) == rules.content_hash(same)
    changed = {"weights": {"observation": D("40")}, "rows": [{"branch": 1, "score": D("81.51"), "rank": 1}]}
    assert rules.content_hash(payload) != rules.content_hash(changed)
    assert len(rules.content_hash(payload)) == 64


# --- R15 -------------------------------------------------------------------------------------------------------

ALLOWED = {
    ("open", "in_progress"),
    ("in_progress", "submitted"),
    ("submitted", "verified"),
    ("submitted", "returned"),
    ("returned", "in_progress"),
}


@pytest.mark.parametrize("current,target", sorted(ALLOWED))
def test_every_allowed_transition(current, target):
    assert rules.can_transition(current, target)
    assert rules.transition_error(current, target, note="已整改", evidence=1) is None


FORBIDDEN = sorted(set(itertools.product(rules.STATES, rules.STATES)) - ALLOWED)


@pytest.mark.parametrize("current,target", FORBIDDEN)
def test_every_forbidden_transition_is_refused_in_chinese(current, target):
    assert not rules.can_transition(current, target)
    message = rules.transition_error(current, target, note="说明", evidence=1)
    assert message and "整改" in message


def test_twenty_forbidden_and_five_allowed():
    assert len(FORBIDDEN) == 20 and len(ALLOWED) == 5


def test_forbidden_messages_say_what_is_allowed():
    assert rules.transition_error("open", "verified") == "状态为“待整改”的整改不能改为“已验收销号”；只能改为：整改中。"
    assert rules.transition_error("verified", "in_progress") == "状态为“已验收销号”的整改不能再改变。"
    assert rules.transition_error("open", "lost") == "未知状态“lost”。"


def test_returning_needs_reasons_and_submitting_needs_something():
    assert rules.transition_error("submitted", "returned") == "退回整改须说明理由。"
    assert rules.transition_error("submitted", "returned", note="  ") == "退回整改须说明理由。"
    assert rules.transition_error("in_progress", "submitted") == "提交前请说明整改情况或附上佐证材料。"
    assert rules.transition_error("in_progress", "submitted", evidence=1) is None


def test_overdue_and_closure_rate():
    today = datetime.date(2026, 6, 10)
    assert rules.is_overdue("open", datetime.date(2026, 6, 9), today)
    assert not rules.is_overdue("open", today, today)
    assert not rules.is_overdue("verified", datetime.date(2026, 1, 1), today)
    assert not rules.is_overdue("open", None, today)
    assert rules.days_overdue(datetime.date(2026, 6, 1), today) == 9
    assert rules.compute_closure_rate(["verified", "open", "returned", "verified"]) == D("50.00")
    assert rules.compute_closure_rate([]) is None


def test_flood_limit():
    assert not rules.is_flooding(9) and rules.is_flooding(10) and rules.is_flooding(3, limit=3)
