"""Supervision's sections of pages it does not own: the branch page and the office overview."""

from django.template.loader import render_to_string
from django.urls import reverse

from . import selectors


def branch_panels(request, branch, campaign) -> list[str]:
    """The branch's findings and open rectifications, and its rank in the latest observation."""
    if campaign is None or not request.user.has_perm("supervision.view_rectification"):
        return []
    summary = selectors.branch_summary(user=request.user, branch=branch, campaign=campaign)
    context = {
        "s": summary,
        "branch": branch,
        "list_url": f"{reverse('supervision:rectification_list')}?branch={branch.pk}&campaign={campaign.pk}",
    }
    return [render_to_string("supervision/_branch_panel.html", context)]


def overview_panels(request, campaign, branches) -> list[str]:
    """Open, overdue and closed rectifications of the office, and reports from the public awaiting triage."""
    if campaign is None or not request.user.has_perm("supervision.view_rectification"):
        return []
    counts = selectors.overview_counts(user=request.user, campaign=campaign)
    return [render_to_string("supervision/_overview_panel.html", {"c": counts, "campaign": campaign})]
