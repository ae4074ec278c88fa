"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "supervision.accountability_record": _("Accountability recorded"),
    "supervision.card_submit": _("Score card submitted"),
    "supervision.evaluation_compute": _("Evaluation computed"),
    "supervision.evaluation_create": _("Evaluation created"),
    "supervision.evaluation_publish": _("Evaluation published"),
    "supervision.finding_record": _("Inspection finding recorded"),
    "supervision.finding_triage": _("Finding triaged"),
    "supervision.inspection_create": _("Inspection created"),
    "supervision.observation_create": _("Observation created"),
    "supervision.observation_public": _("Observation made public"),
    "supervision.public_report": _("Public problem report received"),
    "supervision.public_report_reveal": _("Reporter's contact viewed"),
    "supervision.rectification_create": _("Rectification created"),
    "supervision.rectification_escalate": _("Rectification escalated"),
    "supervision.rectification_reschedule": _("Rectification rescheduled"),
    "supervision.rectification_transition": _("Rectification advanced"),
    "supervision.sheet_create": _("Score sheet created"),
    "supervision.tag_create": _("Tag created"),
}
