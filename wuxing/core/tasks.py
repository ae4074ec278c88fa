"""Background tasks of the core (django.tasks; the database backend runs them in `manage.py export_worker`).

A transient database error ("database is locked" under SQLite, a deadlock or dropped connection on PostgreSQL) is
retried inside the job with exponential back-off instead of killing the job; other errors fail the job, which its
status page then shows.
"""

import logging
import random
import time

from django.db import OperationalError, connection
from django.tasks import task
from django.utils import timezone

from .exports import export_run

logger = logging.getLogger(__name__)

RETRIES = 6
BACKOFF_SECONDS = 0.5
TRANSIENT = ("database is locked", "database table is locked", "deadlock detected", "could not serialize", "busy")


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and any(text in str(exc).lower() for text in TRANSIENT)


def with_retries(func, *, what: str, retries: int = RETRIES, backoff: float = BACKOFF_SECONDS):
    """Call `func()`, retrying a transient database error with exponential back-off and jitter."""
    for attempt in range(1, retries + 1):
        try:
            return func()
        except OperationalError as exc:
            if not is_transient(exc) or attempt == retries:
                raise
            delay = backoff * 2 ** (attempt - 1) * (1 + random.random() / 2)
            logger.warning("%s: %s (attempt %d of %d); retrying in %.1f s", what, exc, attempt, retries, delay)
            if not connection.in_atomic_block:
                connection.close()  # a fresh connection for the next attempt
            time.sleep(delay)
    return None


def _start(job_id: int) -> bool:
    from .models import ExportJob  # imported with the task at start-up, before the app registry is ready

    return bool(
        ExportJob.objects.filter(pk=job_id)
        .exclude(status=ExportJob.Status.DONE)
        .update(status=ExportJob.Status.RUNNING, started_at=timezone.now(), error="", finished_at=None)
    )


def _count_attempt(job_id: int) -> None:
    from django.db.models import F

    from .models import ExportJob

    ExportJob.objects.filter(pk=job_id).update(attempts=F("attempts") + 1)


@task
def run_export(job_id: int) -> None:
    if not with_retries(lambda: _start(job_id), what=f"export {job_id} start"):
        return  # already done (a retried job whose first task ran late) or gone
    with_retries(lambda: _count_attempt(job_id), what=f"export {job_id} attempt")
    with_retries(lambda: export_run(job_id), what=f"export {job_id}")
