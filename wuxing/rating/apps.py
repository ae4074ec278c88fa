"""评星定级 as an app: its role permissions, menu entries, branch panel and public pages."""

import datetime

from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NavItem

from .audit_labels import AUDIT_ACTIONS

_VIEW = {
    "rating.view_rating",
    "rating.view_ratingstar",
    "rating.view_reviewstep",
    "rating.view_starevidence",
    "rating.view_withdrawal",
    "rating.view_withdrawalrecord",
    "rating.view_starwarning",
}
_OFFICE = _VIEW | {
    "rating.review_office_rating",
    "rating.name_rating",
    "rating.view_vetoevent",
    "rating.add_vetoevent",
    "rating.view_objection",
    "rating.change_objection",
    "rating.view_objectionevidence",
}


class RatingConfig(AppConfig):
    name = "wuxing.rating"
    # Its panels show nothing a check-in changes: kept across check-ins (org.figures.OfficePanels).
    checkin_free_panels = ("branch_panels",)
    label = "rating"
    verbose_name = _("Star rating")

    def daily_tasks(self):
        """Daily at 08:30 on working days (the rhythm scheduler): warnings on named stars that slipped or met a veto."""
        from .tasks import raise_star_warnings  # tasks import the services, which need the app registry ready

        return [("star_warnings", datetime.time(8, 30), raise_star_warnings)]

    audit_actions = AUDIT_ACTIONS  # action → what the audit log calls it

    def audit_value_labels(self):
        """The kinds of evidence a star links ("checkin_evidence:12"), named in audit rows."""
        from .models import EVIDENCE_SOURCES  # apps.py is imported before the models are ready

        return EVIDENCE_SOURCES

    # An office's leader and staff review for the office; the same roles on a district unit start publicity and
    # name (the services tell the two apart by the unit's level). A reviewer on a district unit reviews the stars
    # of the departments it is registered for (DepartmentReviewer). The secretary evaluates its own branch.
    role_permissions: dict[str, set[str]] = {
        "office_leader": set(_OFFICE),
        "campaign_staff": set(_OFFICE),
        "department_cadre": set(_VIEW),
        "branch_secretary": _VIEW | {"rating.change_rating", "rating.change_ratingstar", "rating.view_vetoevent"},
        "branch_member": set(_VIEW),
        "reviewer": _VIEW | {"rating.review_district_rating", "rating.view_vetoevent"},
    }

    def nav_items(self, user):
        if not user.has_perm("rating.view_rating"):
            return []
        return [NavItem("rating", _("Star rating"), reverse("rating:home"), "assess", "star")]

    def branch_panels(self, request, branch, campaign):
        from .panels import branch_panels

        return branch_panels(request, branch, campaign)

    def public_links(self, office):
        """This app's pages on the office's public site (see wuxing.core.extensions.app_links)."""
        links = [(_("Rating results"), reverse("rating_public:announcement", args=[office.code]))]
        if office.parent is not None and office.parent.level == "district":
            links.append(
                (_("District results"), reverse("rating_public:district_announcement", args=[office.parent.code]))
            )
        return links
