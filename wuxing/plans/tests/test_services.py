"""Services: a plan serves the target's stars; letters are generated from a confirmed target, frozen once both
sides confirm, and voided when the target changes."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuxing.plans import services
from wuxing.plans.choices import PledgeStatus
from wuxing.targets import services as target_services
from wuxing.targets.tests.test_services import apply, confirmed_target


def test_pledge_both_sides_freeze_and_change_voids(tc):
    target = confirmed_target(tc)
    measure = services.measure_save(
        actor=tc.users.secretary, target=target, star=target.stars.first(), title="规范三会一课"
    )
    services.milestone_add(
        actor=tc.users.secretary, measure=measure, title="完成支部标准化建设", due_on=date(2027, 6, 30)
    )
    pledge = services.pledge_generate(actor=tc.users.staff, target=target)
    assert pledge.content["milestones"][0]["title"] == "完成支部标准化建设"
    with pytest.raises(PermissionDenied):
        services.pledge_confirm(actor=tc.users.staff, pledge=pledge)
    services.pledge_confirm(actor=tc.users.secretary, pledge=pledge)
    with pytest.raises(ValidationError):
        services.pledge_confirm(actor=tc.users.secretary, pledge=pledge, side="secretary")
    pledge = services.pledge_confirm(actor=tc.users.leader, pledge=pledge)
    assert pledge.status == PledgeStatus.FROZEN and len(pledge.content_sha256) == 64
    assert pledge.content_sha256 == services.content_hash(pledge.content)
    target_services.target_return(actor=tc.users.leader, target=target, reason="调整目标")
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.VOID and "调整目标" in pledge.void_reason


def test_pledge_only_from_a_confirmed_target(tc):
    target = apply(tc, tc.a1, ["strong_branch"])
    with pytest.raises(ValidationError):
        services.pledge_generate(actor=tc.users.staff, target=target)


def test_plan_measures_serve_targeted_stars(tc):
    target = apply(tc, tc.a1, ["strong_branch", "industry"])
    with pytest.raises(ValidationError):
        services.measure_save(actor=tc.users.secretary, target=target, star=tc.stars("rural", "civility")[0], title="x")
    measure = services.measure_save(
        actor=tc.users.secretary,
        target=target,
        star=tc.stars("rural", "industry")[0],
        title="发展一村一品",
        responsible=[tc.org.secretary_a1],
    )
    with pytest.raises(ValidationError):
        services.milestone_add(actor=tc.users.secretary, measure=measure, title="x", due_on=date(2030, 1, 1))
    services.milestone_add(
        actor=tc.users.secretary,
        measure=measure,
        title="集体收入10万元",
        due_on=date(2027, 12, 1),
        target_value=10,
        unit="万元",
    )
    assert measure.milestones.count() == 1
    with pytest.raises(PermissionDenied):
        services.measure_save(actor=tc.users.leader_b, target=target, star=tc.stars("rural", "industry")[0], title="y")
