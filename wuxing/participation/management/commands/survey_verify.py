"""Check the hash chain of every satisfaction survey's answers (or of one): an answer edited, inserted or removed
after it was given breaks the chain, and the command names the first answer that no longer holds."""

from django.core.management.base import BaseCommand, CommandError

from wuxing.participation.models import Survey
from wuxing.participation.services import survey_chain_problem


class Command(BaseCommand):
    help = "Verify the hash chain of satisfaction survey answers; exits with an error when one was tampered with."

    def add_arguments(self, parser):
        parser.add_argument("--survey", type=int, help="Only this survey (its id).")

    def handle(self, *args, survey=None, **options):
        surveys = Survey.objects.order_by("id")
        if survey is not None:
            surveys = surveys.filter(pk=survey)
        broken = []
        for row in surveys:
            problem = survey_chain_problem(row)
            count = row.responses.count()
            if problem is None:
                self.stdout.write(f"survey {row.pk}: {count} answers, chain intact")
            else:
                self.stdout.write(f"survey {row.pk}: chain broken at answer {problem}")
                broken.append(row.pk)
        if broken:
            raise CommandError(f"tampered answers in survey(s) {', '.join(map(str, broken))}")
