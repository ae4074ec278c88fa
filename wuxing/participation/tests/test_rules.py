"""The rules of residents' issues without a database: every transition allowed and forbidden, due dates on
working days, overdue, and the figures on a constructed set."""

import datetime
from decimal import Decimal

import pytest

from wuxing.participation import rules

STATES = [rules.RECEIVED, rules.DISPATCHED, rules.ANSWERED, rules.CLOSED, rules.MERGED, rules.REJECTED]
ACTIONS = [
    rules.ACCEPT,
    rules.MERGE,
    rules.REJECT,
    rules.NOTE,
    rules.ANSWER,
    rules.SATISFIED,
    rules.NOT_SATISFIED,
]
ALLOWED = {
    (rules.RECEIVED, rules.ACCEPT): rules.DISPATCHED,
    (rules.RECEIVED, rules.MERGE): rules.MERGED,
    (rules.RECEIVED, rules.REJECT): rules.REJECTED,
    (rules.DISPATCHED, rules.NOTE): rules.DISPATCHED,
    (rules.DISPATCHED, rules.ANSWER): rules.ANSWERED,
    (rules.ANSWERED, rules.SATISFIED): rules.CLOSED,
    (rules.ANSWERED, rules.NOT_SATISFIED): rules.DISPATCHED,
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_transition_allowed_or_refused_with_a_reason(state, action):
    expected = ALLOWED.get((state, action))
    assert rules.next_state(state, action) == expected
    reason = rules.refusal(state, action)
    assert (reason is None) == (expected is not None)
    if state in rules.FINISHED:
        assert reason == "This issue is finished; nothing more can be done to it."


def test_not_satisfied_reopens_once_then_closes():
    assert rules.next_state(rules.ANSWERED, rules.NOT_SATISFIED, reopened_count=0) == rules.DISPATCHED
    assert rules.next_state(rules.ANSWERED, rules.NOT_SATISFIED, reopened_count=1) == rules.CLOSED
    assert rules.next_state(rules.ANSWERED, rules.SATISFIED, reopened_count=1) == rules.CLOSED


def _weekdays(day):
    return day.weekday() < 5


def test_due_dates_count_working_days_only():
    friday = datetime.date(2025, 3, 7)
    assert rules.add_working_days(friday, 1, _weekdays) == datetime.date(2025, 3, 10)  # Monday
    assert rules.add_working_days(friday, 3, _weekdays) == datetime.date(2025, 3, 12)
    assert rules.add_working_days(friday, 0, _weekdays) == friday
    holiday = {datetime.date(2025, 3, 10)}
    assert rules.add_working_days(friday, 1, lambda d: _weekdays(d) and d not in holiday) == datetime.date(2025, 3, 11)
    with pytest.raises(ValueError):
        rules.add_working_days(friday, -1, _weekdays)


def test_due_dates_on_the_official_calendar_skip_the_national_day_holiday():
    from wuxing.rhythm.selectors import is_working_day

    # 2025: 1–8 October off; Saturday 11 October worked (调休).
    assert rules.add_working_days(datetime.date(2025, 9, 30), 1, is_working_day) == datetime.date(2025, 10, 9)
    assert rules.add_working_days(datetime.date(2025, 10, 10), 1, is_working_day) == datetime.date(2025, 10, 11)


def test_overdue_only_while_dispatched_past_the_due_date():
    today = datetime.date(2025, 5, 20)
    assert rules.is_overdue(rules.DISPATCHED, datetime.date(2025, 5, 19), today)
    assert not rules.is_overdue(rules.DISPATCHED, today, today)
    assert not rules.is_overdue(rules.ANSWERED, datetime.date(2025, 5, 1), today)
    assert not rules.is_overdue(rules.DISPATCHED, None, today)


def test_rate_limit_edge():
    assert not rules.is_flooding(4, limit=5)
    assert rules.is_flooding(5, limit=5)


def test_tracking_codes_are_unambiguous_and_normalised():
    code = rules.new_tracking_code()
    assert len(code) == rules.CODE_LENGTH and not set(code) & set("01OI")
    assert rules.normalise_code(" ab-cd 2345 67 ") == "ABCD234567"


def _t(day, hour=9):
    return datetime.datetime(2025, 5, day, hour, tzinfo=datetime.UTC)


def test_figures_on_a_constructed_set():
    rows = [
        # closed on time, satisfied: 24 h
        rules.OrderRow("closed", _t(1), datetime.date(2025, 5, 4), datetime.date(2025, 5, 2), _t(2), "satisfied"),
        # closed late, not satisfied: 96 h
        rules.OrderRow("closed", _t(1), datetime.date(2025, 5, 2), datetime.date(2025, 5, 4), _t(5), "not_satisfied"),
        # closed on time, satisfied: 48 h
        rules.OrderRow("closed", _t(10), datetime.date(2025, 5, 13), datetime.date(2025, 5, 11), _t(12), "satisfied"),
        # answered, awaiting the resident, on time
        rules.OrderRow("answered", _t(11), datetime.date(2025, 5, 14), datetime.date(2025, 5, 12)),
        # still being handled
        rules.OrderRow("dispatched", _t(12), datetime.date(2025, 5, 15)),
        # not orders
        rules.OrderRow("rejected", _t(12), closed_at=_t(12, 10)),
        rules.OrderRow("merged", _t(12), closed_at=_t(12, 11)),
        rules.OrderRow("received", _t(13)),
    ]
    f = rules.figures(rows)
    assert f.received == 5
    assert f.closed == 3
    assert f.closure_rate == Decimal("60.00")
    assert f.on_time_rate == Decimal("75.00")  # 3 of the 4 answered
    assert f.median_hours_to_close == Decimal("48.00")
    assert f.satisfaction == Decimal("66.67")


def test_figures_of_nothing_are_not_measured():
    f = rules.figures([])
    assert (f.received, f.closed) == (0, 0)
    assert f.closure_rate is f.on_time_rate is f.median_hours_to_close is f.satisfaction is None


def test_the_hash_chain_detects_an_edited_a_removed_or_an_inserted_answer():
    payloads = [
        rules.response_payload(survey_id=1, code=f"C{i}", branch_id=2, answers={"1": str(i)}, comment="", submitted="t")
        for i in range(1, 5)
    ]
    links, prev = [], ""
    for p in payloads:
        h = rules.chain_hash(prev, p)
        links.append((p, prev, h))
        prev = h
    assert rules.first_broken(links) is None
    edited = list(links)
    edited[1] = (payloads[1].replace('"1":"2"', '"1":"5"'), links[1][1], links[1][2])
    assert rules.first_broken(edited) == 1
    assert rules.first_broken(links[:1] + links[2:]) == 1  # one removed
    assert rules.first_broken([links[0], links[0], *links[1:]]) == 1  # one inserted


def test_answers_are_checked_and_the_scale_reads_as_percent():
    assert rules.answer_refusal("scale", [], "5") is None
    assert rules.answer_refusal("scale", [], "6") and rules.answer_refusal("scale", [], "")
    assert rules.answer_refusal("choice", ["道路", "照明"], "照明") is None
    assert rules.answer_refusal("choice", ["道路", "照明"], "别的")
    assert rules.scale_percent([5, 5, 3]) == Decimal("83.33")
    assert rules.scale_percent([1]) == Decimal("0.00") and rules.scale_percent([]) is None
