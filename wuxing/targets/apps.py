"""The targets app (目标申领): its role permissions, menu entry and the sections it adds to other pages."""

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_VIEW = {"targets.view_baseline", "targets.view_baselineevidence", "targets.view_target"}
_OFFICE = _VIEW | {"targets.change_baseline", "targets.decide_target"}
_BRANCH = _VIEW | {"targets.change_baseline", "targets.apply_target"}


class TargetsConfig(AppConfig):
    name = "wuxing.targets"
    # Its panels show nothing a check-in changes: kept across check-ins (org.figures.OfficePanels).
    checkin_free_panels = ("branch_panels", "overview_panels")
    label = "targets"
    verbose_name = _("Targets")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    role_permissions: dict[str, set[str]] = {
        "office_leader": set(_OFFICE),
        "campaign_staff": set(_OFFICE),
        "department_cadre": set(_VIEW),
        "branch_secretary": set(_BRANCH),
        "branch_member": set(_BRANCH),
        "reviewer": {"targets.view_target", "targets.view_baseline"},
    }

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the campaigns app's signals)

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.portal.context_processors."""
        if user.has_perm("targets.view_target"):
            return [NavItem("targets", _("Targets"), reverse("targets:target_list"), "work", "bullseye")]
        return []

    def branch_panels(self, request, branch, campaign):
        """Rendered sections this app adds to the branch page (see wuxing.core.extensions)."""
        from .panels import branch_panel  # apps.py is imported before the models are ready

        return branch_panel(request, branch, campaign)

    def overview_panels(self, request, campaign, branches):
        """Rendered sections this app adds to the office overview (see wuxing.core.extensions)."""
        from .panels import overview_panel  # apps.py is imported before the models are ready

        return overview_panel(request, campaign, branches)

    def todo_items(self, user, campaign):
        """This app's 待办 for the user (see wuxing.core.todos)."""
        from .todos import todo_items  # apps.py is imported before the models are ready

        return todo_items(user, campaign)
