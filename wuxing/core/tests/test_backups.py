"""Backups round-trip: data and evidence files are backed up, restored into an empty database and an empty media
directory, and the row counts and file hashes match (SQLite always; PostgreSQL when it is the test database and
pg_dump is on PATH)."""

import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
import uuid

import pytest
from django.db import connection

from wuxing.core.actors import SYSTEM
from wuxing.core.audit import audit_record
from wuxing.core.backups import BackupError, backup, pg_counts, restore, sqlite_counts
from wuxing.core.roles import Role
from wuxing.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(tmp_path):
    root = tmp_path / "media"
    (root / "evidence" / "2026" / "11").mkdir(parents=True)
    (root / "exports").mkdir()
    (root / "evidence" / "2026" / "11" / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    (root / "evidence" / "2026" / "11" / "minutes.pdf").write_bytes(b"%PDF-1.7\n" + b"x" * 5000)
    (root / "exports" / "old.xlsx").write_bytes(b"generated")
    return root


def hashes(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def load_data():
    for i in range(3):
        make_user(f"b{i}", Role.AUDITOR)
    for i in range(7):
        audit_record(actor=SYSTEM, action="test.backup", note=str(i))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
def test_sqlite_round_trip_into_an_empty_database_and_media_dir(tmp_path, media):
    load_data()
    archive, manifest = backup(out_dir=tmp_path / "backups", media_root=media)
    assert archive.parent == tmp_path / "backups" and archive.name.endswith(".tar.gz")
    live = sqlite_counts(connection.connection)
    assert manifest["tables"] == live and manifest["tables"]["core_auditlog"] >= 7
    assert set(manifest["files"]) == {"evidence/2026/11/photo.jpg", "evidence/2026/11/minutes.pdf"}

    empty_db, empty_media = tmp_path / "restored.sqlite3", tmp_path / "restored-media"
    restore(archive, media_root=empty_media, database={"ENGINE": "django.db.backends.sqlite3", "NAME": empty_db})
    with sqlite3.connect(empty_db) as restored:
        assert sqlite_counts(restored) == live
        head = restored.execute("SELECT hash FROM core_auditlog ORDER BY seq DESC LIMIT 1").fetchone()[0]
    restored.close()
    assert head == connection.cursor().execute("SELECT hash FROM core_auditchainhead").fetchone()[0]
    expected = {k: v for k, v in hashes(media).items() if not k.startswith("exports/")}
    assert hashes(empty_media) == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="uses the SQLite archive")
def test_a_tampered_archive_is_refused_and_nothing_is_restored(tmp_path, media):
    archive, manifest = backup(out_dir=tmp_path / "backups", media_root=media)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.endswith("minutes.pdf"):
                data = data.replace(b"x", b"y", 1)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    target = tmp_path / "target.sqlite3"
    with pytest.raises(BackupError, match="minutes.pdf"):
        restore(tampered, media_root=tmp_path / "m", database={"ENGINE": "django.db.backends.sqlite3", "NAME": target})
    assert not target.exists() and not (tmp_path / "m").exists()
    assert json.loads(tarfile.open(archive).extractfile("manifest.json").read())["vendor"] == "sqlite"


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not shutil.which("pg_dump"), reason="needs PostgreSQL and pg_dump"
)
def test_postgresql_round_trip_into_a_new_database(tmp_path, media):
    import psycopg

    settings_dict = dict(connection.settings_dict)
    archive, manifest = backup(out_dir=tmp_path / "backups", media_root=media)
    # pg_dump sees committed rows only (this test's rows are in its transaction); the migrations' rows are there.
    assert manifest["tables"]["django_migrations"] > 0
    name = f"wx_restore_{uuid.uuid4().hex[:10]}"
    admin = {**settings_dict, "NAME": "postgres"}

    def run(sql):
        with psycopg.connect(
            dbname=admin["NAME"],
            host=admin.get("HOST") or None,
            port=admin.get("PORT") or None,
            user=admin.get("USER") or None,
            password=admin.get("PASSWORD") or None,
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    run(f'CREATE DATABASE "{name}"')
    try:
        target = {**settings_dict, "NAME": name}
        restore(archive, media_root=tmp_path / "restored-media", database=target)
        with (
            psycopg.connect(
                dbname=name,
                host=target.get("HOST") or None,
                port=target.get("PORT") or None,
                user=target.get("USER") or None,
                password=target.get("PASSWORD") or None,
            ) as conn,
            conn.cursor() as cursor,
        ):
            assert pg_counts(cursor) == manifest["tables"]
            # Analysed and vacuumed after the restore: statistics and a visibility map for the planner.
            cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NULL OR last_vacuum IS NULL")
            assert cursor.fetchall() == []
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    expected = {k: v for k, v in hashes(media).items() if not k.startswith("exports/")}
    assert hashes(tmp_path / "restored-media") == expected


def test_the_backup_and_restore_commands_on_a_live_sqlite_file(tmp_path):
    """`manage.py backup` (the online backup API on a database file in use) and `manage.py restore --yes` into an
    emptied database and media directory, as `make backup` / `make restore FILE=…` run them."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    var = tmp_path / "var"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))},
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "WUXING_VAR_DIR": str(var),
        "WUXING_DEMO": "0",
    }
    env.pop("WUXING_TESTING", None)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=root, env=env, check=True, capture_output=True, text=True
        ).stdout

    manage("migrate", "-v", "0")
    manage(
        "shell",
        "-c",
        "from wuxing.core.actors import SYSTEM\nfrom wuxing.core.audit import audit_record\n"
        "[audit_record(actor=SYSTEM, action='cmd.backup', note=str(i)) for i in range(25)]",
    )
    evidence = var / "media" / "evidence" / "a.jpg"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"\xff\xd8evidence")
    out = manage("backup")
    assert "Backup written" in out
    [archive] = (var / "backups").glob("wuxing-backup-*.tar.gz")
    with sqlite3.connect(var / "db.sqlite3") as conn:
        before = sqlite_counts(conn)
    conn.close()

    (var / "db.sqlite3").unlink()
    for suffix in ("-wal", "-shm"):
        (var / f"db.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.rmtree(var / "media")
    assert "row counts and file hashes match" in manage("restore", "--yes", str(archive))
    with sqlite3.connect(var / "db.sqlite3") as conn:
        assert sqlite_counts(conn) == before and before["core_auditlog"] == 25
    conn.close()
    assert evidence.read_bytes() == b"\xff\xd8evidence"
    assert "Audit chain OK: 25 rows" in manage("audit_verify")
