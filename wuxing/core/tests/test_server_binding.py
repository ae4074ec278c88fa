"""On PostgreSQL the parameters are bound by the server and a statement run often is prepared once per connection
(settings: DB_PREPARE_THRESHOLD): PostgreSQL then plans it no more. The whole suite runs so on PostgreSQL; this
checks that it is in force."""

import pytest
from django.db import connection

from wuxing.org.models import OrgUnit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own binding and preparation"),
]


def _prepared(needle: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [s for (s,) in cursor.fetchall() if needle in s]


def test_a_statement_run_often_is_prepared_once_and_answers_as_before(org):
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    assert connection.features.uses_server_side_binding
    expected = {u.pk: u.name for u in OrgUnit.objects.all()}
    units = list(expected.items())
    assert not _prepared('"org_orgunit"."name"')
    for k in range(threshold + 1):
        pk, name = units[k % len(units)]
        assert OrgUnit.objects.filter(pk=pk).values_list("name", flat=True).get() == name
    found = _prepared('"org_orgunit"."name"')
    assert len(found) == 1 and "$1" in found[0]
    for pk, name in expected.items():  # the prepared statement, with each value
        assert OrgUnit.objects.filter(pk=pk).values_list("name", flat=True).get() == name
    assert len(_prepared('"org_orgunit"."name"')) == 1
