"""API writes for branches, departments, people and campaigns, and the organisation import with dry_run: the same
services and checks as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wuxing.campaigns.models import Campaign
from wuxing.org.models import Branch, Department, OrgImport, Person
from wuxing.standards.fileformat import standard_load
from wuxing.testing import api_as, organisation_rows, users_for, xlsx_of

pytestmark = pytest.mark.django_db


def test_branches_departments_and_people_are_created_and_patched_within_scope(client, org):
    from rest_framework.test import APIClient

    u = users_for(org)
    api = api_as(APIClient(), u.leader)
    response = api.post(
        "/api/v1/branches/",
        {"office": org.office_a.code, "code": "T-a9", "name": "甲九村", "kind": "rural_village", "party_members": 20},
        format="json",
    )
    assert response.status_code == 201, response.content
    branch = Branch.objects.get(code="T-a9")
    assert response.json()["star_set"] == "rural" and branch.party_members == 20
    response = api.patch(f"/api/v1/branches/{branch.pk}/", {"star_set": "urban"}, format="json")
    assert response.status_code == 400 and "不符合" in response.content.decode()
    response = api.patch(f"/api/v1/branches/{branch.pk}/", {"households": 321}, format="json")
    assert response.status_code == 200 and Branch.objects.get(pk=branch.pk).households == 321
    response = api.post(
        "/api/v1/branches/",
        {"office": org.office_b.code, "code": "T-b9", "name": "越界村", "kind": "rural_village"},
        format="json",
    )
    assert response.status_code == 400 and not Branch.objects.filter(code="T-b9").exists()
    assert api.patch(f"/api/v1/branches/{org.branches['b1'].pk}/", {"households": 1}, format="json").status_code == 404
    response = api.post(
        "/api/v1/departments/", {"office": org.office_a.code, "code": "A7", "name": "信访办"}, format="json"
    )
    assert response.status_code == 201
    department = Department.objects.get(office=org.office_a, code="A7")
    assert api.patch(f"/api/v1/departments/{department.pk}/", {"duties": "接访"}, format="json").status_code == 200
    response = api.post(
        "/api/v1/people/",
        {"office": org.office_a.code, "name": "赵六", "phone": "13600001111", "department": department.pk},
        format="json",
    )
    assert response.status_code == 201 and response.json()["phone"] == "136****1111"
    person = Person.objects.get(name="赵六")
    response = api.patch(f"/api/v1/people/{person.pk}/", {"phone": "123"}, format="json")
    assert response.status_code == 400 and Person.objects.get(pk=person.pk).phone == "13600001111"
    assert api.put(f"/api/v1/people/{person.pk}/", {"name": "x"}, format="json").status_code == 405
    secretary_api = api_as(APIClient(), u.secretary)
    assert (
        secretary_api.post(
            "/api/v1/departments/", {"office": org.office_a.code, "code": "Z", "name": "z"}, format="json"
        ).status_code
        == 403
    )


def test_campaigns_are_created_with_quotas_and_moved_through_their_course(org):
    from rest_framework.test import APIClient

    from wuxing.tests.test_view_access import EXAMPLE

    u = users_for(org)
    standard = standard_load(actor=u.staff, text=EXAMPLE.read_text(encoding="utf-8"))
    api = api_as(APIClient(), u.staff)
    response = api.post(
        "/api/v1/campaigns/",
        {"office": org.office_a.code, "year": 2027, "standard": standard.pk, "quotas": {"4": 1, "3": 1}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["quotas"] == {"4": 1, "3": 1}
    campaign = Campaign.objects.get(year=2027)
    response = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"quotas": {"5": 9}}, format="json")
    assert response.status_code == 400 and campaign.quota_map() == {4: 1, 3: 1}
    response = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"status": "running"}, format="json")
    assert response.status_code == 400 and "组长" in response.content.decode()
    assert api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"work_plan": "方案"}, format="json").status_code == 200
    other = api_as(APIClient(), u.leader_b)
    assert other.patch(f"/api/v1/campaigns/{campaign.pk}/", {"work_plan": "x"}, format="json").status_code == 404


def test_organisation_import_with_dry_run(org):
    from rest_framework.test import APIClient

    u = users_for(org)
    api = api_as(APIClient(), u.district)
    data = xlsx_of(organisation_rows(district_code=org.district.code, branches=3, departments=2, people=5))
    response = api.post(
        "/api/v1/imports/organisation/",
        {"file": SimpleUploadedFile("o.xlsx", data), "dry_run": "true"},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["counts"]["branches"]["create"] == 3
    assert (
        not response.json()["applied"] and not Branch.objects.filter(code__startswith=f"{org.district.code}51").exists()
    )
    response = api.post(
        "/api/v1/imports/organisation/",
        {"file": SimpleUploadedFile("o.xlsx", data), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["applied"]
    assert Branch.objects.filter(code__startswith=f"{org.district.code}51").count() == 3
    sheets = organisation_rows(district_code=org.district.code, branches=3, departments=2, people=5)
    sheets["人员"][2][5] = "12"
    response = api.post(
        "/api/v1/imports/organisation/",
        {"file": SimpleUploadedFile("o.xlsx", xlsx_of(sheets)), "dry_run": "false"},
        format="multipart",
    )
    body = response.json()
    assert response.status_code == 400 and body["errors"][0]["sheet"] == "人员" and body["errors"][0]["row"] == 3
    assert body["errors"][0]["column"] == "电话" and not body["applied"]
    assert OrgImport.objects.filter(status="applied").count() == 1
    assert (
        api_as(APIClient(), u.secretary).post("/api/v1/imports/organisation/", {}, format="multipart").status_code
        == 403
    )


def test_units_are_created_below_and_renamed_by_the_unit_above(org):
    from rest_framework.test import APIClient

    from wuxing.org.models import OrgUnit

    u = users_for(org)
    api = api_as(APIClient(), u.district)
    response = api.post(
        "/api/v1/units/",
        {"parent": org.district.code, "code": "T41010188", "name": "新街道", "level": "office"},
        format="json",
    )
    assert response.status_code == 201 and OrgUnit.objects.get(code="T41010188").parent == org.district
    unit = OrgUnit.objects.get(code="T41010188")
    assert api.patch(f"/api/v1/units/{unit.pk}/", {"name": "新街道办事处"}, format="json").status_code == 200
    leader = api_as(APIClient(), u.leader)
    response = leader.post(
        "/api/v1/units/", {"parent": org.district.code, "code": "T9", "name": "越权", "level": "office"}, format="json"
    )
    assert response.status_code == 400 and not OrgUnit.objects.filter(code="T9").exists()
    assert leader.patch(f"/api/v1/units/{org.office_a.pk}/", {"name": "自改"}, format="json").status_code == 403
    assert {r["code"] for r in leader.get("/api/v1/units/").json()["results"]} == {org.office_a.code}
