"""Back up the database and the evidence files into one archive under var/backups/ (`make backup`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wuxing.core.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and MEDIA_ROOT into one .tar.gz archive with a manifest (row counts, sha256)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=None, help="Directory for the archive (default: var/backups).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, out, database, **options):
        out_dir = Path(out) if out else Path(settings.VAR_DIR) / "backups"
        try:
            archive, manifest = backup(out_dir=out_dir, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backup written: {archive} ({manifest['vendor']}, {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files)"
        )
