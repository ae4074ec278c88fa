"""The check-ins a user may see (`selectors.checkins_visible`, the API's list): exactly the rows of
`CheckIn.objects.restrict(user, "view")`, asked by the items' ids when the scope holds few items, so that the
database counts an office's share of the check-ins item by item instead of guessing it from the office's path (at
the province preset the guess led to a 5-second walk of every check-in for an office's newest 100)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from wuxing.checklists import selectors, services
from wuxing.checklists.models import CheckIn
from wuxing.core.actors import SYSTEM
from wuxing.core.roles import Role
from wuxing.org.scopes import scope_for
from wuxing.testing import make_user

pytestmark = pytest.mark.django_db

ROLES = ("leader", "staff", "leader_b", "district", "cadre", "secretary", "reviewer", "auditor", "nobody")


@pytest.fixture
def checkins(world, make_item):
    today = timezone.localdate()
    made = []
    for n, code in enumerate(("a1", "a2", "a3", "b1", "a1", "b1")):
        item = make_item(code, title=f"条目{n}", target=10)
        for day in range(3):
            made.append(
                services.checkin_record(
                    actor=SYSTEM, item=item, value=day + 1, effective_on=today - timedelta(days=day)
                )
            )
    return made


def _ids(queryset):
    return list(queryset.order_by("-effective_on", "-id").values_list("pk", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_what_restrict_gives(world, checkins, role):
    user = getattr(world.users, role)
    expected = _ids(CheckIn.objects.restrict(user, "view"))
    assert _ids(selectors.checkins_visible(user=user)) == expected


def test_the_scopes_differ(world, checkins):
    """The comparison above is between lists that differ by scope, not all empty or all full."""
    counts = {role: selectors.checkins_visible(user=getattr(world.users, role)).count() for role in ROLES}
    assert counts["district"] == len(checkins) == 18
    assert counts["leader"] == 12 and counts["leader_b"] == 6
    assert counts["secretary"] == 6  # branch a1's two items
    assert counts["cadre"] == 9  # department A-1 holds a1 (two items) and a2
    assert counts["nobody"] == 0


def test_an_office_is_asked_through_its_items(world, checkins):
    """An office's check-ins are filtered by the ids of its items, not by a join to the branch and the office."""
    sql = str(selectors.checkins_visible(user=world.users.leader).order_by().query)
    where = sql[sql.index(" WHERE ") :]
    assert where.startswith(' WHERE "checklists_checkin"."item_id" ')
    assert "org_orgunit" in where  # inside the items' subquery
    assert not sql[: sql.index(" WHERE ")].count("JOIN")
    # restrict joins them.
    assert "JOIN" in str(CheckIn.objects.restrict(world.users.leader, "view").order_by().query)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array is PostgreSQL's")
def test_postgresql_gets_an_array_of_the_items(world, checkins):
    sql, params = selectors.checkins_visible(user=world.users.leader).order_by().query.sql_with_params()
    assert '"checklists_checkin"."item_id" = ANY (ARRAY(SELECT' in sql
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan or "SubPlan" in plan  # computed once, before the check-ins are read


def test_a_city_or_province_keeps_the_join(world, checkins):
    """A city's or province's check-ins lie on every day: their newest are read in index order, through the join."""
    city = make_user("t-city", Role.OFFICE_LEADER, unit=world.org.district.parent)
    assert scope_for(city).wide and not scope_for(world.users.district).wide
    visible = selectors.checkins_visible(user=city)
    assert "JOIN" in str(visible.order_by().query)
    assert _ids(visible) == _ids(CheckIn.objects.restrict(city, "view")) and visible.count() == len(checkins)


def test_permission_is_still_required(world, checkins):
    """A scope without the permission to view check-ins sees none, even though its items are known."""
    scoped_only = make_user("t-scoped-only", Role.OFFICE_LEADER, unit=world.org.office_a)
    scoped_only.is_active = False
    scoped_only.save()
    assert selectors.checkins_visible(user=scoped_only).count() == 0


def test_superuser_and_system_read_everything(world, checkins):
    admin = make_user("t-admin")
    admin.is_superuser = True
    admin.save()
    assert selectors.checkins_visible(user=admin).count() == len(checkins)
    assert selectors.checkins_visible(user=SYSTEM).count() == len(checkins)
    assert "WHERE" not in str(selectors.checkins_visible(user=admin).query)


def test_api_lists_the_office_by_item_ids(world, checkins, api_client):
    from wuxing.testing import api_as

    client = api_as(api_client, world.users.leader)
    response = client.get("/api/v1/checkins/", {"limit": 100})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == _ids(
        CheckIn.objects.restrict(world.users.leader, "view")
    )
