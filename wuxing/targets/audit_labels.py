"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "baseline.save": _("Baseline survey saved"),
    "target.agree": _("Target agreed"),
    "target.record_past": _("Past target recorded"),
    "target.remind": _("Reminders to apply for targets sent"),
    "target.require_stars": _("Stars required of the branch"),
    "target.return": _("Target returned"),
    "target.save_draft": _("Target draft saved"),
    "target.submit": _("Target submitted"),
    "targets.confirm": _("Targets confirmed"),
}
