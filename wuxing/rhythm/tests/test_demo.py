"""The demo office's rhythm: reports since the year's start with late and missing ones (three branches missing on
the last working day), 40+ weekly meetings with actions (two overdue), the other meetings, notifications per role."""

import datetime

from django.urls import reverse
from django.utils import timezone

from wuxing.org.models import User
from wuxing.rhythm import rules, services
from wuxing.rhythm.models import Action, AnnualSummary, DailyReport, Meeting, Notification


def test_the_demo_shows_the_rhythm(demo_office, client):
    today = timezone.localdate()
    last = rules.last_working_day(min(today, datetime.date(2026, 12, 31)))
    reports = DailyReport.objects.filter(branch__office=demo_office)
    assert reports.filter(status="late").exists() and reports.filter(day=last).count() == 11
    assert reports.count() < 14 * len(rules.working_days(datetime.date(2026, 1, 1), last)), "a few are missing"
    meetings = Meeting.objects.filter(campaign__office=demo_office)
    assert meetings.filter(kind="weekly").count() >= 40
    assert meetings.filter(kind="mobilisation").count() == 1 and meetings.filter(kind="progress").count() == 2
    open_actions = Action.objects.filter(campaign__office=demo_office, status="open")
    assert open_actions.count() == 4 and open_actions.filter(due_on__lt=today).count() == 2
    for username in ["demo-leader", "demo-staff", "demo-dept", "demo-secretary", "demo-reviewer"]:
        assert Notification.objects.filter(user__username=username).exists(), username
    last_year = AnnualSummary.objects.get(campaign__office=demo_office, campaign__year=2025, branch__isnull=True)
    assert last_year.final and services.summary_intact(last_year) and not last_year.campaign.is_open
    assert all(b["rated_level"] for b in last_year.figures["branches"]) and last_year.figures["reports"] is None
    client.force_login(User.objects.get(username="demo-staff"))
    page = client.get(reverse("rhythm:digest")).content.decode()
    assert page.count('data-status="missing"') == 3
