"""Walk the audit chain and report OK with the row count and head hash, or the first broken row (exit status 1)."""

import time

from django.core.management.base import BaseCommand, CommandError

from wuxing.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain: each row's hash and its link to the row before it."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--every", type=int, default=10000, help="Print progress every N rows.")

    def handle(self, *args, database, every, **options):
        started = time.monotonic()

        def progress(done, total):
            self.stderr.write(f"  {done}/{total} rows checked")

        report = verify_chain(using=database, progress=progress if options["verbosity"] > 0 else None, every=every)
        elapsed = time.monotonic() - started
        if not report.ok:
            where = f"row seq={report.broken_seq}" + (f" id={report.broken_id}" if report.broken_id else "")
            raise CommandError(
                f"Audit chain BROKEN at {where}: {report.reason}. {report.rows} rows verified before it."
            )
        self.stdout.write(f"Audit chain OK: {report.rows} rows, head hash {report.head_hash} ({elapsed:.2f} s)")
