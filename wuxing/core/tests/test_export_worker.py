"""The export worker survives transient database errors, a job left behind by a dead worker is marked failed and
can be retried by its owner, and a worker killed in the middle of a job is restarted and the job finishes."""

import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from wuxing.core import tasks
from wuxing.core.export_jobs import export_retry, fail_stale_exports
from wuxing.core.models import AuditLog, ExportJob
from wuxing.core.roles import Role
from wuxing.testing import make_user

EXPORTER = "wuxing.core.tests.export_fixtures.numbers_export"
ROOT = Path(__file__).resolve().parents[3]


def new_job(user, **fields):
    return ExportJob.objects.create(user=user, exporter=EXPORTER, params={"rows": 5}, title="Numbers", **fields)


@pytest.mark.django_db
def test_a_locked_database_is_retried_with_back_off(monkeypatch):
    job = new_job(make_user("w1", Role.AUDITOR))
    calls, sleeps = [], []
    real = tasks.export_run

    def flaky(job_id):
        calls.append(job_id)
        if len(calls) <= 2:
            raise OperationalError("database is locked")
        real(job_id)

    monkeypatch.setattr(tasks, "export_run", flaky)
    monkeypatch.setattr(tasks.time, "sleep", sleeps.append)
    tasks.run_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done == 5 and len(calls) == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]


@pytest.mark.django_db
def test_other_errors_fail_the_job_at_once(monkeypatch):
    job = new_job(make_user("w2", Role.AUDITOR))
    ExportJob.objects.filter(pk=job.pk).update(exporter="os.path.join")  # not an exporter
    monkeypatch.setattr(tasks.time, "sleep", lambda s: pytest.fail("must not retry"))
    with pytest.raises(Exception, match="not an exporter"):
        tasks.run_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED


@pytest.mark.django_db
def test_a_stuck_job_shows_a_chinese_failure_and_its_owner_retries_it(client, django_capture_on_commit_callbacks):
    owner = make_user("w3", Role.AUDITOR)
    job = new_job(owner, status=ExportJob.Status.RUNNING)
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - datetime.timedelta(minutes=16))
    fresh = new_job(owner, status=ExportJob.Status.RUNNING, started_at=timezone.now())
    client.force_login(owner)
    html = client.get(reverse("core:export_detail", args=[job.pk])).content.decode()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert "导出中断" in html and "重试" in html
    fresh_html = client.get(reverse("core:export_detail", args=[fresh.pk])).content.decode()
    assert "重试" not in fresh_html and ExportJob.objects.get(pk=fresh.pk).status == ExportJob.Status.RUNNING

    other = make_user("w4", Role.AUDITOR)
    client.force_login(other)
    assert client.post(reverse("core:export_retry", args=[job.pk])).status_code == 404
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:export_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.done == 5
    assert AuditLog.objects.filter(action="export.retry", object_id=str(job.pk)).exists()


@pytest.mark.django_db
def test_only_a_failed_job_is_retried_and_only_by_its_owner():
    from django.core.exceptions import PermissionDenied, ValidationError

    owner, other = make_user("w5", Role.AUDITOR), make_user("w6", Role.AUDITOR)
    job = new_job(owner, status=ExportJob.Status.DONE)
    with pytest.raises(ValidationError):
        export_retry(actor=owner, job=job)
    with pytest.raises(PermissionDenied):
        export_retry(actor=other, job=job)


@pytest.mark.django_db
def test_a_worker_start_fails_only_running_jobs():
    owner = make_user("w7", Role.AUDITOR)
    running = new_job(owner, status=ExportJob.Status.RUNNING, started_at=timezone.now())
    queued = new_job(owner)
    assert fail_stale_exports(timeout=datetime.timedelta(0), queued=False) == 1
    assert ExportJob.objects.get(pk=running.pk).status == ExportJob.Status.FAILED
    assert ExportJob.objects.get(pk=queued.pk).status == ExportJob.Status.QUEUED


def _job_status(db: Path, job_id: int) -> tuple[str, int]:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute("SELECT status, done FROM core_exportjob WHERE id = ?", [job_id]).fetchone()


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_is_restarted_and_the_job_finishes(tmp_path):
    """End to end on a scratch SQLite database: the supervisor (scripts/run-worker.sh) runs the worker; the worker
    is killed (-9) in the middle of a job; the supervisor starts it again, which marks the job failed; the owner
    retries it and the restarted worker finishes it."""
    db = tmp_path / "worker.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))},
        "DATABASE_URL": f"sqlite:///{db}",
        "WUXING_VAR_DIR": str(tmp_path / "var"),
        "WUXING_DEMO": "0",
    }
    env.pop("WUXING_TESTING", None)
    python = sys.executable

    def manage(*args, extra=None):
        return subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env={**env, **(extra or {})}, check=True, capture_output=True
        )

    manage("migrate", "-v", "0")
    enqueue = (
        "from django.db import transaction\n"
        "from wuxing.org.models import User\n"
        "from wuxing.core.services import export_enqueue\n"
        "u = User.objects.create_user('owner', password='x')\n"
        "with transaction.atomic():\n"
        f"    job = export_enqueue(actor=u, exporter_path='{EXPORTER}', params={{'rows': 16}}, title='n')\n"
        "print(job.pk)\n"
    )
    job_id = int(manage("shell", "-c", enqueue).stdout.decode().split()[-1])

    log = (tmp_path / "worker.log").open("wb")
    supervisor = subprocess.Popen(
        ["bash", "scripts/run-worker.sh", "--interval", "0.2", "-v", "0"],
        cwd=ROOT,
        env={**env, "PY": python, "WUXING_TEST_SLOW_EXPORT": "0.25", "WORKER_RESTART_DELAY": "0.5"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: _job_status(db, job_id)[0] == "running", 60, "the job to start")
        time.sleep(1)
        children = subprocess.run(["pgrep", "-P", str(supervisor.pid)], capture_output=True, text=True).stdout.split()
        assert children, "the supervisor runs a worker"
        for pid in children:
            os.kill(int(pid), signal.SIGKILL)
        assert _job_status(db, job_id)[0] == "running"  # what a dead worker leaves behind
        _wait_for(lambda: _job_status(db, job_id)[0] == "failed", 60, "the restarted worker to fail the job")

        retry = (
            "from wuxing.core.models import ExportJob\n"
            "from wuxing.core.export_jobs import export_retry\n"
            f"job = ExportJob.objects.get(pk={job_id})\n"
            "export_retry(actor=job.user, job=job)\n"
        )
        manage("shell", "-c", retry)
        _wait_for(lambda: _job_status(db, job_id) == ("done", 16), 90, "the retried job to finish")
    finally:
        os.killpg(supervisor.pid, signal.SIGTERM)
        supervisor.wait(timeout=20)
        log.close()
    assert b"restarting" in (tmp_path / "worker.log").read_bytes()
