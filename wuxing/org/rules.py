"""Pure rules of the organisation: the tree's levels, star-set defaults, scope paths, phone and ID numbers."""

import re

from wuxing.core.roles import ADMIN_ROLES, Role

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


def grant_approver_role(role: str) -> str:
    """Who must approve a role grant asked for by the security administrator (三员分立 across accounts).

    An administrator role (auditor, security or system administrator) is approved by the system administrator;
    a business role by the office leader whose unit covers the grant.
    """
    return Role.SYSTEM_ADMIN if role in ADMIN_ROLES else Role.OFFICE_LEADER


def can_approve_grant(
    *,
    approver_id: int,
    approver_roles: list[tuple[str, str | None]],
    requester_id: int | None,
    grantee_id: int,
    role: str,
    target_path: str | None,
) -> bool:
    """Whether an account may approve a grant: a second person, not the grantee, holding the approving role.

    `approver_roles` are (role, unit path) pairs; `target_path` is the org path the granted role covers (its
    unit, its branch's office, or the grantee's office for a department cadre). A business grant is approved
    only by an office leader whose subtree contains that path.
    """
    if approver_id in (requester_id, grantee_id):
        return False
    needed = grant_approver_role(role)
    for held, path in approver_roles:
        if held != needed:
            continue
        if needed == Role.SYSTEM_ADMIN:
            return True
        if path and target_path and target_path.startswith(path):
            return True
    return False


def star_set_allowed(kind: str, star_set: str) -> bool:
    """A community takes the urban stars, a village the rural ones; a resettlement village may take either."""
    if kind == BranchKind.RESETTLEMENT_VILLAGE:
        return star_set in (StarSet.RURAL, StarSet.URBAN)
    return star_set == default_star_set(kind)


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def phone_valid(phone: str) -> bool:
    """An 11-digit mobile number (1[3-9]…) or a landline with its area code (0371-12345678); blank is allowed."""
    phone = (phone or "").strip()
    return not phone or bool(_MOBILE.match(phone) or _LANDLINE.match(phone))


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """An 18-character resident ID number with a correct check character (GB 11643); blank is allowed."""
    value = (value or "").strip().upper()
    if not value:
        return True
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17]


def unit_can_retire(active_children: int, active_branches: int) -> bool:
    """A unit is retired only once nothing active hangs below it."""
    return active_children == 0 and active_branches == 0
