from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = {
    "liaison.view_campaignassignment",
    "liaison.view_activity",
    "liaison.view_activityevidence",
    "liaison.view_finding",
}
_MANAGE = {
    "liaison.add_campaignassignment",
    "liaison.change_campaignassignment",
    "liaison.add_activity",
    "liaison.change_activity",
    "liaison.add_finding",
    "liaison.change_finding",
}


class LiaisonConfig(AppConfig):
    name = "wuxing.liaison"
    label = "liaison"
    verbose_name = _("Assignments")

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    # A department cadre records the 五个一 and findings, and what it delivered, for its own assignments only
    # (the services narrow it further than its branch scope); branches read what was done for them.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _VIEW | _MANAGE,
        "campaign_staff": _VIEW | _MANAGE,
        "department_cadre": _VIEW
        | {"liaison.change_campaignassignment", "liaison.add_activity", "liaison.add_finding"},
        "branch_secretary": set(_VIEW),
        "branch_member": set(_VIEW),
    }

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.portal.context_processors."""
        from django.urls import reverse

        if not user.has_perm("liaison.view_campaignassignment"):
            return []
        return [("liaison", _("“Five ones” tracker"), reverse("liaison:tracker"))]

    def branch_panels(self, request, branch, campaign):
        """The branch's assignments with their 五个一, and its findings (优势/短板) by star."""
        from django.template.loader import render_to_string

        from . import selectors

        if campaign is None or not request.user.has_perm("liaison.view_campaignassignment"):
            return []
        context = selectors.branch_panel_context(user=request.user, branch=branch, campaign=campaign)
        return [render_to_string("liaison/_branch_panel.html", context, request=request)]

    def overview_panels(self, request, campaign, branches):
        """How many assignments are complete (R9) and which kinds are missing most often."""
        from django.template.loader import render_to_string

        from . import selectors

        if campaign is None or not request.user.has_perm("liaison.view_campaignassignment"):
            return []
        context = selectors.overview_context(user=request.user, campaign=campaign)
        return [render_to_string("liaison/_overview_panel.html", context, request=request)]
