"""The task worker (`db_worker`), first marking failed the export jobs a dead worker left behind.

`scripts/run-worker.sh` runs it under a supervising loop that starts it again whenever it exits.
"""

import datetime

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from wuxing.core.export_jobs import fail_stale_exports


class Command(DBWorkerCommand):
    help = "Run the background task worker after marking stale export jobs failed."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--stale-minutes",
            type=float,
            default=None,
            help="Jobs running longer than this are failed at start (default: WUXING_EXPORT_TIMEOUT_MINUTES). "
            "Use 0 when this is the only worker: nothing can still be running.",
        )

    def handle(self, *args, stale_minutes=None, **options):
        timeout = None if stale_minutes is None else datetime.timedelta(minutes=stale_minutes)
        failed = fail_stale_exports(timeout=timeout, queued=False)
        if failed:
            self.stderr.write(f"Marked {failed} interrupted export job(s) failed; their owners can retry them.")
        return super().handle(*args, **options)
