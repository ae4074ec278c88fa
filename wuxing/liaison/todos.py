"""The 五个一 to-dos: the kinds of work still missing on the assignments the user carries out (R9)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from wuxing.core.todos import Todo

from .choices import ActivityKind
from .selectors import any_kind_missing_q, missing_kinds_of, tracker

LIMIT = 6


def todo_items(user, campaign) -> list[Todo]:
    if campaign is None or not campaign.is_open or not user.has_perm("liaison.add_activity"):
        return []
    person = user.person if user.person_id else None
    if person is None:
        return []
    # The assignments this person carries: as the leader assigned, or as a member of the department assigned.
    carried = Q(assignment__leader=person)
    if person.department_id:
        carried |= Q(assignment__department_id=person.department_id)
    mine = tracker(user=user, campaign=campaign).filter(carried)
    todos = []
    for row in mine.filter(any_kind_missing_q())[:LIMIT]:
        missing = missing_kinds_of(row)
        todos.append(
            Todo(
                title=_("Record the five ones for %(branch)s: %(kinds)s still missing")
                % {
                    "branch": row.assignment.branch.name,
                    "kinds": "、".join(str(ActivityKind(k).label) for k in missing),
                },
                url=reverse("liaison:activity_create", args=[row.pk]),
                group=_("Five ones"),
            )
        )
    return todos
