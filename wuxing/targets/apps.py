from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = {
    "targets.view_baseline",
    "targets.view_baselineevidence",
    "targets.view_target",
    "targets.view_planmeasure",
    "targets.view_planmilestone",
    "targets.view_deliberation",
    "targets.view_deliberationstep",
    "targets.view_stepattachment",
    "targets.view_pledge",
}
_OFFICE = _VIEW | {
    "targets.change_baseline",
    "targets.decide_target",
    "targets.change_planmeasure",
    "targets.change_pledge",
}
_BRANCH = _VIEW | {
    "targets.change_baseline",
    "targets.apply_target",
    "targets.change_planmeasure",
    "targets.add_deliberation",
    "targets.record_deliberation",
}


class TargetsConfig(AppConfig):
    name = "wuxing.targets"
    label = "targets"
    verbose_name = _("Targets")

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _OFFICE | {"targets.sign_pledge"},
        "campaign_staff": set(_OFFICE),
        "department_cadre": set(_VIEW),
        "branch_secretary": _BRANCH | {"targets.sign_pledge"},
        "branch_member": set(_BRANCH),
        "reviewer": {"targets.view_target", "targets.view_baseline"},
    }

    def nav_items(self, user):
        """Menu entries (key, label, url) this app adds for the user; see wuxing.portal.context_processors."""
        from django.urls import reverse

        items = []
        if user.has_perm("targets.view_target"):
            items.append(("targets", _("Targets"), reverse("targets:target_list")))
        if user.has_perm("targets.view_deliberation"):
            items.append(("deliberations", _("Deliberations"), reverse("targets:deliberation_list")))
        return items

    def branch_panels(self, request, branch, campaign):
        """Rendered sections this app adds to the branch page (see wuxing.core.extensions)."""
        from .panels import branch_panel

        return branch_panel(request, branch, campaign)

    def overview_panels(self, request, campaign, branches):
        """Rendered sections this app adds to the office overview (see wuxing.core.extensions)."""
        from .panels import overview_panel

        return overview_panel(request, campaign, branches)
