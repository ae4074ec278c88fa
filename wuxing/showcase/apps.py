from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    name = "wuxing.showcase"
    label = "showcase"
    verbose_name = _("Demonstration sites")

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    role_permissions: dict[str, set[str]] = {}

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.core.context_processors."""
        return []
