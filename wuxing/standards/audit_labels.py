"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "standard.draft": _("Standard file uploaded"),
    "standard.load": _("Standard published"),
}
