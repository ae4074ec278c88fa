"""摘星 of a previous year's star while that campaign is closed (a 2025 star withdrawn during 2026): the rating's
rule that allows it on the office's latest closed year only, the campaigns service's narrow amendment
(`campaign_amend_result`, source "withdrawal", stars only taken away, audited), the reissued certificate and the
public result page."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from wuxing.campaigns import rules as campaign_rules
from wuxing.campaigns.models import CampaignResult
from wuxing.campaigns.services import (
    campaign_amend_result,
    campaign_create,
    campaign_record_result,
    campaign_set_status,
)
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.rating import rules, services
from wuxing.rating.choices import StarResult, StarState, WithdrawalDecision, WithdrawalState, WithdrawalStep
from wuxing.rating.models import Withdrawal

from .conftest import push_to_publicity, star_of

D = datetime.date
AGREE = WithdrawalDecision.AGREE


# ---------------------------------------------------------------------------------------------------------
# Pure rules
# ---------------------------------------------------------------------------------------------------------


def test_a_withdrawal_runs_in_an_open_campaign_or_the_latest_closed_one_only():
    assert rules.withdrawal_campaign_problem(campaign_open=True, latest_closed=False) is None
    assert rules.withdrawal_campaign_problem(campaign_open=False, latest_closed=True) is None
    assert rules.withdrawal_campaign_problem(campaign_open=False, latest_closed=False) == "campaign_closed"


def test_an_amendment_only_takes_stars_away_for_a_withdrawal_with_a_reason():
    ok = {"source": "withdrawal", "reason": "摘星", "old_stars": {1, 2}, "new_stars": {1}, "level": 1}
    assert campaign_rules.amend_problems(**ok) == []
    assert campaign_rules.amend_problems(**{**ok, "new_stars": set(), "level": 0}) == []
    assert campaign_rules.amend_problems(**{**ok, "source": "manual"}) == ["unknown_source"]
    assert campaign_rules.amend_problems(**{**ok, "source": ""}) == ["unknown_source"]
    assert campaign_rules.amend_problems(**{**ok, "reason": "  "}) == ["reason_needed"]
    assert campaign_rules.amend_problems(**{**ok, "new_stars": {1, 3}, "level": 2}) == ["adds_stars"]
    assert campaign_rules.amend_problems(**{**ok, "new_stars": {1, 2}, "level": 2}) == ["no_change"]
    assert campaign_rules.amend_problems(**{**ok, "level": 2}) == ["level_mismatch"]
    assert campaign_rules.amend_problems(**{**ok, "has_result": False}) == ["no_result"]


# ---------------------------------------------------------------------------------------------------------
# A 2025 rating, named and closed, with the 2026 campaign running
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def last_year(world):
    """Branch a1 named in 2025 with 支部过硬 and 平安法治; the 2025 campaign then closed (2026 is running)."""
    campaign = campaign_create(actor=SYSTEM, office=world.org.office_a, year=2025, standard=world.standard)
    campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")
    rating = services.rating_open(actor=SYSTEM, campaign=campaign, branch=world.branch)
    push_to_publicity(world, rating, codes=("strong_branch", "safety_rule_of_law"), start=D(2025, 12, 1))
    rating = services.rating_name(actor=world.users.district, rating=rating, today=D(2025, 12, 10))
    assert rating.level == 2
    campaign_set_status(actor=SYSTEM, campaign=campaign, status="closed")
    campaign.refresh_from_db()
    world.last_campaign, world.last_rating = campaign, rating
    return world


PUBLICITY_START = D(2026, 9, 30)


def _to_decision(world, start=PUBLICITY_START):
    users = world.users
    w = services.withdrawal_start(
        actor=users.district, rating_star=star_of(world.last_rating, "strong_branch"), reason="下半年连续三月未开支委会"
    )
    services.withdrawal_advance(actor=users.staff, withdrawal=w, step=WithdrawalStep.OFFICE_REVIEW, decision=AGREE)
    services.withdrawal_advance(actor=users.dept_org, withdrawal=w, step=WithdrawalStep.DISTRICT_REVIEW, decision=AGREE)
    return services.withdrawal_advance(actor=users.staff, withdrawal=w, step=WithdrawalStep.PUBLICITY, start=start)


def test_a_2025_star_is_withdrawn_during_2026_through_the_whole_chain(last_year, client):
    world = last_year
    assert not world.last_campaign.is_open
    with pytest.raises(ValidationError):  # the ordinary path still refuses the closed year
        campaign_record_result(
            actor=SYSTEM, campaign=world.last_campaign, branch=world.branch, level=1, rated_on=D(2026, 1, 1)
        )
    w = _to_decision(world)
    assert w.publicity_end == D(2026, 10, 12)
    services.withdrawal_advance(
        actor=world.users.district, withdrawal=w, step=WithdrawalStep.DECIDE, decision=AGREE, today=D(2026, 10, 13)
    )
    w.refresh_from_db()
    assert w.state == WithdrawalState.WITHDRAWN
    assert [r.step for r in w.steps.all()] == ["start", "office_review", "district_review", "publicity", "decide"]
    rs = star_of(world.last_rating, "strong_branch")
    assert rs.state == StarState.WITHDRAWN and rs.result == StarResult.NOT_CONFIRMED
    world.last_rating.refresh_from_db()
    assert world.last_rating.level == 1 and world.last_rating.reissued_on == D(2026, 10, 13)
    # The closed year's recorded result lost the star, through the amendment, and says why.
    result = CampaignResult.objects.get(campaign=world.last_campaign, branch=world.branch)
    assert result.level == 1 and [s.code for s in result.stars.all()] == ["safety_rule_of_law"]
    assert "2026-10-13" in result.note and "连续三月未开支委会" in result.note
    assert result.rated_on == D(2025, 12, 10)
    audit = AuditLog.objects.get(action="campaign.amend_result")
    assert audit.after["source"] == "withdrawal" and audit.after["campaign_status"] == "closed"
    assert audit.before["level"] == 2 and audit.after["level"] == 1 and len(audit.before["stars"]) == 2
    # The campaign stays closed.
    world.last_campaign.refresh_from_db()
    assert world.last_campaign.status == "closed"
    # The public result page and the office's announcement show the change.
    office = world.org.office_a.code
    page = client.get(reverse("rating_public:result", args=[office, world.last_rating.pk])).content.decode()
    assert 'data-state="withdrawn"' in page and "已摘星" in page and "连续三月未开支委会" in page
    assert "2026-10-13" in page  # the certificate's reissue
    # The reissued certificate.
    client.force_login(world.users.district)
    detail = client.get(reverse("rating:rating_detail", args=[world.last_rating.pk])).content.decode()
    assert 'data-withdrawal-state="withdrawn"' in detail
    if shutil.which("pdftotext"):
        pdf = client.get(reverse("rating:certificate_pdf", args=[world.last_rating.pk]))
        data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
        text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        assert "2025年度“1星”支部" in text and "2026年10月13日换发" in text and "支部过硬" in text


def test_objections_to_a_closed_year_withdrawal_are_answered_and_block_the_decision(last_year):
    from wuxing.rating.choices import ObjectionDecision

    world = last_year
    w = _to_decision(world, start=datetime.date.today())
    objection = services.objection_submit(rating=world.last_rating, withdrawal=w, text="已整改，不应摘星")
    after = w.publicity_end + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="异议"):
        services.withdrawal_advance(
            actor=world.users.district, withdrawal=w, step=WithdrawalStep.DECIDE, decision=AGREE, today=after
        )
    services.objection_close(
        actor=world.users.staff, objection=objection, decision=ObjectionDecision.DISMISSED, answer="经核实不成立"
    )
    services.withdrawal_advance(
        actor=world.users.district, withdrawal=w, step=WithdrawalStep.DECIDE, decision=AGREE, today=after
    )
    assert CampaignResult.objects.get(campaign=world.last_campaign, branch=world.branch).level == 1


def test_a_closed_year_no_longer_the_latest_refuses_a_withdrawal(last_year):
    world = last_year
    w = services.withdrawal_start(
        actor=world.users.district, rating_star=star_of(world.last_rating, "strong_branch"), reason="指标下滑"
    )
    # 2026 is closed too: 2025's stars are no longer the ones held.
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    with pytest.raises(ValidationError, match="已关闭"):
        services.withdrawal_advance(
            actor=world.users.staff, withdrawal=w, step=WithdrawalStep.OFFICE_REVIEW, decision=AGREE
        )
    with pytest.raises(ValidationError, match="已关闭"):
        services.withdrawal_start(
            actor=world.users.district,
            rating_star=star_of(world.last_rating, "safety_rule_of_law"),
            reason="指标下滑",
        )
    w.refresh_from_db()
    assert w.state == WithdrawalState.STARTED and Withdrawal.objects.count() == 1


def test_the_amendment_service_refuses_anything_but_taking_stars_away(last_year):
    world = last_year
    result = CampaignResult.objects.get(campaign=world.last_campaign, branch=world.branch)
    stars = list(result.stars.order_by("position"))
    common = {"actor": SYSTEM, "campaign": world.last_campaign, "branch": world.branch, "amended_on": D(2026, 5, 1)}
    for kwargs, message in [
        ({"level": 1, "stars": stars[:1], "reason": "x", "source": "manual"}, "摘星"),
        ({"level": 1, "stars": stars[:1], "reason": " ", "source": "withdrawal"}, "原因"),
        ({"level": 2, "stars": stars, "reason": "x", "source": "withdrawal"}, "没有改变"),
        ({"level": 2, "stars": stars[:1], "reason": "x", "source": "withdrawal"}, "星级须等于"),
    ]:
        with pytest.raises(ValidationError, match=message):
            campaign_amend_result(**common, **kwargs)
    other = world.standard.stars.get(star_set="rural", code="industry")
    with pytest.raises(ValidationError, match="只能摘除"):
        campaign_amend_result(**common, level=2, stars=[stars[0], other], reason="x", source="withdrawal")
    with pytest.raises(ValidationError, match="没有记录"):
        campaign_amend_result(
            **{**common, "branch": world.org.branches["a2"]}, level=0, stars=[], reason="x", source="withdrawal"
        )
    with pytest.raises(Exception):  # another office's staff may not amend it
        campaign_amend_result(
            **{**common, "actor": world.users.leader_b}, level=1, stars=stars[:1], reason="x", source="withdrawal"
        )
    result.refresh_from_db()
    assert result.level == 2 and result.stars.count() == 2
    assert not AuditLog.objects.filter(action="campaign.amend_result").exists()


def test_the_review_queue_lists_the_withdrawals_waiting_for_each_reviewer(last_year, client):
    """A withdrawal of last year's star waits in the office's queue, then in the responsible department's only."""
    world = last_year
    w = services.withdrawal_start(
        actor=world.users.district, rating_star=star_of(world.last_rating, "strong_branch"), reason="指标下滑"
    )
    queue = reverse("rating:queue")

    def listed(user):
        client.force_login(user)
        return 'id="withdrawal-queue"' in client.get(queue).content.decode()

    assert listed(world.users.staff) and not listed(world.users.dept_org) and not listed(world.users.leader_b)
    services.withdrawal_advance(
        actor=world.users.staff, withdrawal=w, step=WithdrawalStep.OFFICE_REVIEW, decision=AGREE
    )
    assert listed(world.users.dept_org) and not listed(world.users.dept_law) and not listed(world.users.staff)
    client.force_login(world.users.dept_org)
    page = client.get(queue).content.decode()
    assert f"{world.branch.name} · 2025 · 支部过硬" in page and "指标下滑" in page
