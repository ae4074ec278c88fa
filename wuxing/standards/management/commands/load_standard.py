"""Load a standard data file as a new version (refused whole, with line-numbered messages, if it is bad)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuxing.core.actors import SystemActor
from wuxing.standards.fileformat import StandardFileError, standard_load


class Command(BaseCommand):
    help = "Load a star standard file (YAML, format wuxing-standard/1)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            standard = standard_load(actor=SystemActor("command:load_standard"), text=path.read_text(encoding="utf-8"))
        except StandardFileError as exc:
            raise CommandError("\n".join(exc.errors)) from exc
        self.stdout.write(f"loaded {standard.code} {standard.version}: {standard.stars.count()} stars")
