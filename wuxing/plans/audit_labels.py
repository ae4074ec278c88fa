"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "plan.measure_delete": _("Plan measure removed"),
    "plan.measure_save": _("Plan measure saved"),
    "plan.milestone_add": _("Plan milestone added"),
    "plan.milestone_delete": _("Plan milestone removed"),
    "pledge.generate": _("Responsibility letter drawn up"),
    "pledge.void": _("Responsibility letter voided"),
    "pledge.confirm_branch": _("Letter confirmed by the branch"),
    "pledge.confirm_office": _("Letter confirmed by the office"),
    "pledge.remind": _("Reminders to confirm letters sent"),
}
