"""Enqueue today's escalation of overdue residents' work orders; run daily from cron or a systemd timer."""

from django.core.management.base import BaseCommand

from wuxing.participation.tasks import escalate_overdue_issues


class Command(BaseCommand):
    help = "Tell the people responsible about every overdue work order from residents' issues (queued as a task)."

    def handle(self, *args, **options):
        result = escalate_overdue_issues.enqueue()
        self.stdout.write(f"queued {result.id}")
