"""The section this app adds to the branch page (see wuxing.core.extensions)."""

from django.template.loader import render_to_string

from . import selectors


def branch_panels(request, branch, campaign) -> list[str]:
    if campaign is None or not request.user.has_perm("rating.view_rating"):
        return []
    rating = selectors.rating_for(user=request.user, campaign=campaign, branch=branch)
    warnings = list(selectors.warning_list(user=request.user, campaign=campaign, branch=branch))
    return [
        render_to_string(
            "rating/_branch_panel.html",
            {"branch": branch, "campaign": campaign, "rating": rating, "warnings": warnings},
            request=request,
        )
    ]
