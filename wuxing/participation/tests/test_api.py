"""/api/v1/work-orders/ and /api/v1/work-orders/figures/: within scope, the issue's field names, no phone."""

from django.urls import reverse

from wuxing.testing import api_as

from .conftest import PHONE


def test_work_orders_in_scope_with_their_fields_and_no_phone(api_client, world):
    api = api_as(api_client, world.users.leader)
    body = api.get("/api/v1/work-orders/", {"limit": 100}).json()
    rows = body["results"]
    assert {r["id"] for r in rows} == {
        world.received.pk,
        world.dispatched.pk,
        world.answered.pk,
        world.closed.pk,
        world.rejected.pk,
    }
    row = next(r for r in rows if r["id"] == world.closed.pk)
    for field in ("state", "branch", "category", "due_on", "closed_at"):
        assert field in row
    assert row["state"] == "closed" and row["closed_at"] and row["satisfaction"] == "satisfied"
    assert PHONE not in str(body) and "phone" not in row
    dispatched = api.get("/api/v1/work-orders/", {"state": "dispatched"}).json()["results"]
    assert [r["id"] for r in dispatched] == [world.dispatched.pk]
    by_branch = api.get("/api/v1/work-orders/", {"branch": world.org.branches["a2"].pk}).json()["results"]
    assert [r["id"] for r in by_branch] == [world.dispatched.pk]
    # the secretary of a1 sees a1's orders only; office B sees none
    api = api_as(api_client, world.users.secretary)
    ids = {r["id"] for r in api.get("/api/v1/work-orders/").json()["results"]}
    assert world.dispatched.pk not in ids and world.received.pk in ids
    api = api_as(api_client, world.users.leader_b)
    assert api.get("/api/v1/work-orders/").json()["results"] == []
    assert api.get(f"/api/v1/work-orders/{world.received.pk}/").status_code == 404


def test_figures_per_branch_and_department(api_client, world):
    api = api_as(api_client, world.users.leader)
    rows = api.get("/api/v1/work-orders/figures/", {"campaign": world.campaign.pk}).json()
    a1 = next(r for r in rows if r["branch"] == world.org.branches["a1"].pk)
    assert set(a1) >= {"received", "closed", "closure_rate", "on_time_rate", "median_hours_to_close", "satisfaction"}
    assert (a1["received"], a1["closed"], a1["closure_rate"]) == (1, 0, "0.00")
    department = next(r for r in rows if r["department"] == world.org.dept_a1.pk)
    assert (department["received"], department["closed"], department["satisfaction"]) == (1, 1, "100.00")
    api = api_as(api_client, world.users.leader_b)
    assert api.get("/api/v1/work-orders/figures/", {"campaign": world.campaign.pk}).status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(reverse("work-order-figures")).status_code in (401, 403)
