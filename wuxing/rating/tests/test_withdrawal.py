"""摘星: withdrawing a named star through the office review, the department's review, publicity with objections and
the district's decision; the star leaves the result (campaigns) and the certificate is reissued. Pure rules at
their edges, the services with their actors, the pages and the API on the same services."""

import datetime
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.campaigns.models import CampaignResult
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.rating import rules, services
from wuxing.rating.choices import (
    ObjectionDecision,
    StarResult,
    StarState,
    WithdrawalDecision,
    WithdrawalState,
    WithdrawalStep,
)
from wuxing.rating.models import Withdrawal
from wuxing.testing import api_as

from .conftest import star_of

D = datetime.date
AGREE, DISAGREE = WithdrawalDecision.AGREE, WithdrawalDecision.DISAGREE

ALLOWED = {
    (WithdrawalState.STARTED, WithdrawalStep.OFFICE_REVIEW, AGREE): WithdrawalState.OFFICE_AGREED,
    (WithdrawalState.STARTED, WithdrawalStep.OFFICE_REVIEW, DISAGREE): WithdrawalState.DROPPED,
    (WithdrawalState.OFFICE_AGREED, WithdrawalStep.DISTRICT_REVIEW, AGREE): WithdrawalState.DISTRICT_AGREED,
    (WithdrawalState.OFFICE_AGREED, WithdrawalStep.DISTRICT_REVIEW, DISAGREE): WithdrawalState.DROPPED,
    (WithdrawalState.DISTRICT_AGREED, WithdrawalStep.PUBLICITY, ""): WithdrawalState.PUBLICITY,
    (WithdrawalState.PUBLICITY, WithdrawalStep.DECIDE, AGREE): WithdrawalState.WITHDRAWN,
    (WithdrawalState.PUBLICITY, WithdrawalStep.DECIDE, DISAGREE): WithdrawalState.DROPPED,
}
STEPS = [s for s in WithdrawalStep.values if s != WithdrawalStep.START]
ALL = [
    (state, step, d)
    for state in WithdrawalState.values
    for step in STEPS
    for d in (list(WithdrawalDecision.values) if step in rules.WITHDRAWAL_DECIDING else [""])
]


# ---------------------------------------------------------------------------------------------------------
# Pure rules
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state,step,decision", ALL)
def test_every_withdrawal_transition_allowed_or_refused(state, step, decision):
    check = rules.check_withdrawal_step(state, step, decision, reason="理由")
    expected = ALLOWED.get((state, step, decision))
    if expected is None:
        assert check.problem == "out_of_order" and check.new_state is None
        assert check.expected == rules.WITHDRAWAL_EXPECTED.get(state)
    else:
        assert check.ok and check.new_state == expected


def test_withdrawal_rules_at_their_edges():
    # Only a named and confirmed star, one withdrawal at a time, with a reason.
    named = (StarState.NAMED, StarResult.CONFIRMED)
    assert rules.withdrawal_start_problem(*named, open_withdrawal=False, reason="指标下滑") is None
    assert rules.withdrawal_start_problem(*named, open_withdrawal=False, reason="  ") == "reason_needed"
    assert rules.withdrawal_start_problem(*named, open_withdrawal=True, reason="x") == "already_open"
    assert (
        rules.withdrawal_start_problem(StarState.NAMED, StarResult.NOT_CONFIRMED, open_withdrawal=False, reason="x")
        == "not_held"
    )
    for state in (StarState.PUBLICITY, StarState.VETOED, StarState.WITHDRAWN):
        assert (
            rules.withdrawal_start_problem(state, StarResult.CONFIRMED, open_withdrawal=False, reason="x") == "not_held"
        )
    # A decision is needed for the reviews and the district's decision; keeping the star needs a reason.
    assert (
        rules.check_withdrawal_step(WithdrawalState.STARTED, WithdrawalStep.OFFICE_REVIEW).problem == "decision_needed"
    )
    assert (
        rules.check_withdrawal_step(WithdrawalState.STARTED, WithdrawalStep.OFFICE_REVIEW, DISAGREE, reason=" ").problem
        == "reason_needed"
    )
    # The decision waits for the publicity's end and for every objection to be closed.
    deciding = (WithdrawalState.PUBLICITY, WithdrawalStep.DECIDE, AGREE)
    assert rules.check_withdrawal_step(*deciding, objection_open=True).problem == "objection_open"
    assert rules.check_withdrawal_step(*deciding, publicity_ended=False).problem == "publicity_running"
    assert rules.check_withdrawal_step(*deciding, star_held=False).problem == "not_held"
    assert rules.check_withdrawal_step(*deciding).new_state == WithdrawalState.WITHDRAWN
    # Starting is not a step of an existing withdrawal; nothing follows an ended one.
    assert rules.check_withdrawal_step(WithdrawalState.STARTED, WithdrawalStep.START).problem == "unknown_step"
    for ended in (WithdrawalState.WITHDRAWN, WithdrawalState.DROPPED):
        check = rules.check_withdrawal_step(ended, WithdrawalStep.DECIDE, AGREE)
        assert check.problem == "out_of_order" and check.expected is None


