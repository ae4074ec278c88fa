"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "checklist.checkin": _("Check-in recorded"),
    "checklist.checkin_correct": _("Check-in corrected"),
    "checklist.evidence_publish": _("Evidence published"),
    "checklist.item_create": _("Checklist item added"),
    "checklist.item_update": _("Checklist item changed"),
    "checklist.items_demo": _("Demo checklist items added"),
    "checklist.items_generate": _("Checklist items generated"),
    "checklist.items_import": _("Checklist items imported"),
    "checklist.policy_set": _("Progress tolerance set"),
}
