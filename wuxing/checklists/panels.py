"""The sections this app adds to the branch page and the office overview (see wuxing.core.extensions)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from wuxing.campaigns.selectors import campaign_stars
from wuxing.core.links import pk_url
from wuxing.core.templatetags.wuxing import pct
from wuxing.org.models import Branch

from . import rules, selectors
from .rules import office_progress


def branch_panel(request, branch, campaign) -> str:
    """The branch's progress in the campaign, overall and per star, with links to its list and report card."""
    progress = selectors.branch_progress(branch=branch, campaign=campaign)
    # The star names the page itself lists (read once for the request: campaigns.selectors.campaign_stars).
    names = {s.code: s.name for s in campaign_stars(campaign, branch.star_set)}
    return render_to_string(
        "checklists/_branch_panel.html",
        {
            "branch": branch,
            "campaign": campaign,
            "progress": progress,
            "star_progress": [(names.get(code, code), value) for code, value in progress.by_star.items()],
        },
    )


@dataclass
class _Ranked:
    branch: Branch
    progress: rules.Progress
    rank: int | None = None


def overview_panel(request, campaign, branches=None) -> str:
    """The office's progress, the first and last three branches, and how many items are behind or overdue.

    `branches`: the office's branches the user may see, as the overview read them (`selectors.branches_of`). The
    panel needs each branch's overall figure only: it adds up the office's sums per branch and star (cached under
    the office's figures version, `figures.office_progress`), the same sums the progress table reads."""
    if branches is None:
        branches = list(selectors.branches_of(campaign, Branch.objects.restrict(request.user, "view")))
    figures = selectors.office_progress_cached(campaign=campaign, today=timezone.localdate())
    by_branch: dict[int, list[dict]] = {}
    for r in figures.rows_of([b.pk for b in branches]):
        by_branch.setdefault(r["branch_id"], []).append(r)
    rows = []
    for branch in branches:
        own = by_branch.get(branch.pk, [])
        weight = sum(r["w"] for r in own)
        progress = rules.Progress(
            overall=sum(r["wp"] for r in own) / weight if weight else None,
            by_star={},
            behind=sum(r["n_behind"] for r in own),
            overdue=sum(r["n_overdue"] for r in own),
        )
        rows.append((_Ranked(branch=branch, progress=progress), weight))
    for (row, _weight), rank in zip(rows, rules.competition_ranks([r.progress.overall for r, _w in rows])):
        row.rank = rank
    ranked = sorted([r for r, _w in rows if r.progress.overall is not None], key=lambda r: r.rank)
    # The six branches named as (rank, link, name, percentage), their links reversed once.
    checklist_url = pk_url("checklists:branch_checklist")
    named = [(r.rank, checklist_url(r.branch.pk), r.branch.name, pct(r.progress.overall)) for r in ranked]
    return render_to_string(
        "checklists/_overview_panel.html",
        {
            "campaign": campaign,
            "office_overall": office_progress([(r.progress.overall, w) for r, w in rows]),
            "top": named[:3],
            "bottom": list(reversed(named[-3:])) if len(named) > 3 else [],
            "behind": sum(r.progress.behind for r, _w in rows),
            "overdue": sum(r.progress.overdue for r, _w in rows),
        },
    )
