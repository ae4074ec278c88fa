from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS


class CoreConfig(AppConfig):
    name = "wuxing.core"
    label = "core"
    verbose_name = _("Core")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    role_permissions: dict[str, set[str]] = {
        "auditor": {"core.view_auditlog"},
        "system_admin": {"core.view_accountpolicy", "core.change_accountpolicy"},
    }

    def ready(self):
        from . import checks  # noqa: F401  (registers the audit retention check)

    def nav_items(self, user):
        items = []
        if user.has_perm("core.view_auditlog"):
            items.append(NavItem("audit", _("Audit log"), reverse("core:audit_list"), "admin", "shield-check"))
        if user.has_perm("core.view_accountpolicy"):
            items.append(NavItem("settings", _("System settings"), reverse("core:policy"), "admin", "gear"))
        return items
