from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = {
    "showcase.view_demosite",
    "showcase.view_featureproject",
    "showcase.view_projectevidence",
    "showcase.view_projectkind",
}
_MANAGE = {
    "showcase.add_demosite",
    "showcase.change_demosite",
    "showcase.add_featureproject",
    "showcase.change_featureproject",
    "showcase.add_projectkind",
}


class ShowcaseConfig(AppConfig):
    name = "wuxing.showcase"
    label = "showcase"
    verbose_name = _("Demonstration sites")

    # Permissions this app adds to each role (see wuxing.core.roles); merged into ROLE_PERMISSIONS.
    # Office leaders claim sites; the campaign staff and the site branch's own secretary keep the projects' records.
    role_permissions: dict[str, set[str]] = {
        "office_leader": _VIEW | _MANAGE,
        "campaign_staff": _VIEW | _MANAGE - {"showcase.add_demosite"},
        "department_cadre": set(_VIEW),
        "branch_secretary": _VIEW | {"showcase.change_featureproject"},
        "branch_member": set(_VIEW),
        "reviewer": set(_VIEW),
    }

    def nav_items(self, user):
        from django.urls import reverse

        if not user.has_perm("showcase.view_demosite"):
            return []
        return [("showcase", _("Demonstration sites"), reverse("showcase:site_list"))]

    def branch_panels(self, request, branch, campaign):
        """晋位提升 of the branch (last year's level, this year's target and rated level) and its site, if it is one."""
        from django.template.loader import render_to_string

        from . import selectors

        if campaign is None:
            return []
        context = selectors.branch_panel_context(user=request.user, branch=branch, campaign=campaign)
        return [render_to_string("showcase/_branch_panel.html", context, request=request)]

    def overview_panels(self, request, campaign, branches):
        """The demonstration sites with their projects' progress."""
        from django.template.loader import render_to_string

        from . import selectors

        if campaign is None or not request.user.has_perm("showcase.view_demosite"):
            return []
        context = selectors.overview_context(user=request.user, campaign=campaign)
        if not context["sites"]:
            return []
        return [render_to_string("showcase/_overview_panel.html", context, request=request)]
