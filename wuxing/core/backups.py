"""Backups: the database and the evidence files under MEDIA_ROOT in one archive with a manifest, and the restore.

SQLite is copied with the online backup API (`sqlite3.Connection.backup`, consistent while the site runs);
PostgreSQL with `pg_dump -Fc` / `pg_restore`, the row counts taken in the same snapshot as the dump. The manifest
records the row count of every table and the sha256 of every file (the database copy included); a restore checks
every hash before touching anything and the row counts after. Generated export files (MEDIA_ROOT/exports) are not
kept. Used by `manage.py backup` / `manage.py restore` (`make backup`, `make restore FILE=…`).
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
SKIPPED_MEDIA_DIRS = {"exports"}


class BackupError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(media_root: Path) -> dict[str, Path]:
    """Every file under MEDIA_ROOT (but generated exports), by its path relative to it."""
    files = {}
    if not media_root.is_dir():
        return files
    for path in sorted(media_root.rglob("*")):
        rel = path.relative_to(media_root)
        if path.is_file() and not path.is_symlink() and rel.parts[0] not in SKIPPED_MEDIA_DIRS:
            files[rel.as_posix()] = path
    return files


def sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in sorted(names)}


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_connect(db: dict):
    import psycopg

    return psycopg.connect(
        dbname=db["NAME"],
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    )


def pg_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    counts = {}
    for (name,) in cursor.fetchall():
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
        counts[name] = cursor.fetchone()[0]
    return counts


def _dump_database(using: str, tmp: Path) -> tuple[str, str, dict[str, int]]:
    """Copy the database into `tmp`; returns (vendor, file name, row counts of the copy)."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = tmp / "db.sqlite3"
        copy = sqlite3.connect(target)
        try:
            if connection.in_atomic_block:
                # The backup API waits for the connection's own open write transaction for ever; inside one (a
                # test), the connection's view is copied as SQL instead.
                copy.executescript("\n".join(connection.connection.iterdump()))
            else:
                connection.connection.backup(copy)
            counts = sqlite_counts(copy)
        finally:
            copy.close()
        return "sqlite", target.name, counts
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            raise BackupError("pg_dump is not on PATH")
        db = connection.settings_dict
        target = tmp / "db.dump"
        # The counts and the dump read the same snapshot.
        with _pg_connect(db) as conn, conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = pg_counts(cursor)
            subprocess.run(
                ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(target), db["NAME"]],
                env=_pg_env(db),
                check=True,
                capture_output=True,
            )
            conn.rollback()
        return "postgresql", target.name, counts
    raise BackupError(f"backups of {connection.vendor} databases are not supported")


def backup(*, out_dir: Path, using: str = "default", media_root: Path | None = None) -> tuple[Path, dict]:
    """Write one archive (database + media files + manifest.json) into `out_dir`; returns its path and manifest."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        vendor, db_name, counts = _dump_database(using, tmp)
        files = media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "vendor": vendor,
            "database": {"file": db_name, "sha256": sha256_file(tmp / db_name)},
            "tables": counts,
            "files": {rel: sha256_file(path) for rel, path in files.items()},
        }
        archive = out_dir / f"wuxing-backup-{stamp}.tar.gz"
        partial = archive.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(tmp / db_name, arcname=db_name)
            for rel, path in files.items():
                tar.add(path, arcname=f"media/{rel}")
        partial.rename(archive)
    return archive, manifest


def _check_hashes(manifest: dict, root: Path) -> None:
    wanted = {manifest["database"]["file"]: manifest["database"]["sha256"]}
    wanted.update({f"media/{rel}": digest for rel, digest in manifest["files"].items()})
    for name, digest in wanted.items():
        path = root / name
        if not path.is_file() or sha256_file(path) != digest:
            raise BackupError(f"{name}: missing or its sha256 does not match the manifest; nothing was restored")


def restore(
    archive: Path, *, using: str = "default", media_root: Path | None = None, database: dict | None = None
) -> dict:
    """Restore an archive made by `backup` into the database `using` (or the one `database` describes) and MEDIA_ROOT.

    Every hash is checked before anything is written; the row counts are compared after. Returns the manifest.
    """
    media_root = Path(media_root or settings.MEDIA_ROOT)
    db = database or connections[using].settings_dict
    vendor = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}.get(db["ENGINE"])
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")  # refuses absolute paths, "..", links outside
        manifest = json.loads((tmp / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["vendor"] != vendor:
            raise BackupError(f"the backup is of a {manifest['vendor']} database, the target is {vendor}")
        _check_hashes(manifest, tmp)
        dump = tmp / manifest["database"]["file"]
        if vendor == "sqlite":
            if database is None:
                connections[using].close()
            source, target = sqlite3.connect(dump), sqlite3.connect(db["NAME"])
            try:
                source.backup(target)
                counts = sqlite_counts(target)
            finally:
                source.close()
                target.close()
        else:
            from psycopg import sql as pgsql

            if database is None:
                connections[using].close()
            subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", "-d", db["NAME"], str(dump)],
                env=_pg_env(db),
                check=True,
                capture_output=True,
            )
            with _pg_connect(db) as conn, conn.cursor() as cursor:
                counts = pg_counts(cursor)
                # pg_restore leaves every table without statistics and without a visibility map; the planner
                # would guess until autovacuum came round (docs/deploy.md). The tables restored, not the shared
                # catalogs, whose locks other sessions may hold.
                conn.rollback()  # the counts' transaction: VACUUM runs outside one
                conn.autocommit = True
                tables = pgsql.SQL(", ").join(pgsql.Identifier(table) for table in sorted(counts))
                cursor.execute(pgsql.SQL("VACUUM (ANALYZE) {}").format(tables))
        for rel in manifest["files"]:
            target_path = media_root / PurePosixPath(rel)
            target_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp / "media" / rel, target_path)
    differences = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if differences:
        raise BackupError(f"row counts differ from the manifest after the restore: {differences}")
    for rel, digest in manifest["files"].items():
        if sha256_file(media_root / PurePosixPath(rel)) != digest:
            raise BackupError(f"media/{rel}: sha256 differs after the restore")
    return manifest
