"""API: the same services, so the same refusals (400, same Chinese message as the UI) and the same scope."""

import pytest
from django.utils import translation

from wuxing.deliberations.models import DeliberationStep
from wuxing.testing import api_as

API = "/api/v1"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_deliberation_steps_through_the_api(api_client, world):
    client = api_as(api_client, world.tc.users.secretary)
    url = f"{API}/deliberations/{world.deliberation.pk}/steps/"
    response = client.post(url, {"step": "party_meeting_review", "held_on": "2026-11-05"}, format="json")
    assert response.status_code == 400 and "不得跳过" in response.json()["detail"][0]  # the consultation comes first
    response = client.post(url, {"step": "committees_consult", "held_on": "2026-11-03"}, format="json")
    assert response.status_code == 201, response.content
    bad = {
        "step": "party_meeting_review",
        "held_on": "2026-11-05",
        "should_attend": 30,
        "attended": 20,
        "yes": 15,
        "no": 5,
        "abstain": 0,
    }
    response = client.post(url, bad, format="json")
    assert response.status_code == 400
    message = response.json()["detail"][0]
    assert "党员大会" in message and "R6" not in message and "16" in message and "15" in message
    assert DeliberationStep.objects.filter(deliberation=world.deliberation).count() == 2
    bad["yes"], bad["no"] = 16, 4
    assert client.post(url, bad, format="json").status_code == 201
    body = client.get(f"{API}/deliberations/{world.deliberation.pk}/").json()
    assert body["next_step"] == "villagers_resolve" and len(body["steps"]) == 3
    assert api_as(api_client, world.tc.users.leader).post(url, bad, format="json").status_code == 403


def test_create_deliberation_and_r8(api_client, world):
    client = api_as(api_client, world.tc.users.secretary)
    response = client.post(
        f"{API}/deliberations/",
        {"branch": world.tc.a1.code, "subject": "村集体资金使用", "matter": "collective_funds"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["procedure"] == "four_two"
    pk = response.json()["id"]
    response = client.post(
        f"{API}/deliberations/{pk}/implementation/",
        {"implemented_on": "2026-11-20", "implementation": "x"},
        format="json",
    )
    assert response.status_code == 400 and "决议公开之前" in response.json()["detail"][0]
    assert client.post(f"{API}/deliberations/{pk}/close/").status_code == 400


def test_the_list_filters_by_branch_and_status_with_their_old_names(api_client, world):
    client = api_as(api_client, world.tc.users.leader)
    url = f"{API}/deliberations/"
    subjects = {d["subject"] for d in client.get(url, {"branch": world.tc.a2.pk}).json()["results"]}
    assert subjects == {"社区停车改造"}
    assert client.get(url, {"status": "open"}).json()["count"] == 2
    assert client.get(url, {"status": "closed"}).json()["count"] == 0
    # a branch of another office, a 30-digit id or an unknown status: 400, not every row nor a server error
    for params in ({"branch": world.tc.b1.pk}, {"branch": "9" * 30}, {"status": "maybe"}):
        assert client.get(url, params).status_code == 400, params


def test_the_list_query_count_stays_flat(api_client, world, django_assert_max_num_queries):
    from wuxing.targets.tests.test_views import _more_branches

    client = api_as(api_client, world.tc.users.leader)
    client.get(f"{API}/deliberations/")
    with django_assert_max_num_queries(12) as small:
        assert client.get(f"{API}/deliberations/").status_code == 200
    _more_branches(world.tc, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{API}/deliberations/").json()["count"] == 7


def test_an_unknown_campaign_or_branch_is_refused_not_a_server_error(api_client, world):
    client = api_as(api_client, world.tc.users.secretary)
    base = {"branch": world.tc.a1.code, "subject": "村集体资金使用", "matter": "target"}
    for campaign in (10**30, 999999):
        response = client.post(f"{API}/deliberations/", {**base, "campaign": campaign}, format="json")
        assert response.status_code == 400 and "campaign" in response.json(), campaign
    response = client.post(f"{API}/deliberations/", {**base, "branch": "9" * 30}, format="json")
    assert response.status_code == 400 and "branch" in response.json()
