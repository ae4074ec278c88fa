from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "wuxing.targets"
    label = "targets"
    verbose_name = _("Targets")

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    role_permissions: dict[str, set[str]] = {}

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.core.context_processors."""
        return []

    def branch_panels(self, request, branch, campaign):
        """Rendered sections this app adds to the branch page (see wuxing.core.extensions)."""
        return []

    def overview_panels(self, request, campaign, branches):
        """Rendered sections this app adds to the office overview (see wuxing.core.extensions)."""
        return []