# ---------------------------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------------------------


def _named_star(full):
    rs = star_of(full.named, "strong_branch")
    assert rs.state == StarState.NAMED and rs.result == StarResult.CONFIRMED
    return rs


PUBLICITY_START = D(2026, 9, 30)


def _to_publicity(full, start=PUBLICITY_START):
    users = full.users
    w = services.withdrawal_start(actor=users.district, rating_star=_named_star(full), reason="连续三月未开支委会")
    services.withdrawal_advance(actor=users.staff, withdrawal=w, step=WithdrawalStep.OFFICE_REVIEW, decision=AGREE)
    services.withdrawal_advance(actor=users.dept_org, withdrawal=w, step=WithdrawalStep.DISTRICT_REVIEW, decision=AGREE)
    return services.withdrawal_advance(actor=users.staff, withdrawal=w, step=WithdrawalStep.PUBLICITY, start=start)


def test_a_withdrawal_runs_the_whole_chain_and_removes_the_star_from_the_result(full):
    assert CampaignResult.objects.get(campaign=full.campaign, branch=full.named.branch).level == 1
    w = _to_publicity(full)
    assert w.state == WithdrawalState.PUBLICITY and w.publicity_end == D(2026, 10, 12)  # 5 working days over 国庆
    with pytest.raises(ValidationError, match="公示期尚未结束"):
        services.withdrawal_advance(
            actor=full.users.district, withdrawal=w, step=WithdrawalStep.DECIDE, decision=AGREE, today=D(2026, 10, 12)
        )
    with pytest.raises(PermissionDenied):  # the office does not decide
        services.withdrawal_advance(
            actor=full.users.staff, withdrawal=w, step=WithdrawalStep.DECIDE, decision=AGREE, today=D(2026, 10, 13)
        )
    services.withdrawal_advance(
        actor=full.users.district, withdrawal=w, step=WithdrawalStep.DECIDE, decision=AGREE, today=D(2026, 10, 13)
    )
    w.refresh_from_db()
    assert w.state == WithdrawalState.WITHDRAWN and w.decided_on is not None
    rs = star_of(full.named, "strong_branch")
    assert (
        rs.state == StarState.WITHDRAWN and rs.result == StarResult.NOT_CONFIRMED and rs.reason == "连续三月未开支委会"
    )
    full.named.refresh_from_db()
    assert full.named.level == 0 and full.named.reissued_on == D(2026, 10, 13)
    result = CampaignResult.objects.get(campaign=full.campaign, branch=full.named.branch)
    assert result.level == 0 and list(result.stars.all()) == []
    assert [r.step for r in w.steps.all()] == ["start", "office_review", "district_review", "publicity", "decide"]
    assert AuditLog.objects.filter(action="rating.withdrawal_decide").exists()
    # Withdrawn: nothing is withdrawn twice.
    with pytest.raises(ValidationError, match="只有已命名并确认的星"):
        services.withdrawal_start(actor=full.users.district, rating_star=rs, reason="再次")


