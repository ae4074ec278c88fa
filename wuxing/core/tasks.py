"""Background tasks of the core (django.tasks; the database backend runs them in `manage.py db_worker`)."""

from django.tasks import task

from .exports import export_run


@task
def run_export(job_id: int) -> None:
    export_run(job_id)
