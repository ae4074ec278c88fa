import datetime

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_VIEW = {
    "supervision.view_activitytag",
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
    "supervision.change_rectification",
    "supervision.verify_rectification",
    "supervision.view_publicreport",
}
# 问责 is seen and recorded by the office's leaders only (the auditor reads each record in the audit log).
_ACCOUNTABILITY = {"supervision.view_accountability", "supervision.add_accountability"}


class SupervisionConfig(AppConfig):
    name = "wuxing.supervision"
    # Its panels show nothing a check-in changes: kept across check-ins (org.figures.OfficePanels).
    checkin_free_panels = ("branch_panels", "overview_panels")
    label = "supervision"
    verbose_name = _("Supervision")

    def daily_tasks(self):
        """Daily at 09:00 on working days (the rhythm scheduler): overdue rectifications escalated."""
        # tasks import the services, which need the app registry ready
        from .tasks import escalate_overdue_rectifications

        return [("escalate_rectifications", datetime.time(9, 0), escalate_overdue_rectifications)]

    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

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

    def ready(self):
        from . import tasks  # noqa: F401  (registers the escalation task)

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.portal.context_processors."""
        if not user.has_perm("supervision.view_observation"):
            return []
        return [
            NavItem("supervision", _("Observation and inspection"), reverse("supervision:home"), "assess", "binoculars")
        ]

    def public_links(self, office):
        """This app's pages on the office's public site (see wuxing.core.extensions.app_links)."""
        return [
            (_("Rankings"), reverse("supervision_public:rankings", args=[office.code])),
            (_("Report a problem"), reverse("supervision_public:report", args=[office.code])),
        ]

    def agenda_items(self, campaign, week):
        """Rows for a weekly agenda (R15: overdue rectifications are shown on the next weekly agenda).

        `week` is the Monday (a date) of the agenda's week. Returns plain dicts, no model instances, so an app
        above this one (the work rhythm's weekly agenda) can list them without importing this app's models.
        """
        from .selectors import agenda_rows

        return agenda_rows(campaign=campaign, week=week)

    # The panels read models, which are not ready while the AppConfig is imported: panels.py is imported on use.

    def screen_items(self, campaign, today):
        """The command screen's section for this app: the latest 月观摩 ranking (see wuxing.portal.screen)."""
        from django.utils.translation import gettext as _

        from .selectors import screen_ranking

        ranking = screen_ranking(campaign=campaign, today=today)
        if ranking is None:
            return []
        return [
            {
                "title": _("Observation ranking: %(title)s") % {"title": ranking["title"]},
                "rows": [
                    (f"{rank}. {name}", "—" if percent is None else f"{percent:.1f}%")
                    for rank, name, percent in ranking["rows"]
                ],
            }
        ]

    def branch_panels(self, request, branch, campaign):
        from .panels import branch_panels

        return branch_panels(request, branch, campaign)

    def overview_panels(self, request, campaign, branches):
        from .panels import overview_panels

        return overview_panels(request, campaign, branches)
