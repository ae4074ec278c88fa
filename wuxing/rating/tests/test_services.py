"""The rating's services: the chain of R14 with its actors and scopes, R1 and R3 at naming, objections, vetoes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuxing.campaigns.models import CampaignResult
from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.core.audit import current_ip
from wuxing.core.models import AuditLog
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.rating import selectors, services
from wuxing.rating.choices import Decision, ObjectionDecision, StarResult, StarState, Step

from .conftest import COMMITTEE, star_of

D = datetime.date


def _claim(world, code, evidence=()):
    rs = star_of(world.rating, code)
    return services.star_self_evaluate(
        actor=world.users.secretary, rating_star=rs, claimed=True, statement="达到标准", evidence_ids=evidence
    )


def _after(world):
    world.rating.refresh_from_db()
    return world.rating.publicity_end + datetime.timedelta(days=1)


def _through_district(world, codes=("strong_branch",)):
    for code in codes:
        _claim(world, code)
    services.rating_submit(
        actor=world.users.secretary, rating=world.rating, committee_decided_on=D(2026, 9, 1), committee_attendance=7
    )
    for code in codes:
        rs = star_of(world.rating, code)
        services.star_review(actor=world.users.staff, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.PASS)
        rs.refresh_from_db()
        services.star_review(actor=SYSTEM, rating_star=rs, step=Step.DISTRICT_REVIEW, decision=Decision.PASS)


def test_full_chain_names_the_branch_and_records_the_result(world):
    rs = _claim(world, "strong_branch", evidence=[world.evidence.pk])
    assert rs.evidence_links.get().ref_id == world.evidence.pk
    services.rating_submit(
        actor=world.users.secretary, rating=world.rating, committee_decided_on=D(2026, 9, 1), committee_attendance=7
    )
    rs.refresh_from_db()
    assert rs.state == StarState.CLAIMED
    assert star_of(world.rating, "industry").result == StarResult.NOT_CLAIMED
    services.star_review(actor=world.users.staff, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.PASS)
    services.star_review(actor=world.users.dept_org, rating_star=rs, step=Step.DISTRICT_REVIEW, decision=Decision.PASS)
    rating = services.rating_publicity_start(actor=world.users.staff, rating=world.rating, start=D(2026, 9, 30))
    assert rating.publicity_end == D(2026, 10, 12)  # 5 working days across 国庆
    with pytest.raises(ValidationError, match="公示期尚未结束"):
        services.rating_name(actor=world.users.district, rating=rating, today=D(2026, 10, 12))
    with pytest.raises(PermissionDenied):
        services.rating_name(actor=world.users.staff, rating=rating, today=D(2026, 10, 13))
    rating = services.rating_name(actor=world.users.district, rating=rating, today=D(2026, 10, 13))
    assert rating.level == 1 and rating.named_on == D(2026, 10, 13)
    result = CampaignResult.objects.get(campaign=world.campaign, branch=world.branch)
    assert result.level == 1 and [s.code for s in result.stars.all()] == ["strong_branch"]
    rs.refresh_from_db()
    assert rs.state == StarState.NAMED and rs.result == StarResult.CONFIRMED
    assert [s.step for s in rs.steps.all()] == ["submit", "office_review", "district_review", "publicity", "name"]
    assert AuditLog.objects.filter(action="rating.name").exists()


def test_every_out_of_order_step_is_refused_in_chinese_and_changes_nothing(world):
    rs = _claim(world, "strong_branch")
    with pytest.raises(ValidationError, match="顺序"):
        services.star_review(actor=world.users.staff, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.PASS)
    services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    with pytest.raises(ValidationError, match="顺序"):
        services.star_review(actor=SYSTEM, rating_star=rs, step=Step.DISTRICT_REVIEW, decision=Decision.PASS)
    with pytest.raises(ValidationError, match="顺序"):
        services.star_advance(actor=world.users.district, rating_star=rs, step=Step.NAME)
    with pytest.raises(ValidationError, match="顺序"):
        services.star_advance(actor=world.users.staff, rating_star=rs, step=Step.PUBLICITY)
    rs.refresh_from_db()
    assert rs.state == StarState.CLAIMED and rs.steps.count() == 1


def test_returned_star_goes_back_to_the_branch_with_its_reason(world):
    rs = _claim(world, "strong_branch")
    services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    with pytest.raises(ValidationError, match="理由"):
        services.star_review(
            actor=world.users.staff, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.RETURN, reason=" "
        )
    services.star_review(
        actor=world.users.staff,
        rating_star=rs,
        step=Step.OFFICE_REVIEW,
        decision=Decision.RETURN,
        reason="缺少会议记录",
    )
    rs.refresh_from_db()
    assert rs.state == StarState.RETURNED and rs.reason == "缺少会议记录"
    _claim(world, "strong_branch", evidence=[world.evidence.pk])
    services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    rs.refresh_from_db()
    assert rs.state == StarState.CLAIMED and rs.reason == ""


def test_only_the_own_office_reviews_first(world):
    rs = _claim(world, "strong_branch")
    services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    for user in (world.users.leader_b, world.users.secretary, world.users.dept_org):
        with pytest.raises(PermissionDenied):
            services.star_review(actor=user, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.PASS)
    # The district's leader is not the office: the first review is the office's.
    with pytest.raises(PermissionDenied):
        services.star_review(
            actor=world.users.district, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.PASS
        )


def test_a_district_department_reviews_only_its_own_star(world):
    for code in ("strong_branch", "safety_rule_of_law"):
        _claim(world, code)
    services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    for code in ("strong_branch", "safety_rule_of_law"):
        services.star_review(
            actor=world.users.staff,
            rating_star=star_of(world.rating, code),
            step=Step.OFFICE_REVIEW,
            decision=Decision.PASS,
        )
    queue = list(selectors.district_queue(user=world.users.dept_law))
    assert [rs.star.code for rs in queue] == ["safety_rule_of_law"]
    assert [rs.star.code for rs in selectors.district_queue(user=world.users.dept_org)] == ["strong_branch"]
    assert list(selectors.district_queue(user=world.users.staff)) == []
    with pytest.raises(PermissionDenied, match="区委组织部"):
        services.star_review(
            actor=world.users.dept_law,
            rating_star=star_of(world.rating, "strong_branch"),
            step=Step.DISTRICT_REVIEW,
            decision=Decision.PASS,
        )
    with pytest.raises(PermissionDenied):
        services.star_review(
            actor=world.users.staff,
            rating_star=star_of(world.rating, "strong_branch"),
            step=Step.DISTRICT_REVIEW,
            decision=Decision.PASS,
        )
    services.star_review(
        actor=world.users.dept_law,
        rating_star=star_of(world.rating, "safety_rule_of_law"),
        step=Step.DISTRICT_REVIEW,
        decision=Decision.PASS,
    )
    assert star_of(world.rating, "safety_rule_of_law").state == StarState.DISTRICT_PASSED


def test_publicity_waits_for_every_claimed_star(world):
    _claim(world, "industry")
    _through_district(world)
    with pytest.raises(ValidationError, match="仍在审核"):
        services.rating_publicity_start(actor=world.users.staff, rating=world.rating)
    with pytest.raises(ValidationError):
        services.rating_publicity_start(actor=world.users.staff, rating=world.rating, days=0)


def test_naming_blocked_while_an_objection_is_open_and_allowed_after_it_is_closed(world):
    _through_district(world)
    services.rating_publicity_start(actor=world.users.staff, rating=world.rating)
    world.rating.refresh_from_db()
    rs = star_of(world.rating, "strong_branch")
    objection = services.objection_submit(
        rating=world.rating, text="党员大会次数不实", contact="13800001234", rating_star=rs
    )
    with pytest.raises(ValidationError, match="异议"):
        services.rating_name(actor=world.users.district, rating=world.rating, today=_after(world))
    assert star_of(world.rating, "strong_branch").state == StarState.PUBLICITY
    with pytest.raises(ValidationError):
        services.objection_close(actor=world.users.staff, objection=objection, decision="maybe", answer="x")
    services.objection_close(
        actor=world.users.staff,
        objection=objection,
        decision=ObjectionDecision.DISMISSED,
        answer="经核实，会议记录齐全",
    )
    rating = services.rating_name(actor=world.users.district, rating=world.rating, today=_after(world))
    assert rating.level == 1
    # The contact never reaches the audit log.
    assert not AuditLog.objects.filter(after__icontains="13800001234").exists()


def test_upheld_objection_fails_its_star(world):
    _through_district(world)
    services.rating_publicity_start(actor=world.users.staff, rating=world.rating)
    rs = star_of(world.rating, "strong_branch")
    objection = services.objection_submit(rating=world.rating, text="不实", rating_star=rs)
    services.objection_close(
        actor=world.users.staff, objection=objection, decision=ObjectionDecision.UPHELD, answer="核实属实"
    )
    rs.refresh_from_db()
    assert rs.state == StarState.FAILED and rs.result == StarResult.NOT_CONFIRMED


def test_objections_only_during_publicity_and_rate_limited_per_address(world):
    with pytest.raises(ValidationError, match="公示期"):
        services.objection_submit(rating=world.rating, text="x")
    _through_district(world)
    services.rating_publicity_start(actor=world.users.staff, rating=world.rating)
    world.rating.refresh_from_db()
    token = current_ip.set("203.0.113.9")
    try:
        for _ in range(3):
            services.objection_submit(rating=world.rating, text="异议")
        with pytest.raises(ValidationError, match="过多"):
            services.objection_submit(rating=world.rating, text="异议")
    finally:
        current_ip.reset(token)
    services.objection_submit(rating=world.rating, text="另一个地址")
    with pytest.raises(ValidationError):
        services.objection_submit(rating=world.rating, text="")


def test_a_veto_event_removes_the_star(world):
    _claim(world, "safety_rule_of_law")
    services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    with pytest.raises(ValidationError):
        services.veto_record(
            actor=world.users.staff,
            campaign=world.campaign,
            branch=world.branch,
            indicator_code="r_sb_meetings",
            occurred_on=D(2026, 5, 1),
            description="不是否决指标",
            evidence=as_upload(sample_jpeg("x"), "x.jpg", "image/jpeg"),
        )
    with pytest.raises(PermissionDenied):
        services.veto_record(
            actor=world.users.secretary,
            campaign=world.campaign,
            branch=world.branch,
            indicator_code="r_sf_zero_case",
            occurred_on=D(2026, 5, 1),
            description="刑事案件",
            evidence=as_upload(sample_jpeg("x"), "x.jpg", "image/jpeg"),
        )
    services.veto_record(
        actor=world.users.staff,
        campaign=world.campaign,
        branch=world.branch,
        indicator_code="r_sf_zero_case",
        occurred_on=D(2026, 5, 1),
        description="发生一起盗窃刑事案件",
        evidence=as_upload(sample_jpeg("立案"), "case.jpg", "image/jpeg"),
    )
    rs = star_of(world.rating, "safety_rule_of_law")
    assert rs.state == StarState.VETOED and rs.result == StarResult.NOT_CONFIRMED
    assert "平安法治" in rs.reason
    with pytest.raises(ValidationError, match="顺序"):
        services.star_review(actor=world.users.staff, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.PASS)


def test_a_veto_after_naming_lowers_the_level(world):
    _through_district(world, codes=("strong_branch", "safety_rule_of_law"))
    services.rating_publicity_start(actor=world.users.staff, rating=world.rating, start=D(2026, 9, 30))
    rating = services.rating_name(actor=world.users.district, rating=world.rating, today=D(2026, 10, 13))
    assert rating.level == 2
    services.veto_record(
        actor=world.users.staff,
        campaign=world.campaign,
        branch=world.branch,
        indicator_code="r_sf_zero_accident",
        occurred_on=D(2026, 10, 20),
        description="发生伤人事故",
        evidence=as_upload(sample_jpeg("事故"), "a.jpg", "image/jpeg"),
    )
    rating.refresh_from_db()
    assert rating.level == 1
    assert CampaignResult.objects.get(campaign=world.campaign, branch=world.branch).level == 1


def test_an_unmet_prerequisite_keeps_a_named_star_from_being_confirmed(world):
    # civility requires strong_branch (example rule); strong_branch failed in the office review.
    _claim(world, "strong_branch")
    _claim(world, "civility")
    services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    services.star_review(
        actor=world.users.staff,
        rating_star=star_of(world.rating, "strong_branch"),
        step=Step.OFFICE_REVIEW,
        decision=Decision.FAIL,
        reason="未达标",
    )
    rs = star_of(world.rating, "civility")
    services.star_review(actor=world.users.staff, rating_star=rs, step=Step.OFFICE_REVIEW, decision=Decision.PASS)
    rs.refresh_from_db()
    services.star_review(actor=SYSTEM, rating_star=rs, step=Step.DISTRICT_REVIEW, decision=Decision.PASS)
    services.rating_publicity_start(actor=world.users.staff, rating=world.rating, start=D(2026, 9, 30))
    rating = services.rating_name(actor=world.users.district, rating=world.rating, today=D(2026, 10, 13))
    rs.refresh_from_db()
    assert rs.state == StarState.NAMED and rs.result == StarResult.NOT_CONFIRMED and "支部过硬" in rs.reason
    assert rating.level == 0


def test_self_evaluation_links_only_own_evidence_and_needs_a_statement(world):
    rs = star_of(world.rating, "strong_branch")
    with pytest.raises(ValidationError):
        services.star_self_evaluate(actor=world.users.secretary, rating_star=rs, claimed=True, statement="")
    with pytest.raises(ValidationError):
        services.star_self_evaluate(
            actor=world.users.secretary, rating_star=rs, claimed=True, statement="x", evidence_ids=[999999]
        )
    with pytest.raises(PermissionDenied):
        services.star_self_evaluate(actor=world.users.staff, rating_star=rs, claimed=True, statement="x")
    assert rs.evidence_links.count() == 0


def test_closed_campaign_refuses_every_write(world):
    rs = _claim(world, "strong_branch")
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    world.rating.campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="已结束|关闭"):
        services.rating_submit(actor=world.users.secretary, rating=world.rating, **COMMITTEE)
    with pytest.raises(ValidationError):
        services.star_self_evaluate(actor=world.users.secretary, rating_star=rs, claimed=False)


def test_readiness_reads_indicators_evidence_and_vetoes(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        rows = selectors.readiness_table(user=world.users.staff, campaign=world.campaign)
    row = next(r for r in rows if r.branch == world.branch)
    strong = next(line for line in row.stars if line.star.code == "strong_branch")
    meetings = next(i for i in strong.indicators if i.indicator.code == "r_sb_meetings")
    assert meetings.met and meetings.has_evidence and meetings.item_id == world.item.pk
    assert strong.readiness.status == "not_ready"  # one of four indicators measured
    civility = next(line for line in row.stars if line.star.code == "civility")
    assert civility.prerequisites == ["strong_branch"]
    assert [r.branch.code for r in selectors.readiness_table(user=world.users.secretary, campaign=world.campaign)] == [
        "T-a1"
    ]


# ---------------------------------------------------------------------------------------------------------
# The 两委 decision, where the standard asks for it
# ---------------------------------------------------------------------------------------------------------


def test_committee_rule_at_its_edges():
    from wuxing.rating import rules

    assert rules.committee_problem(False, None, None) is None  # not asked for: nothing required
    assert rules.committee_problem(True, D(2026, 9, 1), 1) is None
    assert rules.committee_problem(True, None, 7) == "committee_date_needed"
    assert rules.committee_problem(True, "", 7) == "committee_date_needed"
    assert rules.committee_problem(True, D(2026, 9, 1), None) == "committee_attendance_needed"
    assert rules.committee_problem(True, D(2026, 9, 1), 0) == "committee_attendance_needed"


def test_submission_refuses_a_claimed_star_whose_standard_asks_for_the_committee_decision(world):
    """支部过硬 asks for it, 平安法治 does not (example standard): only a claim of the former needs the decision."""
    assert star_of(world.rating, "strong_branch").star.requires_committee_decision
    assert not star_of(world.rating, "safety_rule_of_law").star.requires_committee_decision
    _claim(world, "safety_rule_of_law")
    _claim(world, "strong_branch")
    for kwargs, field in [
        ({}, "committee_decided_on"),
        ({"committee_attendance": 7}, "committee_decided_on"),
        ({"committee_decided_on": D(2026, 9, 1)}, "committee_attendance"),
        ({"committee_decided_on": D(2026, 9, 1), "committee_attendance": 0}, "committee_attendance"),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.rating_submit(actor=world.users.secretary, rating=world.rating, **kwargs)
        assert field in caught.value.message_dict and "支部过硬" in caught.value.message_dict[field][0]
        assert "平安法治" not in caught.value.message_dict[field][0]
    world.rating.refresh_from_db()
    assert world.rating.submitted_at is None and world.rating.committee_decided_on is None
    assert {s.state for s in world.rating.stars.all()} == {StarState.DRAFT}
    assert not AuditLog.objects.filter(action="rating.submit").exists()
    services.rating_submit(
        actor=world.users.secretary, rating=world.rating, committee_decided_on=D(2026, 9, 1), committee_attendance=1
    )
    assert star_of(world.rating, "strong_branch").state == StarState.CLAIMED


def test_a_star_the_standard_does_not_ask_about_is_submitted_without_the_decision(world):
    _claim(world, "safety_rule_of_law")
    services.rating_submit(actor=world.users.secretary, rating=world.rating)
    world.rating.refresh_from_db()
    assert world.rating.committee_decided_on is None
    assert star_of(world.rating, "safety_rule_of_law").state == StarState.CLAIMED
