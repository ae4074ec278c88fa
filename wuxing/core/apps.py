from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
            items.append(("audit", _("Audit log"), reverse("core:audit_list")))
        if user.has_perm("core.view_accountpolicy"):
            items.append(("settings", _("System settings"), reverse("core:policy")))
        return items
