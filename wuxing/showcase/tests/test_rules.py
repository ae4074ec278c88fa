"""Rules of the demonstration sites without a database."""

from datetime import date

from wuxing.showcase.rules import (
    SiteTotals,
    compute_level_change,
    compute_project_progress,
    compute_target_rise,
    is_agreement_in_force,
)


def test_progress_is_the_done_share_of_milestone_weight():
    assert compute_project_progress([]) == 0
    assert compute_project_progress([(1, True), (1, False)]) == 0.5
    assert compute_project_progress([(3, True), (1, False)]) == 0.75
    assert compute_project_progress([(2, True), (2, True)]) == 1


def test_agreement_in_force_between_signing_and_term_end():
    assert is_agreement_in_force(date(2026, 1, 1), None, date(2026, 5, 1))
    assert is_agreement_in_force(date(2026, 1, 1), date(2026, 5, 1), date(2026, 5, 1))
    assert not is_agreement_in_force(date(2026, 1, 1), date(2026, 4, 30), date(2026, 5, 1))
    assert not is_agreement_in_force(date(2026, 6, 1), None, date(2026, 5, 1))


def test_level_change_needs_both_years():
    assert compute_level_change(3, 4) == 1
    assert compute_level_change(4, 3) == -1
    assert compute_level_change(None, 4) is None and compute_level_change(3, None) is None
    assert compute_target_rise(2, 4) == 2 and compute_target_rise(2, None) is None


def test_incident_closure():
    totals = SiteTotals(incidents_reported=8, incidents_closed=6)
    assert totals.incidents_open == 2 and totals.incident_closure_rate == 0.75
    assert SiteTotals().incident_closure_rate == 0


def test_a_corrected_record_is_checked_across_its_fields():
    from datetime import date
    from decimal import Decimal

    from wuxing.showcase.rules import record_problems

    signed = {"signed_on": date(2026, 3, 1), "term_end": date(2026, 2, 1)}
    assert record_problems("agreement", signed) == {"term_end": "agreement_ends_before_signed"}
    assert record_problems("agreement", {"signed_on": date(2026, 3, 1), "term_end": None}) == {}
    served = {"served_on": date(2026, 1, 1)}
    assert record_problems("service", served, registered_on=date(2026, 2, 1)) == {
        "served_on": "service_before_registration"
    }
    busy = {"volunteer_count": 2, "hours": Decimal("48.5")}
    assert record_problems("volunteer_activity", busy) == {"hours": "hours_beyond_a_day"}
    assert record_problems("volunteer_activity", {"volunteer_count": 2, "hours": Decimal("48")}) == {}
