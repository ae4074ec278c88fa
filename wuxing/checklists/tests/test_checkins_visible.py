"""The check-ins a user may see (`selectors.checkins_visible`, the API's list): exactly the rows of
`CheckIn.objects.restrict(user, "view")`, asked by the items' ids when the scope holds few items, so that the
database counts an office's share of the check-ins item by item instead of guessing it from the office's path (at
the province preset the guess led to a 5-second walk of every check-in for an office's newest 100)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wuxing.checklists import selectors, services
from wuxing.checklists.models import CheckIn
from wuxing.core.actors import SYSTEM
from wuxing.core.roles import Role
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


def test_a_small_scope_is_asked_by_item_ids(world, checkins):
    """An office's check-ins are read without joining the branch and the office: by the ids of its items."""
    sql = str(selectors.checkins_visible(user=world.users.leader).order_by().query)
    assert "org_orgunit" not in sql and "org_branch" not in sql
    assert "item_id" in sql and " IN (" in sql
    # The join is what restrict writes.
    assert "org_orgunit" in str(CheckIn.objects.restrict(world.users.leader, "view").order_by().query)


def test_a_scope_of_many_items_keeps_the_join(world, checkins, monkeypatch):
    monkeypatch.setattr(selectors, "SCOPE_ITEM_IDS", 3)
    leader = world.users.leader
    visible = selectors.checkins_visible(user=leader)
    assert "org_orgunit" in str(visible.order_by().query)
    assert _ids(visible) == _ids(CheckIn.objects.restrict(leader, "view"))
    monkeypatch.setattr(selectors, "SCOPE_ITEM_IDS", 4)  # office A holds exactly four items
    assert "org_orgunit" not in str(selectors.checkins_visible(user=leader).order_by().query)


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
    assert " IN (" not in str(selectors.checkins_visible(user=admin).query)


def test_api_lists_the_office_by_item_ids(world, checkins, api_client):
    from wuxing.testing import api_as

    client = api_as(api_client, world.users.leader)
    response = client.get("/api/v1/checkins/", {"limit": 100})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == _ids(
        CheckIn.objects.restrict(world.users.leader, "view")
    )
