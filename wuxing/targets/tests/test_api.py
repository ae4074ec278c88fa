"""API: the same services, so the same refusals (400, same Chinese message as the UI) and the same scope."""

import pytest
from django.utils import translation

from wuxing.core.actors import SYSTEM
from wuxing.targets import rules, services
from wuxing.targets.choices import TargetStatus
from wuxing.targets.models import Target
from wuxing.testing import api_as

API = "/api/v1"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_anonymous_gets_401(api_client, tc):
    assert api_client.get(f"{API}/targets/").status_code == 401


def test_branch_drafts_and_submits_then_office_agrees(api_client, tc):
    client = api_as(api_client, tc.users.secretary)
    response = client.post(
        f"{API}/targets/",
        {"campaign": tc.campaign.pk, "branch": tc.a1.code, "stars": ["strong_branch", "industry"], "reason": "基础好"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["level"] == 2 and body["stars"] == ["strong_branch", "industry"]
    pk = body["id"]
    # level and status are read-only
    client.patch(f"{API}/targets/{pk}/", {"level": 5, "status": "confirmed"}, format="json")
    assert Target.objects.get(pk=pk).status == TargetStatus.DRAFT and Target.objects.get(pk=pk).level == 2
    assert client.post(f"{API}/targets/{pk}/submit/", {}, format="json").json()["status"] == "submitted"
    assert client.post(f"{API}/targets/{pk}/agree/", {}, format="json").status_code == 403
    office = api_as(api_client, tc.users.leader)
    assert office.post(f"{API}/targets/{pk}/agree/", {}, format="json").json()["status"] == "agreed"
    rounds = office.get(f"{API}/targets/{pk}/").json()["rounds"]
    assert [r["action"] for r in rounds] == ["submit", "agree"]


def test_r2_refused_with_the_ui_message(api_client, tc):
    client = api_as(api_client, tc.users.secretary)
    response = client.post(
        f"{API}/targets/",
        {"campaign": tc.campaign.pk, "branch": tc.a1.code, "stars": ["co_building"], "reason": "x"},
        format="json",
    )
    assert response.status_code == 400
    with translation.override("zh-hans"):
        expected = rules.problem_message(rules.Problem("star_outside_set", {"stars": "共建共享"}))
    assert response.json()["detail"] == [expected]
    assert not Target.objects.exists()


def test_out_of_scope_target_is_not_found(api_client, world):
    client = api_as(api_client, world.tc.users.leader_b)
    assert client.get(f"{API}/targets/{world.target.pk}/").status_code == 404
    assert client.get(f"{API}/targets/").json()["count"] == 0
    secretary = api_as(api_client, world.tc.users.secretary)
    codes = {t["branch"] for t in secretary.get(f"{API}/targets/").json()["results"]}
    assert codes == {world.tc.a1.code}


def test_return_and_confirm_targets_r4(api_client, world):
    client = api_as(api_client, world.tc.users.leader)
    target = world.targets["a2"]
    response = client.post(
        f"{API}/targets/{target.pk}/return/",
        {"reason": "调整", "stars": ["strong_branch", "co_building"]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "returned" and response.json()["level"] == 2
    response = client.post(f"{API}/campaigns/{world.tc.campaign.pk}/confirm-targets/")
    assert response.status_code == 400
    assert any("指标要求" in m and "R4" not in m for m in response.json()["detail"])
    api_as(api_client, world.tc.users.leader)
    Target.objects.filter(pk=target.pk).update(status=TargetStatus.SUBMITTED, level=3)
    client.post(f"{API}/targets/{target.pk}/agree/", {}, format="json")
    target.stars.set(world.tc.stars("urban", "strong_branch", "co_building", "business_friendly"))
    response = client.post(f"{API}/campaigns/{world.tc.campaign.pk}/confirm-targets/")
    assert response.status_code == 200 and response.json()["confirmed"] == 1
    assert (
        api_as(api_client, world.tc.users.leader_b)
        .post(f"{API}/campaigns/{world.tc.campaign.pk}/confirm-targets/")
        .status_code
        == 404
    )


def test_applying_for_a_branch_outside_the_scope_is_refused(api_client, tc):
    client = api_as(api_client, tc.users.secretary)
    response = client.post(
        f"{API}/targets/",
        {"campaign": tc.campaign.pk, "branch": tc.a2.code, "stars": ["strong_branch"], "reason": "x"},
        format="json",
    )
    assert response.status_code == 400 and "数据范围" in response.json()["branch"][0]
    assert not Target.objects.exists()


def test_the_list_filters_by_campaign_status_and_level(api_client, world):
    from wuxing.campaigns.services import campaign_create

    client = api_as(api_client, world.tc.users.leader)
    url = f"{API}/targets/"
    assert client.get(url, {"campaign": world.tc.campaign.pk}).json()["count"] == 3
    assert client.get(url, {"level": 4}).json()["results"][0]["branch"] == world.tc.a1.code
    assert client.get(url, {"status": "confirmed", "level": 2}).json()["count"] == 1
    assert client.get(url, {"status": "draft"}).json()["count"] == 0
    # Another office's campaign is not a choice; nor is a 30-digit id or an unknown status: 400, not a server error.
    other = campaign_create(actor=SYSTEM, office=world.tc.org.office_b, year=2027, standard=world.tc.standard)
    for params in ({"campaign": other.pk}, {"campaign": "9" * 30}, {"status": "maybe"}, {"level": "x"}):
        assert client.get(url, params).status_code == 400, params


def test_the_list_query_count_stays_flat(api_client, world, django_assert_max_num_queries):
    from wuxing.targets.tests.test_views import _more_branches

    client = api_as(api_client, world.tc.users.leader)
    client.get(f"{API}/targets/")
    with django_assert_max_num_queries(12) as small:
        assert client.get(f"{API}/targets/").status_code == 200
    _more_branches(world.tc, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{API}/targets/").json()["count"] == 8


def test_ids_out_of_range_are_refused_not_a_server_error(api_client, tc):
    client = api_as(api_client, tc.users.secretary)
    body = {"campaign": tc.campaign.pk, "branch": tc.a1.code, "stars": ["strong_branch"], "reason": "x"}
    assert client.post(f"{API}/targets/", {**body, "campaign": 10**30}, format="json").status_code == 400
    assert client.post(f"{API}/targets/", {**body, "branch": "9" * 30}, format="json").status_code == 400
    response = client.post(f"{API}/targets/", {**body, "stars": ["9" * 30]}, format="json")
    assert response.status_code == 400 and "stars" in response.json()
    assert not Target.objects.exists()


def test_agree_targets_in_a_batch_all_or_none(api_client, tc):
    """POST /campaigns/{id}/agree-targets/: the board's batch through the API — scope, all or none, bad input."""
    submitted = {
        branch.code: services.target_submit(
            actor=SYSTEM, campaign=tc.campaign, branch=branch, stars=tc.stars(branch.star_set, *codes), reason="x"
        )
        for branch, codes in [(tc.a1, ["strong_branch", "industry"]), (tc.a2, ["strong_branch"])]
    }
    url = f"{API}/campaigns/{tc.campaign.pk}/agree-targets/"
    ids = sorted(t.pk for t in submitted.values())

    assert api_client.post(url, {"targets": ids}, format="json").status_code == 401
    assert api_as(api_client, tc.users.leader_b).post(url, {"targets": ids}, format="json").status_code == 404
    assert api_as(api_client, tc.users.secretary).post(url, {"targets": ids}, format="json").status_code == 403
    leader = api_as(api_client, tc.users.leader)
    for bad in [{}, {"targets": []}, {"targets": ["x"]}, {"targets": [10**30]}]:
        assert leader.post(url, bad, format="json").status_code == 400, bad
    assert set(Target.objects.values_list("status", flat=True)) == {TargetStatus.SUBMITTED}

    # One id of another office's campaign: nothing is agreed.
    from wuxing.campaigns.services import campaign_create

    campaign_b = campaign_create(actor=SYSTEM, office=tc.org.office_b, year=2027, standard=tc.standard)
    other = services.target_submit(
        actor=SYSTEM, campaign=campaign_b, branch=tc.b1, stars=tc.stars(tc.b1.star_set, "strong_branch"), reason="x"
    )
    response = leader.post(url, {"targets": [*ids, other.pk]}, format="json")
    assert response.status_code == 403
    assert set(Target.objects.filter(pk__in=ids).values_list("status", flat=True)) == {TargetStatus.SUBMITTED}

    response = leader.post(url, {"targets": ids, "note": "同意"}, format="json")
    assert response.status_code == 200 and response.json() == {"agreed": ids, "campaign": tc.campaign.pk}
    assert set(Target.objects.filter(pk__in=ids).values_list("status", flat=True)) == {TargetStatus.AGREED}
    # Once more: they are no longer waiting, so the batch is refused with the service's message.
    response = leader.post(url, {"targets": ids}, format="json")
    assert response.status_code == 400 and "只能同意已申报的目标" in str(response.json())
