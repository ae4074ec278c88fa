"""generate_province builds what its preset says, a second run adds nothing, and (on PostgreSQL) the pages read the
same number of queries at two sizes and stay within a bound, per page, of the hand-written SQL computing their
figures, measured in CPU time so that the bound holds on a loaded machine."""

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
    small = {r.label: r for r in ratios.measure_pages(ratios.context(), repeat=1)}
    small_ratios = ratios.page_ratios(ratios.context(), rounds=ROUNDS)
    started = time.perf_counter()
    call_command("generate_province", preset="district", verbosity=0)
    built = time.perf_counter() - started
    assert built < 180, f"the district preset took {built:.0f} s"
    assert _counts()["branches"] == scale.PRESETS["district"].total_branches
    context = ratios.context()
    large = {r.label: r for r in ratios.measure_pages(context, repeat=1)}
    assert set(large) == set(small)
    large_ratios = ratios.page_ratios(context, rounds=ROUNDS)
    assert set(large_ratios) == set(MAX_RATIO)
    measured = {
        label: f"{t.ratio:.1f}× = {t.page_ms:.1f}/{t.sql_ms:.2f} ms {t.clock}; office preset "
        f"{small_ratios[label].ratio:.1f}× = {small_ratios[label].page_ms:.1f}/{small_ratios[label].sql_ms:.2f}"
        for label, t in large_ratios.items()
    }
    print("ratios at the district preset:", measured)  # shown with -s
    for label, r in large.items():
        assert r.status == 200, label
        # The number of queries does not depend on the size of the province.
        assert r.queries == small[label].queries, label
        # The summaries read cold (every office's cached figures dropped first) are measured by measure_pages only.
        if label not in large_ratios:
            continue
        ratio, small_ratio = large_ratios[label].ratio, small_ratios[label].ratio
        # The multiple of the SQL does not grow with 16 times the offices (reading every item would make it).
        assert ratio < GROWTH * max(small_ratio, 1), (label, measured)
        # Each page costs a bounded multiple of the SQL computing its figures (MAX_RATIO, below). Timed by the wall
        # clock (a database on another machine), the ratio moves with the load, and only a far looser bound holds.
        slack = 1 if large_ratios[label].clock == "cpu" else WALL_SLACK
        assert ratio < MAX_RATIO[label] * slack, (label, measured)
    # After a check-in the panels of the other apps are read from the cache: fewer queries than cold.
    for page in ("office overview", "branch page"):
        assert large[f"{page} (after a check-in)"].queries < large[f"{page} (cold)"].queries, page
    throughput = ratios.measure_checkins(ratios.context(), posts=10)
    assert throughput.ratio > 0.05
    assert CheckIn.objects.aggregate(m=Max("id"))["m"]


