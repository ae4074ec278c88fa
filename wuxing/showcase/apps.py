from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

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
    # Its panels show nothing a check-in changes: kept across check-ins (org.figures.OfficePanels).
    checkin_free_panels = ("branch_panels", "overview_panels")
    label = "showcase"
    verbose_name = _("Demonstration sites")
    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

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

    def public_links(self, office):
        """This app's pages on the office's public site (see wuxing.core.extensions.app_links)."""
        return [(_("Demonstration sites"), reverse("showcase_public:site_list", args=[office.code]))]

    def nav_items(self, user):
        if not user.has_perm("showcase.view_demosite"):
            return []
        return [NavItem("showcase", _("Demonstration sites"), reverse("showcase:site_list"), "work", "flag")]

    # The panels read models, which are not ready while the AppConfig is imported: panels.py is imported on use.

    def branch_panels(self, request, branch, campaign):
        from .panels import branch_panels

        return branch_panels(request, branch, campaign)

    def overview_panels(self, request, campaign, branches):
        from .panels import overview_panels

        return overview_panels(request, campaign, branches)

    def map_point_kinds(self):
        """Demonstration sites placed by Point features of the office's map upload (org.services.boundaries_upload):
        `kind` "site", `code` the site's branch code."""
        from . import services

        return {
            "site": {
                "label": _("Demonstration site"),
                "codes": services.site_place_codes,
                "place": services.sites_place,
            }
        }

    def screen_points(self, campaign, kiosk):
        """The sites with a place, as points on the command screen's map (public: the same on a display)."""
        from .selectors import site_points

        return [
            {"kind": "site", "kind_label": _("Demonstration site"), "symbol": "pin", **row}
            for row in site_points(campaign=campaign)
        ]
