"""The tea house's to-dos: topics awaiting moderation (the office and the branch) and topics on the board still
unanswered (the branch), counted per branch."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wuxing.core.todos import DUE, Todo

from . import rules
from .selectors import topic_todo_counts


def todo_items(user, campaign) -> list[Todo]:
    if campaign is None or not campaign.is_open or not user.has_perm("participation.view_teatopic"):
        return []
    counts = topic_todo_counts(user=user, campaign=campaign)
    url = reverse("participation:topic_list")
    todos = []
    if user.has_perm("participation.moderate_teatopic") and counts["pending"]:
        todos.append(
            Todo(
                title=_("Moderate %(n)d tea-house topics before they show on the board") % {"n": counts["pending"]},
                url=f"{url}?status={rules.PENDING}",
                group=_("People's tea house"),
                urgency=DUE,
                count=counts["pending"],
            )
        )
    if user.has_perm("participation.answer_teatopic") and counts["unanswered"]:
        todos.append(
            Todo(
                title=_("Answer %(n)d tea-house topics on the board") % {"n": counts["unanswered"]},
                url=f"{url}?status={rules.PUBLISHED}&answered=no",
                group=_("People's tea house"),
                urgency=DUE,
                count=counts["unanswered"],
            )
        )
    return todos
