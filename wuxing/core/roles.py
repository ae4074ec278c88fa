"""The roles of SPEC §1 and the permissions each one carries.

Each app declares what it gives each role (`role_permissions` on its AppConfig). Permissions are plain Django
permission strings, so `user.has_perm()` works in views, templates and DRF
alike; the auth backend derives them from a user's role assignments instead of storing them per user.
"""

import functools

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE_LEADER = "office_leader", _("Office leader")
    CAMPAIGN_STAFF = "campaign_staff", _("Campaign staff")
    DEPARTMENT_CADRE = "department_cadre", _("Department cadre")
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")
    BRANCH_MEMBER = "branch_member", _("Branch committee member")
    REVIEWER = "reviewer", _("Reviewer")
    AUDITOR = "auditor", _("Auditor")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


# 三员分立: no account may hold two of these.
ADMIN_ROLES = frozenset({Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN})

# Roles whose scope is the subtree under the unit they are attached to.
SUBTREE_ROLES = frozenset({Role.OFFICE_LEADER, Role.CAMPAIGN_STAFF, Role.REVIEWER})
# Roles whose scope is one branch.
BRANCH_ROLES = frozenset({Role.BRANCH_SECRETARY, Role.BRANCH_MEMBER})
# Roles whose scope is the branches assigned (联系分包) to their department or to them.
ASSIGNED_ROLES = frozenset({Role.DEPARTMENT_CADRE})


@functools.cache
def _app_role_permissions() -> dict[str, frozenset[str]]:
    """The permissions each app gives each role (`role_permissions` on its AppConfig), merged."""
    merged: dict[str, set[str]] = {}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            merged.setdefault(role, set()).update(perms)
    return {role: frozenset(perms) for role, perms in merged.items()}


def role_permissions(role) -> frozenset[str]:
    return _app_role_permissions().get(role, frozenset())


def permissions_for_roles(roles) -> frozenset[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= role_permissions(role)
    return frozenset(perms)
