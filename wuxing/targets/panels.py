"""The sections this app adds to the branch page and the office overview (see wuxing.core.extensions)."""

from django.template.loader import render_to_string

from wuxing.campaigns.selectors import campaign_stars

from .selectors import target_board, target_summary_of


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
    # The office's branches as the overview read them (in branch order); the board lists the active ones.
    board = target_board(
        user=request.user,
        campaign=campaign,
        branches=[b for b in branches if b.office_id == campaign.office_id and b.retired_at is None],
    )
    return [render_to_string("targets/_overview_panel.html", {"board": board, "campaign": campaign}, request=request)]
