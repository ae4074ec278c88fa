"""The check-in lists (打卡清单) as an app: its role permissions, menu entries and panels."""

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem
from wuxing.org.scopes import scope_for

from .audit_labels import AUDIT_ACTIONS

_VIEW = {"checklists.view_checklistitem", "checklists.view_checkin", "checklists.view_checkinevidence"}
_WRITE = {
    "checklists.add_checklistitem",
    "checklists.change_checklistitem",
    "checklists.add_checkin",
    "checklists.add_checkinevidence",
}


class ChecklistsConfig(AppConfig):
    name = "wuxing.checklists"
    label = "checklists"
    verbose_name = _("Check-in lists")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _VIEW | _WRITE | {"checklists.view_progresspolicy", "checklists.change_progresspolicy"},
        "campaign_staff": _VIEW | _WRITE | {"checklists.view_progresspolicy", "checklists.change_progresspolicy"},
        "department_cadre": set(_VIEW),
        "branch_secretary": _VIEW | _WRITE,
        "branch_member": _VIEW | _WRITE,
        "reviewer": set(_VIEW),
    }

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.portal.context_processors."""
        items = []
        if not user.has_perm("checklists.view_checklistitem"):
            return items
        scope = scope_for(user)
        if scope.unit_paths or scope.everything:
            # One entry: the dashboard links to the progress table.
            items.append(
                NavItem("checklists-dashboard", _("Dashboard"), reverse("checklists:dashboard"), "work", "speedometer2")
            )
        elif len(scope.branch_ids) == 1:
            (branch_id,) = scope.branch_ids
            items.append(
                NavItem(
                    "checklists",
                    _("Check-in list"),
                    reverse("checklists:branch_checklist", args=[branch_id]),
                    "work",
                    "check2-square",
                )
            )
        elif scope.branch_ids:
            items.append(
                NavItem(
                    "checklists-progress", _("Progress table"), reverse("checklists:progress_table"), "work", "table"
                )
            )
        return items

    def branch_panels(self, request, branch, campaign):
        """Rendered sections this app adds to the branch page (see wuxing.core.extensions)."""
        if campaign is None or not request.user.has_perm("checklists.view_checklistitem"):
            return []
        from .panels import branch_panel  # apps.py is imported before the models are ready

        return [branch_panel(request, branch, campaign)]

    def overview_panels(self, request, campaign, branches):
        """Rendered sections this app adds to the office overview (see wuxing.core.extensions)."""
        if campaign is None or not request.user.has_perm("checklists.view_checklistitem"):
            return []
        from .panels import overview_panel  # apps.py is imported before the models are ready

        return [overview_panel(request, campaign, branches)]

    def todo_items(self, user, campaign):
        """This app's 待办 for the user (see wuxing.core.todos)."""
        from .todos import todo_items  # apps.py is imported before the models are ready

        return todo_items(user, campaign)
