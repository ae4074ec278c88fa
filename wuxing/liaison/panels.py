"""The assignments app's sections of pages it does not own: the branch page and the office overview."""

from django.template.loader import render_to_string

from . import selectors
from .choices import ActivityKind
from .rules import FIVE_KINDS, compute_missing_kinds


def branch_panels(request, branch, campaign) -> list[str]:
    """The branch's assignments with their 五个一, and its findings (优势/短板) by star."""
    if campaign is None or not request.user.has_perm("liaison.view_campaignassignment"):
        return []
    context = selectors.branch_panel_context(user=request.user, branch=branch, campaign=campaign)
    context["can_add_finding"] = request.user.has_perm("liaison.add_finding")
    return [render_to_string("liaison/_branch_panel.html", context)]


def overview_panels(request, campaign, branches) -> list[str]:
    """How many assignments are complete (R9) and which kinds are missing most often."""
    if campaign is None or not request.user.has_perm("liaison.view_campaignassignment"):
        return []
    # The recorded kinds alone, as (id, kind) pairs: the figures of selectors.overview_context without an instance
    # per assignment.
    missing_by_kind = dict.fromkeys(FIVE_KINDS, 0)
    total = complete = 0
    for recorded in selectors.kinds_by_assignment(user=request.user, campaign=campaign).values():
        missing = compute_missing_kinds(recorded)
        total += 1
        complete += not missing
        for kind in missing:
            missing_by_kind[kind] += 1
    context = {
        "campaign": campaign,
        "total": total,
        "complete": complete,
        "missing_by_kind": [(ActivityKind(kind).label, n) for kind, n in missing_by_kind.items()],
    }
    return [render_to_string("liaison/_overview_panel.html", context)]
