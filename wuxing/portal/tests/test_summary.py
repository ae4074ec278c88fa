"""Across offices: a district (city, province) user's summary of its offices — scope, figures equal to the sums
computed directly from each office's own pages' reads, a query count that does not grow with the offices, the
Excel export and the API."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wuxing.campaigns.models import Campaign, Quota
from wuxing.checklists.models import ChecklistItem
from wuxing.checklists.rules import office_progress
from wuxing.checklists.selectors import branches_of, progress_rows
from wuxing.core.roles import Role
from wuxing.liaison.selectors import five_ones_by_responsible
from wuxing.org.choices import BranchKind, UnitLevel
from wuxing.org.demo import NEIGHBOUR_CODES, OFFICE_CODE
from wuxing.org.models import Branch, OrgUnit, User
from wuxing.org.rules import unit_path
from wuxing.portal.summary import summary_for
from wuxing.standards.models import Star
from wuxing.targets.choices import TargetStatus
from wuxing.targets.models import Target
from wuxing.testing import clear_caches, make_user

OFFICES = {OFFICE_CODE, *NEIGHBOUR_CODES}
YEAR = 2026


@pytest.fixture
def district_user(demo_office):
    return User.objects.get(username="demo-district")


def test_an_office_user_cannot_open_the_summary(client, api_client, demo_office):
    leader = User.objects.get(username="demo-leader")
    client.force_login(leader)
    assert client.get(reverse("portal:summary")).status_code == 403
    api_client.force_authenticate(leader)
    assert api_client.get("/api/v1/summary/?level=office").status_code == 403
    secretary = User.objects.get(username="demo-secretary")
    client.force_login(secretary)
    assert client.get(reverse("portal:summary")).status_code == 403


def test_a_district_user_sees_exactly_its_offices(client, district_user):
    # An office of another district, with a campaign, must not appear.
    city = district_user.cached_role_assignments()[0].unit.parent
    other = OrgUnit.objects.create(
        code="410188", name="别区", level=UnitLevel.DISTRICT, parent=city, path=unit_path(city.path, "410188")
    )
    OrgUnit.objects.create(
        code="41018801", name="别街道", level=UnitLevel.OFFICE, parent=other, path=unit_path(other.path, "41018801")
    )
    data = summary_for(user=district_user, year=YEAR)
    assert data.level == UnitLevel.OFFICE
    assert {r.unit.code for r in data.rows} == OFFICES
    client.force_login(district_user)
    page = client.get(reverse("portal:summary"), {"year": YEAR}).content.decode()
    for office in OrgUnit.objects.filter(code__in=OFFICES):
        assert office.name in page
    assert "别街道" not in page


def _direct(district, year):
    """The figures as each office's own pages compute them, summed here without the summary's code."""
    campaigns = Campaign.objects.filter(office__parent=district, year=year)
    out = {"quotas": Quota.objects.filter(campaign__in=campaigns).aggregate(n=Sum("count"))["n"]}
    out["agreed"] = Target.objects.filter(
        campaign__in=campaigns, status__in=[TargetStatus.AGREED, TargetStatus.CONFIRMED]
    ).count()
    out["confirmed"] = Target.objects.filter(campaign__in=campaigns, status=TargetStatus.CONFIRMED).count()
    behind = overdue = complete = assignments = 0
    pairs = []
    for campaign in campaigns:
        rows = progress_rows(campaign=campaign, branches=branches_of(campaign))
        behind += sum(r.progress.behind for r in rows)
        overdue += sum(r.progress.overdue for r in rows)
        office = office_progress([(r.progress.overall, r.weight) for r in rows])
        pairs.append((office, sum(r.weight for r in rows if r.progress.overall is not None)))
        for row in five_ones_by_responsible(campaign=campaign):
            complete += row["complete"]
            assignments += row["assignments"]
    out.update(behind=behind, overdue=overdue, five=(complete, assignments), progress=office_progress(pairs))
    return out


def test_the_figures_equal_the_sums_computed_directly(district_user, api_client):
    district = OrgUnit.objects.get(code=OFFICE_CODE).parent
    direct = _direct(district, YEAR)
    data = summary_for(user=district_user, year=YEAR)
    total = data.total
    assert total.quotas == direct["quotas"] == sum(r.quotas for r in data.rows)
    assert (total.targets_agreed, total.targets_confirmed) == (direct["agreed"], direct["confirmed"])
    assert (total.behind, total.overdue) == (direct["behind"], direct["overdue"])
    assert (total.five_ones_complete, total.five_ones_total) == direct["five"]
    assert total.progress == pytest.approx(direct["progress"])
    assert total.behind > 0 and total.quotas > 0  # the demo gives the comparison something to compare
    # One row per office holds that office's own figures: the demo office's progress is its dashboard's.
    demo = next(r for r in data.rows if r.unit.code == OFFICE_CODE)
    campaign = Campaign.objects.get(office__code=OFFICE_CODE, year=YEAR)
    rows = progress_rows(campaign=campaign, branches=branches_of(campaign))
    assert demo.progress == pytest.approx(office_progress([(r.progress.overall, r.weight) for r in rows]))
    # The neighbours: one ahead of the demo office, one behind it.
    ahead, behind = (next(r for r in data.rows if r.unit.code == c) for c in NEIGHBOUR_CODES)
    assert ahead.progress > demo.progress > behind.progress
    # The API gives the same rows.
    api_client.force_authenticate(district_user)
    body = api_client.get("/api/v1/summary/", {"level": "office", "year": YEAR}).json()
    assert {r["unit"] for r in body["rows"]} == OFFICES
    assert sum(r["behind"] for r in body["rows"]) == direct["behind"]
    assert set(body["rows"][0]) >= {
        "unit",
        "quotas",
        "targets_agreed",
        "targets_confirmed",
        "progress",
        "behind",
        "overdue",
        "five_ones_complete",
    }
    district_rows = api_client.get("/api/v1/summary/", {"level": "district", "year": YEAR}).json()["rows"]
    assert [r["unit"] for r in district_rows] == [district.code]
    assert district_rows[0]["behind"] == direct["behind"]
    # A district user sees no city row: the city holds offices it does not see.
    assert api_client.get("/api/v1/summary/", {"level": "city"}).status_code == 400
    assert api_client.get("/api/v1/summary/", {"level": "street"}).status_code == 400


def test_a_city_user_sees_districts_and_drills_down_to_offices(client, demo_office):
    city = demo_office.parent.parent
    user = make_user("city-staff", Role.CAMPAIGN_STAFF, unit=city)
    data = summary_for(user=user, year=YEAR)
    assert data.level == UnitLevel.DISTRICT
    assert [r.unit for r in data.rows] == [demo_office.parent]
    assert data.rows[0].offices == 3
    client.force_login(user)
    page = client.get(reverse("portal:summary"), {"year": YEAR}).content.decode()
    drill = f"{reverse('portal:summary')}?unit={demo_office.parent.pk}&amp;year={YEAR}"
    assert drill in page
    offices = client.get(reverse("portal:summary"), {"unit": demo_office.parent.pk, "year": YEAR}).content.decode()
    assert f"{reverse('portal:screen')}?unit={demo_office.pk}" in offices


def _add_offices(district, n, standard):
    star = Star.objects.filter(standard=standard).order_by("pk").first()
    today = timezone.localdate()
    for i in range(n):
        code = f"{district.code}8{i:01d}"
        office = OrgUnit.objects.create(
            code=code, name=f"加{i}街道", level=UnitLevel.OFFICE, parent=district, path=unit_path(district.path, code)
        )
        branch = Branch.objects.create(office=office, code=f"{code}001", name=f"加{i}村", kind=BranchKind.RURAL_VILLAGE)
        campaign = Campaign.objects.create(office=office, year=YEAR, name="加", standard=standard, status="running")
        Quota.objects.create(campaign=campaign, level=3, count=1)
        ChecklistItem.objects.create(
            campaign=campaign,
            branch=branch,
            star=star,
            title="加",
            target_value=Decimal("10"),
            start_date=date(YEAR, 1, 1),
            due_date=today,
        )


def test_query_count_does_not_grow_with_the_offices(client, district_user):
    """Cold (each office's figures computed: one query per kind for all of them) and warm (from the cache,
    portal.summary_cache), the same numbers at three offices and at nine."""
    client.force_login(district_user)
    url = reverse("portal:summary")

    def read():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"year": YEAR})
        assert response.status_code == 200
        return response, captured

    client.get(url, {"year": YEAR})
    clear_caches()
    client.force_login(district_user)
    _response, cold_small = read()
    _response, small = read()
    district = OrgUnit.objects.get(code=OFFICE_CODE).parent
    standard = Campaign.objects.get(office__code=OFFICE_CODE, year=YEAR).standard
    _add_offices(district, 6, standard)
    clear_caches()
    client.force_login(district_user)
    _response, cold_large = read()
    response, large = read()
    assert response.content.decode().count('<tr data-unit="') == 9
    # Cold includes the account policy (the cache was cleared); warm, neither it nor a session write (the idle
    # rule's stamp is less than a minute old).
    assert len(cold_large) == len(cold_small) == 11, [q["sql"][:120] for q in cold_large.captured_queries]
    assert len(large) == len(small) == 4, [q["sql"][:120] for q in large.captured_queries]
    with CaptureQueriesContext(connection) as api:
        from rest_framework.test import APIClient

        api_client = APIClient()
        api_client.force_authenticate(district_user)
        assert len(api_client.get("/api/v1/summary/", {"year": YEAR}).json()["rows"]) == 9
    assert len(api) <= len(small)


def test_the_summary_exports_to_excel_with_a_total(client, district_user):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(district_user)
    response = client.get(reverse("portal:summary"), {"year": YEAR, "export": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 + 1  # header, three offices, the total
    assert rows[-1][0] == "合计" or rows[-1][0] == "Total"
    assert rows[-1][8] == sum(r[8] for r in rows[1:-1])  # items overdue


def test_the_demo_neighbours_differ_in_the_right_direction(district_user):
    """The demo's 青峰街道 runs ahead and 白沙镇 behind: both have targets, check-ins and 五个一 on record (no
    column of theirs is empty), and every figure points the same way."""
    rows = {r.unit.code: r for r in summary_for(user=district_user, year=YEAR).rows}
    ahead, behind = rows[NEIGHBOUR_CODES[0]], rows[NEIGHBOUR_CODES[1]]
    assert (ahead.unit.name, behind.unit.name) == ("青峰街道办事处", "白沙镇")
    for row in (ahead, behind):
        assert row.targets_agreed > 0 and row.five_ones_complete > 0 and row.progress > 0
    assert (ahead.targets_agreed, ahead.targets_confirmed) == (6, 6)  # every target agreed and confirmed
    assert (behind.targets_agreed, behind.targets_confirmed) == (3, 0)  # two still submitted: none confirmed yet
    assert ahead.progress > 0.9 > 0.3 > behind.progress
    assert ahead.five_ones_share == 1 and behind.five_ones_share < 0.5
    assert ahead.behind + ahead.overdue < behind.behind + behind.overdue
    assert ahead.behind / ahead.branches < behind.behind / behind.branches
