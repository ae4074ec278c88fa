"""Load the fictional demo office (SPEC §5); skips when it is already there."""

from django.core.management.base import BaseCommand

from wuxing.org.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo sub-district office, its 2026 campaign and (in demo mode) one account per role."

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout)
