"""The progress sums done by the database (selectors.fact_rollup) equal the pure rule (rules.compute_progress)
applied item by item, R10's edges included, and follow a check-in at once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from wuxing.checklists import rules, selectors, services
from wuxing.checklists.models import ChecklistItem, ProgressPolicy
from wuxing.core.actors import SYSTEM
from wuxing.org.figures import office_figures_changed
from wuxing.testing import clear_caches

pytestmark = pytest.mark.django_db


def _today(world):
    return date(world.campaign.year, 7, 1)


def _item(world, branch_code, *, star="strong_branch", kind="quantitative", weight="1", start_date=None, **fields):
    """An item written directly (any figure R10 allows), moving the office's figures version on as the services do
    (the office pages cache their figures under it)."""
    branch = world.org.branches[branch_code]
    today = _today(world)
    fields.setdefault("due_date", date(today.year, 12, 31))
    office_figures_changed(branch.office_id)
    return ChecklistItem.objects.create(
        campaign=world.campaign,
        branch=branch,
        star=world.stars[(branch.star_set, star)],
        title="项目",
        kind=kind,
        weight=Decimal(weight),
        start_date=start_date or date(today.year, 1, 1),
        **fields,
    )


def _edges(world):
    """Items at every edge of R10, on two branches (a third has none)."""
    today = _today(world)
    y = today.year
    d = Decimal
    _item(world, "a1", kind="yes_no", done=True)
    _item(world, "a1", kind="yes_no", done=False, due_date=date(y, 6, 1))  # overdue
    _item(world, "a1", target_value=d("10"))  # no check-in yet
    _item(world, "a1", start_value=d("5"), target_value=d("5"), current_value=d("5"))  # target = start, reached
    _item(world, "a1", start_value=d("5"), target_value=d("5"), current_value=d("4"))  # target = start, not reached
    _item(world, "a1", star="industry", start_value=d("12"), target_value=d("3"), current_value=d("6"), weight="2.5")
    _item(world, "a1", star="industry", target_value=d("10"), current_value=d("15"))  # beyond the target
    _item(world, "a1", star="industry", start_value=d("5"), target_value=d("10"), current_value=d("2"))  # below start
    _item(world, "a1", target_value=d("10"), current_value=d("1"), start_date=today + timedelta(days=3))  # not begun
    # Expected exactly 0.3: at 0.2 the gap is the tolerance (not behind), at 0.199 it is more (behind).
    start, due = today - timedelta(days=30), today + timedelta(days=70)
    _item(world, "a2", target_value=d("10"), current_value=d("2"), start_date=start, due_date=due)
    _item(world, "a2", target_value=d("10"), current_value=d("1.99"), start_date=start, due_date=due)
    _item(world, "a2", target_value=d("100"), current_value=d("30"), start_date=start, due_date=due, weight="0.5")
    _item(world, "a2", target_value=d("10"), current_value=d("3"), due_date=today)  # due today: not overdue
    _item(world, "a2", target_value=d("10"), current_value=d("3"), due_date=today - timedelta(days=1))  # overdue
    retired = _item(world, "a2", target_value=d("10"), current_value=d("0"), due_date=date(y, 2, 1))
    retired.retired_at = timezone.now()
    retired.save(update_fields=["retired_at"])
    office_figures_changed(retired.branch.office_id)


def _reference(world, branches, today):
    """The computation the rows are checked against: every item read and the pure rule applied in Python."""
    tolerance = selectors.tolerance_for(world.campaign.office_id)
    out = {}
    for branch in branches:
        items = list(
            selectors.ACTIVE.filter(branch=branch, campaign=world.campaign)
            .select_related("star")
            .order_by("due_date", "id")
        )
        facts = [selectors.item_facts(i) for i in items]
        progress = rules.compute_progress(facts, today, tolerance)
        flagged = [(i.pk, i.due_date, s) for i, s in zip(items, progress.statuses) if s.behind or s.overdue]
        out[branch.pk] = (progress, flagged, sum(f.weight for f in facts))
    return out


@pytest.mark.parametrize("tolerance", [None, "0.25", "0"])
def test_rows_equal_the_rule_item_by_item(world, tolerance):
    if tolerance is not None:
        ProgressPolicy.objects.create(office=world.org.office_a, behind_tolerance=Decimal(tolerance))
        office_figures_changed(world.org.office_a.pk)
    _edges(world)
    today = _today(world)
    branches = list(selectors.branches_of(world.campaign))
    rows = selectors.progress_rows(campaign=world.campaign, branches=branches, today=today, with_items=True)
    expected = _reference(world, branches, today)
    assert {r.branch.pk for r in rows} == set(expected)
    seen_behind = 0
    for row in rows:
        progress, flagged, weight = expected[row.branch.pk]
        got = row.progress
        assert (got.items, got.done, got.behind, got.overdue) == (
            progress.items,
            progress.done,
            progress.behind,
            progress.overdue,
        )
        assert got.overall == pytest.approx(progress.overall, abs=1e-12)
        assert got.expected == pytest.approx(progress.expected, abs=1e-12)
        for code, value in progress.by_star.items():
            assert got.by_star[code] == pytest.approx(value, abs=1e-12)
        assert row.weight == pytest.approx(weight)
        assert [(pk, due, s.behind, s.overdue) for pk, due, s in row.statuses] == [
            (pk, due, s.behind, s.overdue) for pk, due, s in flagged
        ]
        for (_pk, _due, s), (_p, _d, ref) in zip(row.statuses, flagged):
            assert (s.progress, s.expected) == (pytest.approx(ref.progress), pytest.approx(ref.expected))
        seen_behind += got.behind
    # The constructed data does reach the edges: something is behind and something overdue on a1 and a2.
    assert seen_behind > 0
    a1 = next(r for r in rows if r.branch.code == world.org.branches["a1"].code)
    assert a1.progress.overdue == 1 and a1.progress.items == 9


def test_the_tolerance_edge_is_not_behind(world):
    _edges(world)
    today = _today(world)
    rows = selectors.progress_rows(
        campaign=world.campaign, branches=selectors.branches_of(world.campaign), today=today, with_items=True
    )
    a2 = next(r for r in rows if r.branch.pk == world.org.branches["a2"].pk)
    edge = today + timedelta(days=70)
    behind = [s for _pk, due, s in a2.statuses if s.behind and due == edge]
    # Against an expected 0.3: 0.199 is behind; 0.2 (exactly the tolerance below) and 0.3 are not.
    assert [round(s.progress, 3) for s in behind] == [0.199]


def test_office_figures_equal_the_rule(world):
    _edges(world)
    today = _today(world)
    figures = selectors.office_figures(campaigns=[world.campaign, world.campaign_b], today=today)
    reference = _reference(world, list(selectors.branches_of(world.campaign)), today)
    pairs = [(p.overall, w) for p, _f, w in reference.values() if p.items]
    assert figures[world.campaign.pk].progress == pytest.approx(rules.office_progress(pairs), abs=1e-12)
    assert figures[world.campaign.pk].behind == sum(p.behind for p, _f, _w in reference.values())
    assert figures[world.campaign.pk].overdue == sum(p.overdue for p, _f, _w in reference.values())
    assert figures[world.campaign.pk].items == 14  # the retired item is out
    assert figures[world.campaign_b.pk].progress is None and figures[world.campaign_b.pk].items == 0


def test_query_count_does_not_grow_with_items(world, django_assert_max_num_queries):
    branches = list(selectors.branches_of(world.campaign))
    _item(world, "a1", target_value=Decimal("10"), current_value=Decimal("1"))
    clear_caches()  # each read as on a server just started: nothing kept
    with django_assert_max_num_queries(50) as few:
        selectors.progress_rows(campaign=world.campaign, branches=branches, with_items=True)
    for _ in range(3):
        _edges(world)
    clear_caches()
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        selectors.progress_rows(campaign=world.campaign, branches=branches, with_items=True)
    assert len(many.captured_queries) == len(few.captured_queries)
    # Read again (nothing changed): the sums and the flagged items come from the cache, the flagged items' rows
    # are read by id; no query sums the items.
    with django_assert_max_num_queries(len(few.captured_queries) - 2) as warm:
        selectors.progress_rows(campaign=world.campaign, branches=branches, with_items=True)
    assert not any("SUM(" in q["sql"].upper() for q in warm.captured_queries)


def test_no_stale_figure_after_a_check_in(world, make_item, client):
    item = make_item(target=10)
    branches = list(selectors.branches_of(world.campaign))

    def progress():
        rows = selectors.progress_rows(campaign=world.campaign, branches=branches)
        return next(r.progress.overall for r in rows if r.branch.pk == item.branch_id)

    assert progress() == 0
    services.checkin_record(actor=SYSTEM, item=item, value=4)
    assert progress() == pytest.approx(0.4)
    figures = selectors.office_figures(campaigns=[world.campaign])
    assert figures[world.campaign.pk].progress == pytest.approx(0.4)
    # Through the pages: the progress table read right after the check-in shows it.
    client.force_login(world.users.leader)
    before = client.get("/checklists/progress/").content.decode()
    assert "40%" in before and "70%" not in before
    services.checkin_record(actor=SYSTEM, item=item, value=7)
    after = client.get("/checklists/progress/").content.decode()
    assert "70%" in after and "40%" not in after


@pytest.mark.parametrize("tolerance", ["0", "0.2", "0.123456789"])
def test_the_kept_reads_give_what_the_querysets_give(world, tolerance):
    """The office pages' sums and flagged items, read by statements compiled once (checklists.figures), equal what
    the ORM's querysets read, across R10's edges, days before, during and after the items, and tolerances."""
    from wuxing.checklists import figures

    _edges(world)
    year = world.campaign.year
    limit = rules.behind_limit(Decimal(tolerance))
    days = [date(year, 1, 1), date(year, 6, 1), _today(world), date(year, 12, 31), date(year + 1, 1, 2)]
    flagged_seen = 0
    for day in days:
        sums = figures._SUMS(campaign=world.campaign.pk, today=day, tolerance=limit)
        assert sums == list(figures._sums_query(world.campaign.pk, day, limit)), day
        assert sums == selectors.fact_rollup(
            selectors.ACTIVE.filter(campaign=world.campaign), ("branch_id", "star_id"), day, Decimal(tolerance)
        )
        flagged = figures._FLAGGED(campaign=world.campaign.pk, today=day, tolerance=limit)
        assert flagged == list(figures._flagged_query(world.campaign.pk, day, limit)), day
        flagged_seen += len(flagged)
    assert flagged_seen > 0
