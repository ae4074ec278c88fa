"""The plans app (一村一策 and 责任书): its role permissions, menu entry and the sections it adds to other pages."""

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_VIEW = {"plans.view_planmeasure", "plans.view_planmilestone", "plans.view_pledge"}


class PlansConfig(AppConfig):
    name = "wuxing.plans"
    # Its panels show nothing a check-in changes: kept across check-ins (org.figures.OfficePanels).
    checkin_free_panels = ("branch_panels",)
    label = "plans"
    verbose_name = _("Plans and responsibility letters")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _VIEW | {"plans.change_planmeasure", "plans.change_pledge", "plans.sign_pledge"},
        "campaign_staff": _VIEW | {"plans.change_planmeasure", "plans.change_pledge"},
        "department_cadre": set(_VIEW),
        "branch_secretary": _VIEW | {"plans.change_planmeasure", "plans.sign_pledge"},
        "branch_member": _VIEW | {"plans.change_planmeasure"},
    }

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the targets app's signals)

    def campaign_close_problems(self, campaign):
        """Why the campaign may not close yet (asked by campaigns.services through core.extensions.app_problems):
        responsibility letters still awaiting a confirmation, named by branch."""
        from django.utils.translation import gettext as _t

        from .selectors import unsigned_letter_branches

        names = unsigned_letter_branches(campaign=campaign)
        if not names:
            return []
        return [
            _t("Responsibility letters not yet confirmed by both sides: %(branches)s.") % {"branches": "、".join(names)}
        ]

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.portal.context_processors."""
        if user.has_perm("plans.view_pledge"):
            return [
                NavItem("plans", _("Responsibility letters"), reverse("plans:pledge_list"), "work", "file-earmark-text")
            ]
        return []

    def branch_panels(self, request, branch, campaign):
        """Rendered sections this app adds to the branch page (see wuxing.core.extensions)."""
        from .panels import branch_panel  # apps.py is imported before the models are ready

        return branch_panel(request, branch, campaign)

    def target_panels(self, request, target):
        """Rendered sections this app adds to a target's page: its plan and its responsibility letter."""
        from .panels import target_panel  # apps.py is imported before the models are ready

        return target_panel(request, target)

    def todo_items(self, user, campaign):
        """This app's 待办 for the user (see wuxing.core.todos)."""
        from .todos import todo_items  # apps.py is imported before the models are ready

        return todo_items(user, campaign)
