"""API: the letters in scope, confirmed through the same service as the page, each with a PDF the token downloads."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from wuxing.core.actors import SYSTEM
from wuxing.plans import services
from wuxing.testing import api_as, api_with_token

API = "/api/v1"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_pledges_have_a_pdf_url(api_client, world):
    client = api_as(api_client, world.tc.users.secretary)
    body = client.get(f"{API}/pledges/").json()["results"]
    # The letter's PDF is an API route: it downloads with the token that listed the letter (issue 9).
    assert len(body) == 1 and body[0]["pdf_url"].endswith(f"/api/v1/pledges/{world.pledge.pk}/pdf/")
    assert client.post(f"{API}/pledges/{world.pledge.pk}/confirm/").json()["secretary_confirmed_at"]
    assert api_as(api_client, world.tc.users.leader_b).get(f"{API}/pledges/{world.pledge.pk}/").status_code == 404


def test_the_letter_pdf_downloads_with_the_token_alone(world):
    client = api_with_token(world.tc.users.secretary)
    url = client.get(f"{API}/pledges/").json()["results"][0]["pdf_url"]
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"%PDF")
    assert "attachment" not in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    # The office's leader reads it too; another office's token does not find it; no token is 401, not a sign-in page.
    assert api_with_token(world.tc.users.leader).get(url).status_code == 200
    assert api_with_token(world.tc.users.leader_b).get(url).status_code == 404
    assert APIClient().get(url).status_code == 401


def test_letters_filter_by_campaign(world):
    from wuxing.campaigns.services import campaign_create

    client = api_with_token(world.tc.users.leader)
    assert client.get(f"{API}/pledges/", {"campaign": world.tc.campaign.pk}).json()["count"] == 1
    other = campaign_create(actor=SYSTEM, office=world.tc.org.office_a, year=2028, standard=world.tc.standard)
    assert client.get(f"{API}/pledges/", {"campaign": other.pk}).json()["count"] == 0
    # a campaign of another office is not a choice (400), nor is an id out of range
    other_office = campaign_create(actor=SYSTEM, office=world.tc.org.office_b, year=2027, standard=world.tc.standard)
    assert client.get(f"{API}/pledges/", {"campaign": other_office.pk}).status_code == 400
    assert client.get(f"{API}/pledges/", {"campaign": "9" * 30}).status_code == 400


def test_the_list_query_count_stays_flat(world, django_assert_max_num_queries):
    from wuxing.targets import services as target_services

    client = api_with_token(world.tc.users.leader)
    client.get(f"{API}/pledges/")
    with django_assert_max_num_queries(12) as small:
        assert client.get(f"{API}/pledges/").status_code == 200
    for key in ("a2", "a3"):
        target = world.targets[key]
        target.refresh_from_db()
        services.pledge_generate(actor=SYSTEM, target=target)
    target_services.target_return(actor=SYSTEM, target=world.targets["a2"], reason="调整")  # a void letter too
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{API}/pledges/").json()["count"] == 3
