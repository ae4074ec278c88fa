"""Report pages read from the read replica when one is configured (wuxing.core.routers); writes never do.

The `replica` alias here is a second connection object over the test database's own connection (so it sees the
test's rows), with its own query log: which alias a query went through is what is asserted.
"""

import contextlib
import copy
from collections import deque

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuxing.checklists import services
from wuxing.checklists.models import CheckIn
from wuxing.core.actors import SYSTEM
from wuxing.core.routers import REPLICA, ReplicaRouter, read_alias, replica_reads
from wuxing.org.models import Branch

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def replica(db):
    default = connections["default"]
    default.ensure_connection()
    twin = copy.copy(default)
    twin.alias = REPLICA
    twin.settings_dict = dict(default.settings_dict)
    twin.queries_log = deque(maxlen=twin.queries_limit)
    twin.execute_wrappers = []
    connections.settings[REPLICA] = twin.settings_dict
    connections[REPLICA] = twin
    yield twin
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def checked_in(world, make_item):
    item = make_item("a1", target=4)
    services.checkin_record(actor=SYSTEM, item=item, value=1)
    return item


@contextlib.contextmanager
def no_open_transaction():
    """As a request outside the test's transaction sees the primary: no transaction open."""
    connections["default"].in_atomic_block = False
    try:
        yield
    finally:
        connections["default"].in_atomic_block = True


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def test_without_a_replica_everything_reads_from_the_primary(db):
    with replica_reads():
        assert read_alias(Branch) == "default"
    assert ReplicaRouter().allow_migrate(REPLICA, "org") is False


def test_the_router_sends_reads_to_the_replica_only_inside_the_opt_in(replica):
    from django.contrib.sessions.models import Session

    router = ReplicaRouter()
    assert read_alias(Branch) == "default"
    with no_open_transaction(), replica_reads():
        assert read_alias(Branch) == REPLICA
        assert Branch.objects.all().db == REPLICA
        # Sessions are written on every request: never read from a replica that may lag.
        assert read_alias(Session) == "default"
        assert router.db_for_write(Branch) is None  # Django's default alias: the primary
        from_replica = Branch()
        from_replica._state.db = REPLICA
        assert router.db_for_write(Branch, instance=from_replica) == "default"
        assert Branch.objects.all().db == REPLICA
    assert read_alias(Branch) == "default"
    assert router.allow_migrate(REPLICA, "org") is False and router.allow_migrate("default", "org") is None


def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    # The test runs inside the primary's transaction already: a service reading what it just wrote must see it.
    assert connections["default"].in_atomic_block
    with replica_reads(), transaction.atomic():
        assert read_alias(Branch) == "default"


def test_the_dashboard_reads_its_figures_from_the_replica(client, world, checked_in, replica, settings):
    with no_open_transaction():
        client.force_login(world.users.leader)
        with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(replica) as read:
            response = client.get(reverse("checklists:dashboard"))
    assert response.status_code == 200
    assert "checklists_checklistitem" in _tables(read.captured_queries)
    assert "checklists_checklistitem" not in _tables(primary.captured_queries)
    assert not any(q["sql"].lstrip().upper().startswith(WRITES) for q in read.captured_queries)


def test_pages_that_do_not_opt_in_read_from_the_primary(client, world, checked_in, replica):
    with no_open_transaction():
        client.force_login(world.users.secretary)
        with CaptureQueriesContext(replica) as read:
            response = client.get(reverse("checklists:item_detail", args=[checked_in.pk]))
    assert response.status_code == 200 and read.captured_queries == []


def test_the_public_board_reads_from_the_replica(client, world, checked_in, replica):
    with no_open_transaction():
        with CaptureQueriesContext(replica) as read:
            response = client.get(reverse("checklists_public:board", args=[world.org.office_a.code]))
    assert response.status_code == 200 and "checklists_checklistitem" in _tables(read.captured_queries)


def test_writes_inside_the_opt_in_go_to_the_primary(checked_in, replica):
    with (
        replica_reads(),
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(replica) as read,
    ):
        services.checkin_record(actor=SYSTEM, item=checked_in, value=2)
    assert read.captured_queries == []
    # On PostgreSQL the insert is the main statement of a WITH (core.querysets.insert_with).
    assert any('INSERT INTO "checklists_checkin"' in q["sql"] for q in primary.captured_queries)
    assert CheckIn.objects.filter(item=checked_in).count() == 2
