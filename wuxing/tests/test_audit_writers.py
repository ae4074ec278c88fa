"""Audit rows written at once by several processes on one PostgreSQL database still form one chain.

Each writer locks the chain head (`SELECT … FOR UPDATE`), inserts its row chained to it and moves it, in one
statement (`AuditLog._insert_chained`), inside its own transaction, without a savepoint: two app servers writing at
the same moment must never give two rows the same sequence number or the same previous hash. Two processes write here,
half of their rows inside a transaction that stays open a moment after the row (the other writer waits on the
head), half on their own; then `audit_verify` walks the whole chain.
"""

import os
import subprocess
import sys
import time

import pytest

from wuxing.testing_servers import PROJECT_DIR, pg_query, stop

ROWS = 40

WRITER = """
import os, sys, time
import django
django.setup()
from django.db import transaction
from wuxing.core.actors import SYSTEM
from wuxing.core.audit import audit_record
name, go = sys.argv[1], sys.argv[2]
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
for i in range({rows}):
    if i % 2:
        audit_record(actor=SYSTEM, action="test.concurrent", note=f"{{name}} {{i}}")
        continue
    with transaction.atomic():
        audit_record(actor=SYSTEM, action="test.concurrent", note=f"{{name}} {{i}}", after={{"i": i, "名": name}})
        time.sleep(0.003)
"""


def _writer(url: str, name: str, go: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(PROJECT_DIR)}
    env["DJANGO_SETTINGS_MODULE"] = "wuxing.config.settings"
    return subprocess.Popen(
        [sys.executable, "-c", WRITER.format(rows=ROWS), name, go],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.django_db  # the session creates the test database the scratch database is copied from
def test_two_writers_at_once_make_one_unbroken_chain(scratch_database, tmp_path):
    url = scratch_database
    before = pg_query(url, "SELECT count(*) FROM core_auditlog")[0][0]
    go = tmp_path / "go"
    writers = [_writer(url, name, str(go)) for name in ("one", "two")]
    try:
        for writer in writers:
            assert writer.stdout.readline().strip() == "ready"
        go.touch()
        deadline = time.monotonic() + 120
        for writer in writers:
            assert writer.wait(timeout=max(1, deadline - time.monotonic())) == 0
    finally:
        for writer in writers:
            stop(writer)
    rows = pg_query(url, "SELECT seq, prev_hash, hash, note FROM core_auditlog ORDER BY seq")
    assert len(rows) == before + 2 * ROWS
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))  # no sequence number twice, none skipped
    assert len({r[1] for r in rows}) == len(rows)  # no two rows chained to the same row
    assert all(rows[k][1] == rows[k - 1][2] for k in range(1, len(rows)))
    assert pg_query(url, "SELECT seq, hash FROM core_auditchainhead")[0] == (rows[-1][0], rows[-1][2])
    # Both wrote while the other did: the rows of the two interleave.
    writers_in_order = [r[3].split()[0] for r in rows[before:]]
    assert sum(a != b for a, b in zip(writers_in_order, writers_in_order[1:], strict=False)) > 1
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "wuxing.config.settings"}
    verify = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
