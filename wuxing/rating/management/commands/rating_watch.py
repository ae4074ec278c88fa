"""Enqueue today's watch of the stars held (一次创一直成); run daily from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from wuxing.rating.tasks import raise_star_warnings


class Command(BaseCommand):
    help = "Warn branches and offices about held stars that slipped or were hit by a veto (queued as a task)."

    def handle(self, *args, **options):
        result = raise_star_warnings.enqueue()
        self.stdout.write(f"queued {result.id}")
