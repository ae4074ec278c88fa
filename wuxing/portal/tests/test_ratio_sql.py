"""The hand-written SQL that `benchmark --ratios` times each office page against computes the same figures as the
page: per branch progress, ranks and counts, the office's figures, targets and quotas, 五个一, supervision, the
dashboard's flagged items and trend, and the branch page's progress (PostgreSQL, the `office` preset).

Some data are changed first so that the figures are not all alike: a branch retires an item, a check-in is
corrected (R11), a target goes back to draft, one is agreed but not yet confirmed, and the office has a tolerance
of its own."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from wuxing.checklists import rules, selectors
from wuxing.checklists.models import CheckIn, ChecklistItem, ProgressPolicy
from wuxing.liaison import selectors as liaison_selectors
from wuxing.liaison.rules import FIVE_KINDS
from wuxing.org.models import Branch
from wuxing.portal import ratios
from wuxing.supervision import selectors as supervision_selectors
from wuxing.targets.models import Target
from wuxing.targets.selectors import target_board

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written SQL is PostgreSQL's"),
]

CLOSE = 1e-9


@pytest.fixture
def province():
    call_command("generate_province", preset="office", verbosity=0)
    context = ratios.context()
    campaign, office = context["campaign"], context["office"]
    branches = list(Branch.objects.filter(office=office).order_by("sort_order", "code"))
    # An item retired (no longer counted), a check-in corrected (the correction's figure counts from its day on).
    retired = ChecklistItem.objects.filter(campaign=campaign, branch=branches[1]).order_by("id").first()
    retired.retired_at = retired.created_at
    retired.save(update_fields=["retired_at"])
    checkin = (
        CheckIn.objects.filter(item__campaign=campaign, item__branch=branches[2], item__kind="quantitative")
        .order_by("effective_on", "id")
        .first()
    )
    CheckIn.objects.create(
        item=checkin.item,
        value=(checkin.value or Decimal("0")) + Decimal("3"),
        effective_on=checkin.effective_on,
        corrects=checkin,
        reason="录入有误",
        recorded_by_name="测试",
    )
    # Targets in other states than confirmed.
    Target.objects.filter(campaign=campaign, branch=branches[3]).update(status="draft")
    Target.objects.filter(campaign=campaign, branch=branches[4]).update(status="agreed")
    ProgressPolicy.objects.update_or_create(office=office, defaults={"behind_tolerance": Decimal("0.05")})
    return ratios.context()


def _params(context, key):
    return next(params for _label, _url, _user, k, params in ratios.cases(context) if k == key)


def _rows(sql, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < CLOSE


def test_progress_table_and_board_rows_equal_the_selectors(province):
    context, user = province, province["users"]["office"]
    params = _params(context, "progress")
    expected = selectors.progress_table(user=user, campaign=context["campaign"])
    for key in ("progress", "board"):
        got = _rows(ratios.SQL[key][1], params)
        assert [r["id"] for r in got] == [row.branch.pk for row in expected]
        for sql_row, row in zip(got, expected, strict=True):
            p = row.progress
            assert _close(sql_row["overall"], p.overall), row.branch.name
            assert _close(sql_row["expected"], p.expected), row.branch.name
            assert (sql_row["items"], sql_row["done"], sql_row["behind"], sql_row["overdue"]) == (
                p.items,
                p.done,
                p.behind,
                p.overdue,
            ), row.branch.name
            assert sql_row["rank"] == row.rank, row.branch.name
            assert sql_row["target_level"] == row.target_level, row.branch.name
            assert [code for code, _name, _v in sql_row["stars"]] == [s.code for s, _v in row.stars]
            for (_code, _name, value), (_star, figure) in zip(sql_row["stars"], row.stars, strict=True):
                assert _close(value, figure), row.branch.name
            assert (sql_row["secretary"] or "") == row.secretary
            assert (sql_row["leaders"] or "", sql_row["departments"] or "") == (row.leaders, row.departments)
    # The figures differ between branches (the check is not of constants), and the tolerance is the office's.
    assert len({round(r.progress.overall or 0, 6) for r in expected}) > 3
    campaign_row = _rows(ratios.PROGRESS_SQL["campaign"], params)[0]
    assert float(campaign_row["tolerance"]) == selectors.tolerance_for(context["office"].pk) == 0.05


def test_office_overview_figures_equal_the_panels(province):
    context, user, campaign = province, province["users"]["office"], province["campaign"]
    params = _params(context, "office")
    rows = _rows(ratios.OFFICE_SQL["branches"], params)
    progress = {r.branch.pk: r for r in selectors.progress_table(user=user, campaign=campaign)}
    assert [r["id"] for r in rows] == list(progress)
    for r in rows:
        expected = progress[r["id"]]
        assert _close(r["overall"], expected.progress.overall)
        assert (r["behind"], r["overdue"], r["rank"]) == (
            expected.progress.behind,
            expected.progress.overdue,
            expected.rank,
        )
    office_overall = rules.office_progress([(r.progress.overall, r.weight) for r in progress.values()])
    assert _close(rows[0]["office_overall"], office_overall)
    assert rows[0]["office_behind"] == sum(r.progress.behind for r in progress.values())
    assert rows[0]["office_overdue"] == sum(r.progress.overdue for r in progress.values())
    branches = Branch.objects.filter(office=context["office"], retired_at__isnull=True)
    assert rows[0]["branches"] == branches.count()
    for r in rows:
        assert r["of_kind"] == branches.filter(kind=r["kind"]).count()

    # The targets panel: each branch's target and the quota table.
    board = target_board(user=user, campaign=campaign, branches=list(branches.order_by("sort_order", "code")))
    by_branch = {r["id"]: r for r in rows}
    for branch, target in board.rows:
        got = by_branch[branch.pk]
        assert (got["target_id"], got["level"], got["status"]) == (
            (target.pk, target.level, target.status) if target else (None, None, None)
        )
        if target:
            assert got["star_names"] == "、".join(s.name for s in target.stars.all())
    quotas = [
        (r["level"], r["quota"], r["applied"], r["agreed"], r["confirmed"])
        for r in _rows(ratios.OFFICE_SQL["campaign"], params)
    ]
    assert quotas == [(q.level, q.quota, q.applied, q.agreed, q.confirmed) for q in board.quotas]
    assert any(q[2] != q[4] for q in quotas)  # a draft and an agreed target make the columns differ

    # 五个一 and supervision.
    panels = _rows(ratios.OFFICE_SQL["panels"], params)[0]
    five = liaison_selectors.overview_context(user=user, campaign=campaign)
    assert (panels["total"], panels["complete"]) == (five["total"], five["complete"])
    assert [panels[f"no_{kind}"] for kind in FIVE_KINDS] == [n for _label, n in five["missing_by_kind"]]
    assert five["total"] and any(n for _label, n in five["missing_by_kind"])
    counts = supervision_selectors.overview_counts(user=user, campaign=campaign)
    assert (panels["rectifications"], panels["open"], panels["overdue"], panels["verified"]) == (
        counts["total"],
        counts["open"],
        counts["overdue"],
        counts["verified"],
    )
    assert panels["pending_reports"] == counts["pending_reports"]


def test_dashboard_flagged_items_totals_and_trend_equal_the_page(province):
    context, user, campaign = province, province["users"]["office"], province["campaign"]
    params = _params(context, "dashboard")
    branches, rows, flagged = selectors.flagged_items(user=user, campaign=campaign)
    got = _rows(ratios.DASHBOARD_SQL["flagged"], params)
    assert [(r["id"], r["overdue"]) for r in got] == [(row.item.pk, row.status.overdue) for _b, row in flagged]
    assert any(r["overdue"] for r in got) and not all(r["overdue"] for r in got)
    for r, (_branch, row) in zip(got, flagged, strict=True):
        assert _close(r["p"], row.status.progress) and _close(r["e"], row.status.expected)
    table = _rows(ratios.DASHBOARD_SQL["rows"], params)
    first = table[0]
    assert _close(first["office_overall"], rules.office_progress([(r.progress.overall, r.weight) for r in rows]))
    for name in ("items", "done", "behind", "overdue"):
        assert first[f"total_{name}"] == sum(getattr(r.progress, name) for r in rows)
    by_star: dict[str, list] = {}
    for row in rows:
        for star, value in row.stars:
            if value is not None:
                by_star.setdefault(star.name, []).append(value)
    assert set(first["star_means"]) == set(by_star)
    for name, values in by_star.items():
        assert _close(first["star_means"][name], sum(values) / len(values))
    trend = selectors.office_trend(campaign=campaign, branches=branches)
    got_trend = _rows(ratios.DASHBOARD_SQL["trend"], params)
    assert [r["day"].isoformat() for r in got_trend] == trend["dates"]
    assert [None if r["value"] is None else float(r["value"]) for r in got_trend] == trend["values"]
    assert len(set(trend["values"])) > 3


def test_trend_follows_corrections_and_month_ends(province):
    """R11 on the trend: a correction replaces the figure it corrects from the corrected day on; each month end
    reads the latest live figure on or before it (the SQL buckets check-ins by month and carries them forward)."""
    context, user, campaign = province, province["users"]["office"], province["campaign"]
    item = ChecklistItem.objects.filter(campaign=campaign, kind="quantitative", retired_at__isnull=True).first()
    start = date(campaign.year, 1, 1)
    first = CheckIn.objects.create(item=item, value=Decimal("1"), effective_on=start, recorded_by_name="测试")
    CheckIn.objects.create(
        item=item, value=Decimal("9"), effective_on=start, corrects=first, reason="更正", recorded_by_name="测试"
    )
    CheckIn.objects.create(
        item=item, value=Decimal("2"), effective_on=start + timedelta(days=40), recorded_by_name="测试"
    )
    params = _params(context, "dashboard")
    branches = list(selectors.branches_of(campaign, Branch.objects.restrict(user, "view")))
    trend = selectors.office_trend(campaign=campaign, branches=branches)
    got = _rows(ratios.DASHBOARD_SQL["trend"], params)
    assert [None if r["value"] is None else float(r["value"]) for r in got] == trend["values"]


def test_branch_page_progress_equals_the_panel(province):
    context, campaign, branch = province, province["campaign"], province["branch"]
    params = _params(context, "branch")
    got = _rows(ratios.BRANCH_SQL["progress"], params)[0]
    progress = selectors.branch_progress(branch=branch, campaign=campaign)
    assert _close(got["overall"], progress.overall) and _close(got["expected"], progress.expected)
    assert got["counts"] == [progress.items, progress.done, progress.behind, progress.overdue]
    # The panel's stars are the target's (a set) and those with items; the SQL lists them in star order.
    assert sorted(code for code, _name, _v in got["by_star"]) == sorted(progress.by_star)
    for code, _name, value in got["by_star"]:
        assert _close(value, progress.by_star[code])
    target = Target.objects.get(campaign=campaign, branch=branch)
    assert (got["target_id"], got["level"], got["status"]) == (target.pk, target.level, target.status)
    five = liaison_selectors.branch_panel_context(user=context["users"]["office"], branch=branch, campaign=campaign)
    assignments = [r for r in _rows(ratios.BRANCH_SQL["liaison"], params) if r["row"] == "assignment"]
    assert len(assignments) == len(five["rows"])


@pytest.mark.parametrize(
    ("label", "level"), [("API check-ins (office)", "office"), ("API branches (district)", "district")]
)
def test_api_lists_sql_gives_the_api_page(province, client, label, level):
    """The API lists' SQL reads the page of 100 the API answers, in its order, and its count."""
    _label, url, user, key, params = next(case for case in ratios.cases(province) if case[0] == label)
    assert user == province["users"][level]
    client.force_login(user)
    answer = client.get(url).json()
    page_sql, count_sql = ratios.SQL[key]
    rows = _rows(page_sql, params)
    assert [row["id"] for row in rows] == [row["id"] for row in answer["results"]]
    assert len(rows) == min(100, answer["count"]) > 1
    assert _rows(count_sql, params)[0]["count"] == answer["count"]
