"""/api/v1/ratings/, its advance and readiness actions, and /api/v1/objections/: same services, same scope."""

import datetime

from wuxing.rating.choices import StarState
from wuxing.testing import api_as

from .conftest import star_of


def test_ratings_list_stars_and_scope(api_client, full):
    data = api_as(api_client, full.users.staff).get("/api/v1/ratings/").json()
    rows = {r["branch_name"]: r for r in data["results"]}
    a1 = rows[full.branch.name]
    strong = next(s for s in a1["stars"] if s["star"] == "strong_branch")
    assert strong["claimed"] is True and strong["state"] == "publicity" and strong["result"] == "pending"
    assert rows[full.named.branch.name]["level"] == 1
    assert api_as(api_client, full.users.leader_b).get("/api/v1/ratings/").json()["results"] == []
    mine = api_as(api_client, full.users.secretary).get("/api/v1/ratings/").json()["results"]
    assert [r["branch_name"] for r in mine] == [full.branch.name]
    assert api_as(api_client, full.users.auditor).get("/api/v1/ratings/").status_code == 403
    assert api_as(api_client, full.users.leader_b).get(f"/api/v1/ratings/{full.rating.pk}/").status_code == 404


def test_advance_in_order_and_out_of_order(api_client, world):
    url = f"/api/v1/ratings/{world.rating.pk}/advance/"
    users = world.users

    def post(user, **body):
        return api_as(api_client, user).post(url, {"star": "strong_branch", **body}, format="json")

    out_of_order = post(users.staff, step="office_review", decision="pass")
    assert out_of_order.status_code == 400
    assert "环节顺序不对" in str(out_of_order.json())
    from wuxing.rating.services import star_self_evaluate

    star_self_evaluate(
        actor=users.secretary, rating_star=star_of(world.rating, "strong_branch"), claimed=True, statement="好"
    )
    # 支部过硬 needs the 两委 decision: without it the submission is refused with a Chinese message.
    refused = post(users.secretary, step="submit")
    assert refused.status_code == 400 and "须有两委决议" in str(refused.json())
    assert star_of(world.rating, "strong_branch").state == StarState.DRAFT
    submitted = post(users.secretary, step="submit", committee_decided_on="2026-09-01", committee_attendance=7)
    assert submitted.status_code == 200
    assert submitted.json()["committee_attendance"] == 7
    strong = next(s for s in submitted.json()["stars"] if s["star"] == "strong_branch")
    assert strong["requires_committee_decision"] is True
    skip = post(users.staff, step="name")
    assert skip.status_code == 400 and "街道初审" in str(skip.json())
    done = post(users.staff, step="office_review", decision="pass")
    assert done.status_code == 200
    assert next(s for s in done.json()["stars"] if s["star"] == "strong_branch")["state"] == "office_passed"
    assert post(users.dept_law, step="district_review", decision="pass").status_code == 403
    assert post(users.dept_org, step="district_review", decision="pass").status_code == 200
    assert post(users.staff, step="publicity").status_code == 200
    assert star_of(world.rating, "strong_branch").state == StarState.PUBLICITY
    assert post(users.staff, step="publicity", star="nope").status_code == 400


def test_readiness_endpoint(api_client, world, django_assert_max_num_queries):
    client = api_as(api_client, world.users.staff)
    with django_assert_max_num_queries(20):
        response = client.get(f"/api/v1/ratings/readiness/?campaign={world.campaign.pk}")
    rows = response.json()
    a1 = next(r for r in rows if r["branch"] == world.branch.pk)
    assert {s["star"] for s in a1["stars"]} >= {"strong_branch", "civility"}
    assert (
        api_as(api_client, world.users.leader_b)
        .get(f"/api/v1/ratings/readiness/?campaign={world.campaign.pk}")
        .status_code
        == 404
    )


def test_objections_masked_and_closed(api_client, full):
    staff = api_as(api_client, full.users.staff)
    rows = staff.get("/api/v1/objections/").json()["results"]
    assert rows[0]["contact"] == "138****1234"
    url = f"/api/v1/objections/{full.objection.pk}/close/"
    assert staff.post(url, {"decision": "maybe", "answer": "x"}, format="json").status_code == 400
    closed = staff.post(url, {"decision": "dismissed", "answer": "经核实不成立"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert api_as(api_client, full.users.leader_b).get("/api/v1/objections/").json()["results"] == []
    assert api_as(api_client, full.users.secretary).get("/api/v1/objections/").status_code == 403
    assert full.rating.publicity_end >= datetime.date(2026, 1, 1)
