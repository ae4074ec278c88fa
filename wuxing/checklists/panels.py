"""The sections this app adds to the branch page and the office overview (see wuxing.core.extensions)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from wuxing.org.models import Branch

from . import rules, selectors
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


@dataclass
class _Ranked:
    branch: Branch
    progress: rules.Progress
    rank: int | None = None


def overview_panel(request, campaign, branches=None) -> str:
    """The office's progress, the first and last three branches, and how many items are behind or overdue.

    `branches`: the office's branches the user may see, as the overview read them (`selectors.branches_of`). The
    panel needs each branch's overall figure only, so the items are summed per branch (one query), not per star
    with the targets as the progress table does; the figures are the same (`selectors.progress_rows` sums these
    rows too)."""
    if branches is None:
        branches = list(selectors.branches_of(campaign, Branch.objects.restrict(request.user, "view")))
    today = timezone.localdate()
    sums = selectors.fact_rollup(
        selectors.ACTIVE.filter(campaign=campaign, branch__in=[b.pk for b in branches]),
        ("branch_id",),
        today,
        selectors.tolerance_for(campaign.office_id),
    )
    by_branch = {r["branch_id"]: r for r in sums}
    rows = []
    for branch in branches:
        r = by_branch.get(branch.pk)
        overall = r["wp"] / r["w"] if r and r["w"] else None
        progress = rules.Progress(
            overall=overall,
            by_star={},
            behind=r["n_behind"] if r else 0,
            overdue=r["n_overdue"] if r else 0,
        )
        rows.append((_Ranked(branch=branch, progress=progress), r["w"] if r else 0.0))
    for (row, _weight), rank in zip(rows, rules.competition_ranks([r.progress.overall for r, _w in rows])):
        row.rank = rank
    ranked = sorted([r for r, _w in rows if r.progress.overall is not None], key=lambda r: r.rank)
    return render_to_string(
        "checklists/_overview_panel.html",
        {
            "campaign": campaign,
            "office_overall": office_progress([(r.progress.overall, w) for r, w in rows]),
            "top": ranked[:3],
            "bottom": list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
            "behind": sum(r.progress.behind for r, _w in rows),
            "overdue": sum(r.progress.overdue for r, _w in rows),
        },
        request=request,
    )
