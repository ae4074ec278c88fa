"""Services: R2, R4–R8 enforced on writes, permissions and scope, history kept, letters frozen and voided."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.org.models import Branch
from wuxing.targets import services
from wuxing.targets.choices import MeetingForm, PledgeStatus, Procedure, RoundAction, Step, TargetStatus
from wuxing.targets.models import DeliberationStep, Target
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
    assert "R2" in err.value.messages[0] and "共建共享" in err.value.messages[0]
    assert not Target.objects.exists()


def test_codes_are_read_in_the_branch_set(tc):
    target = services.target_submit(
        actor=SYSTEM, campaign=tc.campaign, branch=tc.a2, stars=["strong_branch", "co_building"], reason="x"
    )
    assert {s.star_set for s in target.stars.all()} == {"urban"}


def test_r3_prerequisite_of_the_standard(tc):
    with pytest.raises(ValidationError) as err:
        apply(tc, tc.a1, ["civility"])
    assert "R3" in err.value.messages[0]


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
    services.target_return(actor=tc.users.leader, target=target, reason="调整目标")
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


# ----- deliberations -------------------------------------------------------------------------------------


def full_four_two(tc, branch, actor, *, start=date(2026, 11, 2), stop_before=None):
    deliberation = services.deliberation_create(
        actor=actor, branch=branch, subject="2027年创星目标", campaign=tc.campaign
    )
    members, reps = branch.party_members, branch.representatives
    plan = [
        (Step.PROPOSE, {}),
        (Step.COMMITTEES_CONSULT, {}),
        (
            Step.PARTY_MEETING_REVIEW,
            {"should_attend": members, "attended": members, "yes": members, "no": 0, "abstain": 0},
        ),
        (
            Step.VILLAGERS_RESOLVE,
            {
                "meeting_form": MeetingForm.REPRESENTATIVES,
                "should_attend": reps,
                "attended": reps,
                "yes": reps,
                "no": 0,
                "abstain": 0,
            },
        ),
        (Step.RESOLUTION_PUBLISHED, {}),
    ]
    for i, (step, kw) in enumerate(plan):
        if step == stop_before:
            return deliberation
        services.step_record(
            actor=actor,
            deliberation=deliberation,
            step=step,
            held_on=date(start.year, start.month, start.day + i),
            **kw,
        )
    return deliberation


def test_deliberation_four_two_through_r8(tc):
    secretary = tc.users.secretary
    deliberation = full_four_two(tc, tc.a1, secretary, stop_before=Step.RESOLUTION_PUBLISHED)
    assert deliberation.procedure == Procedure.FOUR_TWO
    with pytest.raises(ValidationError) as err:
        services.deliberation_record_implementation(
            actor=secretary, deliberation=deliberation, implemented_on=date(2026, 11, 10), implementation="x"
        )
    assert "R8" in err.value.messages[0]
    published = services.step_record(
        actor=secretary, deliberation=deliberation, step=Step.RESOLUTION_PUBLISHED, held_on=date(2026, 11, 10)
    )
    assert published.published_until == date(2026, 11, 16)
    with pytest.raises(ValidationError):
        services.step_record(
            actor=secretary, deliberation=deliberation, step=Step.RESULT_PUBLISHED, held_on=date(2026, 11, 20)
        )
    with pytest.raises(ValidationError):
        services.deliberation_close(actor=secretary, deliberation=deliberation)
    services.deliberation_record_implementation(
        actor=secretary, deliberation=deliberation, implemented_on=date(2026, 11, 17), implementation="已按决议实施"
    )
    services.step_record(
        actor=secretary, deliberation=deliberation, step=Step.RESULT_PUBLISHED, held_on=date(2026, 11, 20)
    )
    services.deliberation_close(actor=secretary, deliberation=deliberation)
    deliberation.refresh_from_db()
    assert deliberation.status == "closed"


def test_step_refused_names_rule_and_changes_nothing(tc):
    secretary = tc.users.secretary
    deliberation = full_four_two(tc, tc.a1, secretary, stop_before=Step.PARTY_MEETING_REVIEW)
    with pytest.raises(ValidationError) as err:
        services.step_record(
            actor=secretary,
            deliberation=deliberation,
            step=Step.PARTY_MEETING_REVIEW,
            held_on=date(2026, 11, 5),
            should_attend=30,
            attended=19,
            yes=19,
            no=0,
            abstain=0,
        )
    assert "R6" in err.value.messages[0] and "20" in err.value.messages[0]
    assert DeliberationStep.objects.filter(deliberation=deliberation).count() == 2
    with pytest.raises(ValidationError) as err:
        services.step_record(
            actor=secretary, deliberation=deliberation, step=Step.VILLAGERS_RESOLVE, held_on=date(2026, 11, 5)
        )
    assert "R5" in err.value.messages[0]


def test_merge_needs_one_shoulder(tc):
    deliberation = services.deliberation_create(actor=tc.users.secretary, branch=tc.a1, subject="x")
    with pytest.raises(ValidationError):
        services.step_record(
            actor=tc.users.secretary,
            deliberation=deliberation,
            step=Step.PROPOSE,
            held_on=date(2026, 11, 1),
            merged=True,
        )
    Branch.objects.filter(pk=tc.a1.pk).update(secretary_chairs_committee=True)
    deliberation.branch.refresh_from_db()
    services.step_record(
        actor=tc.users.secretary, deliberation=deliberation, step=Step.PROPOSE, held_on=date(2026, 11, 1), merged=True
    )
    services.step_record(
        actor=tc.users.secretary,
        deliberation=deliberation,
        step=Step.PARTY_MEETING_REVIEW,
        held_on=date(2026, 11, 2),
        should_attend=30,
        attended=20,
        yes=16,
        no=4,
        abstain=0,
    )


def test_community_procedure_and_configurable_quorum(tc):
    services.procedure_setting_save(
        actor=tc.users.leader,
        office=tc.org.office_a,
        branch_kind="urban_community",
        procedure=Procedure.ONE_THREE_TWO,
        publication_days=5,
        quorum_numerator=3,
        quorum_denominator=4,
    )
    deliberation = services.deliberation_create(actor=SYSTEM, branch=tc.a2, subject="社区停车改造", matter="project")
    assert deliberation.procedure == Procedure.ONE_THREE_TWO and deliberation.publication_days == 5
    for i, step in enumerate([Step.SOLICIT_OPINIONS, Step.PROPOSE, Step.COMMITTEES_CONSULT]):
        services.step_record(actor=SYSTEM, deliberation=deliberation, step=step, held_on=date(2026, 11, 1 + i))
    with pytest.raises(ValidationError) as err:
        services.step_record(
            actor=SYSTEM,
            deliberation=deliberation,
            step=Step.RESIDENTS_RESOLVE,
            held_on=date(2026, 11, 5),
            meeting_form=MeetingForm.REPRESENTATIVES,
            should_attend=20,
            attended=14,
            yes=14,
            no=0,
            abstain=0,
        )
    assert "R7" in err.value.messages[0] and "3/4" in err.value.messages[0]
    services.step_record(
        actor=SYSTEM,
        deliberation=deliberation,
        step=Step.RESIDENTS_RESOLVE,
        held_on=date(2026, 11, 5),
        meeting_form=MeetingForm.REPRESENTATIVES,
        should_attend=20,
        attended=15,
        yes=8,
        no=7,
        abstain=0,
    )


def test_member_of_another_branch_cannot_record(tc):
    deliberation = services.deliberation_create(actor=SYSTEM, branch=tc.a2, subject="x")
    with pytest.raises(PermissionDenied):
        services.step_record(
            actor=tc.users.secretary, deliberation=deliberation, step=Step.SOLICIT_OPINIONS, held_on=date(2026, 11, 1)
        )
    with pytest.raises(PermissionDenied):
        services.deliberation_create(actor=tc.users.leader, branch=tc.a1, subject="x")


def test_step_attachment_is_cleaned(tc):
    from wuxing.core.uploads import as_upload, sample_jpeg

    deliberation = services.deliberation_create(actor=tc.users.secretary, branch=tc.a1, subject="x")
    step = services.step_record(
        actor=tc.users.secretary,
        deliberation=deliberation,
        step=Step.PROPOSE,
        held_on=date(2026, 11, 1),
        attachments=[as_upload(sample_jpeg("会议", exif_gps=True), "minutes.jpg", "image/jpeg")],
    )
    assert step.attachments.count() == 1
    with pytest.raises(ValidationError):
        services.step_record(
            actor=tc.users.secretary,
            deliberation=deliberation,
            step=Step.COMMITTEES_CONSULT,
            held_on=date(2026, 11, 2),
            attachments=[as_upload(b"<html></html>", "x.jpg", "image/jpeg")],
        )
    assert deliberation.steps.count() == 1
