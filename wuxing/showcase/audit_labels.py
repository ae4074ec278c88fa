"""What the audit log calls this app's actions (the audit log page, its filter and its export)."""

from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "showcase.catalogue_defaults": _("Default project kinds added"),
    "showcase.kind_create": _("Project kind added"),
    "showcase.milestone_add": _("Project milestone added"),
    "showcase.milestone_complete": _("Project milestone completed"),
    "showcase.project_create": _("Feature project added"),
    "showcase.project_evidence": _("Project evidence uploaded"),
    "showcase.site_claim": _("Demonstration site claimed"),
    "showcase.site_update": _("Demonstration site changed"),
    "showcase.site_place": _("Demonstration site placed on the map"),
    "showcase.agreement_add": _("Co-building agreement added"),
    "showcase.member_register": _("Member registered"),
    "showcase.service_record_add": _("Service recorded"),
    "showcase.tea_session_add": _("Tea-house session recorded"),
    "showcase.team_add": _("Service team added"),
    "showcase.volunteer_add": _("Volunteer added"),
    "showcase.volunteer_activity_add": _("Volunteer activity recorded"),
    "showcase.grid_add": _("Grid added"),
    "showcase.grid_worker_add": _("Grid worker added"),
    "showcase.incident_report": _("Incident reported"),
    "showcase.incident_close": _("Incident closed"),
}
