"""The rhythm's clock: which scheduled jobs are due now, queued once per day (a `ScheduledRun` row records it)."""

import datetime

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import rules
from .models import ScheduledRun

DIGEST_AT = rules.DEFAULT_DEADLINE


def app_jobs() -> dict[str, tuple[datetime.time, object]]:
    """Daily jobs the other apps ask for through `AppConfig.daily_tasks()` → [(name, time, task)], keyed
    "<app label>.<name>" (e.g. supervision's escalation of overdue rectifications); each task takes no argument."""
    jobs = {}
    for config in apps.get_app_configs():
        method = getattr(config, "daily_tasks", None)
        if method is not None:
            for name, at, task in method():
                jobs[f"{config.label}.{name}"] = (at, task)
    return jobs


def due_jobs(now: datetime.datetime) -> list[str]:
    """The jobs whose time has come on a working day: the reminder at 16:00, the digest at the 18:00 deadline,
    and the other apps' daily jobs at their times.

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
    jobs.extend(name for name, (at, _task) in sorted(app_jobs().items()) if local.time() >= at)
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
        if job in tasks:
            tasks[job].enqueue(day.isoformat())
        else:
            app_jobs()[job][1].enqueue()
        queued.append(job)
    return queued
