"""Reads of the organisation, always narrowed to what the user may see."""

from typing import NamedTuple

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404

from wuxing.core.querysets import PreparedFor
from wuxing.core.roles import ADMIN_ROLES, Role

from .choices import GrantStatus, UnitLevel
from .models import (
    Assignment,
    Boundary,
    Branch,
    Department,
    FiguresVersion,
    Grid,
    KioskToken,
    OrgUnit,
    Person,
    RoleGrant,
    User,
    UserSession,
)
from .rules import kiosk_digest, path_in_subtrees
from .scopes import read_key, scope_for


def _assignment_prefetch(*ordering):
    """The branches' active assignments with their department and leader (`active_assignments`), in Assignment's
    default order unless `ordering` is given."""
    queryset = Assignment.objects.filter(active=True).select_related("department", "leader")
    return Prefetch(
        "assignments", queryset=queryset.order_by(*ordering) if ordering else queryset, to_attr="active_assignments"
    )


def _active(qs, include_retired: bool):
    """Retired rows stay in history (and on their own pages) but leave lists and pickers unless asked for."""
    return qs if include_retired else qs.filter(retired_at__isnull=True)


def branch_list(*, user, include_retired: bool = False):
    """The branches the user may see; lists filter them with filtersets.BranchFilterSet."""
    return _active(
        Branch.objects.restrict(user, "view")
        .select_related("office", "secretary")
        .prefetch_related(_assignment_prefetch())
        .order_by("office__path", "sort_order", "code"),
        include_retired,
    )


def _branch_assignments():
    # One branch: no ordering by office; its assignments' departments and leaders are of its office (see
    # services.assignment_create), so the default order (office path, code; office path, name) needs no office.
    return _assignment_prefetch("department__code", "-leader__is_leader", "leader__name")


def _branch_in_scope(user, pk):
    return Branch.objects.restrict(user, "view").select_related("office", "secretary").filter(pk=pk).order_by()[:1]


# The branch page and every branch's sub-page read it: kept compiled for each viewer's scope (org.scopes.read_key).
_BRANCH = PreparedFor(_branch_in_scope, key=read_key)
_BRANCH_WITH_ASSIGNMENTS = PreparedFor(
    lambda user, pk: _branch_in_scope(user, pk).prefetch_related(_branch_assignments()), key=read_key
)


def _office_version(field: str):
    return Subquery(FiguresVersion.objects.filter(office_id=OuterRef("office_id")).values(field)[:1])


# The branch page reads its office's figures versions with the branch, in the same statement (see branch_get).
_BRANCH_WITH_VERSIONS = PreparedFor(
    lambda user, pk: _branch_in_scope(user, pk).annotate(
        office_version=_office_version("version"), office_records_version=_office_version("records_version")
    ),
    key=read_key,
)


def branch_get(*, user, pk: int, assignments: bool = True, versions: bool = False) -> Branch:
    """The branch in the user's scope (404 outside it), with its secretary and office and, unless `assignments` is
    False, its active assignments (`active_assignments`; `with_assignments` reads them later). With `versions` (and
    not `assignments`), also its office's figures versions, read in the same statement: `office_versions`, as
    `org.figures.figures_versions` gives them."""
    pk = int(pk)
    if not 0 < pk < 2**63:  # no such row; outside the column's range the database would refuse the number
        raise Http404
    if versions and assignments:
        raise ValueError("the versions are read with the branch alone")
    found = (_BRANCH_WITH_VERSIONS if versions else _BRANCH_WITH_ASSIGNMENTS if assignments else _BRANCH)(user, pk=pk)
    if not found:
        raise Http404
    branch = found[0]
    if versions:
        branch.office_versions = (branch.office_version or 0, branch.office_records_version or 0)
    return branch


def with_assignments(branch: Branch) -> Branch:
    """The branch read by `branch_get(assignments=False)`, its active assignments read now."""
    if not hasattr(branch, "active_assignments"):
        prefetch_related_objects([branch], _branch_assignments())
    return branch


