"""R10 and R11 at their edges, without a database."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wuxing.checklists import rules as r

D0, D1 = date(2026, 1, 1), date(2026, 12, 31)


@pytest.mark.parametrize(
    "start,target,current,expected",
    [
        (0, 10, None, 0.0),  # no check-in yet
        (0, 10, 0, 0.0),
        (0, 10, 5, 0.5),
        (0, 10, 10, 1.0),
        (0, 10, 15, 1.0),  # clamped at 1
        (4, 10, 2, 0.0),  # below the start: clamped at 0
        (4, 10, 7, 0.5),
        (12, 3, 6, 2 / 3),  # a falling target ("reduce from 12 to 3")
        (12, 3, 1, 1.0),
        (5, 5, 5, 1.0),
    ],
)
def test_quantitative_progress_is_clamped(start, target, current, expected):
    assert r.item_progress(kind="quantitative", start=start, target=target, current=current) == pytest.approx(expected)


def test_yes_no_progress_is_zero_or_one():
    assert r.item_progress(kind="yes_no", done=True) == 1.0
    assert r.item_progress(kind="yes_no", done=False) == 0.0
    assert r.item_progress(kind="yes_no", done=None) == 0.0


def test_expected_progress_is_the_straight_line():
    start, due = date(2026, 1, 1), date(2026, 1, 11)
    assert r.expected_progress(start, due, date(2025, 12, 1)) == 0.0
    assert r.expected_progress(start, due, start) == 0.0
    assert r.expected_progress(start, due, date(2026, 1, 6)) == pytest.approx(0.5)
    assert r.expected_progress(start, due, due) == 1.0
    assert r.expected_progress(start, due, date(2026, 2, 1)) == 1.0


def test_behind_only_beyond_the_tolerance():
    assert not r.is_behind(0.4, 0.5, 0.1)  # exactly at the tolerance
    assert r.is_behind(0.39, 0.5, 0.1)
    assert not r.is_behind(0.2, 0.3, 0.1)  # float noise must not tip it over
    assert r.is_behind(0.49, 0.5, 0.0)
    assert not r.is_behind(0.0, 0.5, 0.5)


def test_overdue_is_past_due_and_not_complete():
    due = date(2026, 6, 30)
    assert not r.is_overdue(0.5, due, due)  # on the due day itself
    assert r.is_overdue(0.5, due, date(2026, 7, 1))
    assert not r.is_overdue(1.0, due, date(2026, 7, 1))


def test_item_status_flags_overdue_rather_than_behind():
    facts = r.ItemFacts(
        kind="quantitative",
        star="s",
        weight=1,
        start_date=D0,
        due_date=date(2026, 6, 30),
        start=0,
        target=10,
        current=2,
    )
    status = r.item_status(facts, date(2026, 7, 1))
    assert status.overdue and not status.behind and status.state == "overdue"
    status = r.item_status(facts, date(2026, 6, 1))
    assert status.behind and not status.overdue and status.state == "behind"
    done = r.item_status(r.ItemFacts(kind="yes_no", star="s", weight=1, start_date=D0, due_date=D0, done=True), D1)
    assert done.state == "done" and not done.overdue


def test_weighted_means_per_star_and_overall():
    items = [
        r.ItemFacts(
            kind="quantitative", star="a", weight=3, start_date=D0, due_date=D1, start=0, target=10, current=10
        ),
        r.ItemFacts(kind="yes_no", star="a", weight=1, start_date=D0, due_date=D1, done=False),
        r.ItemFacts(kind="quantitative", star="b", weight=2, start_date=D0, due_date=D1, start=0, target=4, current=1),
    ]
    p = r.compute_progress(items, date(2026, 3, 1), 0.1, stars=["a", "b", "c"])
    assert p.by_star["a"] == pytest.approx(0.75)
    assert p.by_star["b"] == pytest.approx(0.25)
    assert p.by_star["c"] is None
    assert p.overall == pytest.approx((3 * 1 + 1 * 0 + 2 * 0.25) / 6)
    assert (p.items, p.done) == (3, 1)
    assert r.weighted_mean([]) is None
    assert r.weighted_mean([(1.0, 0)]) is None


def test_office_progress_weights_branches_by_their_items():
    assert r.office_progress([(1.0, 3), (0.0, 1), (None, 5)]) == pytest.approx(0.75)


def cf(id, day, corrects=None, value=None):
    return r.CheckInFacts(id=id, effective_on=date(2026, 1, day), corrects=corrects, value=value)


def test_the_latest_unsuperseded_checkin_counts():
    history = [cf(1, 5, value=3), cf(2, 10, value=6), cf(3, 8, value=4)]  # 3 is a late entry for an earlier day
    assert r.current_checkin(history).id == 2
    corrected = [*history, cf(4, 10, corrects=2, value=5)]
    assert r.current_checkin(corrected).id == 4
    assert r.superseded_ids(corrected) == {2}
    # Correcting an older figure does not displace the latest day's.
    assert r.current_checkin([*history, cf(5, 5, corrects=1, value=2)]).id == 2
    assert r.current_checkin(corrected, as_of=date(2026, 1, 9)).id == 3
    assert r.current_checkin([]) is None


def test_corrections_need_a_reason_and_a_live_checkin():
    assert r.correction_problem(is_correction=False, reason="") is None
    assert r.correction_problem(is_correction=True, reason="  ") == "reason"
    assert r.correction_problem(is_correction=True, reason="录入错误", corrected_is_superseded=True) == "superseded"
    assert r.correction_problem(is_correction=True, reason="录入错误", same_item=False) == "other_item"
    assert r.correction_problem(is_correction=True, reason="录入错误") is None


def test_checkin_figures():
    today = date(2026, 5, 1)
    assert (
        r.checkin_problem(kind="quantitative", value=None, done=None, effective_on=today, today=today)
        == "value_missing"
    )
    assert r.checkin_problem(kind="yes_no", value=None, done=None, effective_on=today, today=today) == "done_missing"
    assert (
        r.checkin_problem(kind="yes_no", value=None, done=False, effective_on=date(2026, 5, 2), today=today) == "future"
    )
    assert r.checkin_problem(kind="quantitative", value=0, done=None, effective_on=today, today=today) is None


def test_item_definition_problems():
    ok = {"kind": "quantitative", "start": 0, "target": 5, "weight": 1, "start_date": D0, "due_date": D1}
    assert r.item_problems(**ok) == []
    assert r.item_problems(**{**ok, "target": None}) == ["target_missing"]
    assert r.item_problems(**{**ok, "target": 0}) == ["target_equals_start"]
    assert r.item_problems(**{**ok, "weight": 0}) == ["weight"]
    assert r.item_problems(**{**ok, "due_date": date(2025, 12, 31)}) == ["due_before_start"]
    assert r.item_problems(**{**ok, "kind": "yes_no", "target": None}) == []


def test_ranks_share_ties():
    assert r.competition_ranks([0.5, 0.9, 0.5, None, 0.1]) == [2, 1, 2, None, 4]


def test_trend_dates_are_month_ends():
    assert r.trend_dates(date(2026, 1, 1), date(2026, 3, 15)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 15),
    ]
    assert r.trend_dates(date(2026, 1, 1), date(2026, 1, 31)) == [date(2026, 1, 31)]


def test_report_card_periods():
    today = date(2026, 11, 26)
    assert r.period_bounds("year", 2026, today) == (date(2026, 1, 1), today)
    assert r.period_bounds("q1", 2026, today) == (date(2026, 1, 1), date(2026, 3, 31))
    assert r.period_bounds("q4", 2026, today) == (date(2026, 10, 1), today)
    assert r.period_bounds("m02", 2026, today) == (date(2026, 2, 1), date(2026, 2, 28))
    assert r.period_bounds("m12", 2025, today) == (date(2025, 12, 1), date(2025, 12, 31))
    assert r.period_bounds("bogus", 2025, today) == (date(2025, 1, 1), date(2025, 12, 31))


def test_checkin_is_bounded_by_the_campaign_the_kind_and_text_lengths():
    today = date(2026, 11, 29)
    ok = {"kind": "quantitative", "done": None, "today": today, "campaign_year": 2026, "start": 0, "target": 10}
    assert r.checkin_problem(value=3, effective_on=today, **ok) is None
    assert r.checkin_problem(value=3, effective_on=date(2025, 12, 31), **ok) == "outside_campaign"
    assert r.checkin_problem(value=3, effective_on=date(2026, 1, 1), **ok) is None
    assert r.checkin_problem(value=-1, effective_on=today, **ok) == "negative"
    # An item that starts below zero (a deficit to close) may record negative figures.
    assert r.checkin_problem(value=-1, effective_on=today, **{**ok, "start": -20, "target": 0}) is None
    assert r.checkin_problem(value=Decimal("1e13"), effective_on=today, **ok) == "too_large"
    assert r.checkin_problem(value=3, effective_on=today, note="x" * 2001, **ok) == "note_too_long"
    assert r.checkin_problem(value=3, effective_on=today, note="x" * 2000, **ok) is None
    assert r.checkin_problem(value=3, effective_on=today, reason="x" * 301, **ok) == "reason_too_long"
    yes_no = {**ok, "kind": "yes_no", "done": True}
    # The unit bounds the figure: a percentage lies within 0–100, a count is never negative.
    percent = {**ok, "unit": "%", "start": 60, "target": 95}
    assert r.checkin_problem(value=-5, effective_on=today, **percent) == "negative"
    assert r.checkin_problem(value=101, effective_on=today, **percent) == "above_maximum"
    assert r.checkin_problem(value=100, effective_on=today, **percent) is None
    assert r.checkin_problem(value=0, effective_on=today, **percent) is None
    assert r.checkin_problem(value=-1, effective_on=today, **{**ok, "unit": "户", "start": -3, "target": 5}) == (
        "negative"
    )
    assert r.checkin_problem(value=500, effective_on=today, **{**ok, "unit": "次"}) is None
    assert r.checkin_problem(value=None, effective_on=date(2027, 1, 1), **{**yes_no, "today": date(2027, 1, 2)}) == (
        "outside_campaign"
    )


def test_value_bounds_follow_the_unit():
    assert r.value_bounds(unit="%") == (0, 100)
    assert r.value_bounds(unit=" ％ ", start=0, target=90) == (0, 100)
    # An item whose own figures lie beyond 100 % (a growth rate) keeps them reachable.
    assert r.value_bounds(unit="%", start=100, target=150) == (0, 150)
    assert r.value_bounds(unit="人", start=-1, target=5) == (0, None)
    assert r.value_bounds(unit="万元", start=0, target=50) == (0, None)
    assert r.value_bounds(unit="分", start=-10, target=0) == (None, None)


@st.composite
def _histories(draw):
    """Check-ins on random days, some correcting an earlier one (ids ascend as they are recorded)."""
    checkins = []
    for n in range(1, draw(st.integers(0, 8)) + 1):
        corrects = draw(st.one_of(st.none(), st.sampled_from([c.id for c in checkins]))) if checkins else None
        checkins.append(
            r.CheckInFacts(
                id=n,
                effective_on=date(2026, draw(st.integers(1, 12)), draw(st.integers(1, 28))),
                corrects=corrects,
                value=draw(st.integers(0, 12)),
                done=draw(st.booleans()),
            )
        )
    return checkins


@settings(max_examples=200, deadline=None)
@given(history=_histories(), kind=st.sampled_from([r.QUANTITATIVE, r.YES_NO]))
def test_progress_at_each_point_is_what_the_current_checkin_gives(history, kind):
    points = r.trend_dates(D0, D1)
    expected = []
    for point in points:
        current = r.current_checkin(history, as_of=point)
        expected.append(
            r.item_progress(
                kind=kind,
                start=2,
                target=10,
                current=current.value if current else None,
                done=current.done if current else None,
            )
        )
    assert r.progress_at(history, points, kind, 2, 10) == expected


def _row(pk, state, star_pk, star_name):
    from types import SimpleNamespace

    star = SimpleNamespace(pk=star_pk, name=star_name)
    return SimpleNamespace(item=SimpleNamespace(pk=pk, star=star), status=SimpleNamespace(state=state))


def test_a_long_list_folds_by_star_with_the_overdue_and_behind_items_first_and_open():
    from wuxing.checklists.rules import group_rows

    rows = [_row(i, "done", 1, "支部过硬") for i in range(8)]
    rows += [_row(10, "behind", 2, "产业兴旺"), _row(11, "on_track", 2, "产业兴旺"), _row(12, "overdue", 1, "支部过硬")]
    rows += [_row(20 + i, "on_track", 3, "生态宜居") for i in range(4)]
    groups = group_rows(rows, "滞后或逾期")
    assert [g.label for g in groups] == ["滞后或逾期", "支部过硬", "产业兴旺", "生态宜居"]
    urgent = groups[0]
    assert urgent.is_open and [r.item.pk for r in urgent.rows] == [12, 10]  # overdue before behind
    assert [g.is_open for g in groups[1:]] == [False, False, False]
    assert (len(groups[1].rows), groups[1].done) == (8, 8)
    assert sum(len(g.rows) for g in groups) == len(rows)  # every item once


def test_a_short_list_opens_every_section_and_needs_no_urgent_section():
    from wuxing.checklists.rules import group_rows

    groups = group_rows([_row(1, "done", 1, "支部过硬"), _row(2, "on_track", 2, "产业兴旺")], "滞后或逾期")
    assert [g.label for g in groups] == ["支部过硬", "产业兴旺"]
    assert all(g.is_open for g in groups)


def test_the_dashboard_folds_the_flagged_items_by_branch_worst_first():
    from types import SimpleNamespace as NS

    from wuxing.checklists.rules import group_flagged_by_branch

    a, b, c = NS(pk=1, name="甲"), NS(pk=2, name="乙"), NS(pk=3, name="丙")

    def row(state):
        return NS(status=NS(state=state))

    flagged = [(a, row("behind")), (b, row("overdue")), (a, row("behind")), (c, row("behind"))]
    flagged += [(a, row("behind"))] * 10 + [(b, row("overdue"))]
    groups = group_flagged_by_branch(flagged)
    assert [g.branch.name for g in groups] == ["乙", "甲", "丙"]  # the most overdue first, then the most flagged
    assert [(g.overdue, g.behind) for g in groups] == [(2, 0), (0, 12), (0, 1)]
    assert [g.is_open for g in groups] == [True, False, False]
    # A short list opens every section.
    assert all(g.is_open for g in group_flagged_by_branch(flagged[:4]))


def test_a_new_figure_for_today_becomes_current_without_the_history():
    from datetime import date

    from wuxing.checklists.rules import becomes_current

    day = date(2026, 5, 1)
    assert becomes_current(effective_on=day, is_correction=False, current_on=None)
    assert becomes_current(effective_on=day, is_correction=False, current_on=day)  # a tie: the later one counts
    assert becomes_current(effective_on=day, is_correction=False, current_on=date(2026, 4, 30))
    assert not becomes_current(effective_on=day, is_correction=False, current_on=date(2026, 5, 2))
    assert not becomes_current(effective_on=day, is_correction=True, current_on=None)
