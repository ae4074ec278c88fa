"""Rules of the assignments app as pure functions (no database): R9, the 五个一 completeness of an assignment."""

from collections.abc import Iterable

from .choices import ActivityKind

# The tracker's column order.
FIVE_KINDS: tuple[str, ...] = tuple(ActivityKind.values)


def compute_missing_kinds(recorded_kinds: Iterable[str]) -> list[str]:
    """R9: the 五个一 kinds an assignment has not recorded yet, in the tracker's order."""
    recorded = set(recorded_kinds)
    return [kind for kind in FIVE_KINDS if kind not in recorded]


def is_assignment_complete(recorded_kinds: Iterable[str]) -> bool:
    """R9: an assignment is complete when all five kinds exist (extra activities of a kind do not matter)."""
    return not compute_missing_kinds(recorded_kinds)


def compute_completion(recorded_kinds: Iterable[str]) -> float:
    """Share of the five kinds recorded, 0–1."""
    return (len(FIVE_KINDS) - len(compute_missing_kinds(recorded_kinds))) / len(FIVE_KINDS)


def is_known_kind(kind: str) -> bool:
    return kind in FIVE_KINDS
