"""The summaries across offices cache each office's figures (portal.summary_cache): after any change that moves a
figure — through the services or the API — the district, city and province summaries read next show it; a warm
summary reads no figure table and its query count does not grow with the offices; cached figures equal the figures
computed from the rows."""

import os
import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from wuxing.campaigns.models import Campaign
from wuxing.campaigns.services import (
    campaign_amend_result,
    campaign_create,
    campaign_record_result,
    campaign_set_quotas,
    campaign_set_status,
)
from wuxing.checklists import services as checklists
from wuxing.checklists.models import ChecklistItem
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AccountPolicy
from wuxing.core.roles import Role
from wuxing.liaison import services as liaison
from wuxing.liaison.choices import ActivityKind
from wuxing.org import services as org_services
from wuxing.org.choices import BranchKind, UnitLevel
from wuxing.org.models import OrgUnit, User
from wuxing.org.rules import unit_path
from wuxing.portal.summary import build_summary
from wuxing.standards.fileformat import standard_load
from wuxing.standards.models import Star
from wuxing.targets import services as targets
from wuxing.testing import clear_caches, make_user, users_for

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"
URL = "/api/v1/summary/"
FIGURE_TABLES = ("checklists_", "targets_", "liaison_", "campaigns_", "org_branch")


@pytest.fixture
def area(org):
    """Offices A (three branches) and B (two) of district T1 with running campaigns of this year: quotas, one item a
    branch (a1's checked in to 2 of 10), the 联系分包 taken in; users at the district, the city and the province."""
    year = timezone.localdate().year
    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    campaigns = {}
    for office in (org.office_a, org.office_b):
        campaign = campaign_create(actor=SYSTEM, office=office, year=year, standard=standard)
        campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")
        campaign_set_quotas(actor=SYSTEM, campaign=campaign, quotas={3: 1})
        liaison.campaign_assignments_sync(actor=SYSTEM, campaign=campaign)
        campaigns[office.pk] = campaign
    items = {}
    for code, branch in org.branches.items():
        items[code] = checklists.item_create(
            actor=SYSTEM,
            branch=branch,
            campaign=campaigns[branch.office_id],
            star=_stars(standard, branch)[0],
            title=f"事项{code}",
            target_value=10,
            start_value=0,
        )
    checklists.checkin_record(actor=SYSTEM, item=items["a1"], value=2)
    users = users_for(org)
    users.city = make_user("t-city", Role.OFFICE_LEADER, unit=org.city)
    users.province = make_user("t-province", Role.OFFICE_LEADER, unit=org.province)
    return SimpleNamespace(
        org=org,
        year=year,
        standard=standard,
        campaign_a=campaigns[org.office_a.pk],
        campaign_b=campaigns[org.office_b.pk],
        items=items,
        users=users,
    )


def _stars(standard, branch):
    return list(Star.objects.filter(standard=standard, star_set=branch.star_set).order_by("position"))


def _client(user):
    client = APIClient()
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def _read(area) -> dict:
    """The district's rows by office, the city's by district, the province's by city: each level's summary."""
    out = {}
    for name in ("district", "city", "province"):
        response = _client(getattr(area.users, name)).get(URL, {"year": area.year})
        assert response.status_code == 200, response.content
        out[name] = response.json()
    return out


# --- every kind of change the figures follow: (set-up before the summaries are read, the change) ------------------


def _five_kinds_but_one(area):
    row = liaison.campaign_assignment_create(
        actor=SYSTEM, campaign=area.campaign_b, branch=area.org.branches["b2"], department=area.org.dept_b1
    )
    kinds = list(ActivityKind)
    done = [
        liaison.activity_record(
            actor=SYSTEM, campaign_assignment=row, kind=k, held_on=timezone.localdate(), participants="张三"
        )
        for k in kinds[:-1]
    ]
    return SimpleNamespace(row=row, last=kinds[-1], done=done)


def _all_five_kinds(area):
    state = _five_kinds_but_one(area)
    state.done.append(
        liaison.activity_record(
            actor=SYSTEM,
            campaign_assignment=state.row,
            kind=state.last,
            held_on=timezone.localdate(),
            participants="张三",
        )
    )
    return state


def _one_of_five_deleted(area):
    state = _all_five_kinds(area)
    liaison.activity_delete(actor=SYSTEM, activity=state.done[-1], reason="记错了")
    return state.done[-1].pk


