from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_BUSINESS = ("office_leader", "campaign_staff", "department_cadre", "branch_secretary", "branch_member", "reviewer")


class CampaignsConfig(AppConfig):
    name = "wuxing.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    role_permissions: dict[str, set[str]] = {
        **{role: {"campaigns.view_campaign", "campaigns.view_campaignattachment"} for role in _BUSINESS},
        "office_leader": {"campaigns.view_campaign", "campaigns.change_campaign", "campaigns.view_campaignattachment"},
        "campaign_staff": {"campaigns.view_campaign", "campaigns.change_campaign", "campaigns.view_campaignattachment"},
    }

    def nav_items(self, user):
        if user.has_perm("campaigns.view_campaign"):
            return [NavItem("campaigns", _("Campaigns"), reverse("campaigns:campaign_list"), "admin", "award")]
        return []
