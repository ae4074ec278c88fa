"""Build a synthetic province (or a smaller preset) in the configured database, for measuring at scale."""

import json as _json

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from wuxing.portal import scale


class _Bar:
    def __init__(self, bar: Progress):
        self.bar, self.task = bar, None

    def start(self, *, total, done):
        self.task = self.bar.add_task("offices", total=total, completed=done)

    def advance(self, n):
        self.bar.advance(self.task, n)


class Command(BaseCommand):
    help = (
        "Build a synthetic province (province → cities → districts → offices → branches) with a running campaign "
        "per office, quotas, confirmed targets, check-in lists, a year of check-ins, 五个一 records, daily reports "
        "and ratings. Resumable: a second run continues or adds nothing. PostgreSQL writes with COPY."
    )

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(scale.PRESETS), default="office")
        parser.add_argument("--batch", type=int, default=25, help="offices per transaction")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, preset, batch, json: bool = False, **options):
        p = scale.PRESETS[preset]
        self.stdout.write(
            f"preset {preset}: {p.cities} cities × {p.districts} districts × {p.offices} offices × {p.branches} "
            f"branches = {p.total_branches} branches, ~{p.total_branches * scale.ITEMS_PER_BRANCH * p.checkins} "
            "check-ins"
        )
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )

        def say(line: str) -> None:
            if options["verbosity"] > 0 and not json:  # --json prints the summary alone
                self.stdout.write(line)

        try:
            with Progress(*columns, disable=options["verbosity"] == 0) as bar:
                summary = scale.run(preset, batch=max(1, batch), progress=_Bar(bar), say=say)
        except ValueError as exc:
            raise CommandError(str(exc))
        if json:
            self.stdout.write(_json.dumps(summary, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"{summary['offices_built']} of {summary['offices']} offices built in {summary['seconds']} s; rows: "
                + ", ".join(f"{k} {v}" for k, v in sorted(summary["rows"].items()))
            )
