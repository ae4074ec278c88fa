"""The assignments app's sections of pages it does not own: the branch page and the office overview."""

from django.template.loader import render_to_string

from . import selectors


def branch_panels(request, branch, campaign) -> list[str]:
    """The branch's assignments with their 五个一, and its findings (优势/短板) by star."""
    if campaign is None or not request.user.has_perm("liaison.view_campaignassignment"):
        return []
    context = selectors.branch_panel_context(user=request.user, branch=branch, campaign=campaign)
    return [render_to_string("liaison/_branch_panel.html", context, request=request)]


def overview_panels(request, campaign, branches) -> list[str]:
    """How many assignments are complete (R9) and which kinds are missing most often."""
    if campaign is None or not request.user.has_perm("liaison.view_campaignassignment"):
        return []
    context = selectors.overview_context(user=request.user, campaign=campaign)
    return [render_to_string("liaison/_overview_panel.html", context, request=request)]