def department_list(*, user, include_retired: bool = False):
    return _active(
        Department.objects.restrict(user, "view").select_related("office").order_by("office__path", "code"),
        include_retired,
    )


def office_list(*, user, include_retired: bool = False):
    return _active(OrgUnit.objects.restrict(user, "view").filter(level="office"), include_retired)


def unit_list(*, user, include_retired: bool = False):
    """The units of the tree the user may see, in tree order."""
    return _active(OrgUnit.objects.restrict(user, "view").select_related("parent").order_by("path"), include_retired)


def person_list(*, user, include_retired: bool = False):
    return _active(Person.objects.restrict(user, "view").select_related("department", "branch"), include_retired)


def units_editable(*, user, level: str | None = None):
    """Units below which `user` may create or edit (the pickers of the create forms), active only."""
    qs = OrgUnit.objects.restrict(user, "view").filter(retired_at__isnull=True).order_by("path")
    return qs.filter(level=level) if level else qs


def public_office(code: str) -> OrgUnit:
    """The office whose public site is at /public/<code>/; 404 for anything that is not an office."""
    office = OrgUnit.objects.filter(code=code, level=UnitLevel.OFFICE).first()
    if office is None:
        raise Http404
    return office


class Responsible(NamedTuple):
    """Who answers for a branch (联系分包): departments and leaders, each as one 、-joined line."""

    departments: str
    leaders: str


def branch_responsible(branch) -> Responsible:
    """From the branch's prefetched `active_assignments` (see branch_list / branch_get)."""
    departments = [a.department.name for a in branch.active_assignments if a.department_id]
    leaders = [a.leader.name for a in branch.active_assignments if a.leader_id]
    return Responsible("、".join(departments), "、".join(leaders))


def branch_rows(branches) -> list[dict]:
    """Rows of a branch table: the branch with its departments and leaders as text."""
    rows = []
    for b in branches:
        departments, leaders = branch_responsible(b)
        rows.append({"branch": b, "departments": departments, "leaders": leaders})
    return rows


def office_branches(*, user, office_id: int) -> list[Branch]:
    """The office's branches the user may see, retired ones included, in branch order with their secretary."""
    return list(
        Branch.objects.restrict(user, "view")
        .filter(office_id=office_id)
        .select_related("secretary")
        .order_by("sort_order", "code")
    )


def branch_rows_read(branches) -> list[dict]:
    """`branch_rows` for branches read without their assignments (see `assignment_names`)."""
    names = assignment_names([b.pk for b in branches])
    return [
        {"branch": b, "departments": "、".join(names[b.pk][0]), "leaders": "、".join(names[b.pk][1])} for b in branches
    ]


# Assignment.Meta.ordering after "branch": "department" and "leader", each in its model's default order (office path,
# code; office path, leader first, name).
_ASSIGNMENT_ORDER_IN_BRANCH = (
    "department__office__path",
    "department__code",
    "leader__office__path",
    "-leader__is_leader",
    "leader__name",
)


def assignment_names(branch_ids) -> dict[int, tuple[list[str], list[str]]]:
    """Branch id → (departments, leaders): the names of who answers for each of `branch_ids` (branches of a scoped
    list) through its active assignments, in one query of plain values, in the order of the prefetch of
    `branch_list` (Assignment's default order)."""
    names: dict[int, tuple[list, list]] = {pk: ([], []) for pk in branch_ids}
    if not names:
        return names
    # Assignment's default order without its first key (the branch, the same within each branch's list).
    assignments = (
        Assignment.objects.filter(active=True, branch_id__in=list(names))
        .order_by(*_ASSIGNMENT_ORDER_IN_BRANCH)
        .values_list("branch_id", "department__name", "leader__name")
    )
    for branch_id, department, leader in assignments:
        departments, leaders = names[branch_id]
        if department is not None:
            departments.append(department)
        if leader is not None:
            leaders.append(leader)
    return names


