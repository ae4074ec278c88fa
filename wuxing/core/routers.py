"""Reads of report pages from a PostgreSQL read replica, opted in per view; everything else on the primary.

Settings define the `replica` database alias only when DATABASE_REPLICA_URL is set (docs/deploy.md). A view that
only reads (summaries, dashboard, progress table, public board) is decorated with `reads_from_replica`, or code
runs under `with replica_reads():`. Inside it, `ReplicaRouter` sends reads to `replica`, except:

- when no replica is configured (one server, tests): the primary;
- inside a transaction on the primary (`transaction.atomic`): the primary, so that a service reads what it has just
  written and locks (`select_for_update`) lock the rows it will change;
- sessions, API tokens and task results: the primary, since they are written on every request or by the worker and
  a replica a moment behind would sign a user out or show a finished job as queued.

Writes always go to the primary, inside the context or not, and nothing is migrated on the replica.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Apps whose rows change under the reader's feet on every request or job; read from the primary always.
PRIMARY_ONLY_APPS = frozenset({"sessions", "knox", "django_tasks_database"})

_replica_reads: ContextVar[bool] = ContextVar("wuxing_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def replica_reads():
    """Within this block, reads that may go to the replica do (see the module's docstring)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """A view decorator: the view (and the rendering of a lazy TemplateResponse) reads from the replica."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads():
            response = view(request, *args, **kwargs)
            if callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True):
                response.render()
        return response

    return wrapped


def read_alias(model=None) -> str:
    """The alias a read of `model` goes to now (what the router decides)."""
    return ReplicaRouter().db_for_read(model) or DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or not replica_configured():
            return None
        if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        # A row read from the replica is written back to the primary. Anything else is left to Django (None): the
        # default database, or the alias a caller chose with `using()` — a router that always named the default
        # would send a related manager's writes (`m2m.set()`) away from the database its instance came from.
        instance = hints.get("instance")
        if instance is not None and instance._state.db == REPLICA:
            return DEFAULT_DB_ALIAS
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: rows read from either may be related to each other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
