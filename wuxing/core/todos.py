"""待办: what a user must do now, contributed by every app (`AppConfig.todo_items(user, campaign)`).

Each app returns `Todo` rows for the signed-in user: the sentence saying what to do, the link to the form that
does it, how urgent it is. The workbench (the home page) and the menu's badge show them, most urgent first.

Asking every app costs a score of queries, and every page asks twice (the card and the badge, loaded after it), so
`todos_cached` keeps a user's list for TODO_TTL seconds under a version: the user's latest audit row (every write
of a service records one, so the user's own action is seen by the next request, on any app server), their roles,
the language and the day. What others do reaches the list within TODO_TTL.
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from .models import AuditLog

TODO_TTL = 60

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


def todo_version(user) -> str:
    """What a user's cached to-dos are valid for: their latest audit row, roles, language and the day."""
    latest = AuditLog.objects.filter(actor=user).order_by("-at", "-id").values_list("id", flat=True).first()
    roles = sorted(
        (ra.role, ra.unit_id or 0, ra.branch_id or 0) for ra in getattr(user, "cached_role_assignments", list)()
    )
    raw = repr((latest, roles, get_language(), timezone.localdate().isoformat()))
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def todos_cached(user, campaigns: Callable[[], Iterable]) -> list[Todo]:
    """`todos_for(user, campaigns())`, kept in the cache for TODO_TTL seconds under `todo_version`."""
    if user is None or not user.is_authenticated:
        return []
    key = f"wx:todos:{user.pk}:{todo_version(user)}"
    todos = cache.get(key)
    if todos is None:
        # Titles as text: the language is part of the version, and lazy strings do not travel to Redis.
        todos = [replace(t, title=str(t.title), group=str(t.group)) for t in todos_for(user, list(campaigns()))]
        cache.set(key, todos, TODO_TTL)
    return todos
