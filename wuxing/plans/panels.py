"""The sections this app adds to other apps' pages (see wuxing.core.extensions): on the branch page, the year's
plan and letter; on a target's page, its plan and its letter."""

from django.template.loader import render_to_string
from django.utils import timezone

from wuxing.targets.selectors import target_is_confirmed

from .choices import PledgeStatus
from .forms import PledgeForm
from .selectors import branch_plan, current_pledge, plan_measures, target_pledges


def branch_panel(request, branch, campaign) -> list[str]:
    user = request.user
    if campaign is None or not user.has_perm("plans.view_planmeasure"):
        return []
    plan = branch_plan(user=user, campaign=campaign, branch=branch, today=timezone.localdate())
    if plan is None:
        return []
    return [render_to_string("plans/_branch_panel.html", {"plan": plan})]


def target_panel(request, target) -> list[str]:
    user = request.user
    if not user.has_perm("plans.view_planmeasure"):
        return []
    pledges = target_pledges(user=user, target=target)
    pledge = current_pledge(pledges)
    open_ = target.campaign.is_open
    context = {
        "target": target,
        "measures": plan_measures(user=user, target=target),
        "pledge": pledge,
        "void_pledges": [p for p in pledges if p.status == PledgeStatus.VOID],
        "show_letter": user.has_perm("plans.view_pledge"),
        "confirmed": target_is_confirmed(target),
    }
    if (
        open_
        and user.has_perm("plans.change_pledge")
        and target_is_confirmed(target)
        and not (pledge and pledge.status == PledgeStatus.FROZEN)
    ):
        context["pledge_form"] = PledgeForm()
    return [render_to_string("plans/_target_panel.html", context, request=request)]