def test_every_out_of_order_withdrawal_step_is_refused_in_chinese_and_changes_nothing(full):
    users = full.users
    rs = _named_star(full)
    with pytest.raises(PermissionDenied):  # the office does not start a withdrawal
        services.withdrawal_start(actor=users.staff, rating_star=rs, reason="x")
    with pytest.raises(ValidationError, match="原因"):
        services.withdrawal_start(actor=users.district, rating_star=rs, reason=" ")
    with pytest.raises(ValidationError, match="只有已命名"):  # a star still in publicity is not held yet
        services.withdrawal_start(actor=users.district, rating_star=star_of(full.rating, "strong_branch"), reason="x")
    w = services.withdrawal_start(actor=users.district, rating_star=rs, reason="指标下滑")
    with pytest.raises(ValidationError, match="已在进行"):
        services.withdrawal_start(actor=users.district, rating_star=rs, reason="又一次")
    for actor, step, decision in [
        (SYSTEM, WithdrawalStep.DISTRICT_REVIEW, AGREE),
        (SYSTEM, WithdrawalStep.PUBLICITY, ""),
        (SYSTEM, WithdrawalStep.DECIDE, AGREE),
    ]:
        with pytest.raises(ValidationError, match="顺序"):
            services.withdrawal_advance(actor=actor, withdrawal=w, step=step, decision=decision)
    with pytest.raises(ValidationError, match="保留"):
        services.withdrawal_advance(actor=users.staff, withdrawal=w, step=WithdrawalStep.OFFICE_REVIEW, decision="")
    with pytest.raises(PermissionDenied):  # another office's leader
        services.withdrawal_advance(
            actor=users.leader_b, withdrawal=w, step=WithdrawalStep.OFFICE_REVIEW, decision=AGREE
        )
    w.refresh_from_db()
    assert w.state == WithdrawalState.STARTED and w.steps.count() == 1
    services.withdrawal_advance(actor=users.staff, withdrawal=w, step=WithdrawalStep.OFFICE_REVIEW, decision=AGREE)
    # The department responsible for the star reviews it, no other.
    with pytest.raises(PermissionDenied, match="区委组织部"):
        services.withdrawal_advance(
            actor=users.dept_law, withdrawal=w, step=WithdrawalStep.DISTRICT_REVIEW, decision=AGREE
        )
    with pytest.raises(ValidationError, match="顺序"):
        services.withdrawal_advance(actor=users.staff, withdrawal=w, step=WithdrawalStep.OFFICE_REVIEW, decision=AGREE)
    services.withdrawal_advance(
        actor=users.dept_org,
        withdrawal=w,
        step=WithdrawalStep.DISTRICT_REVIEW,
        decision=DISAGREE,
        reason="经核实，支部已整改到位",
    )
    w.refresh_from_db()
    assert w.state == WithdrawalState.DROPPED
    assert star_of(full.named, "strong_branch").state == StarState.NAMED
    assert CampaignResult.objects.get(campaign=full.campaign, branch=full.named.branch).level == 1


def test_the_decision_is_blocked_while_an_objection_to_the_withdrawal_is_open(full):
    w = _to_publicity(full, start=datetime.date.today())
    rating = full.named
    objection = services.objection_submit(
        rating=rating,
        withdrawal=w,
        text="该支部已整改，不应摘星",
        contact="13600001111",
        evidence=as_upload(sample_jpeg("整改照片"), "fix.jpg", "image/jpeg"),
    )
    assert objection.rating_star.star.code == "strong_branch" and objection.files.count() == 1
    after = w.publicity_end + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="异议"):
        services.withdrawal_advance(
            actor=full.users.district, withdrawal=w, step=WithdrawalStep.DECIDE, decision=AGREE, today=after
        )
    services.objection_close(
        actor=full.users.staff, objection=objection, decision=ObjectionDecision.UPHELD, answer="整改属实"
    )
    w.refresh_from_db()
    assert w.state == WithdrawalState.PUBLICITY  # the district decides, with the answer in view
    services.withdrawal_advance(
        actor=full.users.district,
        withdrawal=w,
        step=WithdrawalStep.DECIDE,
        decision=DISAGREE,
        reason="异议属实，保留星级",
        today=after,
    )
    w.refresh_from_db()
    assert w.state == WithdrawalState.DROPPED and full.named.stars.get(star__code="strong_branch").result == "confirmed"


def test_a_veto_drops_a_withdrawal_under_way_and_reissues_the_certificate(world):
    from .conftest import push_to_publicity

    push_to_publicity(world, world.rating, codes=("strong_branch", "safety_rule_of_law"), start=D(2026, 9, 30))
    rating = services.rating_name(actor=world.users.district, rating=world.rating, today=D(2026, 10, 13))
    assert rating.level == 2 and rating.reissued_on is None
    w = services.withdrawal_start(
        actor=world.users.district, rating_star=star_of(rating, "safety_rule_of_law"), reason="治安纠纷未化解"
    )
    services.veto_record(
        actor=world.users.staff,
        campaign=world.campaign,
        branch=world.branch,
        indicator_code="r_sf_zero_case",
        occurred_on=D(2026, 11, 1),
        description="发生一起刑事案件",
        evidence=as_upload(sample_jpeg("案件"), "c.jpg", "image/jpeg"),
    )
    w.refresh_from_db()
    assert w.state == WithdrawalState.DROPPED and w.steps.last().reason == "该星已因一票否决事项失去。"
    rating.refresh_from_db()
    assert rating.level == 1 and rating.reissued_on is not None
    assert star_of(rating, "safety_rule_of_law").state == StarState.VETOED
    assert CampaignResult.objects.get(campaign=world.campaign, branch=world.branch).level == 1


