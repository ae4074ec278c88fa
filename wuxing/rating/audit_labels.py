"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "rating.name": _("Stars named"),
    "rating.objection": _("Objection raised"),
    "rating.objection_close": _("Objection closed"),
    "rating.open": _("Rating opened"),
    "rating.publicity": _("Publicity set"),
    "rating.reviewer_add": _("Department reviewer added"),
    "rating.self_evaluate": _("Self-evaluation saved"),
    "rating.submit": _("Self-evaluation submitted"),
    "rating.veto": _("Veto event recorded"),
    "rating.office_review": _("Office review"),
    "rating.district_review": _("District review"),
}
