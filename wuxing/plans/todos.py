"""The plans' to-dos: responsibility letters awaiting this user's confirmation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wuxing.core.todos import DUE, Todo

from .choices import PledgeStatus
from .selectors import pledge_list
from .services import pledge_sides

LIMIT = 8


def todo_items(user, campaign) -> list[Todo]:
    if campaign is None or not campaign.is_open or not user.has_perm("plans.sign_pledge"):
        return []
    todos = []
    for pledge in pledge_list(user=user).filter(target__campaign=campaign, status=PledgeStatus.AWAITING):
        open_sides = [s for s in pledge_sides(user, pledge) if not getattr(pledge, f"{s}_confirmed_at")]
        if not open_sides:
            continue
        todos.append(
            Todo(
                title=_("Confirm %(branch)s's responsibility letter") % {"branch": pledge.target.branch.name},
                url=reverse("plans:pledge_detail", args=[pledge.pk]),
                group=_("Responsibility letter"),
                urgency=DUE,
            )
        )
        if len(todos) >= LIMIT:
            break
    return todos
