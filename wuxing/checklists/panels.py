"""The sections this app adds to the branch page and the office overview (see wuxing.core.extensions)."""

from django.template.loader import render_to_string

from wuxing.org.models import Branch

from . import selectors
from .rules import office_progress


def branch_panel(request, branch, campaign) -> str:
    """The branch's progress in the campaign, overall and per star, with links to its list and report card."""
    progress = selectors.branch_progress(branch=branch, campaign=campaign)
    names = dict(campaign.standard.stars.filter(star_set=branch.star_set).values_list("code", "name"))
    return render_to_string(
        "checklists/_branch_panel.html",
        {
            "branch": branch,
            "campaign": campaign,
            "progress": progress,
            "star_progress": [(names.get(code, code), value) for code, value in progress.by_star.items()],
        },
        request=request,
    )


def overview_panel(request, campaign) -> str:
    """The office's progress, the first and last three branches, and how many items are behind or overdue."""
    branches = list(selectors.branches_of(campaign, Branch.objects.restrict(request.user, "view")))
    rows = selectors.progress_rows(campaign=campaign, branches=branches)
    ranked = sorted([r for r in rows if r.progress.overall is not None], key=lambda r: r.rank)
    return render_to_string(
        "checklists/_overview_panel.html",
        {
            "campaign": campaign,
            "office_overall": office_progress([(r.progress.overall, r.weight) for r in rows]),
            "top": ranked[:3],
            "bottom": list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
            "behind": sum(r.progress.behind for r in rows),
            "overdue": sum(r.progress.overdue for r in rows),
        },
        request=request,
    )
