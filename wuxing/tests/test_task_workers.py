"""Several task workers on one PostgreSQL queue never run a job twice.

django-tasks-db's worker claims a job with `SELECT … FOR UPDATE SKIP LOCKED` (DBTaskResultQuerySet.get_locked,
called by db_worker inside a transaction that also marks the row RUNNING): a row one worker has locked is skipped
by the others, not waited for and not taken again. Two `manage.py export_worker` processes (the project's
db_worker) drain one queue here; every job writes one row keyed by its number, so a second run of any job would
fail on the primary key and show up as a failed result.
"""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection, transaction
from django.tasks import task
from django.test.utils import CaptureQueriesContext

from wuxing.testing_servers import PROJECT_DIR, pg_query, stop

JOBS = 40
PROBE_TABLE = "wuxing_worker_probe"

RESULTS = "django_tasks_database_dbtaskresult"
CONNECTED = "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database()"


@task
def record_run(number: int) -> None:
    """One job: write its number and the worker process that ran it (twice would break the primary key)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PROBE_TABLE} (job, pid, ran_at) VALUES (%s, %s, clock_timestamp())", [number, os.getpid()]
        )
    time.sleep(0.05)


def _start_worker(url: str, name: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"{url}?application_name={name}", "PYTHONPATH": str(PROJECT_DIR)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", "export_worker", "--interval", "0.1", "--no-startup-delay"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


ENQUEUE = """
import django
django.setup()
from wuxing.tests.test_task_workers import record_run
for number in range({jobs}):
    record_run.enqueue(number)
"""


@pytest.mark.django_db
def test_the_worker_claims_a_job_with_select_for_update_skip_locked(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's (SQLite has one writer and no row locks)")
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queued = record_run.enqueue(0)
    # The same calls as db_worker's loop: lock one ready row inside a transaction, then claim it.
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        locked = DBTaskResult.objects.ready().get_locked()
    assert str(locked.id) == str(queued.id)
    assert any(q["sql"].rstrip().endswith("FOR UPDATE SKIP LOCKED") for q in queries.captured_queries)


@pytest.mark.django_db  # the session creates the test database the scratch database is copied from
def test_two_workers_run_each_job_exactly_once(scratch_database):
    url = scratch_database
    pg_query(url, f"CREATE TABLE {PROBE_TABLE} (job integer PRIMARY KEY, pid integer NOT NULL, ran_at timestamptz)")
    names = {"wuxing-worker-1", "wuxing-worker-2"}
    workers = [_start_worker(url, name) for name in sorted(names)]
    try:
        # Both workers are polling the queue before the first job is queued, so that both take part.
        deadline = time.monotonic() + 90
        while (connected := {r[0] for r in pg_query(url, CONNECTED)} & names) != names:
            assert all(w.poll() is None for w in workers), "a worker exited at start"
            assert time.monotonic() < deadline, f"workers not connected: {names - connected}"
            time.sleep(0.2)
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT_DIR)}
        env["DJANGO_SETTINGS_MODULE"] = "wuxing.config.settings"
        subprocess.run([sys.executable, "-c", ENQUEUE.format(jobs=JOBS)], cwd=PROJECT_DIR, env=env, check=True)
        deadline = time.monotonic() + 120
        while pg_query(url, f"SELECT count(*) FROM {RESULTS} WHERE status NOT IN ('SUCCESSFUL', 'FAILED')")[0][0]:
            assert time.monotonic() < deadline, "the workers did not drain the queue in time"
            time.sleep(0.2)
    finally:
        for worker in workers:
            stop(worker)
    results = pg_query(url, f"SELECT status, worker_ids, traceback FROM {RESULTS}")
    assert len(results) == JOBS
    assert [r for r in results if r[0] != "SUCCESSFUL"] == []
    assert all(len(worker_ids) == 1 for _, worker_ids, _ in results)  # each job claimed once
    rows = pg_query(url, f"SELECT job, pid FROM {PROBE_TABLE} ORDER BY job")
    assert [job for job, _ in rows] == list(range(JOBS))  # each job ran once (the primary key forbids twice)
    assert len({pid for _, pid in rows}) == 2, "both workers took jobs"