def _result(area):
    branch = area.org.branches["a2"]
    stars = _stars(area.standard, branch)[:2]
    campaign_record_result(
        actor=SYSTEM, campaign=area.campaign_a, branch=branch, level=2, stars=stars, rated_on=timezone.localdate()
    )
    return SimpleNamespace(branch=branch, stars=stars)


def _confirmed_target(area):
    branch = area.org.branches["a1"]
    return targets.target_record_past(
        actor=SYSTEM, campaign=area.campaign_a, branch=branch, stars=_stars(area.standard, branch)[:3], reason="往年"
    )


def _retired_item(area):
    return checklists.item_retire(actor=SYSTEM, item=area.items["a2"], reason="重复")


def _import_a_branch(area):
    """The organisation import adds a branch to office B (by its district leader, who uploaded the workbook)."""
    from wuxing.org import imports
    from wuxing.org.imports import SHEETS
    from wuxing.testing import organisation_rows, xlsx_of

    sheets = organisation_rows(district_code=area.org.district.code, offices=1, branches=1, departments=0, people=0)
    units, branches = (sheets[SHEETS[key][0][0]] for key in ("units", "branches"))
    office = area.org.office_b
    units[1] = [office.code, office.name, units[1][2], area.org.district.code]
    branches[1][0], branches[1][2] = f"{office.code}901", office.code
    user = area.users.district
    record, plan = imports.import_upload(actor=user, data=xlsx_of(sheets), name="org.xlsx")
    assert not plan.errors, plan.errors
    imports.import_apply(actor=user, record=record)


def _nothing(area):
    return None


