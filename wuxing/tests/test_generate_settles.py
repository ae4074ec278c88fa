"""generate_province leaves the tables it wrote vacuumed and analysed on PostgreSQL: the visibility map set, so that
the first reads of a province just built are index-only reads, not a visit to the heap page of every row they
return; and statistics for every table it wrote, through COPY or the ORM, so that the planner does not guess where
autovacuum is off (an unanalysed org_orgunit made an office's newest check-ins a 5-second walk at the province
preset). Run as an operator runs it, in its own process against a committed database: VACUUM cannot run inside the
test's transaction, where the generator only analyses (`scale.settle_tables`)."""

import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from wuxing.portal import scale
from wuxing.testing_servers import PROJECT_DIR

from .test_cluster import _env

pytestmark = pytest.mark.django_db

TABLES = ("checklists_checkin", "checklists_checklistitem", "org_branch")


def _generate(url: str) -> subprocess.CompletedProcess:
    """`generate_province --preset office` in its own process, as an operator runs it."""
    done = subprocess.run(
        [sys.executable, "manage.py", "generate_province", "--preset", "office"],
        env=_env(url),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done


def _visibility(url: str) -> dict[str, tuple[int, int]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class WHERE relname = ANY(%s)", [list(TABLES)]
        ).fetchall()
    return {name: (pages, visible) for name, pages, visible in rows}


def test_a_built_province_is_vacuumed_and_analysed(scratch_database):
    done = _generate(scratch_database)
    assert "VACUUM (ANALYZE):" in done.stdout
    found = _visibility(scratch_database)
    assert set(found) == set(TABLES)
    for name, (pages, visible) in found.items():
        # ANALYZE alone leaves relallvisible at 0 on rows just copied in; VACUUM marks every page all-visible.
        assert pages > 0 and visible == pages, (name, pages, visible)
    analysed = _analysed(scratch_database)
    # The tables written through the ORM too: the tree, the figures versions, the users and roles, the standard.
    for name in ("org_orgunit", "org_figuresversion", "org_roleassignment", "standards_star", *TABLES):
        assert analysed.get(name), name
    assert all(analysed.values()), [name for name, done in analysed.items() if not done]


def test_a_run_with_nothing_left_to_build_still_settles(scratch_database):
    """A run stopped after its last office but before the VACUUM is completed by the next one, which builds
    nothing."""
    _generate(scratch_database)
    done = _generate(scratch_database)
    assert "0 of 1 offices built" in done.stdout, done.stdout
    assert f"VACUUM (ANALYZE): {len(scale.settled_tables())} tables" in done.stdout, done.stdout


def _analysed(url: str) -> dict[str, bool]:
    """Each table the generator writes (scale.settled_tables) → whether ANALYZE has run on it."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [scale.settled_tables()],
        ).fetchall()
    return dict(rows)


def test_inside_a_transaction_only_analyse():
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and ANALYZE are PostgreSQL's here")
    said = []
    assert scale.settle_tables(["org_branch"], say=said.append) == "ANALYZE"
    assert said and said[0].startswith("ANALYZE: 1 tables")
