"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "liaison.activity_evidence": _("Activity evidence uploaded"),
    "liaison.activity_record": _("Activity recorded"),
    "liaison.assignment_create": _("Department assignment added"),
    "liaison.assignment_update": _("Department assignment changed"),
    "liaison.finding_record": _("Finding recorded"),
}
