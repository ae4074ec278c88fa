"""System checks of the core: the audit retention may not be set below the 180-day minimum (等保 2.0); on
PostgreSQL, autovacuum should be on (`manage.py check --database default`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import connections

from .models import AUDIT_RETENTION_MIN_DAYS


@register()
def audit_retention_check(app_configs, **kwargs):
    days = getattr(settings, "WUXING_AUDIT_RETENTION_DAYS", AUDIT_RETENTION_MIN_DAYS)
    if not isinstance(days, int) or days < AUDIT_RETENTION_MIN_DAYS:
        return [
            Error(
                f"WUXING_AUDIT_RETENTION_DAYS is {days!r}; audit records must be kept at least "
                f"{AUDIT_RETENTION_MIN_DAYS} days.",
                id="core.E180",
            )
        ]
    return []


@register(Tags.database)
def autovacuum_check(app_configs, databases=None, **kwargs):
    """A PostgreSQL server with autovacuum off keeps no statistics of the rows written since the last ANALYZE, and
    the planner guesses: with the org tree unanalysed an office's newest check-ins took 5 s at the province preset
    instead of 4 ms (docs/scale.md). Run by `check --database <alias>` (and by `migrate`)."""
    warnings = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SHOW autovacuum")
            (value,) = cursor.fetchone()
        if value != "on":
            warnings.append(
                Warning(
                    f"PostgreSQL autovacuum is {value} on the database {alias!r}: the planner's statistics go stale "
                    "as rows are written, and lists over the org tree can take seconds.",
                    hint="Set autovacuum = on in postgresql.conf (the default), or ANALYZE after bulk loads.",
                    id="core.W001",
                )
            )
    return warnings