def department_rows(*, user, include_retired: bool = False, departments=None):
    """Each department the user may see (or each of `departments`, e.g. a page of the list) with the branches
    assigned to it."""
    # Each department's assignments narrowed to the user's branches: a secretary sees who helps their branch,
    # not every branch the department helps.
    assignments = Assignment.objects.restrict(user, "view").filter(active=True).select_related("branch")
    if departments is None:
        departments = department_list(user=user, include_retired=include_retired)
    departments = prefetch_related_objects_of(
        departments, Prefetch("assignments", queryset=assignments, to_attr="visible_assignments")
    )
    return [(d, [a.branch for a in d.visible_assignments]) for d in departments]


def prefetch_related_objects_of(rows, *lookups) -> list:
    """`rows` (a queryset or a page of one) as a list with `lookups` prefetched."""
    rows = list(rows)
    prefetch_related_objects(rows, *lookups)
    return rows


def user_list(*, user):
    """The accounts the user may see (the security administrator's list), with their roles."""
    return (
        User.objects.restrict(user, "view")
        .select_related("person")
        .prefetch_related(
            "role_assignments__unit",
            "role_assignments__branch",
            Prefetch(
                "role_grants",
                queryset=RoleGrant.objects.filter(status=GrantStatus.PENDING).select_related("unit", "branch"),
                to_attr="pending_grants",
            ),
        )
        .order_by("username")
    )


def role_grant_list(*, user):
    """Role grants the user may see: all for the security administrator who asks for them; for an approver, the
    grants they would decide (administrator roles for the system administrator, business roles within an office
    leader's units)."""
    grants = RoleGrant.objects.select_related(
        "user__person__office", "unit", "branch__office", "requested_by", "decided_by"
    ).order_by("-requested_at", "-pk")
    if user.has_perm("org.view_rolegrant"):
        return grants
    if not user.has_perm("org.approve_rolegrant"):
        return grants.none()
    q = Q(pk__in=[])
    roles = user.cached_role_assignments()
    if any(ra.role == Role.SYSTEM_ADMIN for ra in roles):
        q |= Q(role__in=ADMIN_ROLES)
    for ra in roles:
        if ra.role == Role.OFFICE_LEADER and ra.unit_id:
            path = ra.unit.path
            q |= ~Q(role__in=ADMIN_ROLES) & (
                Q(unit__path__startswith=path)
                | Q(branch__office__path__startswith=path)
                | Q(unit__isnull=True, branch__isnull=True, user__person__office__path__startswith=path)
            )
    return grants.filter(q).exclude(user=user)


def session_store():
    """The configured session store's class (the database by default)."""
    from importlib import import_module

    from django.conf import settings

    return import_module(settings.SESSION_ENGINE).SessionStore


def browser_label(user_agent: str) -> str:
    """A short name for a browser from its user agent ("Chrome · Windows"), "" when unknown."""
    agent = user_agent or ""
    browser = next(
        (
            name
            for key, name in (
                ("Edg/", "Edge"),
                ("MicroMessenger", "微信"),
                ("DingTalk", "钉钉"),
                ("Firefox", "Firefox"),
                ("Chrome", "Chrome"),
                ("Safari", "Safari"),
            )
            if key in agent
        ),
        "",
    )
    system = next(
        (
            name
            for key, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("Windows", "Windows"),
                ("Mac OS", "macOS"),
                ("Linux", "Linux"),
            )
            if key in agent
        ),
        "",
    )
    return " · ".join(x for x in (browser, system) if x)


