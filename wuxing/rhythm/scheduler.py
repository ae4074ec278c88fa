"""The rhythm's clock: which scheduled jobs are due now, queued once per day (a `ScheduledRun` row records it)."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import rules
from .models import ScheduledRun

DIGEST_AT = rules.DEFAULT_DEADLINE


def due_jobs(now: datetime.datetime) -> list[str]:
    """The jobs whose time has come on a working day: the reminder at 16:00, the digest at the 18:00 deadline.

    The times are the defaults; an office's own reminder time and deadline (RhythmPolicy) are used by the
    services for what the messages say."""
    local = timezone.localtime(now)
    if not rules.is_working_day(local.date()):
        return []
    jobs = []
    if local.time() >= rules.DEFAULT_REMINDER:
        jobs.append("reminder")
    if local.time() >= DIGEST_AT:
        jobs.append("digest")
    return jobs


def tick(now: datetime.datetime | None = None) -> list[str]:
    """Queue each due job not yet queued today; returns the jobs queued now."""
    from .tasks import send_digests, send_reminders

    now = now or timezone.now()
    day = timezone.localtime(now).date()
    tasks = {"reminder": send_reminders, "digest": send_digests}
    queued = []
    for job in due_jobs(now):
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job, day=day)
        except IntegrityError:
            continue
        tasks[job].enqueue(day.isoformat())
        queued.append(job)
    return queued
