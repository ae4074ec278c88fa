"""The foundation's promise on the demo office, through the API: each demo account sees its scope."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _get(api_client, username, path, password):
    token = api_client.post(reverse("api-token"), {"username": username, "password": password}, format="json").json()[
        "token"
    ]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client.get(path)


@pytest.mark.parametrize(
    "username,count",
    [("demo-leader", 14), ("demo-staff", 14), ("demo-dept", 2), ("demo-secretary", 1), ("demo-reviewer", 14)],
)
def test_demo_accounts_see_their_branches(api_client, demo_office, demo_password, username, count):
    response = _get(api_client, username, "/api/v1/branches/", demo_password)
    assert response.status_code == 200
    assert response.json()["count"] == count


def test_anonymous_sees_no_branch(api_client, demo_office):
    assert api_client.get("/api/v1/branches/").status_code == 401


def test_demo_auditor_reads_the_audit_log_and_no_branch(api_client, demo_office, demo_password):
    assert _get(api_client, "demo-auditor", "/api/v1/branches/", demo_password).status_code == 403
    log = api_client.get("/api/v1/audit-log/")
    assert log.status_code == 200 and log.json()["count"] > 0


def test_demo_campaign_quotas(api_client, demo_office, demo_password):
    results = _get(api_client, "demo-secretary", "/api/v1/campaigns/", demo_password).json()["results"]
    assert [(c["year"], c["status"], c["quotas"]) for c in results] == [
        (2027, "preparing", {"5": 4, "4": 7, "3": 3}),
        (2026, "running", {"5": 2, "4": 7, "3": 5}),
        (2025, "closed", {"4": 4, "3": 6, "2": 4}),
    ]


def test_api_branch_list_query_count_is_flat(api_client, demo_office, demo_password, django_assert_max_num_queries):
    _get(api_client, "demo-leader", "/api/v1/branches/", demo_password)
    with django_assert_max_num_queries(8):
        response = api_client.get("/api/v1/branches/")
    assert response.json()["count"] == 14
