"""manage.py bootstrap: one district and its first security administrator, with a one-time password printed."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wuxing.org.bootstrap import bootstrap
from wuxing.org.choices import UnitLevel


class Command(BaseCommand):
    help = "Create the district and its first security administrator (one-time password, changed at first sign-in)."

    def add_arguments(self, parser):
        parser.add_argument("--district-code", required=True)
        parser.add_argument("--district-name", required=True)
        parser.add_argument("--province", nargs=2, metavar=("CODE", "NAME"), help="the province above the district")
        parser.add_argument("--city", nargs=2, metavar=("CODE", "NAME"), help="the city above the district")
        parser.add_argument("--admin", default="security-admin", help="user name of the security administrator")

    def handle(self, *args, **options):
        parents = []
        if options["province"]:
            parents.append((*options["province"], UnitLevel.PROVINCE))
        if options["city"]:
            parents.append((*options["city"], UnitLevel.CITY))
        try:
            district, user, password = bootstrap(
                district_code=options["district_code"],
                district_name=options["district_name"],
                username=options["admin"],
                parents=parents,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"district: {district.code} {district.name}")
        self.stdout.write(f"security administrator: {user.username}")
        self.stdout.write(f"one-time password: {password}")
        self.stdout.write("Sign in with it and choose a new password; it is not shown again.")
