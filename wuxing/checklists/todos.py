"""The check-in list's to-dos: overdue and behind items — one by one for the branch, counted for the office."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wuxing.core.todos import DUE, OVERDUE, Todo

from .models import ChecklistItem
from .selectors import item_rows, tolerance_for

LIMIT = 5


def todo_items(user, campaign) -> list[Todo]:
    if campaign is None or not campaign.is_open or not user.has_perm("checklists.view_checklistitem"):
        return []
    today = timezone.localdate()
    items = (
        ChecklistItem.objects.restrict(user, "view")
        .filter(campaign=campaign, done=False, start_date__lte=today, retired_at__isnull=True)
        # The rules read each item's star (item_facts): with it, not one query per item.
        .select_related("branch", "star")
        .order_by("due_date", "branch__sort_order", "pk")
    )
    rows = [
        r for r in item_rows(items, today, tolerance_for(campaign.office_id)) if r.status.overdue or r.status.behind
    ]
    if not rows:
        return []
    group = _("Check-in list")
    if user.has_perm("checklists.add_checkin") and not user.has_perm("checklists.change_progresspolicy"):
        # The branch: each item, straight to its check-in form.
        todos = []
        for row in rows[:LIMIT]:
            overdue = row.status.overdue
            todos.append(
                Todo(
                    title=(_("Check in “%(item)s” (overdue)") if overdue else _("Check in “%(item)s” (behind)"))
                    % {"item": row.item.title},
                    url=reverse("checklists:item_detail", args=[row.item.pk]) + "#check-in",
                    group=group,
                    urgency=OVERDUE if overdue else DUE,
                    due=row.item.due_date,
                )
            )
        return todos
    if not (user.has_perm("checklists.change_progresspolicy") or user.has_perm("liaison.add_activity")):
        return []  # following up is the office's and the assigned departments' work, not a reviewer's
    overdue = sum(1 for r in rows if r.status.overdue)
    behind = len(rows) - overdue
    todos = []
    if overdue:
        todos.append(
            Todo(
                title=ngettext(
                    "Follow up %(n)d overdue check-in item", "Follow up %(n)d overdue check-in items", overdue
                )
                % {"n": overdue},
                url=reverse("checklists:dashboard"),
                group=group,
                urgency=OVERDUE,
                count=overdue,
            )
        )
    if behind:
        todos.append(
            Todo(
                title=ngettext("Follow up %(n)d item behind schedule", "Follow up %(n)d items behind schedule", behind)
                % {"n": behind},
                url=reverse("checklists:dashboard"),
                group=group,
                urgency=DUE,
                count=behind,
            )
        )
    return todos
