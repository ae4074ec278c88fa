"""Scheduled work of supervision (django.tasks; the database backend runs it in the worker).

`escalate_overdue_rectifications` is enqueued once a working day by the rhythm's scheduler (`AppConfig.daily_tasks`),
or at once by `manage.py supervision_escalate`; it brings every overdue rectification to its responsible leader (R15).
"""

from django.tasks import task


@task
def escalate_overdue_rectifications() -> int:
    from wuxing.core.actors import SystemActor

    from .services import rectifications_escalate

    return len(rectifications_escalate(actor=SystemActor("escalation")))