def session_list(*, user, current_key: str | None) -> list[dict]:
    """The user's own signed-in browsers still alive, the current one first (at most 20)."""
    store = session_store()
    rows = []
    for row in UserSession.objects.filter(user=user).order_by("-created_at", "-id")[:20]:
        if row.session_key != current_key and not store().exists(row.session_key):
            continue
        rows.append(
            {
                "pk": row.pk,
                "current": row.session_key == current_key,
                "created_at": row.created_at,
                "ip_address": row.ip_address or "",
                "browser": browser_label(row.user_agent),
            }
        )
    rows.sort(key=lambda r: not r["current"])
    return rows


# ---------------------------------------------------------------------------------------------------------
# Maps and the command screen
# ---------------------------------------------------------------------------------------------------------


def unit_get(*, user, pk: int) -> OrgUnit:
    unit = OrgUnit.objects.restrict(user, "view").filter(pk=pk).first()
    if unit is None:
        raise Http404
    return unit


def unit_covered(user, unit: OrgUnit) -> bool:
    """Whether the user's roles cover the whole of `unit` (its leaders and staff, or those of a unit above): a
    branch's secretary or a department cadre sees their branches, not the office's command screen."""
    scope = scope_for(user)
    return scope.everything or path_in_subtrees(unit.path, scope.unit_paths)


def scope_roots(user) -> list[OrgUnit]:
    """The topmost units the user's roles cover, in tree order (empty for a branch-scoped role)."""
    scope = scope_for(user)
    if scope.everything:
        return list(OrgUnit.objects.filter(parent__isnull=True).order_by("path"))
    if not scope.unit_paths:
        return []
    return list(OrgUnit.objects.filter(path__in=scope.unit_paths).order_by("path"))


def boundary_list(*, user, unit: OrgUnit):
    return Boundary.objects.restrict(user, "view").filter(unit=unit).select_related("branch", "child", "grid")


def grid_list(*, user, office: OrgUnit):
    """The office's grids the user may see, with their branch and whether the map has a shape for them."""
    return (
        Grid.objects.restrict(user, "view")
        .filter(office=office)
        .select_related("branch")
        .annotate(shapes=Count("boundaries"))
    )


def map_crs(unit: OrgUnit) -> str:
    """The coordinate system the unit's map declares (that of its uploaded shapes; WGS-84 before any upload): the
    places of its sites and issues are read in it."""
    return Boundary.objects.filter(unit=unit).values_list("crs", flat=True).first() or "wgs84"


def map_collection(unit: OrgUnit) -> dict:
    """The map of `unit` as a GeoJSON FeatureCollection; a feature's `name` is its code (what the chart keys on),
    `label` the branch's, grid's or unit's name as the tree has it, never the file's text. A grid's feature
    carries `kind` "grid" and its branch's id (the screen draws grids as outlines inside their branch)."""
    features = []
    rows = Boundary.objects.filter(unit=unit).select_related("branch", "child", "grid").order_by("kind", "code")
    for row in rows:
        target = row.grid if row.grid_id else row.child if row.child_id else row.branch
        label = target.name if target is not None else row.code
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": row.code,
                    "code": row.code,
                    "label": label,
                    "kind": row.kind,
                    "branch": row.branch_id,
                    "unit": row.child_id,
                },
                "geometry": row.geometry,
            }
        )
    crs = rows[0].crs if features else "wgs84"
    return {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": crs}}, "features": features}


def kiosk_token_list(*, user, unit: OrgUnit):
    return KioskToken.objects.restrict(user, "view").filter(unit=unit).select_related("created_by")


def kiosk_token_get(*, user, pk: int) -> KioskToken:
    token = KioskToken.objects.restrict(user, "view").select_related("unit").filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def kiosk_token_resolve(text: str) -> KioskToken | None:
    """The display pass a screen presents, if it is one and not revoked (the unit not retired either)."""
    if not text or len(text) > 100:
        return None
    return (
        KioskToken.objects.select_related("unit")
        .filter(digest=kiosk_digest(text), revoked_at__isnull=True, unit__retired_at__isnull=True)
        .first()
    )
