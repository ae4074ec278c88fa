"""The sections this app adds to the branch page and the office overview (see wuxing.core.extensions)."""

from django.template.loader import render_to_string

from wuxing.campaigns.selectors import campaign_stars
from wuxing.core.links import pk_url

from .choices import TargetStatus
from .selectors import overview_board, target_summary_of


def branch_panel(request, branch, campaign) -> list[str]:
    if campaign is None or not request.user.has_perm("targets.view_target"):
        return []
    # The branch page read the branch in the user's scope, and a target's scope is its branch's: the branch's
    # target is shared with the showcase panel, the stars with the page (both read once for the request).
    target = target_summary_of(campaign=campaign, branch_id=branch.pk)
    stars = [s for s in campaign_stars(campaign, branch.star_set) if target and s.code in target.star_codes]
    context = {
        "branch": branch,
        "campaign": campaign,
        "target": target,
        "target_stars": stars,
        "can_apply": request.user.has_perm("targets.apply_target") and campaign.is_open,
    }
    return [render_to_string("targets/_branch_panel.html", context)]


def overview_panel(request, campaign, branches) -> list[str]:
    if campaign is None or not request.user.has_perm("targets.view_target"):
        return []
    # The office's branches as the overview read them (in branch order); the board lists the active ones. The
    # figures are target_board's, read as plain values and shown as prepared text.
    targets, quotas, scoped = overview_board(user=request.user, campaign=campaign)
    detail_url = pk_url("targets:target_detail")
    rows = []
    for b in branches:
        if b.office_id != campaign.office_id or b.retired_at is not None:
            continue
        t = targets.get(b.pk)
        status = t.status if t else None
        shown = f"{t.level}★" if t else ""
        rows.append(
            (
                b.name,
                t,
                detail_url(t.pk) if t else "",
                shown if t and status != TargetStatus.DRAFT else "—",
                shown if status in (TargetStatus.AGREED, TargetStatus.CONFIRMED) else "—",
                shown if status == TargetStatus.CONFIRMED else "",
                "、".join(t.star_names) if t else "",
            )
        )
    context = {"board": {"scoped": scoped, "quotas": quotas}, "rows": rows}
    return [render_to_string("targets/_overview_panel.html", context)]
