"""The audit chain: every row is hash-linked to the one before; `audit_verify` finds an edited, deleted or inserted
row on SQLite and PostgreSQL; rows younger than the retention period are never deleted."""

import contextlib
import datetime
import io

import pytest
from django.core.checks import run_checks
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wuxing.core.actors import SYSTEM
from wuxing.core.audit import audit_record, chain_head, current_ip, verify_chain
from wuxing.core.models import (
    CHAIN_FIELDS,
    GENESIS_HASH,
    AuditChainHead,
    AuditLog,
    chain_hash,
    chain_prefix,
    chain_text_end,
)
from wuxing.testing import users_for

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def triggers_lifted():
    """Lift the append-only triggers inside the test's transaction (rolled back with it), as an intruder with
    database access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_auditlog_no_update")
            cursor.execute("DROP TRIGGER core_auditlog_no_delete")
        else:
            cursor.execute("ALTER TABLE core_auditlog DISABLE TRIGGER core_auditlog_no_change")
        yield cursor


def write_rows(n=5):
    return [
        audit_record(actor=SYSTEM, action="test.chain", note=f"row {i}", after={"n": i, "名": "值"}) for i in range(n)
    ]


def verify_output():
    out, err = io.StringIO(), io.StringIO()
    call_command("audit_verify", stdout=out, stderr=err)
    return out.getvalue()


def test_rows_are_linked_and_verify_reports_count_and_head():
    rows = write_rows()
    first_seq = rows[0].seq
    assert [r.seq for r in rows] == list(range(first_seq, first_seq + 5))
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.hash
    assert chain_head() == (rows[-1].seq, rows[-1].hash)
    total = AuditLog.objects.count()
    assert f"Audit chain OK: {total} rows, head hash {rows[-1].hash}" in verify_output()


def test_a_row_inside_a_transaction_costs_one_statement_on_postgresql():
    """No savepoint of its own inside the caller's transaction; on PostgreSQL the head's lock, the row and the
    head's move are one statement (a data-modifying CTE), on SQLite three (the lock, the row, the head)."""
    write_rows(1)  # the head row exists
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        row = audit_record(actor=SYSTEM, action="test.chain", after={"n": 1})
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert not any(s in ("SAVEPOINT", "RELEASE") for s in statements)
    assert len(statements) == (1 if connection.vendor == "postgresql" else 3)
    assert chain_head() == (row.seq, row.hash)
    assert AuditLog.objects.get(pk=row.pk).compute_hash() == row.hash
    assert verify_chain().ok


AWKWARD = [
    {
        "action": "test.chain",
        "note": 'quote " backslash \\ slash / 换行\n制表\t',
        "after": {"引号": '"', "z": [1, None]},
    },
    {"action": "test.chain", "object_repr": "😀 " * 20, "before": {"a": {"b": [True, False, 1.5]}}, "after": {}},
    {"action": "test.chain", "note": "", "after": None, "before": None},
    {"action": "test.chain", "note": "\u0001 control", "after": {"n": 10**15, "s": "\u2028"}},
]


def test_the_text_the_database_finishes_is_the_chain_hashs():
    """On PostgreSQL the row's hash is computed in the insert from `chain_prefix`, the head's hash and the sequence
    number: that text is the canonical text `chain_hash` hashes, whatever the row holds."""
    import hashlib

    at = timezone.now()
    for values in AWKWARD:
        row = {name: None for name in CHAIN_FIELDS} | values | {"at": at, "ip_address": "::ffff:10.0.0.1", "seq": 12}
        for prev in (GENESIS_HASH, "0" * 64):
            text = chain_prefix(row) + chain_text_end(prev, row["seq"])
            assert hashlib.sha256(text.encode()).hexdigest() == chain_hash(row, prev)


def test_awkward_rows_hash_in_the_database_as_in_python():
    """Rows holding quotes, backslashes, control characters, emoji and nested JSON, with an address and without:
    the hash stored (computed by the database on PostgreSQL) is `compute_hash` of the row read back."""
    token = current_ip.set("2001:db8::1")
    try:
        rows = [audit_record(actor=SYSTEM, **values) for values in AWKWARD]
    finally:
        current_ip.reset(token)
    rows.append(audit_record(actor=SYSTEM, action="test.chain", note="no address"))
    for row in rows:
        stored = AuditLog.objects.get(pk=row.pk)
        assert (stored.seq, stored.prev_hash, stored.hash) == (row.seq, row.prev_hash, row.hash)
        assert stored.compute_hash() == row.hash
    assert [r.seq for r in rows] == list(range(rows[0].seq, rows[0].seq + len(rows)))
    assert chain_head() == (rows[-1].seq, rows[-1].hash) and verify_chain().ok


def test_a_failed_row_leaves_the_head_where_it_was():
    """The row's insert and the head's move happen together or not at all: a row that cannot be written (its
    sequence number taken, as by a writer that skipped the head's lock) moves nothing."""
    rows = write_rows(2)
    head = chain_head()
    AuditChainHead.objects.filter(pk=1).update(seq=rows[0].seq - 1)  # the next row would take rows[0]'s seq
    with pytest.raises(IntegrityError), transaction.atomic():
        audit_record(actor=SYSTEM, action="test.chain")
    assert AuditChainHead.objects.get(pk=1).seq == rows[0].seq - 1
    AuditChainHead.objects.filter(pk=1).update(seq=head[0])
    assert chain_head() == head


