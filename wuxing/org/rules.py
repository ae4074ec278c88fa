"""Pure rules of the organisation: the tree's levels, star-set defaults, scope paths."""

from .choices import LEVEL_ORDER, BranchKind, StarSet


def default_star_set(kind: str) -> str:
    """A community uses the urban stars; villages, resettlement villages included, the rural ones (SPEC §3)."""
    return StarSet.URBAN if kind == BranchKind.URBAN_COMMUNITY else StarSet.RURAL


def can_be_child(parent_level: str | None, child_level: str) -> bool:
    """The tree runs province → city → district → office, one level at a time; any level may be a root."""
    if parent_level is None:
        return True
    return LEVEL_ORDER.index(child_level) == LEVEL_ORDER.index(parent_level) + 1


def unit_path(parent_path: str | None, code: str) -> str:
    return f"{parent_path or '/'}{code}/"


def path_in_subtrees(path: str, roots) -> bool:
    return any(path.startswith(root) for root in roots)
