"""Enqueue today's escalation of overdue rectifications (R15); run daily from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from wuxing.supervision.tasks import escalate_overdue_rectifications


class Command(BaseCommand):
    help = "Escalate every overdue rectification to its responsible leader (queued as a task)."

    def handle(self, *args, **options):
        result = escalate_overdue_rectifications.enqueue()
        self.stdout.write(f"queued {result.id}")
