"""Scheduled work of residents' issues (django.tasks; the database backend runs it in the worker).

`escalate_overdue_issues` is enqueued once a working day by the rhythm's scheduler (`AppConfig.daily_tasks`), or at
once by `manage.py participation_escalate`: every work order past its due date is told to the people responsible through
the notification centre (core.extensions.send_notice), once per order and due date.
"""

from django.tasks import task


@task
def escalate_overdue_issues() -> int:
    from wuxing.core.actors import SystemActor

    from .services import issues_escalate

    return issues_escalate(actor=SystemActor("escalation"))
