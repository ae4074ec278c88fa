"""Data scope: which part of the organisation a user's roles cover (全部 / 本级及以下 / 分包 / 本支部)."""

import hashlib
from dataclasses import dataclass, field

from django.db.models import Q

from wuxing.core.roles import ASSIGNED_ROLES, BRANCH_ROLES, SUBTREE_ROLES


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    unit_paths: tuple[str, ...] = ()  # subtrees of the org tree
    branch_ids: frozenset[int] = field(default_factory=frozenset)  # single branches (own or assigned)
    office_ids: frozenset[int] = field(default_factory=frozenset)  # offices of those branches

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.unit_paths or self.branch_ids)

    def within_office(self, office) -> bool:
        """Whether everything this scope covers lies in `office` (its subtree, its branches): what an office's
        own staff, its departments and its branches see. Lists built from such a scope change only with the
        office (a district's leader sees the campaigns and departments of every office below)."""
        if self.everything:
            return False
        return all(path.startswith(office.path) for path in self.unit_paths) and self.office_ids <= {office.pk}

    def covers_branch(self, branch_id: int, office_path: str) -> bool:
        """Whether the scope holds the branch `branch_id`, whose office's path is `office_path`: what
        `Branch.scope_filter` selects (the branch is one of `branch_ids`, or its office lies in one of the subtrees
        `unit_paths`), and every branch for a scope of `everything`, as `restrict` reads it. For a row read
        without the filter (under a lock, say) and checked after."""
        return self.everything or branch_id in self.branch_ids or office_path.startswith(self.unit_paths)


def compute_scope(user) -> Scope:
    # org.models → querysets → scopes: the models are imported when a scope is first computed.
    from .models import Assignment, Branch

    if user.is_superuser:
        return Scope(everything=True)
    paths: set[str] = set()
    branch_ids: set[int] = set()
    assigned = False
    for ra in user.cached_role_assignments():
        if ra.role in SUBTREE_ROLES and ra.unit_id:
            paths.add(ra.unit.path)
        elif ra.role in BRANCH_ROLES and ra.branch_id:
            branch_ids.add(ra.branch_id)
        elif ra.role in ASSIGNED_ROLES:
            assigned = True
    if assigned and user.person_id:
        person = user.person
        q = Q(leader_id=person.pk)
        if person.department_id:
            q |= Q(department_id=person.department_id)
        branch_ids |= set(Assignment.objects.filter(q, active=True).values_list("branch_id", flat=True))
    office_ids = (
        frozenset(Branch.objects.filter(pk__in=branch_ids).values_list("office_id", flat=True).distinct())
        if branch_ids
        else frozenset()
    )
    # Drop subtrees nested in another one, so filters stay short.
    roots = tuple(sorted(p for p in paths if not any(p != o and p.startswith(o) for o in paths)))
    return Scope(unit_paths=roots, branch_ids=frozenset(branch_ids), office_ids=office_ids)


def scope_for(user) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    cached = getattr(user, "_wuxing_scope", None)
    if cached is None:
        cached = compute_scope(user)
        user._wuxing_scope = cached
    return cached


def viewer_key(user) -> str:
    """A short hash of what `user` may see: the permissions and the scope. Two accounts with the same key see the
    same rows and the same links (the panels and tables that are kept in the cache ask nothing else of the user),
    so the office's staff share one entry; a change of role or scope is a new key. Part of the key of a part of a
    page kept in the cache for signed-in users (`org.figures.cached_fragment`). Both are memoised on the user: this
    costs no query of its own."""
    scope = scope_for(user)
    perms = sorted(user.get_all_permissions())
    # The offices of the scope's branches too: the campaigns' and units' filters read them, and they change when a
    # branch moves to another office while its id stays.
    raw = repr((scope.everything, scope.unit_paths, sorted(scope.branch_ids), sorted(scope.office_ids), perms))
    return hashlib.sha1(raw.encode()).hexdigest()[:16]


def read_key(user) -> str | None:
    """What a read narrowed by `restrict(user, …)` is kept compiled under (`core.querysets.PreparedFor`): the
    viewer's key, since `restrict` asks nothing of the user but the permissions and the scope. None, not kept, for
    a system actor or a visitor (restrict reads no scope for them) and for an inactive account."""
    from wuxing.core.actors import is_system

    if user is None or is_system(user) or not user.is_authenticated or not user.is_active:
        return None
    return viewer_key(user)
