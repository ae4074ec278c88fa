"""Load the fictional demo office (SPEC §5); skips when it is already there."""

from django.core.management.base import BaseCommand

from wuxing.portal.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo sub-district office, its campaigns and the year's work in them, and (in demo mode) one account per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation-only",
            action="store_true",
            help="Load only the organisation, the standard, the campaigns and the accounts, not the year's work.",
        )

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout, extensions=not options["organisation_only"])
