"""The targets' to-dos: applications for the office to review; returned applications for the branch to redo."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wuxing.core.todos import DUE, OVERDUE, Todo

from .choices import TargetStatus
from .models import Target

LIMIT = 8


def todo_items(user, campaign) -> list[Todo]:
    if campaign is None or not campaign.is_open:
        return []
    todos = []
    targets = Target.objects.restrict(user, "view").filter(campaign=campaign).select_related("branch")
    group = _("Star application")
    if user.has_perm("targets.decide_target"):
        waiting = list(targets.filter(status=TargetStatus.SUBMITTED).order_by("branch__sort_order", "branch__code"))
        for target in waiting[:LIMIT]:
            todos.append(
                Todo(
                    title=_("Review %(branch)s's star application") % {"branch": target.branch.name},
                    url=reverse("targets:target_detail", args=[target.pk]),
                    group=group,
                )
            )
        if len(waiting) > LIMIT:
            todos.append(
                Todo(
                    title=_("%(n)d more applications to review") % {"n": len(waiting) - LIMIT},
                    url=reverse("targets:target_list") + "?status=submitted",
                    group=group,
                    count=len(waiting) - LIMIT,
                )
            )
    if user.has_perm("targets.apply_target") and not user.has_perm("targets.decide_target"):
        for target in targets.filter(status__in=[TargetStatus.RETURNED, TargetStatus.DRAFT])[:LIMIT]:
            returned = target.status == TargetStatus.RETURNED
            todos.append(
                Todo(
                    title=(
                        _("Revise and resubmit %(branch)s's star application (returned)")
                        if returned
                        else _("Submit %(branch)s's star application")
                    )
                    % {"branch": target.branch.name},
                    url=reverse("targets:target_apply", args=[campaign.pk, target.branch_id]),
                    group=group,
                    urgency=OVERDUE if returned else DUE,
                )
            )
    return todos
