"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "participation.category_save": _("Issue category saved"),
    "participation.demo_load": _("Demo issues loaded"),
    "participation.issue_answer": _("Resident issue answered"),
    "participation.issue_confirm": _("Resident's verdict given"),
    "participation.issue_note": _("Handling note added"),
    "participation.issue_reveal": _("Resident's phone viewed"),
    "participation.issue_submit": _("Resident issue received"),
    "participation.issue_triage": _("Resident issue triaged"),
    "participation.opinion": _("Opinion received"),
    "participation.session_create": _("Tea-house session recorded"),
    "participation.session_update": _("Tea-house session edited"),
    "participation.solicitation_close": _("Opinion solicitation closed"),
    "participation.solicitation_create": _("Opinion solicitation opened"),
    "participation.survey_answer": _("Survey answered"),
    "participation.survey_codes": _("Survey codes made"),
    "participation.survey_create": _("Survey prepared"),
    "participation.survey_status": _("Survey status changed"),
    "participation.topic_answer": _("Tea-house topic answered"),
    "participation.topic_convert": _("Tea-house topic turned into work"),
    "participation.topic_moderate": _("Tea-house topic moderated"),
    "participation.topic_reveal": _("Tea-house contact viewed"),
    "participation.topic_submit": _("Tea-house topic raised"),
}
