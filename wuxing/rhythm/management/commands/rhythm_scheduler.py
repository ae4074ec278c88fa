"""Queue the scheduled tasks at their times (16:00 reminder, 18:00 digest, the apps' daily jobs) for the task worker.

Runs beside `manage.py export_worker` (scripts/run-worker.sh starts both): every `--interval` seconds it asks
which jobs are due and queues those not queued yet today. `--once` checks once and exits (cron-style use).
"""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from wuxing.rhythm.scheduler import tick


class Command(BaseCommand):
    help = "Queue the daily report reminder, the daily digest and the apps' daily jobs at their times (runs until stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks (default 60)")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval: int, once: bool, **options):
        while True:
            close_old_connections()
            try:
                for job in tick():
                    self.stdout.write(f"queued {job}")
            except DatabaseError:
                # The database is away for a moment: try again at the next check rather than dying.
                logging.getLogger(__name__).exception("rhythm scheduler tick failed")
            if once:
                return
            time.sleep(max(5, interval))
