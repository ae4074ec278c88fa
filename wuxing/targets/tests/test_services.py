"""Services: R2–R4 enforced on writes, permissions and scope, the rounds kept as history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.targets import services
from wuxing.targets.choices import RoundAction, TargetStatus
from wuxing.targets.models import Target
from wuxing.targets.selectors import targets_by_branch


def apply(tc, branch, codes, actor=SYSTEM, reason="基础较好"):
    star_set = branch.star_set
    return services.target_submit(
        actor=actor, campaign=tc.campaign, branch=branch, stars=tc.stars(star_set, *codes), reason=reason
    )


def test_secretary_applies_with_stars_of_own_set(tc):
    target = apply(tc, tc.a1, ["strong_branch", "industry", "eco_livable"], actor=tc.users.secretary)
    assert target.status == TargetStatus.SUBMITTED and target.level == 3
    assert target.rounds.get().action == RoundAction.SUBMIT
    assert AuditLog.objects.filter(action="target.submit").count() == 1


def test_r2_refuses_stars_of_the_other_set(tc):
    with pytest.raises(ValidationError) as err:
        services.target_submit(
            actor=tc.users.secretary,
            campaign=tc.campaign,
            branch=tc.a1,
            stars=tc.stars("urban", "co_building"),
            reason="x",
        )
    assert (
        "星系列" in err.value.messages[0] and "共建共享" in err.value.messages[0] and "R2" not in err.value.messages[0]
    )
    assert not Target.objects.exists()


def test_codes_are_read_in_the_branch_set(tc):
    target = services.target_submit(
        actor=SYSTEM, campaign=tc.campaign, branch=tc.a2, stars=["strong_branch", "co_building"], reason="x"
    )
    assert {s.star_set for s in target.stars.all()} == {"urban"}


def test_r3_prerequisite_of_the_standard(tc):
    with pytest.raises(ValidationError) as err:
        apply(tc, tc.a1, ["civility"])
    assert "为前提" in err.value.messages[0] and "R3" not in err.value.messages[0]


def test_secretary_cannot_apply_for_another_branch_or_decide(tc):
    with pytest.raises(PermissionDenied):
        apply(tc, tc.a2, ["strong_branch"], actor=tc.users.secretary)
    target = apply(tc, tc.a1, ["strong_branch"], actor=tc.users.secretary)
    with pytest.raises(PermissionDenied):
        services.target_agree(actor=tc.users.secretary, target=target)
    with pytest.raises(PermissionDenied):
        services.target_agree(actor=tc.users.leader_b, target=target)


def test_return_with_adjusted_stars_keeps_history(tc):
    target = apply(tc, tc.a1, ["strong_branch", "industry"], actor=tc.users.secretary)
    services.target_return(
        actor=tc.users.leader,
        target=target,
        reason="基础好，可再加一星",
        stars=tc.stars("rural", "strong_branch", "industry", "eco_livable"),
    )
    target.refresh_from_db()
    assert target.status == TargetStatus.RETURNED and target.level == 3
    with pytest.raises(ValidationError):
        services.target_agree(actor=tc.users.leader, target=target)
    apply(tc, tc.a1, ["strong_branch", "industry", "eco_livable"], actor=tc.users.secretary, reason="同意街道调整")
    services.target_agree(actor=tc.users.leader, target=target)
    assert [r.action for r in target.rounds.all()] == ["submit", "return", "submit", "agree"]
    assert target.rounds.all()[1].level == 3


def test_required_stars_must_be_in_the_application(tc):
    services.target_require_stars(
        actor=tc.users.staff, campaign=tc.campaign, branch=tc.a1, stars=tc.stars("rural", "industry")
    )
    with pytest.raises(ValidationError) as err:
        apply(tc, tc.a1, ["strong_branch"])
    assert "产业兴旺" in err.value.messages[0]
    assert apply(tc, tc.a1, ["strong_branch", "industry"]).level == 2


def agree_all(tc, levels):
    sets = {
        "rural": ["strong_branch", "industry", "eco_livable", "safety_rule_of_law", "civility"],
        "urban": ["strong_branch", "co_building", "business_friendly", "safety_rule_of_law", "harmony"],
    }
    targets = []
    for branch, level in zip([tc.a1, tc.a2, tc.a3], levels, strict=True):
        target = apply(tc, branch, sets[branch.star_set][:level])
        services.target_agree(actor=tc.users.leader, target=target)
        targets.append(target)
    return targets


def test_r4_confirm_refused_unless_levels_match_quotas(tc):
    agree_all(tc, [4, 3, 3])  # quotas ask 4★1 3★1 2★1
    with pytest.raises(ValidationError) as err:
        services.targets_confirm(actor=tc.users.leader, campaign=tc.campaign)
    text = " ".join(err.value.messages)
    assert "3★" in text and "2★" in text
    assert not Target.objects.filter(status=TargetStatus.CONFIRMED).exists()


def test_r4_confirm_refused_while_a_branch_is_pending(tc):
    agree_all(tc, [4, 3, 2])
    target = Target.objects.get(branch=tc.a3)
    services.target_return(actor=tc.users.leader, target=target, reason="再议")
    with pytest.raises(ValidationError) as err:
        services.targets_confirm(actor=tc.users.leader, campaign=tc.campaign)
    assert tc.a3.name in " ".join(err.value.messages)


def test_confirm_all_when_quotas_match_and_only_by_whole_office(tc):
    agree_all(tc, [4, 3, 2])
    with pytest.raises(PermissionDenied):
        services.targets_confirm(actor=tc.users.cadre, campaign=tc.campaign)
    assert services.targets_confirm(actor=tc.users.leader, campaign=tc.campaign) == 3
    assert set(Target.objects.values_list("status", flat=True)) == {TargetStatus.CONFIRMED}
    by_branch = targets_by_branch(campaign=tc.campaign)
    assert by_branch[tc.a1.pk].level == 4


def confirmed_target(tc):
    agree_all(tc, [4, 3, 2])
    services.targets_confirm(actor=SYSTEM, campaign=tc.campaign)
    return Target.objects.get(branch=tc.a1)


def test_baseline_save_and_suggest(tc):
    from wuxing.standards.models import Indicator
    from wuxing.targets.selectors import baseline_matrix

    indicators = list(Indicator.objects.filter(star__standard=tc.standard, star__star_set="rural"))
    ratings = {i.pk: ("met" if i.star.code == "strong_branch" else "far") for i in indicators}
    services.baseline_save(
        actor=tc.users.secretary, campaign=tc.campaign, branch=tc.a1, surveyed_on=date(2026, 10, 1), ratings=ratings
    )
    with pytest.raises(ValidationError):
        services.baseline_save(
            actor=tc.users.secretary,
            campaign=tc.campaign,
            branch=tc.a1,
            surveyed_on=date(2026, 10, 1),
            ratings={indicators[0].pk: "maybe"},
        )
    matrix = baseline_matrix(user=tc.users.leader, campaign=tc.campaign)
    row = next(r for r in matrix.rows if r.branch.pk == tc.a1.pk)
    assert row.suggested == ["strong_branch"]
