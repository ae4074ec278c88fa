"""待办: what a user must do now, contributed by every app (`AppConfig.todo_items(user, campaign)`).

Each app returns `Todo` rows for the signed-in user: the sentence saying what to do, the link to the form that
does it, how urgent it is. The workbench (the home page) and the menu's badge show them, most urgent first.
"""

from dataclasses import dataclass, replace
from datetime import date

from django.apps import apps

OVERDUE, DUE, WAITING = "overdue", "due", "waiting"
_ORDER = {OVERDUE: 0, DUE: 1, WAITING: 2}


@dataclass(frozen=True)
class Todo:
    title: str  # what to do, a whole sentence in the user's language
    url: str  # the page (usually the form) that does it
    group: str  # what kind of work it is, shown as a tag ("责任书", "创星申请", …)
    urgency: str = DUE  # OVERDUE, DUE or WAITING (someone else's move is awaited; shown last)
    due: date | None = None
    count: int = 1  # a row may stand for several things of the same kind (e.g. 12 items overdue)
    context: str = ""  # which campaign, when the user works in more than one ("2027")


def sort_todos(todos) -> list[Todo]:
    return sorted(todos, key=lambda t: (_ORDER.get(t.urgency, 9), t.due or date.max, t.group, t.title))


def todos_for(user, campaigns) -> list[Todo]:
    """Every app's to-dos for the user in each campaign still taking work, most urgent first.

    Apps are asked once with None (work that belongs to no campaign, such as a role request) and once per
    campaign; with several campaigns each row says which year it is about.
    """
    if user is None or not user.is_authenticated:
        return []
    campaigns = [None, *campaigns]
    todos = []
    for config in apps.get_app_configs():
        method = getattr(config, "todo_items", None)
        if method is None:
            continue
        for campaign in campaigns:
            rows = method(user, campaign)
            if len(campaigns) > 2 and campaign is not None:
                rows = [replace(t, context=str(campaign.year)) for t in rows]
            todos.extend(rows)
    return sort_todos(todos)


def todo_total(todos) -> int:
    """What the menu's badge counts: the rows to act on now (a row of "29 items overdue" is one thing to do;
    waiting rows are not the user's move)."""
    return sum(1 for t in todos if t.urgency != WAITING)
