"""The pure rules of target setting (R2–R4, with R1/R4's level from the standards) and the baseline suggestion,
each threshold tested at its edge, without a database."""

import pytest

from wuxing.standards.rules import compute_level
from wuxing.targets import rules
from wuxing.targets.rules import Problem


def codes(problems):
    return [p.code for p in problems]


def test_level_is_the_number_of_distinct_stars():
    assert compute_level([]) == 0
    assert compute_level(["a", "b", "b", "c"]) == 3


def test_r2_stars_must_come_from_the_branch_set():
    assert rules.star_set_problems("rural", [("产业兴旺", "rural")]) == []
    problems = rules.star_set_problems("rural", [("产业兴旺", "rural"), ("共建共享", "urban")])
    assert codes(problems) == ["star_outside_set"]
    assert "共建共享" in rules.problem_message(problems[0])
    assert codes(rules.star_set_problems("rural", [])) == ["no_stars"]


def test_required_stars_must_be_chosen():
    assert rules.required_star_problems(["a", "b"], {"a": "支部过硬"}) == []
    problems = rules.required_star_problems(["b"], {"a": "支部过硬"})
    assert "支部过硬" in rules.problem_message(problems[0])


def test_r4_quotas_must_match_exactly():
    quotas = {5: 2, 4: 7, 3: 5}
    assert rules.quota_problems([5] * 2 + [4] * 7 + [3] * 5, quotas) == []
    # one branch too many at 5★ (quota + 1) and one too few at 4★ (quota − 1)
    problems = rules.quota_problems([5] * 3 + [4] * 6 + [3] * 5, quotas)
    assert problems == [
        Problem("quota_mismatch", {"level": 5, "agreed": 3, "quota": 2}),
        Problem("quota_mismatch", {"level": 4, "agreed": 6, "quota": 7}),
    ]
    message = rules.problem_message(problems[0])
    assert "5★" in message and "3" in message and "2" in message
    # a level without a quota must have no agreed branch
    assert codes(rules.quota_problems([5] * 2 + [4] * 7 + [3] * 4 + [2], quotas)) == [
        "quota_mismatch",
        "quota_mismatch",
    ]
    assert codes(rules.quota_problems([5] * 2 + [4] * 7 + [3] * 5, quotas, pending=["柳营村"])) == ["not_agreed"]


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        (["met", "met"], "met"),
        (["met", "near"], "realistic"),  # met == near: still realistic
        (["met", "near", "near"], "stretch"),  # one more near than met
        (["met", "met", "far"], "stretch"),
        (["met", None], "stretch"),  # not rated: no suggestion
        ([], "stretch"),
    ],
)
def test_baseline_classification(ratings, expected):
    assert rules.classify_star(ratings) == expected


def test_baseline_suggestion_keeps_order_and_honours_vetoes():
    suggestion = rules.suggest_stars(
        {
            "strong_branch": [("met", False), ("met", False)],
            "industry": [("met", False), ("near", False)],
            "eco_livable": [("near", False), ("far", False)],
            "safety_rule_of_law": [("met", False), ("far", True)],
        }
    )
    assert suggestion == ["strong_branch", "industry"]


def test_a_branch_has_not_applied_without_a_target_with_a_draft_or_one_sent_back():
    assert rules.has_not_applied(None)
    assert rules.has_not_applied("draft") and rules.has_not_applied("returned")
    assert not any(rules.has_not_applied(s) for s in ("submitted", "agreed", "confirmed"))
