from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = {
    "supervision.view_scoresheet",
    "supervision.view_observation",
    "supervision.view_scorecard",
    "supervision.view_scorephoto",
    "supervision.view_evaluation",
    "supervision.view_inspection",
    "supervision.view_finding",
    "supervision.view_findingphoto",
    "supervision.view_rectification",
    "supervision.view_rectificationevidence",
}
_MANAGE = {
    "supervision.add_scoresheet",
    "supervision.add_observation",
    "supervision.change_observation",
    "supervision.add_evaluation",
    "supervision.change_evaluation",
    "supervision.add_inspection",
    "supervision.change_inspection",
    "supervision.add_finding",
    "supervision.change_finding",
    "supervision.add_rectification",
    "supervision.verify_rectification",
    "supervision.view_publicreport",
}
# 问责 is seen and recorded by the office's leaders only (the auditor reads each record in the audit log).
_ACCOUNTABILITY = {"supervision.view_accountability", "supervision.add_accountability"}


class SupervisionConfig(AppConfig):
    name = "wuxing.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    # The office plans observations, evaluations and inspections and verifies rectifications; the responsible side
    # (the branch secretary, the assigned department) works on its rectifications and submits them; observers
    # (any signed-in role that is named on a visit plan) score on their own sheets.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _VIEW | _MANAGE | _ACCOUNTABILITY | {"supervision.reveal_contact"},
        "campaign_staff": _VIEW | _MANAGE,
        "department_cadre": _VIEW | {"supervision.change_rectification"},
        "branch_secretary": _VIEW | {"supervision.change_rectification"},
        "branch_member": set(_VIEW),
        "reviewer": set(_VIEW),
    }
