"""The section this app adds to the branch page (see wuxing.core.extensions)."""

from django.template.loader import render_to_string

from . import selectors


def branch_panels(request, branch, campaign) -> list[str]:
    if campaign is None or not request.user.has_perm("rating.view_rating"):
        return []
    # Plain values: the panel shows each star's name and state, not the rating's evidence or withdrawals.
    rating = selectors.branch_panel_rating(user=request.user, campaign=campaign, branch=branch)
    warnings = selectors.branch_panel_warnings(user=request.user, campaign=campaign, branch=branch)
    return [
        render_to_string(
            "rating/_branch_panel.html",
            {"branch": branch, "campaign": campaign, "rating": rating, "warnings": warnings},
        )
    ]
