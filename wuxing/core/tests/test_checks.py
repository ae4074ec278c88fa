"""The core's system checks: autovacuum on PostgreSQL (`check --database`)."""

from types import SimpleNamespace

import pytest
from django.db import connection

from wuxing.core import checks


class _Cursor:
    def __init__(self, value):
        self.value = value

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql):
        assert sql == "SHOW autovacuum"

    def fetchone(self):
        return (self.value,)


def _connections(vendor, value):
    return {"default": SimpleNamespace(vendor=vendor, cursor=lambda: _Cursor(value))}


@pytest.mark.parametrize(("vendor", "value", "warned"), [("postgresql", "off", True), ("postgresql", "on", False)])
def test_autovacuum_off_is_a_warning(monkeypatch, vendor, value, warned):
    monkeypatch.setattr(checks, "connections", _connections(vendor, value))
    found = checks.autovacuum_check(None, databases=["default"])
    assert [w.id for w in found] == (["core.W001"] if warned else [])
    if warned:
        assert "autovacuum is off" in found[0].msg and "'default'" in found[0].msg


def test_not_asked_without_databases_or_on_sqlite(monkeypatch):
    monkeypatch.setattr(checks, "connections", _connections("sqlite", "off"))
    assert checks.autovacuum_check(None, databases=["default"]) == []
    assert checks.autovacuum_check(None) == []


@pytest.mark.django_db
def test_reads_the_server_setting():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        (value,) = cursor.fetchone()
    found = checks.autovacuum_check(None, databases=["default"])
    assert bool(found) == (value != "on")