# Page/SQL, each the least CPU time (this thread + the PostgreSQL backend) of ROUNDS alternating runs
# (ratios.least_times; wall time where the database is not on this machine). Unlike wall times, CPU times do not
# stretch when other jobs take the cores: in this test on this 2-core machine they moved by at most a third between
# a load average of 5 and 15 (docs/scale.md, "Ratios in CI"), where least wall ratios moved up to nine-fold and the
# bound on them had to be 1,500×. Each bound is about 1.5× the highest ratio seen in more than a dozen runs of this
# test, five of them at a load average of 10–15 (one of those on a fresh test database, as CI creates, which gave the
# highest ratios), so that a page doing half as much work again fails. The office pages' bounds were lowered on
# 30 November 2026 when their rows came to be read as values and written without a template per row or option:
# each is about 1.5× the highest expected from the earlier runs scaled by what the cut saved (measured once more
# under a load of three test suites: overview 8.2, progress table 6.0, dashboard 1.7, branch page 9.2, public board
# 3.8). Later that day the office pages' parts are kept in the cache under the office's figures version
# (org.figures): read again, a page costs the signed-in floor (~5 ms of CPU quiet: session, account and roles, the
# base template) and a few reads, about 2× its SQL (3–4 ms); each is also measured cold, right after a change in
# the office, when its figures and its parts are computed afresh (ratios.COLD_PAGES). The dashboard (its SQL computes
# the trend) and the summaries, read from the per-office cache, are held within 4×, and the API's check-ins across
# a district within 5× (3.2× measured under load). On 30 November (later) PostgreSQL came to prepare a statement a
# connection runs often (settings: DB_PREPARE_THRESHOLD), the hand-written SQL as well as the pages' queries: the SQL
# each page is compared with took 2–3× less CPU (no planning of its large CTEs; 3–4 ms where it took 8–11) while the
# pages, whose time is mostly Python, took 10–35 % less; the ratios rose by as much, and the office pages' bounds with
# them, to about 1.8× the highest of four runs on a fresh test database at a load average of 1–3.6 (the earlier runs
# put a load of 15 at most a third above that).
MAX_RATIO = {
    # Read again (warm): the page's parts kept in the cache under the office's figures version (org.figures).
    "office overview": 8,  # measured 11.6–15.7, then 8.2 with its figures cached; 1.8–3.8; against prepared SQL 4.1–4.6
    "progress table": 8,  # 10.1–13.1, then 6.0; 2.2–3.9; 4.2–4.7
    "branch page": 12,  # 15.7–21.0, then 9.2; 1.7–4.3; 4.0–6.8
    "public board": 3,  # 7.4–9.9, then 3.8; 0.6–1.0; 1.1–1.3
    # Right after a change in the office (its version moved on): the figures and the page computed afresh.
    "office overview (cold)": 36,  # 9.7 at a load average of 7; against prepared SQL 18.8–20.6
    "progress table (cold)": 22,  # 10.0; 10.2–12.2
    "branch page (cold)": 60,  # 9.1; 27.0–33.3
    "public board (cold)": 18,  # 5.0–7.3; 6.2–10.1
    # Right after a check-in in the office: the check-in list's panels computed afresh, the rest of the page's
    # parts read from the cache (org.figures.OfficePanels). Benchmark at a load average of 3.3–4.7: 4.4–5.3 and
    # 5.7–6.4; this test on a fresh database, before the page's parts took slots (each app's panels kept): 14.0 and
    # 11.7. Kept cheaper than cold by the queries too (below).
    "office overview (after a check-in)": 14,
    "branch page (after a check-in)": 16,
    "dashboard": 4,  # 5.9–9.0, then 1.7; 1.2–1.7; 1.7–2.0
    "district summary": 4,  # 1.5–2.7; 1.2–2.1
    "city summary": 4,  # 1.3–2.3; 1.1–1.5
    "province summary": 4,  # 1.3–2.3; 1.3–1.6
    # Read again: a plain page kept in the cache under the versions of the offices in scope. Below what the lists
    # cost read afresh, so that a list no longer kept fails.
    "API branches (district)": 6,  # 2.3 (its SQL: 1.6–2.4 ms of CPU); read afresh 12.4–15.9; 2.7–3.4
    "API check-ins (office)": 4,  # 1.0; read afresh 5.2–8.9 (8.9 on a reused test database); 0.8–0.9
    "API check-ins (district)": 1,  # 0.2; read afresh 2.3–3.2; 0.1
    # Right after a change in an office of the scope: the page read afresh, and the versions read for its key.
    "API branches (district) (cold)": 24,  # 6.1; 6.8–7.8
    "API check-ins (office) (cold)": 12,  # 3.4; 3.0–3.3
    "API check-ins (district) (cold)": 5,  # 1.4; 1.3–1.4
}
# From the office preset (1 office, 20 branches) to the district (16 offices, 320 branches) a page's multiple of
# its SQL may not grow by more than this (measured: within 1.4× on a fresh test database; 2.5× for the dashboard on
# a reused one, whose dead rows its SQL walked at the office preset, docs/scale.md; a page reading every item of the
# district would grow about 16×).
GROWTH = 4
ROUNDS = 12
# Where the backend's CPU time cannot be read: least wall ratios moved up to nine-fold between a load average of 6
# and 12 (the progress table: 19–21× → 181×, docs/scale.md).
WALL_SLACK = 10
