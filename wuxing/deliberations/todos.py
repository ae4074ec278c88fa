"""The deliberations' to-dos: the next step of each open deliberation of the user's branch."""

from django.urls import reverse
from django.utils.translation import gettext as _

from wuxing.core.todos import Todo

from . import rules
from .choices import DeliberationStatus, Step
from .selectors import deliberation_list

LIMIT = 5


def todo_items(user, campaign) -> list[Todo]:
    # The branch records its own deliberations; the office sees them on its pages, not as its to-do.
    if campaign is None or not campaign.is_open or not user.has_perm("deliberations.record_deliberation"):
        return []
    todos = []
    open_ones = deliberation_list(user=user).filter(status=DeliberationStatus.OPEN, campaign=campaign)
    for deliberation in open_ones[:LIMIT]:
        upcoming = rules.next_step(deliberation.procedure, [(s.step, s.merged) for s in deliberation.steps.all()])
        if upcoming is None:
            continue
        todos.append(
            Todo(
                title=_("Record “%(step)s” of “%(subject)s” (%(branch)s)")
                % {"step": Step(upcoming).label, "subject": deliberation.subject, "branch": deliberation.branch.name},
                url=reverse("deliberations:deliberation_detail", args=[deliberation.pk]),
                group=_("Deliberation"),
            )
        )
    return todos
