from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_READ = {"org.view_branch", "org.view_department", "org.view_orgunit", "org.view_person", "org.view_assignment"}
_WRITE = {"org.change_branch", "org.change_assignment", "org.change_department", "org.change_person"}
# Maps (GeoJSON boundaries) and the display passes of the command screen, kept by the unit's campaign office.
_MAPS = {
    "org.view_boundary",
    "org.change_boundary",
    "org.view_kiosktoken",
    "org.add_kiosktoken",
    "org.change_kiosktoken",
    "org.view_grid",
    "org.add_grid",
}


class OrgConfig(AppConfig):
    name = "wuxing.org"
    label = "org"
    verbose_name = _("Organisation")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    role_permissions: dict[str, set[str]] = {
        # A unit's leaders also shape the tree below their unit (offices under a district, and so on).
        "office_leader": _READ
        | _WRITE
        | _MAPS
        | {"org.reveal_personal", "org.approve_rolegrant", "org.change_orgunit"},
        "campaign_staff": _READ | _WRITE | _MAPS,
        "department_cadre": _READ | {"org.view_boundary", "org.view_grid"},
        "branch_secretary": _READ | {"org.view_boundary", "org.view_grid"},
        "branch_member": _READ | {"org.view_boundary", "org.view_grid"},
        "reviewer": {"org.view_branch", "org.view_boundary", "org.view_grid"},
        "security_admin": {"org.view_user", "org.change_user", "org.assign_role", "org.view_rolegrant"},
        "system_admin": {"org.approve_rolegrant"},
    }

    def ready(self):
        from wuxing.core.audit import AUDIT_HOOKS

        from . import receivers  # noqa: F401  (a row per signed-in browser, see receivers.py)
        from .figures import audit_hook

        if audit_hook not in AUDIT_HOOKS:
            AUDIT_HOOKS.append(audit_hook)

    def nav_items(self, user):
        items = []
        if user.has_perm("org.change_orgunit"):
            items.append(NavItem("units", _("Organisation units"), reverse("org:unit_list"), "org", "building"))
        if user.has_perm("org.view_branch"):
            items.append(NavItem("branches", _("Branches"), reverse("org:branch_list"), "org", "diagram-3"))
        if user.has_perm("org.view_department"):
            items.append(NavItem("departments", _("Departments"), reverse("org:department_list"), "org", "briefcase"))
        if user.has_perm("org.view_person"):
            items.append(NavItem("people", _("People"), reverse("org:person_list"), "org", "person-lines-fill"))
        if user.has_perm("org.view_user"):
            items.append(NavItem("users", _("Accounts & roles"), reverse("org:user_list"), "admin", "person-gear"))
        if user.has_perm("org.view_rolegrant") or user.has_perm("org.approve_rolegrant"):
            items.append(
                NavItem("role_grants", _("Role approvals"), reverse("org:role_grant_list"), "admin", "person-check")
            )
        return items

    def todo_items(self, user, campaign):
        """This app's 待办 for the user (see wuxing.core.todos)."""
        from .todos import todo_items  # apps.py is imported before the models are ready

        return todo_items(user, campaign)
