"""The assignments app's `restrict()`: the branch scope, narrowed for a department cadre to its own assignments.

A department cadre's branch scope covers every assignment of its branches; here it is narrowed further to the
assignments of its own department or of itself, so it sees and records only its own work. Because the narrowing
lives in `restrict()`, the pages, the API and the services' `ensure_allowed` / `ensure_in_scope` all apply it.
"""

from django.db import models
from django.db.models import Q

from wuxing.core.actors import is_system
from wuxing.core.roles import ASSIGNED_ROLES, BRANCH_ROLES, SUBTREE_ROLES
from wuxing.org.querysets import RestrictedQuerySet


def only_own_assignments(user) -> bool:
    """True for a user whose only way to these records is being assigned (a department cadre)."""
    if is_system(user) or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    roles = set(user.role_codes())
    return bool(roles & ASSIGNED_ROLES) and not roles & (SUBTREE_ROLES | BRANCH_ROLES)


def own_q(user, prefix: str = "") -> Q:
    """Rows of the user's own assignments (its department's or its own as a leader)."""
    person = user.person
    if person is None:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}assignment__leader_id": person.pk})
    if person.department_id:
        q |= Q(**{f"{prefix}assignment__department_id": person.department_id})
    return q


class OwnAssignmentQuerySet(RestrictedQuerySet):
    """`restrict()` of a model reached through a campaign assignment; the model names the path as `own_prefix`."""

    def restrict(self, user, action: str = "view"):
        qs = super().restrict(user, action)
        if only_own_assignments(user):
            qs = qs.filter(own_q(user, self.model.own_prefix))
        return qs


class OwnAssignmentManager(models.Manager.from_queryset(OwnAssignmentQuerySet)):
    pass
