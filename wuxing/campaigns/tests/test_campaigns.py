"""Campaigns: one per office and year, quotas (压担子), the leadership group and 一办四组."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.campaigns.choices import CampaignStatus, GroupKind
from wuxing.campaigns.models import Campaign
from wuxing.campaigns.rules import quota_problems, quotas_as_api
from wuxing.campaigns.services import campaign_create, campaign_set_quotas, group_add_member
from wuxing.core.actors import SYSTEM
from wuxing.org.choices import BranchKind
from wuxing.org.models import Branch
from wuxing.standards.fileformat import standard_load
from wuxing.testing import api_token, users_for

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


def test_quota_rules():
    assert quota_problems({5: 2, 4: 7, 3: 5}, 14) == []
    assert quota_problems({5: 2, 4: 7, 3: 6}, 14) == ["exceeds_branches"]
    assert quota_problems({6: 1}, 14) == ["level_range"]
    assert quotas_as_api({3: 5, 5: 2, 4: 7, 2: 0}) == {"5": 2, "4": 7, "3": 5}


@pytest.fixture
def standard(db):
    return standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def campaign(org, standard):
    users = users_for(org)
    for i in range(11):
        Branch.objects.create(office=org.office_a, code=f"T-q{i}", name=f"补充村{i}", kind=BranchKind.RURAL_VILLAGE)
    campaign = campaign_create(actor=users.staff, office=org.office_a, year=2026, standard=standard)
    return campaign, users


def test_create_makes_the_leadership_group_and_four_working_groups(campaign):
    campaign, _ = campaign
    assert sorted(campaign.groups.values_list("kind", flat=True)) == sorted(GroupKind.values)


def test_one_campaign_per_office_and_year(campaign, standard, org):
    _, users = campaign
    with pytest.raises(ValidationError):
        campaign_create(actor=users.staff, office=org.office_a, year=2026, standard=standard)


def test_quotas_must_fit_the_office(campaign):
    campaign, users = campaign
    campaign_set_quotas(actor=users.staff, campaign=campaign, quotas={5: 2, 4: 7, 3: 5})
    assert campaign.quota_map() == {5: 2, 4: 7, 3: 5}
    with pytest.raises(ValidationError) as err:
        campaign_set_quotas(actor=users.staff, campaign=campaign, quotas={5: 9, 4: 7})
    assert "14" in err.value.messages[0]
    assert campaign.quota_map() == {5: 2, 4: 7, 3: 5}


def test_only_office_staff_in_scope_manage_campaigns(campaign, org):
    campaign, users = campaign
    for actor in (users.secretary, users.cadre, users.leader_b, users.auditor):
        with pytest.raises(PermissionDenied):
            campaign_set_quotas(actor=actor, campaign=campaign, quotas={5: 1})


def test_group_members_come_from_the_office(campaign, org):
    campaign, users = campaign
    group_add_member(
        actor=users.staff, campaign=campaign, kind=GroupKind.LEADERSHIP, person=org.leader_a, role="leader"
    )
    assert campaign.groups.get(kind=GroupKind.LEADERSHIP).memberships.get().person == org.leader_a
    from wuxing.org.models import Person

    outsider = Person.objects.create(office=org.office_b, name="外人")
    with pytest.raises(ValidationError):
        group_add_member(actor=users.staff, campaign=campaign, kind=GroupKind.GUIDANCE, person=outsider)


def test_campaign_pages_scope(client, campaign, org):
    campaign, users = campaign
    campaign_set_quotas(actor=users.staff, campaign=campaign, quotas={5: 2, 4: 7, 3: 5})
    url = reverse("campaigns:campaign_detail", args=[campaign.pk])
    assert client.get(url).status_code == 302
    client.force_login(users.leader_b)
    assert client.get(url).status_code == 404
    assert campaign.name not in client.get(reverse("campaigns:campaign_list")).content.decode()
    client.force_login(users.secretary)
    assert client.get(url).status_code == 200
    client.force_login(users.leader)
    html = client.get(url).content.decode()
    assert campaign.name in html
    export = client.get(reverse("campaigns:campaign_list"), {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_quota_page_scope_and_refusal(client, campaign, org):
    campaign, users = campaign
    url = reverse("campaigns:campaign_quotas", args=[campaign.pk])
    data = {"level_5": 2, "level_4": 7, "level_3": 5, "level_2": 0, "level_1": 0}
    assert client.get(url).status_code == 302
    client.force_login(users.secretary)
    assert client.post(url, data).status_code == 403
    client.force_login(users.leader_b)
    assert client.post(url, data).status_code == 404
    client.force_login(users.leader)
    response = client.post(url, {**data, "level_3": 6})
    assert response.status_code == 200 and "14" in response.content.decode()
    assert campaign.quota_map() == {}
    assert client.post(url, {**data, "level_5": -1}).status_code == 200
    assert client.post(url, data).status_code == 302
    assert campaign.quota_map() == {5: 2, 4: 7, 3: 5}


def test_a_closed_campaign_keeps_its_quotas_groups_and_results(campaign, org, client):
    campaign, users = campaign
    campaign_set_quotas(actor=users.staff, campaign=campaign, quotas={5: 2, 4: 7, 3: 5})
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED)
    campaign.refresh_from_db()
    before = campaign.quota_map()
    with pytest.raises(ValidationError):
        campaign_set_quotas(actor=users.staff, campaign=campaign, quotas={5: 1})
    with pytest.raises(ValidationError):
        group_add_member(actor=users.staff, campaign=campaign, kind=GroupKind.LEADERSHIP, person=org.leader_a)
    # The quota page answers with the refusal on the form, not a server error, and changes nothing.
    client.force_login(users.leader)
    data = {f"level_{level}": 1 for level in range(1, 6)}
    response = client.post(reverse("campaigns:campaign_quotas", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert "创建活动已结束" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.quota_map() == before


def test_the_campaign_list_filters_alike_on_the_page_the_export_and_the_api(campaign, org, client, api_client):
    from openpyxl import load_workbook

    campaign, users = campaign
    standard = campaign.standard
    campaign_create(actor=SYSTEM, office=org.office_a, year=2025, standard=standard)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(users.leader)}")
    years = [c["year"] for c in api_client.get("/api/v1/campaigns/", {"year": 2025}).json()["results"]]
    assert years == [2025]
    # A year out of range or a 30-digit number is refused as JSON, not a server error.
    assert api_client.get("/api/v1/campaigns/", {"year": 10**30}).status_code == 400
    client.force_login(users.leader)
    page = client.get(reverse("campaigns:campaign_list"), {"year": 2025}).content.decode()
    assert "2025" in page and "2026年度" not in page
    export = client.get(reverse("campaigns:campaign_list"), {"year": 2025, "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [2025]
