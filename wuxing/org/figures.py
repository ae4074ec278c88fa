"""The version of an office's figures: what the cache of the summaries across offices is keyed by.

Every service that changes a figure the summaries show (a check-in, an item added, edited or retired, the
tolerance, a target agreed or confirmed, a 五个一 record, quotas, a rating result, a branch added, moved or retired)
calls `office_figures_changed` inside its transaction. The counter is a database row, so it commits with the change
or not at all: a reader that sees the new rows sees the new version (on another app server, or on the read replica,
too), and a figure cached under the old version is never read again.
"""

from django.db import DEFAULT_DB_ALIAS, connections, router

from .models import FiguresVersion


def office_figures_changed(*office_ids) -> None:
    """Move the offices' figures version on by one (an upsert; the row is created at 1)."""
    ids = sorted({int(pk) for pk in office_ids if pk})
    if not ids:
        return
    connection = connections[router.db_for_write(FiguresVersion) or DEFAULT_DB_ALIAS]
    table = connection.ops.quote_name(FiguresVersion._meta.db_table)
    rows = ", ".join(["(%s, 1)"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (office_id, version) VALUES {rows} "
            f"ON CONFLICT (office_id) DO UPDATE SET version = {table}.version + 1",
            ids,
        )
