"""The demo office's rating: the district's two department reviewers, and one 2025 star withdrawn during 2026 with
the 2025 campaign closed, each step by its own account, the result amended and the certificate reissued."""

import datetime

from django.urls import reverse

from wuxing.campaigns.models import CampaignResult
from wuxing.org.models import User
from wuxing.rating.choices import StarState, WithdrawalState
from wuxing.rating.demo import LAST_YEAR_WITHDRAWAL
from wuxing.rating.models import DepartmentReviewer, Withdrawal


def test_the_district_has_a_reviewer_for_each_department_the_demo_needs(demo_office, client):
    reviewers = {r.user.username: r.department for r in DepartmentReviewer.objects.select_related("user")}
    assert reviewers == {"demo-district-dept": "区委政法委", "demo-district-org": "区委组织部"}
    # The login page lists the new account like the others.
    page = client.get(reverse("login")).content.decode()
    assert "demo-district-org" in page and "区委组织部（区县联审）" in page
    # The 2026 withdrawal under way (锦绣社区, 支部过硬) waits for 区委组织部: it is in that account's queue.
    open_one = Withdrawal.objects.get(state=WithdrawalState.OFFICE_AGREED)
    assert open_one.rating_star.star.responsible_department == "区委组织部"
    client.force_login(User.objects.get(username="demo-district-org"))
    detail = client.get(reverse("rating:rating_detail", args=[open_one.rating_star.rating_id])).content.decode()
    assert 'name="step" value="district_review"' in detail


def test_a_2025_star_was_withdrawn_during_2026_through_every_step(demo_office, client):
    suffix, code, reason = LAST_YEAR_WITHDRAWAL
    done = Withdrawal.objects.select_related("rating_star__rating__campaign", "rating_star__rating__branch").get(
        state=WithdrawalState.WITHDRAWN
    )
    rating = done.rating_star.rating
    assert rating.campaign.year == 2025 and rating.campaign.status == "closed"
    assert rating.branch.code.endswith(suffix) and done.rating_star.star.code == code
    assert done.rating_star.state == StarState.WITHDRAWN
    records = list(done.steps.select_related("actor").order_by("acted_at", "id"))
    assert [(r.step, r.actor.username, r.acted_at.date()) for r in records] == [
        ("start", "demo-district", datetime.date(2026, 3, 16)),
        ("office_review", "demo-staff", datetime.date(2026, 3, 20)),
        ("district_review", "demo-district-org", datetime.date(2026, 3, 27)),
        ("publicity", "demo-staff", datetime.date(2026, 4, 1)),
        ("decide", "demo-district", datetime.date(2026, 4, 10)),
    ]
    assert records[2].department == "区委组织部"
    assert done.publicity_end == datetime.date(2026, 4, 8)  # five working days over 清明 (4–6 April)
    assert done.decided_on == datetime.date(2026, 4, 10) and rating.reissued_on == datetime.date(2026, 4, 10)
    result = CampaignResult.objects.get(campaign=rating.campaign, branch=rating.branch)
    assert result.level == rating.level == 2 and code not in {s.code for s in result.stars.all()}
    assert "经摘星程序变更" in result.note
    # The branch's page and the public result show it.
    client.force_login(User.objects.get(username="demo-district"))
    page = client.get(reverse("rating:rating_detail", args=[rating.pk])).content.decode()
    assert 'data-withdrawal-state="withdrawn"' in page and "区委组织部" in page and "2026-04-08" in page
    client.logout()
    public = client.get(reverse("rating_public:result", args=[demo_office.code, rating.pk])).content.decode()
    assert "已摘星" in public and "2026-04-10" in public


def test_the_organisation_departments_reviewer_finds_the_withdrawal_in_the_queue(demo_office, client):
    client.force_login(User.objects.get(username="demo-district-org"))
    page = client.get(reverse("rating:queue")).content.decode()
    assert 'id="withdrawal-queue"' in page and "锦绣社区" in page and "支部过硬" in page