def test_a_missing_head_row_is_made_and_the_row_chained_to_it():
    """A database emptied by a flush has no head row: the first audit row makes it and chains from genesis."""
    assert not AuditLog.objects.exists()
    AuditChainHead.objects.all().delete()
    row = audit_record(actor=SYSTEM, action="test.chain", after={"n": 1})
    assert (row.seq, row.prev_hash) == (1, GENESIS_HASH) and AuditChainHead.objects.count() == 1
    assert chain_head() == (1, row.hash) and AuditLog.objects.get(pk=row.pk).compute_hash() == row.hash
    assert verify_chain().ok


def test_the_first_row_chains_from_the_genesis_value():
    rows = write_rows(1)
    first = AuditLog.objects.order_by("seq").first()
    assert first.seq == 1 and first.prev_hash == GENESIS_HASH
    assert rows[0].hash == AuditLog.objects.get(pk=rows[0].pk).compute_hash()


def test_an_edited_row_is_found():
    rows = write_rows()
    with triggers_lifted() as cursor:
        cursor.execute("UPDATE core_auditlog SET note = 'nothing happened' WHERE id = %s", [rows[2].pk])
    report = verify_chain()
    assert not report.ok and report.broken_id == rows[2].pk and "edited" in report.reason
    with pytest.raises(CommandError, match=f"seq={rows[2].seq}"):
        verify_output()


def test_an_edited_before_value_is_found():
    rows = write_rows()
    with triggers_lifted() as cursor:
        cursor.execute("UPDATE core_auditlog SET actor_name = 'someone' WHERE id = %s", [rows[0].pk])
    assert verify_chain().broken_id == rows[0].pk


def test_a_deleted_row_is_found():
    rows = write_rows()
    with triggers_lifted() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [rows[1].pk])
    report = verify_chain()
    assert not report.ok and report.broken_seq == rows[1].seq and report.broken_id == rows[2].pk
    with pytest.raises(CommandError, match="BROKEN"):
        verify_output()


def test_a_deleted_last_row_is_found_through_the_head():
    rows = write_rows()
    with triggers_lifted() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [rows[-1].pk])
    report = verify_chain()
    assert not report.ok and "head" in report.reason


def test_an_inserted_row_is_found():
    rows = write_rows()
    forged = AuditLog(action="test.chain", note="forged", seq=rows[2].seq, prev_hash=rows[1].hash)
    forged.at = timezone.now()
    forged.hash = forged.compute_hash()
    with triggers_lifted() as cursor:
        # Renumber the rows after it to make room, as a careful intruder would; their links no longer match.
        cursor.execute("UPDATE core_auditlog SET seq = seq + 1000000 WHERE seq >= %s", [rows[2].seq])
        cursor.execute("UPDATE core_auditlog SET seq = seq - 1000000 + 1 WHERE seq >= 1000000")
        cursor.execute(
            "INSERT INTO core_auditlog (at, actor_name, action, object_type, object_id, object_repr, note, seq, "
            "prev_hash, hash) VALUES (%s, '', 'test.chain', '', '', '', 'forged', %s, %s, %s)",
            [forged.at, forged.seq, forged.prev_hash, forged.hash],
        )
    report = verify_chain()
    assert not report.ok and report.broken_seq == rows[2].seq + 1 and report.broken_id == rows[2].pk
    with pytest.raises(CommandError):
        verify_output()


def test_rows_younger_than_the_retention_are_never_deleted():
    row = audit_record(actor=SYSTEM, action="test.retention")
    with pytest.raises(PermissionDenied, match="180"):
        row.delete()
    with pytest.raises(PermissionDenied, match="180"):
        AuditLog.objects.filter(pk=row.pk).delete()
    old = AuditLog(action="test.old", at=timezone.now() - datetime.timedelta(days=400))
    old.save()
    with pytest.raises(PermissionDenied):  # older rows too: the application has no deletion job at all
        AuditLog.objects.filter(pk=old.pk).delete()
    assert AuditLog.objects.filter(pk__in=[row.pk, old.pk]).count() == 2


def test_a_retention_setting_below_180_days_is_refused(settings):
    settings.WUXING_AUDIT_RETENTION_DAYS = 30
    assert "core.E180" in {m.id for m in run_checks()}
    settings.WUXING_AUDIT_RETENTION_DAYS = 365
    assert "core.E180" not in {m.id for m in run_checks()}


def test_the_auditor_export_carries_the_chain_head(org, client):
    users = users_for(org)
    rows = write_rows(3)
    client.force_login(users.auditor)
    export = client.get(reverse("core:audit_list"), {"action": "test.chain", "export": "xlsx"})
    lines = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    seq, head = lines[1][-2:]  # the head when the export started (the export itself may be audited after)
    assert seq >= rows[-1].seq and AuditLog.objects.get(seq=seq).hash == head
    assert head[:12] in export["Content-Disposition"]
    assert {line[-1] for line in lines[2:]} == {r.hash for r in rows}
