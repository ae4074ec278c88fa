"""Daily report punctuality for the quarterly evaluation (R13): on-time reports over the working days so far."""

import datetime

from django.apps import apps
from django.utils import timezone

from wuxing.rhythm import rules
from wuxing.rhythm.models import DailyReport


def test_punctuality_percent():
    assert rules.punctuality_percent(0, 0) is None
    assert rules.punctuality_percent(3, 4) == 75.0
    assert rules.punctuality_percent(5, 4) == 100.0


def test_the_hook_counts_on_time_reports_over_working_days(world):
    w = world
    start, end = datetime.date(2026, 9, 28), datetime.date(2026, 10, 9)  # across 国庆: 2026-10-01..07 off
    days = rules.working_days(start, end)
    branch, other = w.org.branches["a1"], w.org.branches["a2"]
    now = timezone.now()
    for i, day in enumerate(days):
        status = "on_time" if i % 2 == 0 else "late"
        DailyReport.objects.create(
            campaign=w.campaign, branch=branch, day=day, status=status, submitted_at=now, updated_at=now
        )
    hook = apps.get_app_config("rhythm").daily_report_punctuality
    result = hook(w.campaign, start, end, [branch.pk, other.pk])
    on_time = len(range(0, len(days), 2))
    assert result[branch.pk] == round(100 * on_time / len(days), 1)
    assert result[other.pk] == 0.0


def test_an_office_without_daily_reports_is_not_measured(world):
    hook = apps.get_app_config("rhythm").daily_report_punctuality
    branch = world.org.branches["a1"]
    assert hook(world.campaign, datetime.date(2026, 9, 28), datetime.date(2026, 10, 9), [branch.pk]) == {}
