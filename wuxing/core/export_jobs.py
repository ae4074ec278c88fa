"""Keeping export jobs honest when the worker dies: stale jobs are marked failed, and their owner can retry them.

A job still "running" (or never picked up) longer than WUXING_EXPORT_TIMEOUT_MINUTES (default 15) is marked failed
by the next worker start (`manage.py export_worker`) or when its status page is opened; the status page then shows
the failure in Chinese with a retry button (`export_retry`).
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import ExportJob

STALE_ERROR = "stale: the export did not finish in time (the background worker stopped or is not running)"


def export_timeout() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "WUXING_EXPORT_TIMEOUT_MINUTES", 15))


def stale_exports(*, timeout: datetime.timedelta | None = None, queued: bool = True):
    """Jobs running, or (with `queued`) waiting, longer than the timeout."""
    cutoff = timezone.now() - (export_timeout() if timeout is None else timeout)
    stale = Q(status=ExportJob.Status.RUNNING) & (Q(started_at__lte=cutoff) | Q(started_at__isnull=True))
    if queued:
        stale |= Q(status=ExportJob.Status.QUEUED, created_at__lte=cutoff)
    return ExportJob.objects.filter(stale)


def fail_stale_exports(
    *, timeout: datetime.timedelta | None = None, job: ExportJob | None = None, queued: bool = True
) -> int:
    """Mark stale jobs failed (all of them, or only `job`); returns how many were marked.

    A worker starting passes `queued=False`: the jobs waiting in the queue are the ones it is about to run.
    """
    qs = stale_exports(timeout=timeout, queued=queued)
    if job is not None:
        qs = qs.filter(pk=job.pk)
    return qs.update(status=ExportJob.Status.FAILED, error=STALE_ERROR, finished_at=timezone.now())


def export_failure_message(job: ExportJob) -> str:
    if job.error.startswith("stale:"):
        return _("The export stopped before it finished (the background worker was interrupted). Press Retry.")
    return _("The export failed. Please try again or tell the system administrator.")


def export_retry(*, actor, job: ExportJob) -> ExportJob:
    """Queue a failed export again; only its owner may."""
    from .tasks import run_export  # tasks → exports: imported on use, as in services.export_enqueue

    if getattr(actor, "pk", None) != job.user_id:
        raise PermissionDenied(_("Only the person who requested this export can retry it."))
    with transaction.atomic():
        locked = ExportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ExportJob.Status.FAILED:
            raise ValidationError(_("Only a failed export can be retried."))
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.QUEUED, done=0, total=0, error="", finished_at=None, started_at=None
        )
        audit_record(actor=actor, action="export.retry", obj=locked, before={"error": locked.error[:200]})
        transaction.on_commit(lambda: run_export.enqueue(job.pk))
    job.refresh_from_db()
    return job
