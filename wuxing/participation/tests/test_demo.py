"""The demo office's residents' issues match the issue's demo: about 300 through the year across branches and
categories, most closed with a verdict, some overdue, a few reopened, and some awaiting triage."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from wuxing.participation import selectors
from wuxing.participation.models import Issue, IssueEvent


def test_the_demo_office_has_a_year_of_resident_issues(demo_office, client):
    issues = Issue.objects.filter(office=demo_office)
    assert 280 <= issues.count() <= 320
    states = dict(issues.values_list("state").annotate(n=Count("id")))
    assert states["closed"] > issues.count() / 2
    assert {"received", "dispatched", "answered", "closed", "merged", "rejected"} <= set(states)
    assert issues.filter(reopened_count=1).exists()
    assert issues.filter(state="dispatched", due_on__lt=timezone.localdate()).exists()  # overdue
    closed = issues.filter(state="closed")
    assert closed.exclude(satisfaction="").count() == closed.count()
    assert issues.values("branch").distinct().count() > 5 and issues.values("category").distinct().count() == 6
    assert issues.filter(merged_into__isnull=False).count() == states["merged"]
    assert IssueEvent.objects.filter(issue__office=demo_office).count() > issues.count() * 3
    # the figures of the office are measured for every branch with orders
    from wuxing.org.models import User

    leader = User.objects.get(username="demo-leader")
    campaign = issues.first().campaign
    rows = selectors.figures(user=leader, campaign=campaign)["branches"]
    assert any(r.figures.closure_rate for r in rows) and any(r.figures.satisfaction for r in rows)
    client.force_login(leader)
    assert client.get(reverse("participation:issue_list")).status_code == 200
    board = client.get(reverse("participation_public:board", args=[demo_office.code]))
    assert board.status_code == 200


def test_the_demo_survey_has_printed_codes_and_about_60_percent_answered(demo_office):
    from wuxing.participation import selectors, services
    from wuxing.participation.models import Survey

    survey = Survey.objects.get(office=demo_office)
    results = selectors.survey_results(survey)
    assert results["codes"] >= 200 and 50 <= results["response_rate"] <= 70
    assert services.survey_chain_problem(survey) is None
    assert all(r.satisfaction is not None for r in results["branches"] if r.answered)


def test_the_demo_has_two_solicitations_attached_to_deliberations(demo_office):
    from wuxing.deliberations.models import DeliberationStep
    from wuxing.participation.models import Solicitation

    rows = list(Solicitation.objects.filter(office=demo_office))
    assert len(rows) == 2 and all(r.opinions.count() == 6 for r in rows)
    closed = [r for r in rows if r.closed_at]
    assert len(closed) == 1
    step = DeliberationStep.objects.get(deliberation_id=closed[0].deliberation_id, step="solicit_opinions")
    assert "担心施工噪音" in step.minutes


def test_the_demo_has_a_tea_house_board_per_branch(demo_office, client):
    from wuxing.org.models import Branch
    from wuxing.participation.models import TeaSession, TeaTopic

    branches = Branch.objects.filter(office=demo_office, retired_at__isnull=True)
    topics = TeaTopic.objects.filter(office=demo_office)
    assert set(topics.values_list("branch", flat=True)) == set(branches.values_list("pk", flat=True))
    assert topics.filter(status="pending").exists()
    assert topics.filter(status="published").exclude(answer="").count() >= branches.count()
    converted = topics.filter(outcome="work_order")
    assert converted.exists() and all(t.issue.state == "dispatched" for t in converted)
    assert TeaSession.objects.filter(branch__office=demo_office).count() == 2 * branches.count()
    branch = converted.first().branch
    page = client.get(reverse("participation_public:tea_board", args=[demo_office.code, branch.code]))
    assert page.status_code == 200 and "已转为工单办理" in page.content.decode()