def test_closed_campaign_refuses_a_withdrawal_once_a_later_year_is_closed(full):
    from wuxing.campaigns.services import campaign_create, campaign_set_status

    campaign_set_status(actor=SYSTEM, campaign=full.campaign, status="closed")
    later = campaign_create(actor=SYSTEM, office=full.org.office_a, year=2027, standard=full.standard)
    campaign_set_status(actor=SYSTEM, campaign=later, status="closed")
    with pytest.raises(ValidationError, match="已关闭"):
        services.withdrawal_start(actor=full.users.district, rating_star=_named_star(full), reason="x")
    assert not Withdrawal.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# The pages, the public site, the certificate and the API
# ---------------------------------------------------------------------------------------------------------


def test_withdrawal_from_the_pages_the_public_site_and_the_reissued_certificate(client, full):
    rs = _named_star(full)
    url = reverse("rating:star_withdrawal", args=[rs.pk])
    detail = reverse("rating:rating_detail", args=[full.named.pk])
    client.force_login(full.users.staff)
    assert 'name="step" value="start"' not in client.get(detail).content.decode()
    page = client.post(url, {"step": "start", "reason": "x"}, follow=True)
    assert page.status_code == 403 and not Withdrawal.objects.exists()
    client.force_login(full.users.district)
    assert 'name="step" value="start"' in client.get(detail).content.decode()
    client.post(url, {"step": "start", "reason": "连续三月未开支委会"})
    client.post(url, {"step": "decide", "decision": "agree"}, follow=True)  # out of order: a message, no change
    w = Withdrawal.objects.get()
    assert w.state == WithdrawalState.STARTED
    client.force_login(full.users.staff)
    client.post(url, {"step": "office_review", "decision": "agree"})
    client.force_login(full.users.dept_org)
    client.post(url, {"step": "district_review", "decision": "agree"})
    client.force_login(full.users.staff)
    client.post(url, {"step": "publicity", "days": "5"})
    w.refresh_from_db()
    assert w.state == WithdrawalState.PUBLICITY and w.publicity_start == datetime.date.today()
    # The public site shows the withdrawal in publicity and takes an objection with a file.
    office = full.org.office_a.code
    assert "连续三月未开支委会" in client.get(reverse("rating_public:announcement", args=[office])).content.decode()
    public = reverse("rating_public:result", args=[office, full.named.pk])
    client.logout()
    sent = client.post(
        public,
        {"rating_star": f"w{w.pk}", "text": "不应摘星", "evidence": as_upload(sample_jpeg("x"), "x.jpg", "image/jpeg")},
    )
    assert sent.status_code == 302
    objection = w.objections.get()
    assert objection.files.count() == 1
    # The office answers; the district decides after the publicity (moved into the past here).
    services.objection_close(actor=full.users.staff, objection=objection, decision="dismissed", answer="不成立")
    Withdrawal.objects.filter(pk=w.pk).update(publicity_end=datetime.date.today() - datetime.timedelta(days=1))
    client.force_login(full.users.district)
    client.post(url, {"step": "decide", "decision": "agree"})
    w.refresh_from_db()
    assert w.state == WithdrawalState.WITHDRAWN
    page = client.get(detail).content.decode()
    assert 'data-withdrawal-state="withdrawn"' in page and "已摘星" in page
    if shutil.which("pdftotext"):
        pdf = client.get(reverse("rating:certificate_pdf", args=[full.named.pk]))
        data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
        text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        assert "换发" in text and "2026年度“0星”支部" in text


def test_withdrawal_through_the_api(api_client, full):
    url = f"/api/v1/ratings/{full.named.pk}/withdrawal/"

    def post(user, **body):
        return api_as(api_client, user).post(url, {"star": "strong_branch", **body}, format="json")

    early = post(full.users.staff, step="office_review", decision="agree")
    assert early.status_code == 400 and "摘星" in str(early.json())
    assert post(full.users.staff, step="start", reason="x").status_code == 403
    started = post(full.users.district, step="start", reason="指标下滑")
    assert started.status_code == 200
    star = next(s for s in started.json()["stars"] if s["star"] == "strong_branch")
    assert star["withdrawal"] == "started" and star["state"] == "named"
    skip = post(full.users.district, step="decide", decision="agree")
    assert skip.status_code == 400 and "街道初审" in str(skip.json())
    assert post(full.users.staff, step="office_review", decision="agree").status_code == 200
    assert post(full.users.dept_law, step="district_review", decision="agree").status_code == 403
    assert post(full.users.leader_b, step="district_review", decision="agree").status_code == 404
    assert Withdrawal.objects.get().state == WithdrawalState.OFFICE_AGREED
