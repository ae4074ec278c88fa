"""The version of an office's figures: what the cached figures of the office are keyed by.

Two caches use it: the summaries across offices (`portal.summary_cache`, one entry per office) and the office's
own pages (`checklists.figures`: the progress sums, the items behind or overdue, the trend). Every service that
changes a figure they show (a check-in, an item added, edited, retired or brought back, items generated or
imported, the tolerance, a target agreed or confirmed, a 五个一 record, quotas, a rating result, a branch added,
moved or retired) calls `office_figures_changed` inside its transaction. The counter is a database row, so it
commits with the change or not at all: a reader that sees the new rows sees the new version (on another app
server, or on the read replica, too), and a figure cached under the old version is never read again.
"""

import hashlib

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, router

from wuxing.core.querysets import Write

from .models import FiguresVersion


def office_figures_changed(*office_ids) -> None:
    """Move the offices' figures version on by one (an upsert; the row is created at 1)."""
    write = figures_changed_write(*office_ids)
    if write is not None:
        write.run()


def figures_changed_write(*office_ids) -> Write | None:
    """`office_figures_changed` as a statement still to run (None when there is no office), for a service that
    runs it together with its own write (`core.querysets.insert_with`)."""
    ids = sorted({int(pk) for pk in office_ids if pk})
    if not ids:
        return None
    using = router.db_for_write(FiguresVersion) or DEFAULT_DB_ALIAS
    table = connections[using].ops.quote_name(FiguresVersion._meta.db_table)
    rows = ", ".join(["(%s, 1)"] * len(ids))
    return Write(
        f"INSERT INTO {table} (office_id, version) VALUES {rows} "
        f"ON CONFLICT (office_id) DO UPDATE SET version = {table}.version + 1",
        tuple(ids),
        using,
    )


def figures_version(office_id) -> int:
    """The office's figures version now (0 before its first change): read it before the figures it keys, so that
    figures computed from rows newer than the version are at worst stored under a key nobody reads again."""
    return FiguresVersion.objects.filter(office_id=office_id).values_list("version", flat=True).first() or 0


def database_tag() -> str:
    """A short tag of the database, part of every cached figure's key: two databases behind one Redis (a scratch
    copy, a restored backup) must not share entries."""
    db = settings.DATABASES["default"]
    return hashlib.sha1(f"{db.get('HOST', '')}:{db.get('PORT', '')}:{db['NAME']}".encode()).hexdigest()[:8]


def may_cache_figures() -> bool:
    """Whether figures just computed may be stored: not inside a transaction of the application's own, which may
    have moved a version on and written rows it could still roll back (the version would go back and its next move
    would find figures of rows that never were). A test's own transaction does not count."""
    return not any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
