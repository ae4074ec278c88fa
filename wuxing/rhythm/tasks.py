"""Scheduled work of the rhythm as django.tasks tasks (the database backend; run by the worker beside the web
server). `manage.py rhythm_scheduler` queues them at the offices' times; each is safe to run twice: every
notification has a key, so a task re-run after a worker restart sends nothing already sent, and one recipient's
failed delivery is recorded while the others go on."""

import datetime
import logging

from django.tasks import task

logger = logging.getLogger(__name__)


def _open_campaigns(year: int):
    from wuxing.campaigns.models import Campaign

    return [c for c in Campaign.objects.filter(year=year).select_related("office") if c.is_open]


def run_for_campaigns(job: str, day: datetime.date) -> int:
    """Run one job for every open campaign of the day's year; one campaign's error does not stop the others."""
    from wuxing.core.actors import SystemActor

    from . import services

    actor = SystemActor("rhythm-scheduler")
    functions = {
        "reminder": lambda c: (
            services.remind_missing(actor=actor, campaign=c, day=day)
            + services.remind_overdue_actions(actor=actor, campaign=c, day=day)
            + services.remind_meetings(actor=actor, campaign=c, day=day)
        ),
        "digest": lambda c: services.send_digest(actor=actor, campaign=c, day=day),
    }
    sent = 0
    for campaign in _open_campaigns(day.year):
        try:
            sent += functions[job](campaign)
        except Exception:
            logger.exception("rhythm %s for campaign %s failed", job, campaign.pk)
    return sent


@task
def send_reminders(day: str) -> int:
    """16:00: branches without today's report, overdue actions, tomorrow's meetings."""
    return run_for_campaigns("reminder", datetime.date.fromisoformat(day))


@task
def send_digests(day: str) -> int:
    """18:00: the daily digest to the office's leaders and staff."""
    return run_for_campaigns("digest", datetime.date.fromisoformat(day))