CHANGES = {
    "check-in": (_nothing, lambda a, s: checklists.checkin_record(actor=SYSTEM, item=a.items["b1"], value=6)),
    "check-in correction": (
        lambda a: checklists.checkin_record(actor=SYSTEM, item=a.items["b1"], value=6),
        lambda a, s: checklists.checkin_record(actor=SYSTEM, item=a.items["b1"], value=3, corrects=s, reason="多记了"),
    ),
    "item added": (
        _nothing,
        lambda a, s: checklists.item_create(
            actor=SYSTEM,
            branch=a.org.branches["b2"],
            campaign=a.campaign_b,
            star=_stars(a.standard, a.org.branches["b2"])[0],
            title="新增",
            kind="yes_no",
            weight=3,
        ),
    ),
    "items generated": (
        _nothing,
        lambda a, s: checklists.items_generate(actor=SYSTEM, branch=a.org.branches["a3"], campaign=a.campaign_a),
    ),
    "item edited": (_nothing, lambda a, s: checklists.item_update(actor=SYSTEM, item=a.items["a1"], target_value=4)),
    "item retired": (_nothing, lambda a, s: _retired_item(a)),
    "item brought back": (_retired_item, lambda a, s: checklists.item_unretire(actor=SYSTEM, item=s)),
    "tolerance": (
        _nothing,
        lambda a, s: checklists.policy_set(actor=SYSTEM, office=a.org.office_a, behind_tolerance="1"),
    ),
    "target confirmed": (_nothing, lambda a, s: _confirmed_target(a)),
    "target sent back": (
        _confirmed_target,
        lambda a, s: targets.target_return(actor=SYSTEM, target=s, reason="重新申报"),
    ),
    "quotas": (_nothing, lambda a, s: campaign_set_quotas(actor=SYSTEM, campaign=a.campaign_b, quotas={3: 1, 4: 1})),
    "assignment taken in": (
        _nothing,
        lambda a, s: liaison.campaign_assignment_create(
            actor=SYSTEM, campaign=a.campaign_b, branch=a.org.branches["b2"], department=a.org.dept_b1
        ),
    ),
    "五个一 completed": (
        _five_kinds_but_one,
        lambda a, s: liaison.activity_record(
            actor=SYSTEM, campaign_assignment=s.row, kind=s.last, held_on=timezone.localdate(), participants="李四"
        ),
    ),
    "五个一 corrected": (
        _all_five_kinds,
        lambda a, s: liaison.activity_update(
            actor=SYSTEM, activity=s.done[-1], kind=s.done[0].kind, held_on=timezone.localdate(), participants="李四"
        ),
    ),
    "五个一 deleted": (
        _all_five_kinds,
        lambda a, s: liaison.activity_delete(actor=SYSTEM, activity=s.done[-1], reason="记错了"),
    ),
    "五个一 restored": (_one_of_five_deleted, lambda a, s: liaison.activity_restore(actor=SYSTEM, pk=s)),
    "rating result": (_nothing, lambda a, s: _result(a)),
    "result amended": (
        _result,
        lambda a, s: campaign_amend_result(
            actor=SYSTEM,
            campaign=a.campaign_a,
            branch=s.branch,
            level=1,
            stars=s.stars[:1],
            amended_on=timezone.localdate(),
            reason="摘星",
            source="withdrawal",
        ),
    ),
    "branch added": (
        _nothing,
        lambda a, s: org_services.branch_create(
            actor=SYSTEM, office=a.org.office_b, code="T-b3", name="乙三村", kind=BranchKind.RURAL_VILLAGE
        ),
    ),
    "branch retired": (
        _nothing,
        lambda a, s: org_services.branch_set_retired(actor=SYSTEM, branch=a.org.branches["b2"], retired=True),
    ),
    "branch imported": (_nothing, lambda a, s: _import_a_branch(a)),
    "branch moved": (
        _nothing,
        lambda a, s: org_services.branch_move(actor=SYSTEM, branch=a.org.branches["a3"], office=a.org.office_b),
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_change_shows_in_the_next_summary_at_every_level(area, change):
    prepare, act = CHANGES[change]
    state = prepare(area)
    before = _read(area)
    assert _read(area) == before  # read again: from the cache
    act(area, state)
    after = _read(area)
    clear_caches()
    assert after == _read(area)  # what the rows say now, computed afresh
    assert after != before, f"{change} changed no figure of the summary"


def test_a_checkin_through_the_api_shows_in_the_next_summary_and_page(area, client):
    before = _read(area)
    leader = _client(area.users.leader)
    response = leader.post("/api/v1/checkins/", {"item": area.items["a2"].pk, "value": "8"}, format="json")
    assert response.status_code == 201, response.content
    after = _read(area)
    rows = {r["unit"]: r for r in after["district"]["rows"]}
    old = {r["unit"]: r for r in before["district"]["rows"]}
    assert rows["T41010101"]["progress"] > old["T41010101"]["progress"]
    assert rows["T41010102"] == old["T41010102"]
    for level in ("city", "province"):
        assert after[level]["total"]["progress"] == after["district"]["total"]["progress"]
        assert after[level]["total"]["progress"] != before[level]["total"]["progress"]
    # The page reads the same cache.
    client.force_login(area.users.district)
    page = client.get(reverse("portal:summary"), {"year": area.year}).content.decode()
    shown = f"{round(rows['T41010101']['progress'] * 100)}%"
    assert shown in page


def test_cached_figures_equal_the_figures_computed_from_the_rows(area):
    offices = OrgUnit.objects.filter(level=UnitLevel.OFFICE, path__startswith=area.org.district.path)
    for level in (UnitLevel.OFFICE, UnitLevel.DISTRICT, UnitLevel.CITY):
        cold = build_summary(offices=offices, level=level, year=area.year)
        warm = build_summary(offices=offices, level=level, year=area.year)
        fresh = build_summary(offices=offices, level=level, year=area.year, cached=False)
        for summary in (cold, warm):
            assert [r.as_api() for r in summary.rows] == [r.as_api() for r in fresh.rows]
            assert summary.total.as_api() == fresh.total.as_api()
            assert [r.quota_levels for r in summary.rows] == [r.quota_levels for r in fresh.rows]


def test_an_entry_is_for_one_day(area):
    """Expected progress moves with the date: a summary of another day is computed for that day."""
    offices = OrgUnit.objects.filter(level=UnitLevel.OFFICE, path__startswith=area.org.district.path)
    year = area.year
    early, late = date(year, 1, 10), date(year, 12, 31)
    for day in (early, late, early, late):
        cached = build_summary(offices=offices, level=UnitLevel.OFFICE, year=year, today=day)
        fresh = build_summary(offices=offices, level=UnitLevel.OFFICE, year=year, today=day, cached=False)
        assert cached.total.as_api() == fresh.total.as_api()
    assert (
        build_summary(offices=offices, level=UnitLevel.OFFICE, year=year, today=early).total.behind
        < build_summary(offices=offices, level=UnitLevel.OFFICE, year=year, today=late).total.behind
    )


def _add_offices(area, n):
    """n more offices in district T1, each with a campaign, a branch and an item (written directly: the new offices
    have no cached figures, and the others' figures do not change)."""
    from wuxing.org.models import Branch

    district = area.org.district
    for i in range(n):
        code = f"{district.code}9{i}"
        office = OrgUnit.objects.create(
            code=code, name=f"加{i}街道", level=UnitLevel.OFFICE, parent=district, path=unit_path(district.path, code)
        )
        branch = Branch.objects.create(office=office, code=f"{code}001", name=f"加{i}村", kind=BranchKind.RURAL_VILLAGE)
        campaign = Campaign.objects.create(
            office=office, year=area.year, name="加", standard=area.standard, status="running"
        )
        ChecklistItem.objects.create(
            campaign=campaign,
            branch=branch,
            star=_stars(area.standard, branch)[0],
            title="加",
            target_value=10,
            start_date=date(area.year, 1, 1),
            due_date=date(area.year, 12, 31),
        )


def _queries(user, year) -> list[str]:
    client = _client(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, {"year": year, "level": "office"}).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


# The API's summary of a district user: the scope and the org rows (with the versions), then one query per kind
# of figure when the figures are computed (campaigns with their quotas, progress, targets, 五个一, results,
# branches); none of those when they come from the cache.
COLD_QUERIES = 9
WARM_QUERIES = 3


def test_a_warm_summary_reads_no_figures_and_its_queries_do_not_grow_with_the_offices(area):
    user = area.users.district
    counts = []
    for offices in (2, 8):
        if offices == 8:
            _add_offices(area, 6)
        clear_caches()
        cold, warm = _queries(user, area.year), _queries(user, area.year)
        counts.append((len(cold), len(warm)))
        assert not [q for q in warm if any(t in q for t in FIGURE_TABLES)], warm
        assert len(_client(user).get(URL, {"year": area.year, "level": "office"}).json()["rows"]) == offices
    assert counts == [(COLD_QUERIES, WARM_QUERIES)] * 2, counts


def test_the_page_too_runs_fewer_queries_warm_and_the_same_number_at_two_sizes(area, client):
    client.force_login(area.users.district)
    url = reverse("portal:summary")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"year": area.year}).status_code == 200
        return len(captured)

    sizes = []
    for extra in (0, 6):
        _add_offices(area, extra)
        count()  # the session and the content types read once
        clear_caches()
        AccountPolicy.current()  # cached with the figures: read back, so that the difference is the figures'
        sizes.append((count(), count()))
    (cold_small, warm_small), (cold_large, warm_large) = sizes
    assert warm_small < cold_small
    assert (cold_small, warm_small) == (cold_large, warm_large)
    assert cold_small - warm_small == COLD_QUERIES - WARM_QUERIES


