from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_MODELS = (
    "calendarevent",
    "dailyreport",
    "helprequest",
    "meeting",
    "action",
    "actionevidence",
    "rhythmpolicy",
    "annualsummary",
)
_VIEW = {f"rhythm.view_{m}" for m in _MODELS}
# The office does not write a branch's daily report for it.
_MANAGE = {f"rhythm.{verb}_{m}" for m in _MODELS for verb in ("add", "change") if m != "dailyreport"} | {
    "rhythm.add_daylock"
}


class RhythmConfig(AppConfig):
    name = "wuxing.rhythm"
    label = "rhythm"
    verbose_name = _("Rhythm")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    # The office runs the calendar, meetings and summaries; a branch writes its daily report and asks for help;
    # a department cadre answers the help requests of its branches and closes the actions it owns.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _VIEW | _MANAGE,
        "campaign_staff": _VIEW | _MANAGE,
        "department_cadre": _VIEW | {"rhythm.change_helprequest", "rhythm.change_action"},
        "branch_secretary": _VIEW | {"rhythm.add_dailyreport", "rhythm.change_dailyreport", "rhythm.add_helprequest"},
        "branch_member": set(_VIEW),
        "reviewer": set(_VIEW),
    }

    def nav_items(self, user):
        """One menu entry: the office's daily digest (which links the meetings and the calendar), the secretary's
        daily report, or the calendar for those who only read."""
        if not user.has_perm("rhythm.view_calendarevent"):
            return []
        if user.has_perm("rhythm.add_meeting"):
            return [NavItem("rhythm", _("Reports & meetings"), reverse("rhythm:digest"), "work", "calendar-week")]
        if user.has_perm("rhythm.add_dailyreport"):
            return [NavItem("rhythm", _("Daily report"), reverse("rhythm:report_today"), "work", "calendar-week")]
        return [NavItem("rhythm", _("Meetings"), reverse("rhythm:meeting_list"), "work", "calendar-week")]

    def nav_tools(self, user):
        """Links beside the user's name, (key, label, url, badge url): the bell. The unread count is fetched by
        htmx from the badge url after the page loads, so no page pays a query for it."""
        return [("bell", _("Notifications"), reverse("rhythm:notification_list"), reverse("rhythm:notification_badge"))]

    def daily_report_punctuality(self, campaign, start, end, branch_ids):
        """Daily report punctuality per branch (0–100), for an evaluation that weighs it (see supervision)."""
        from .selectors import report_punctuality  # apps.py is imported before the models are ready

        return report_punctuality(campaign, start, end, branch_ids)

    def screen_items(self, campaign, today):
        """The command screen's section for this app: this week's rhythm (see wuxing.portal.screen)."""
        from django.utils.translation import gettext as _

        from .selectors import screen_figures

        f = screen_figures(campaign=campaign, today=today)
        return [
            {
                "title": _("This week's rhythm"),
                "rows": [
                    (_("Daily reports in today"), f["reports_in"]),
                    (_("Daily reports missing today"), f["reports_missing"]),
                    (_("Meetings this week"), f["meetings"]),
                    (_("Actions overdue"), f["actions_overdue"]),
                ],
            }
        ]

    def deliver_notice(self, *, person, kind, title, url="", key=None):
        """Another app's notice for a person (e.g. an overdue rectification for its leader): into the notification
        centre of the person's account, sent once per key. False when the person has no account."""
        from .services import notify  # apps.py is imported before the models are ready

        user = getattr(person, "user", None) if person is not None else None
        if user is None or not user.is_active:
            return False
        return notify(user=user, kind=kind, title=title, url=url, key=key) is not None
