"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "campaign.amend_result": _("Rating result amended after a star withdrawal"),
    "campaign.attach": _("Campaign files attached"),
    "campaign.create": _("Campaign created"),
    "campaign.group_duties": _("Group duties set"),
    "campaign.group_member": _("Group member added"),
    "campaign.group_member_remove": _("Group member removed"),
    "campaign.prepare_next": _("Next year's campaign prepared"),
    "campaign.record_result": _("Rating result recorded"),
    "campaign.set_quotas": _("Quotas set"),
    "campaign.set_status": _("Campaign status changed"),
    "campaign.update": _("Campaign changed"),
}
