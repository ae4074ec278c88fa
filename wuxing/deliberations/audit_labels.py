"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "deliberation.close": _("Deliberation closed"),
    "deliberation.create": _("Deliberation started"),
    "deliberation.implementation": _("Implementation recorded"),
    "deliberation.procedure_setting": _("Procedure set"),
    "deliberation.step": _("Deliberation step recorded"),
}
