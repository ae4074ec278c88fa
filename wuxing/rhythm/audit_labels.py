"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "rhythm.action_close": _("Action closed"),
    "rhythm.action_create": _("Action created"),
    "rhythm.calendar_generate": _("Calendar generated"),
    "rhythm.calendar_token_reset": _("Calendar link reset"),
    "rhythm.day_lock": _("Day locked"),
    "rhythm.event_create": _("Calendar event added"),
    "rhythm.event_move": _("Calendar event moved"),
    "rhythm.help_answer": _("Help request answered"),
    "rhythm.help_ask": _("Help asked for"),
    "rhythm.meeting_create": _("Meeting created"),
    "rhythm.meeting_record": _("Meeting recorded"),
    "rhythm.policy_set": _("Daily report settings set"),
    "rhythm.remind_missing": _("Reminder sent"),
    "rhythm.report_submit": _("Daily report submitted"),
    "rhythm.reports_load_history": _("Past daily reports loaded"),
    "rhythm.summary_edit": _("Annual summary edited"),
    "rhythm.summary_finalise": _("Annual summary finalised"),
    "rhythm.summary_generate": _("Annual summary generated"),
}
