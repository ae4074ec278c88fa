"""Fixtures of the several-app-servers tests (workers, the two-server cluster)."""

import pytest


@pytest.fixture(scope="module")
def scratch_database(django_db_setup, django_db_blocker):
    """A committed PostgreSQL database copied from the migrated test database; its DATABASE_URL. Skipped on SQLite."""
    from django.db import connection

    from wuxing.testing_servers import cloned_database

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): several processes share one database")
    with django_db_blocker.unblock(), cloned_database(connection) as url:
        yield url
