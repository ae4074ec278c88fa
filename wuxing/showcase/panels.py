"""The demonstration sites' sections of pages they do not own: the branch page and the office overview."""

from django.template.loader import render_to_string

from . import selectors


def branch_panels(request, branch, campaign) -> list[str]:
    """晋位提升 of the branch (last year's level, this year's target and rated level) and its site, if it is one."""
    if campaign is None:
        return []
    context = selectors.branch_panel_context(user=request.user, branch=branch, campaign=campaign)
    return [render_to_string("showcase/_branch_panel.html", context)]


def overview_panels(request, campaign, branches) -> list[str]:
    """The demonstration sites with their projects' progress."""
    if campaign is None or not request.user.has_perm("showcase.view_demosite"):
        return []
    # Most offices have no site yet: the projects of sites are read only when there are some.
    sites = selectors.overview_sites(user=request.user, campaign=campaign)
    if not sites:
        return []
    context = {"campaign": campaign, "sites": sites}
    return [render_to_string("showcase/_overview_panel.html", context)]
