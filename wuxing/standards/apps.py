from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_BUSINESS = ("office_leader", "campaign_staff", "department_cadre", "branch_secretary", "branch_member", "reviewer")


class StandardsConfig(AppConfig):
    name = "wuxing.standards"
    label = "standards"
    verbose_name = _("Standards")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    role_permissions: dict[str, set[str]] = {
        **{role: {"standards.view_standard"} for role in _BUSINESS},
        "office_leader": {"standards.view_standard", "standards.change_standard"},
        "campaign_staff": {"standards.view_standard", "standards.change_standard"},
    }

    def audit_value_labels(self):
        """Star and indicator codes named in audit rows, by their names in the standards."""
        from .models import Indicator, Star

        return {
            **dict(Indicator.objects.values_list("code", "text")),
            **dict(Star.objects.values_list("code", "name")),
        }

    def nav_items(self, user):
        if user.has_perm("standards.view_standard"):
            return [NavItem("standards", _("Standards"), reverse("standards:standard_list"), "admin", "journal-text")]
        return []
