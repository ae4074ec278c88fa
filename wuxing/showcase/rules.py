"""Rules of the demonstration sites as pure functions: project progress, site totals, 晋位提升."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


def compute_project_progress(milestones: Iterable[tuple[int, bool]]) -> float:
    """Share of a project's milestone weight that is done, 0–1. `milestones`: (weight, done) pairs."""
    total = done = 0
    for weight, is_done in milestones:
        weight = max(int(weight), 0)
        total += weight
        if is_done:
            done += weight
    return done / total if total else 0.0


def is_agreement_in_force(signed_on: date, term_end: date | None, today: date) -> bool:
    """A co-building agreement counts from its signing until the end of its term (open-ended without one)."""
    return signed_on <= today and (term_end is None or today <= term_end)


@dataclass(frozen=True)
class SiteTotals:
    agreements: int = 0
    agreements_in_force: int = 0
    in_service_members: int = 0
    service_records: int = 0
    service_hours: Decimal = Decimal("0")
    tea_sessions: int = 0
    tea_issues: int = 0
    volunteer_teams: int = 0
    volunteers: int = 0
    volunteer_activities: int = 0
    volunteer_hours: Decimal = Decimal("0")
    grids: int = 0
    grid_workers: int = 0
    incidents_reported: int = 0
    incidents_closed: int = 0

    @property
    def incidents_open(self) -> int:
        return self.incidents_reported - self.incidents_closed

    @property
    def incident_closure_rate(self) -> float:
        return self.incidents_closed / self.incidents_reported if self.incidents_reported else 0.0


def compute_level_change(last_level: int | None, rated_level: int | None) -> int | None:
    """晋位提升: how many levels a branch rose (negative: fell) against last year; None until both are known."""
    if last_level is None or rated_level is None:
        return None
    return rated_level - last_level


def compute_target_rise(last_level: int | None, target_level: int | None) -> int | None:
    """How many levels the branch aims to rise this year."""
    if last_level is None or target_level is None:
        return None
    return target_level - last_level


# The records a project keeps that depend on another record (a member's services, a team's volunteers and
# activities, a grid's workers and incidents): a record with dependants is not deleted.
RECORD_DEPENDANTS = {"member": ("services",), "team": ("volunteers", "activities"), "grid": ("workers", "incidents")}

# Whole numbers of the records, with their bounds.
RECORD_NUMBER_BOUNDS = {"issue_count": (1, 500), "volunteer_count": (1, 10000), "households": (0, 1000000)}


def record_problems(kind: str, values: dict, *, registered_on: date | None = None) -> dict[str, str]:
    """What is wrong between the fields of an edited record (field → message id); the single fields are checked
    one by one in the service, as when the record is added."""
    problems = {}
    if kind == "agreement" and values.get("term_end") and values["term_end"] < values["signed_on"]:
        problems["term_end"] = "agreement_ends_before_signed"
    if kind == "service" and registered_on and values["served_on"] < registered_on:
        problems["served_on"] = "service_before_registration"
    if kind == "volunteer_activity" and values["hours"] > values["volunteer_count"] * 24:
        problems["hours"] = "hours_beyond_a_day"
    return problems
