"""`kill -9` in the middle of an Excel import of check-in items leaves no partial import.

The import runs in a process of its own on a database of its own (a file-backed SQLite database, and a scratch
PostgreSQL database when DATABASE_URL points at a PostgreSQL server). It is stopped at a known point: after every
row of the import is written and before its transaction commits (the audit row is the last write of the import;
the child replaces audit_record with a stand-in that reports how many items it sees, then waits). The parent
kills it with SIGKILL there, then finds no item and no audit row of that import, an intact database, and that the
same import goes through afterwards.
"""

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import pytest
from openpyxl import Workbook

from wuxing.checklists import services

ROOT = Path(__file__).resolve().parents[3]
ROWS = 300

SETUP = """
import django
django.setup()
from django.utils import timezone
from wuxing.campaigns.services import campaign_create, campaign_set_status
from wuxing.core.actors import SystemActor
from wuxing.standards.fileformat import standard_load
from wuxing.testing import build_org, users_for
from django.conf import settings
from pathlib import Path
EXAMPLE = Path(settings.BASE_DIR) / "standards" / "data" / "example-standard.yaml"

system = SystemActor("test")
org = build_org()
users = users_for(org)
standard = standard_load(actor=system, text=EXAMPLE.read_text(encoding="utf-8"))
campaign = campaign_create(actor=system, office=org.office_a, year=timezone.localdate().year, standard=standard)
campaign_set_status(actor=system, campaign=campaign, status="running")
print(org.branches["a1"].pk)
"""

IMPORT = """
import os, sys, time
import django
django.setup()
from wuxing.checklists import services
from wuxing.checklists.models import ChecklistItem
from wuxing.org.models import Branch, User

branch = Branch.objects.get(pk=int(sys.argv[1]))
marker = os.environ.get("KILL_MARKER")
if marker:
    def stop_before_commit(**kwargs):
        # Every row is written inside the import's transaction; report how many, then wait for SIGKILL.
        written = ChecklistItem.objects.filter(branch=branch).count()
        with open(marker + ".tmp", "w") as f:
            f.write(str(written))
        os.rename(marker + ".tmp", marker)
        time.sleep(600)

    services.audit_record = stop_before_commit
data = open(sys.argv[2], "rb").read()
created = services.items_import(actor=User.objects.get(username="t-secretary"), branch=branch, data=data)
print(len(created))
"""


def _workbook() -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(services.import_headers())
    for n in range(ROWS):
        ws.append([f"导入事项{n}", "strong_branch", "", "quantitative", 0, 4, "次", 1, "", "", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_db(request, tmp_path):
    """(url, count(sql) -> int): a migrated database of its own, outside the test's transaction."""
    if request.param == "sqlite":
        path = tmp_path / "kill.sqlite3"
        url = f"sqlite:///{path}"

        def count(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchone()[0]

        yield url, count, lambda: sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    import psycopg

    parts = urlsplit(base)
    name = f"{dj_database_url.parse(base)['NAME']}_kill_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    url = parts._replace(path=f"/{name}").geturl()

    def count(sql):
        with psycopg.connect(url) as db:
            return db.execute(sql).fetchone()[0]

    try:
        yield url, count, lambda: count("SELECT 1") == 1
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(url, tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="wuxing.config.settings",
        PYTHONPATH=str(ROOT),
        WUXING_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        WUXING_TESTING="1",
        **extra,
    )
    return env


def _run(args, env, timeout=300):
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout.strip()


def test_kill_9_during_an_import_leaves_no_partial_import(scratch_db, tmp_path):
    url, count, intact = scratch_db
    env = _env(url, tmp_path)
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    branch = _run([sys.executable, "-c", SETUP], env).splitlines()[-1]
    workbook = tmp_path / "items.xlsx"
    workbook.write_bytes(_workbook())
    marker = tmp_path / "rows-written"
    audit_rows = count("SELECT COUNT(*) FROM core_auditlog")

    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT, branch, str(workbook)],
        cwd=ROOT,
        env=_env(url, tmp_path, KILL_MARKER=str(marker)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the import never reached its last write"
            time.sleep(0.05)
        assert int(marker.read_text()) == ROWS  # every row was written, not yet committed
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
        child.communicate()

    assert count("SELECT COUNT(*) FROM checklists_checklistitem") == 0
    assert count("SELECT COUNT(*) FROM core_auditlog") == audit_rows
    assert intact()
    # The database takes the same import afterwards, whole.
    assert _run([sys.executable, "-c", IMPORT, branch, str(workbook)], env).splitlines()[-1] == str(ROWS)
    assert count("SELECT COUNT(*) FROM checklists_checklistitem") == ROWS
    assert count("SELECT COUNT(*) FROM core_auditlog") == audit_rows + 1
