"""Pure rules of a campaign's quotas (R4's first half: the office's 压担子)."""

from collections.abc import Mapping


def quota_problems(quotas: Mapping[int, int], branch_count: int) -> list[str]:
    """Why a set of quotas cannot be right for an office of `branch_count` branches (English keys)."""
    problems = []
    if any(level < 1 or level > 5 for level in quotas):
        problems.append("level_range")
    if any(count < 0 for count in quotas.values()):
        problems.append("negative")
    if sum(quotas.values()) > branch_count:
        problems.append("exceeds_branches")
    return problems


def quotas_as_api(quotas: Mapping[int, int]) -> dict[str, int]:
    """{"5": 2, "4": 7, "3": 5}: highest level first, zero quotas left out."""
    return {str(level): count for level, count in sorted(quotas.items(), reverse=True) if count}


# The campaign's course: prepared, run, rated, closed. A step back is allowed before it closes; a closed
# campaign is the year's record and does not reopen.
TRANSITIONS: dict[str, frozenset[str]] = {
    "preparing": frozenset({"running"}),
    "running": frozenset({"preparing", "rating"}),
    "rating": frozenset({"running", "closed"}),
    "closed": frozenset(),
}


def transition_allowed(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def start_problems(quota_total: int, has_group_head: bool) -> list[str]:
    """Why a campaign cannot start yet (English keys): its quotas and its leadership group's head."""
    problems = []
    if quota_total <= 0:
        problems.append("no_quotas")
    if not has_group_head:
        problems.append("no_group_head")
    return problems


# Amending a recorded result after the fact: only what a completed 摘星 (the rating app's withdrawal of a star,
# through its reviews and publicity) does to a result, and only by taking stars away.
AMEND_SOURCES = frozenset({"withdrawal"})


def amend_problems(*, source: str, reason: str, old_stars, new_stars, level: int, has_result: bool = True) -> list[str]:
    """Why a recorded result cannot be amended this way (English keys); empty when it can.

    Allowed on an open or a closed campaign alike, because it is narrow: a known source ("withdrawal"), a
    reason, a result already recorded, and the new stars a strict subset of the old ones with the level equal
    to their number. Nothing is added to a closed year's record.
    """
    problems = []
    if source not in AMEND_SOURCES:
        problems.append("unknown_source")
    if not (reason or "").strip():
        problems.append("reason_needed")
    if not has_result:
        problems.append("no_result")
        return problems
    old, new = set(old_stars), set(new_stars)
    if new - old:
        problems.append("adds_stars")
    elif new == old:
        problems.append("no_change")
    if level != len(new):
        problems.append("level_mismatch")
    return problems