def test_the_version_moves_with_the_transaction_only(area):
    """A change rolled back leaves the version (and the cached figures) as they were."""
    from django.db import transaction

    from wuxing.org.models import FiguresVersion

    def version():
        row = FiguresVersion.objects.filter(office=area.org.office_a).first()
        return row.version if row else 0

    start = version()
    checklists.checkin_record(actor=SYSTEM, item=area.items["a1"], value=3)
    assert version() == start + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        checklists.checkin_record(actor=SYSTEM, item=area.items["a1"], value=4)
        raise RuntimeError
    assert version() == start + 1
    assert FiguresVersion.objects.filter(office=area.org.office_b).first().version >= 1


def _redis_url() -> str | None:
    url = os.environ.get("WUXING_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 (any failure means: no Redis here)
        if os.environ.get("WUXING_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required (WUXING_REQUIRE_REDIS=1) but {url} does not answer")
        pytest.skip(f"no Redis at {url}")
    return url


def test_with_redis_a_checkin_shows_in_the_next_summary(area):
    url = _redis_url()
    prefix = f"wuxing-test-{uuid.uuid4().hex[:12]}"
    redis_cache = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    with override_settings(CACHES=redis_cache):
        try:
            assert hasattr(cache, "delete_pattern"), "the cache is django-redis's"
            before = _read(area)
            assert _read(area) == before
            assert cache.keys("summary:*"), "the figures are cached in Redis"
            checklists.checkin_record(actor=SYSTEM, item=area.items["b2"], value=9)
            after = _read(area)
            assert after != before
            cache.delete_pattern("summary:*")
            assert after == _read(area)
        finally:
            cache.delete_pattern("*")
