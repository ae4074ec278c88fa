"""generate_province writes beside the services, so it moves the figures version of the offices it fills, as they
would: figures cached while a stopped run had built only the tree are not read after it continues."""

import pytest
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.org.figures import figures_version
from wuxing.org.models import OrgUnit
from wuxing.portal import scale, summary_cache

pytestmark = pytest.mark.django_db


def test_a_continued_run_moves_the_offices_figures_on(monkeypatch):
    # A run stopped after the tree and the branches: the summaries cache the office as it stands (no campaign).
    monkeypatch.setattr(scale.Generator, "build_offices", lambda self, offices, standard, stars: None)
    scale.run("office", say=lambda *a: None)
    office = OrgUnit.objects.get(path__startswith=f"/{scale.ROOT}/", level="office")
    year, today = timezone.localdate().year, timezone.localdate()
    offices = list(summary_cache.with_versions(OrgUnit.objects.filter(pk=office.pk)))
    stopped = summary_cache.office_entries(offices=offices, year=year, today=today)[office.pk]
    assert stopped.campaign_id is None and stopped.branches == scale.PRESETS["office"].branches
    version = figures_version(office.pk)
    assert version >= 1  # the branches moved it

    monkeypatch.undo()
    scale.run("office", say=lambda *a: None)
    assert figures_version(office.pk) > version
    offices = list(summary_cache.with_versions(OrgUnit.objects.filter(pk=office.pk)))
    entry = summary_cache.office_entries(offices=offices, year=year, today=today)[office.pk]
    assert entry.campaign_id == Campaign.objects.get(office=office, year=year).pk and entry.weight > 0
