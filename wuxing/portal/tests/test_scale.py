"""generate_province builds what its preset says, a second run adds nothing, and (on PostgreSQL) the pages read the
same number of queries at two sizes and stay within a loose ratio of the hand-written SQL."""

import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max, Sum

from wuxing.campaigns.models import Campaign, Quota
from wuxing.checklists.models import CheckIn, ChecklistItem
from wuxing.liaison.models import Activity
from wuxing.org.models import Branch, OrgUnit
from wuxing.portal import ratios, scale
from wuxing.rating.models import Rating
from wuxing.targets.models import Target

pytestmark = pytest.mark.django_db

ROOT = f"/{scale.ROOT}/"


def _counts():
    return {
        "units": OrgUnit.objects.filter(path__startswith=ROOT).count(),
        "branches": Branch.objects.filter(office__path__startswith=ROOT).count(),
        "campaigns": Campaign.objects.filter(office__path__startswith=ROOT).count(),
        "items": ChecklistItem.objects.filter(branch__office__path__startswith=ROOT).count(),
        "checkins": CheckIn.objects.filter(item__branch__office__path__startswith=ROOT).count(),
        "targets": Target.objects.filter(branch__office__path__startswith=ROOT).count(),
        "ratings": Rating.objects.filter(branch__office__path__startswith=ROOT).count(),
        "activities": Activity.objects.count(),
    }


def test_office_preset_builds_the_office_and_a_second_run_adds_nothing():
    call_command("generate_province", preset="office", verbosity=0)
    counts = _counts()
    preset = scale.PRESETS["office"]
    branches = preset.total_branches
    assert counts["units"] == 4  # province, city, district, office
    assert counts["branches"] == branches == 20
    assert counts["campaigns"] == 1
    assert counts["items"] == branches * scale.ITEMS_PER_BRANCH
    assert counts["targets"] == counts["ratings"] == branches
    assert counts["activities"] == branches * scale.ACTIVITIES_PER_ASSIGNMENT
    # About `checkins` a item on average (0 to twice that).
    assert counts["items"] * preset.checkins * 0.7 < counts["checkins"] < counts["items"] * preset.checkins * 1.3
    assert Quota.objects.filter(campaign__office__path__startswith=ROOT).aggregate(n=Sum("count"))["n"] == branches
    # Each item caches its latest check-in, as checklists.services.checkin_record does.
    for item in ChecklistItem.objects.filter(branch__office__path__startswith=ROOT, kind="quantitative")[:20]:
        last = item.checkins.order_by("-effective_on", "-id").first()
        assert item.current_value == (last.value if last else None)
        assert item.last_checkin_on == (last.effective_on if last else None)
    call_command("generate_province", preset="office", verbosity=0)
    assert _counts() == counts


def test_sqlite_refuses_presets_beyond_a_city(settings):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL takes every preset.")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_province", preset="province", verbosity=0)
    assert not OrgUnit.objects.filter(path__startswith=ROOT).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY, the hand-written SQL and the district preset need PostgreSQL"
)
def test_district_preset_pages_against_sql(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("generate_province", preset="office", verbosity=0)
    small = {r.label: r for r in ratios.measure_pages(ratios.context(), repeat=3)}
    started = time.perf_counter()
    call_command("generate_province", preset="district", verbosity=0)
    built = time.perf_counter() - started
    assert built < 180, f"the district preset took {built:.0f} s"
    assert _counts()["branches"] == scale.PRESETS["district"].total_branches
    large = {r.label: r for r in ratios.measure_pages(ratios.context(), repeat=3)}
    assert set(large) == set(small)
    for label, r in large.items():
        assert r.status == 200, label
        # The number of queries does not depend on the size of the province.
        assert r.queries == small[label].queries, label
        # Loose, since the machine is shared: the page costs a bounded multiple of the SQL computing its figures
        # (docs/scale.md has the measured ratios, 4-140× under load; the 4× is not reached yet), and that
        # multiple does not grow by more than 4× with 16 times the offices (reading every item would).
        assert r.ratio < 1500, (label, r.ratio)
        assert r.ratio < 4 * max(small[label].ratio, 1), (label, r.ratio, small[label].ratio)
    throughput = ratios.measure_checkins(ratios.context(), posts=10)
    assert throughput.ratio > 0.05
    assert CheckIn.objects.aggregate(m=Max("id"))["m"]
