"""Write a loaded standard back to its data file format."""

from django.core.management.base import BaseCommand, CommandError

from wuxing.standards.fileformat import standard_export
from wuxing.standards.models import Standard


class Command(BaseCommand):
    help = "Export a star standard to YAML on standard output."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("version")

    def handle(self, *args, code, version, **options):
        standard = Standard.objects.filter(code=code, version=version).first()
        if standard is None:
            raise CommandError(f"no standard {code} {version}")
        self.stdout.write(standard_export(standard), ending="")
