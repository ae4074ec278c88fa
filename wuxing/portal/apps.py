from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .audit_labels import AUDIT_ACTIONS


class PortalConfig(AppConfig):
    """The top layer: pages made of several apps (home, the office overview, the branch page, later the district
    view and the command screen), the demo orchestrator and the benchmark."""

    name = "wuxing.portal"
    label = "portal"
    verbose_name = _("Portal")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    def nav_items(self, user):
        """The command screen for whoever holds a whole unit, the summary for a unit above the offices (read from
        the roles already loaded for the request: no query)."""
        from django.urls import reverse

        from wuxing.core.nav import NavItem
        from wuxing.core.roles import SUBTREE_ROLES

        if not user.has_perm("org.view_branch"):
            return []
        levels = {ra.unit.level for ra in user.cached_role_assignments() if ra.role in SUBTREE_ROLES and ra.unit_id}
        items = []
        if levels:
            items.append(NavItem("screen", _("Command screen"), reverse("portal:screen"), "desk", "speedometer2"))
        if levels - {"office"}:
            items.append(NavItem("summary", _("Summary across offices"), reverse("portal:summary"), "desk", "table"))
        return items
