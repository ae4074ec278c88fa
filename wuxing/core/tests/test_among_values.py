"""`core.querysets.AmongValues`: "the column is one of the values a subquery gives", the same rows as `__in` with
that subquery, written for PostgreSQL as an array computed before the query (`= ANY (ARRAY(…))`)."""

import pytest
from django.db import connection

from wuxing.core.querysets import AmongValues
from wuxing.org.models import Branch, OrgUnit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["/", "/T41/", "/T41/T4101/T410101/T41010101/", "/none/"])
def test_the_rows_of_in_with_the_subquery(org, prefix):
    offices = OrgUnit.objects.filter(path__startswith=prefix).values("pk")
    among = Branch.objects.filter(AmongValues("office_id", offices))
    expected = sorted(Branch.objects.filter(office_id__in=offices).values_list("pk", flat=True))
    assert sorted(among.values_list("pk", flat=True)) == expected
    assert among.count() == len(expected)


def test_combined_with_other_conditions_and_negated(org):
    offices = OrgUnit.objects.filter(pk=org.office_a.pk).values("pk")
    assert set(Branch.objects.filter(AmongValues("office_id", offices), code="T-a1")) == {org.branches["a1"]}
    outside = set(Branch.objects.exclude(AmongValues("office_id", offices)).values_list("code", flat=True))
    assert outside == {"T-b1", "T-b2"}


def test_written_for_the_database(org):
    sql = str(Branch.objects.filter(AmongValues("office_id", OrgUnit.objects.values("pk"))).query)
    if connection.vendor == "postgresql":
        assert '"org_branch"."office_id" = ANY (ARRAY(SELECT' in sql
    else:
        assert '"org_branch"."office_id" IN (SELECT' in sql
