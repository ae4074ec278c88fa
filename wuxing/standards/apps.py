from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

_BUSINESS = ("office_leader", "campaign_staff", "department_cadre", "branch_secretary", "branch_member", "reviewer")


class StandardsConfig(AppConfig):
    name = "wuxing.standards"
    label = "standards"
    verbose_name = _("Standards")

    role_permissions: dict[str, set[str]] = {
        **{role: {"standards.view_standard"} for role in _BUSINESS},
        "office_leader": {"standards.view_standard", "standards.change_standard"},
        "campaign_staff": {"standards.view_standard", "standards.change_standard"},
    }

    def nav_items(self, user):
        if user.has_perm("standards.view_standard"):
            return [NavItem("standards", _("Standards"), reverse("standards:standard_list"), "admin", "journal-text")]
        return []
