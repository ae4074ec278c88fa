from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_VIEW = {
    "liaison.view_campaignassignment",
    "liaison.view_activity",
    "liaison.view_activityevidence",
    "liaison.view_finding",
}
_MANAGE = {
    "liaison.add_campaignassignment",
    "liaison.change_campaignassignment",
    "liaison.add_activity",
    "liaison.change_activity",
    "liaison.delete_activity",
    "liaison.add_finding",
    "liaison.change_finding",
}


class LiaisonConfig(AppConfig):
    name = "wuxing.liaison"
    # Its panels show nothing a check-in changes: kept across check-ins (org.figures.OfficePanels).
    checkin_free_panels = ("branch_panels", "overview_panels")
    label = "liaison"
    verbose_name = _("Assignments")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    # A department cadre records the 五个一 and findings, and what it delivered, for its own assignments only
    # (the services narrow it further than its branch scope); branches read what was done for them.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _VIEW | _MANAGE,
        "campaign_staff": _VIEW | _MANAGE,
        "department_cadre": _VIEW
        | {
            "liaison.change_campaignassignment",
            "liaison.add_activity",
            "liaison.change_activity",
            "liaison.delete_activity",
            "liaison.add_finding",
        },
        "branch_secretary": set(_VIEW),
        "branch_member": set(_VIEW),
    }

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the campaigns app's signals)

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.portal.context_processors."""
        if not user.has_perm("liaison.view_campaignassignment"):
            return []
        return [NavItem("liaison", _("“Five ones” tracker"), reverse("liaison:tracker"), "work", "people")]

    # The panels read models, which are not ready while the AppConfig is imported: panels.py is imported on use.

    def branch_panels(self, request, branch, campaign):
        from .panels import branch_panels

        return branch_panels(request, branch, campaign)

    def overview_panels(self, request, campaign, branches):
        from .panels import overview_panels

        return overview_panels(request, campaign, branches)

    def todo_items(self, user, campaign):
        """This app's 待办 for the user (see wuxing.core.todos)."""
        from .todos import todo_items  # apps.py is imported before the models are ready

        return todo_items(user, campaign)
