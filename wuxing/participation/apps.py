import datetime

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_VIEW = {"participation.view_issue", "participation.view_issuephoto", "participation.view_issuecategory"}
_HANDLE = {"participation.change_issue"}
_OFFICE = {"participation.triage_issue", "participation.change_issuecategory", "participation.add_issuecategory"}
_SURVEY_VIEW = {"participation.view_survey", "participation.view_surveycode"}
# 征求意见 is the branch's: it asks its residents and records the summary as its deliberation's first step.
_SOLICIT_VIEW = {"participation.view_solicitation"}
_SOLICIT = _SOLICIT_VIEW | {"participation.add_solicitation", "participation.change_solicitation"}
_SURVEY = _SURVEY_VIEW | {"participation.add_survey", "participation.change_survey"}
# 民情茶馆: the office and the branch moderate topics and turn them into work; the branch answers them and
# records its sessions.
_TEA_VIEW = {"participation.view_teatopic", "participation.view_teasession"}
_TEA_WORK = _TEA_VIEW | {"participation.moderate_teatopic", "participation.convert_teatopic"}
_TEA_BRANCH = {"participation.answer_teatopic", "participation.add_teasession", "participation.change_teasession"}


class ParticipationConfig(AppConfig):
    name = "wuxing.participation"
    label = "participation"
    verbose_name = _("Resident participation")

    def daily_tasks(self):
        """Daily at 09:00 on working days (the rhythm scheduler): overdue work orders escalated."""
        from .tasks import escalate_overdue_issues  # tasks import the services, which need the app registry ready

        return [("escalate_issues", datetime.time(9, 0), escalate_overdue_issues)]

    # The office triages residents' issues and dispatches them; the branch (its secretary) or the assigned
    # department's cadre handles and answers its own. The resident's phone is revealed to the office's leaders only.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _VIEW
        | _HANDLE
        | _OFFICE
        | _SURVEY
        | _SOLICIT_VIEW
        | _TEA_WORK
        | {"participation.reveal_contact"},
        "campaign_staff": _VIEW | _HANDLE | _OFFICE | _SURVEY | _SOLICIT_VIEW | _TEA_WORK,
        "department_cadre": _VIEW | _HANDLE | _SOLICIT_VIEW | _TEA_VIEW,
        "branch_secretary": _VIEW | _HANDLE | _SOLICIT | _TEA_WORK | _TEA_BRANCH,
        "branch_member": _VIEW | _SOLICIT_VIEW | _TEA_VIEW,
        "reviewer": _VIEW | _SURVEY_VIEW | _SOLICIT_VIEW | _TEA_VIEW,
    }

    def ready(self):
        from . import tasks  # noqa: F401  (registers the overdue escalation task)

    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    def nav_items(self, user):
        items = []
        if user.has_perm("participation.view_issue"):
            items.append(("participation", _("Resident issues"), reverse("participation:issue_list")))
        if user.has_perm("participation.view_teatopic"):
            items.append(
                NavItem(
                    "participation_tea", _("People's tea house"), reverse("participation:topic_list"), "work", "people"
                )
            )
        return items

    def todo_items(self, user, campaign):
        """This app's 待办 for the user (see wuxing.core.todos): tea-house topics to moderate and to answer."""
        from .todos import todo_items  # apps.py is imported before the models are ready

        return todo_items(user, campaign)

    def public_links(self, office):
        return [
            (_("Report an issue (随手拍)"), reverse("participation_public:issue_submit", args=[office.code])),
            (_("Residents' issues"), reverse("participation_public:board", args=[office.code])),
            (_("Proposals open for opinions"), reverse("participation_public:solicitations", args=[office.code])),
            (_("People's tea house"), reverse("participation_public:tea", args=[office.code])),
        ]

    def resident_satisfaction(self, campaign, start, end, branch_ids):
        """Satisfaction (0–100) per branch from residents' confirmations of their answered issues between `start`
        and `end` (dates): read by supervision's quarterly evaluation when no value is entered by hand."""
        from .selectors import satisfaction_by_branch

        return satisfaction_by_branch(campaign=campaign, start=start, end=end, branch_ids=branch_ids)

    def map_point_kinds(self):
        """Residents' issues placed by Point features of the office's map upload (org.services.boundaries_upload):
        `kind` "issue", `code` the tracking code."""
        from . import services

        return {
            "issue": {"label": _("Resident issue"), "codes": services.issue_place_codes, "place": services.issues_place}
        }

    def screen_points(self, campaign, kiosk):
        """Issues with a place, as points on the command screen's map; a display shows only the accepted ones, and
        nothing personal either way."""
        from .selectors import issue_points

        return [
            {"kind": "issue", "kind_label": _("Resident issue"), "symbol": "circle", **row}
            for row in issue_points(campaign=campaign, public_only=kiosk)
        ]

    def screen_measures(self, campaign, branch_ids):
        """A measure the command screen's map can be coloured by: open work orders per branch."""
        from .selectors import open_orders_by_branch

        return [
            {
                "key": "orders",
                "label": _("Open work orders"),
                "values": open_orders_by_branch(campaign=campaign, branch_ids=branch_ids),
            }
        ]
