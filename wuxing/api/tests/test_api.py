"""The REST API: token sign-in, the same scope as the pages, masked personal data, the OpenAPI schema."""

from pathlib import Path

import pytest
from django.urls import reverse

from wuxing.campaigns.services import campaign_create, campaign_set_quotas
from wuxing.core.actors import SYSTEM
from wuxing.org.choices import BranchKind
from wuxing.org.models import Branch
from wuxing.standards.fileformat import standard_load
from wuxing.testing import PASSWORD, users_for

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


def token_for(api_client, username):
    response = api_client.post(reverse("api-token"), {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def get(api_client, token, path):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api_client.get(path)


def test_token_and_branch_scope(api_client, org):
    users_for(org)
    expected = {"t-leader": 3, "t-district": 5, "t-cadre": 2, "t-secretary": 1, "t-auditor": 0}
    for username, count in expected.items():
        token = token_for(api_client, username)
        response = get(api_client, token, "/api/v1/branches/")
        if count:
            assert response.status_code == 200
            assert response.json()["count"] == count, username
        else:
            assert response.status_code == 403, username


def test_anonymous_gets_nothing(api_client, org):
    for path in (
        "/api/v1/branches/",
        "/api/v1/departments/",
        "/api/v1/campaigns/",
        "/api/v1/standards/",
        "/api/v1/audit-log/",
    ):
        assert api_client.get(path).status_code in (401, 403), path


def test_branch_fields_and_masking(api_client, org):
    users_for(org)
    token = token_for(api_client, "t-secretary")
    data = get(api_client, token, "/api/v1/branches/").json()["results"][0]
    assert {"id", "code", "name", "kind", "star_set", "office"} <= set(data)
    assert (
        data["office"] == org.office_a.code and data["kind"] == BranchKind.RURAL_VILLAGE and data["star_set"] == "rural"
    )
    assert data["secretary"]["phone"] == "139****5678"
    other = org.branches["a2"].pk
    assert get(api_client, token, f"/api/v1/branches/{other}/").status_code == 404


def test_campaign_quotas_shape(api_client, org):
    users = users_for(org)
    for i in range(11):
        Branch.objects.create(office=org.office_a, code=f"T-q{i}", name=f"补充村{i}", kind=BranchKind.RURAL_VILLAGE)
    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    campaign = campaign_create(actor=users.staff, office=org.office_a, year=2026, standard=standard)
    campaign_set_quotas(actor=users.staff, campaign=campaign, quotas={5: 2, 4: 7, 3: 5})
    token = token_for(api_client, "t-cadre")
    results = get(api_client, token, "/api/v1/campaigns/").json()["results"]
    assert results == [
        {
            "id": campaign.pk,
            "office": org.office_a.code,
            "year": 2026,
            "name": campaign.name,
            "status": "preparing",
            "standard": {"id": standard.pk, "code": standard.code, "version": standard.version},
            "quotas": {"5": 2, "4": 7, "3": 5},
        }
    ]
    token_b = token_for(api_client, "t-leader-b")
    assert get(api_client, token_b, "/api/v1/campaigns/").json()["count"] == 0
    standards = get(api_client, token, "/api/v1/standards/").json()["results"]
    assert len(standards[0]["stars"]) == 10 and standards[0]["stars"][0]["indicators"]


def test_departments_scope(api_client, org):
    users_for(org)
    token = token_for(api_client, "t-leader-b")
    names = [d["code"] for d in get(api_client, token, "/api/v1/departments/").json()["results"]]
    assert names == ["B1"]


def test_auditor_reads_audit_log_only(api_client, org):
    users_for(org)
    token = token_for(api_client, "t-auditor")
    response = get(api_client, token, "/api/v1/audit-log/")
    assert response.status_code == 200
    assert any(r["action"] == "account.login" for r in response.json()["results"])
    for path in ("/api/v1/branches/", "/api/v1/departments/", "/api/v1/campaigns/", "/api/v1/standards/"):
        assert get(api_client, token, path).status_code == 403, path
    leader_token = token_for(api_client, "t-leader")
    assert get(api_client, leader_token, "/api/v1/audit-log/").status_code == 403


def test_audit_log_is_read_only_through_the_api(api_client, org):
    users_for(org)
    token = token_for(api_client, "t-auditor")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    row = api_client.get("/api/v1/audit-log/").json()["results"][0]
    assert api_client.delete(f"/api/v1/audit-log/{row['id']}/").status_code == 405
    assert api_client.patch(f"/api/v1/audit-log/{row['id']}/", {"note": "x"}, format="json").status_code == 405


def test_schema_and_docs_are_served_without_cdn(client, org):
    client.force_login(users_for(org).secretary)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/branches/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "jsdelivr" not in docs.lower()


def test_the_schema_generates_without_warnings(tmp_path):
    """Every endpoint of every app is typed for clients: drf-spectacular reports no warning."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/checklist-items/" in (tmp_path / "schema.yaml").read_text(encoding="utf-8")
