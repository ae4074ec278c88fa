"""Restore an archive written by `manage.py backup` into the database and MEDIA_ROOT (`make restore FILE=…`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuxing.core.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive: checks every sha256 first, replaces the database, copies the files back."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database", default="default")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, database, yes, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if not yes and input(f"Replace the database and media files with {path}? [y/N] ").strip().lower() != "y":
            raise CommandError("Cancelled.")
        try:
            manifest = restore(path, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored {path}: {len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files; "
            "row counts and file hashes match the manifest."
        )
