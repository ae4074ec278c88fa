"""Star rules (R1–R3) as pure functions: prerequisites and vetoes come from the standard, never from code."""

from wuxing.standards.rules import RuleData, apply_star_rules, compute_level, stars_outside_set, unmet_prerequisites

RULES = [
    RuleData("requires", "civility", requires_star_code="strong_branch", description="civility needs strong branch"),
    RuleData("veto", "safety_rule_of_law", indicator_code="zero_case", description="criminal case"),
]


def test_no_rules_means_nothing_is_lost():
    kept, lost = apply_star_rules({"industry", "civility"}, {"zero_case"}, [])
    assert kept == {"industry", "civility"} and lost == {}


def test_veto_loses_the_star_when_its_indicator_fails():
    kept, lost = apply_star_rules({"strong_branch", "safety_rule_of_law"}, {"zero_case"}, RULES)
    assert kept == {"strong_branch"}
    assert lost == {"safety_rule_of_law": "criminal case"}


def test_veto_needs_the_indicator_to_fail():
    kept, _ = apply_star_rules({"safety_rule_of_law"}, {"other"}, RULES)
    assert kept == {"safety_rule_of_law"}


def test_prerequisite_chains_resolve():
    rules = RULES + [RuleData("requires", "strong_branch", requires_star_code="safety_rule_of_law")]
    kept, lost = apply_star_rules({"strong_branch", "safety_rule_of_law", "civility"}, {"zero_case"}, rules)
    assert kept == set()
    assert set(lost) == {"strong_branch", "safety_rule_of_law", "civility"}


def test_unmet_prerequisites_of_a_target():
    assert unmet_prerequisites({"civility"}, RULES) == [("civility", "strong_branch")]
    assert unmet_prerequisites({"civility", "strong_branch"}, RULES) == []


def test_r2_stars_outside_the_branch_set():
    rural = ["strong_branch", "industry", "eco_livable", "safety_rule_of_law", "civility"]
    assert stars_outside_set(["industry", "co_building"], rural) == ["co_building"]
    assert stars_outside_set(rural, rural) == []


def test_r1_level_counts_confirmed_stars():
    assert compute_level([]) == 0
    assert compute_level(["a", "b", "b"]) == 2
    assert compute_level(["a", "b", "c", "d", "e"]) == 5
