"""Data scope and input safety of the demonstration sites: kinds, leaders and branches of the campaign's office
only, records and files only of projects in scope, no writes through the read-only API, nothing added to a
closed campaign, and the public pages show only the office in their address."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.org.models import Person
from wuxing.showcase import services
from wuxing.showcase.models import Agreement, DemoSite, FeatureProject, Milestone, ProjectKind, TeaSession

D = datetime.date(2026, 4, 1)


@pytest.fixture
def office_b(org, standard):
    """Office B's running campaign with 乙一社区 (b1) as its site and a project on it."""
    from wuxing.campaigns.services import campaign_create, campaign_set_status

    campaign = campaign_set_status(
        actor=SYSTEM,
        campaign=campaign_create(actor=SYSTEM, office=org.office_b, year=2026, standard=standard),
        status="running",
    )
    leader = Person.objects.create(office=org.office_b, name="乙书记", position="党工委书记", is_leader=True)
    site = services.site_claim(
        actor=SYSTEM, campaign=campaign, branch=org.branches["b1"], leader=leader, feature="乙方特色", claimed_on=D
    )
    kind = ProjectKind.objects.get(office=org.office_b, code="co_building")
    project = services.project_create(actor=SYSTEM, site=site, kind=kind, title="乙方共建", milestones=[("签约", None)])
    return type("OfficeB", (), {"campaign": campaign, "leader": leader, "site": site, "kind": kind, "project": project})


# ---------------------------------------------------------------------------------------------------------
# Hole found in the review
# ---------------------------------------------------------------------------------------------------------


def test_no_project_is_added_to_a_site_of_a_closed_campaign(client, users, campaign, site, kinds):
    from wuxing.campaigns.services import campaign_set_status

    campaign_set_status(actor=SYSTEM, campaign=campaign, status="closed")
    site.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=users.staff, site=site, kind=kinds["grid"], title="网格")
    assert "已结束" in str(exc.value)
    client.force_login(users.staff)
    response = client.post(
        reverse("showcase:project_create", args=[site.pk]),
        {"kind": kinds["grid"].pk, "title": "网格", "milestones": ""},
    )
    assert response.status_code == 200 and "已结束" in response.content.decode()
    assert not FeatureProject.objects.exists()


def test_the_plan_of_a_site_of_a_closed_campaign_no_longer_changes(client, users, campaign, site):
    from wuxing.campaigns.services import campaign_set_status

    campaign_set_status(actor=SYSTEM, campaign=campaign, status="closed")
    with pytest.raises(ValidationError):
        services.site_update(actor=users.leader, site=site, feature="改过的特色", plan="改过的方案")
    client.force_login(users.leader)
    response = client.post(
        reverse("showcase:site_edit", args=[site.pk]), {"feature": "改过的特色", "plan": "改过的方案"}
    )
    assert response.status_code == 200 and "已结束" in response.content.decode()
    site.refresh_from_db()
    assert site.feature == "红色物业·邻里共治"


# ---------------------------------------------------------------------------------------------------------
# Checks found sound, pinned
# ---------------------------------------------------------------------------------------------------------


def test_a_project_kind_of_another_office_is_refused(client, users, site, kinds, office_b):
    with pytest.raises(ValidationError) as exc:
        services.project_create(actor=users.staff, site=site, kind=office_b.kind, title="借用乙方类型")
    assert "kind" in exc.value.message_dict
    client.force_login(users.staff)
    page = client.get(reverse("showcase:project_create", args=[site.pk]))
    assert office_b.kind.pk not in {k.pk for k in page.context["form"].fields["kind"].queryset}
    client.post(
        reverse("showcase:project_create", args=[site.pk]),
        {"kind": office_b.kind.pk, "title": "借用乙方类型", "milestones": ""},
    )
    assert not FeatureProject.objects.filter(site=site).exists()


def test_the_catalogue_of_another_office_cannot_be_extended(users, org, office_b):
    with pytest.raises(PermissionDenied):
        services.project_kind_create(actor=users.staff, office=org.office_b, code="red_property", name="红色物业")
    assert not ProjectKind.objects.filter(code="red_property").exists()


def test_a_site_refuses_a_leader_or_branch_of_another_office(org, users, campaign, office_b):
    with pytest.raises(ValidationError) as exc:
        services.site_claim(
            actor=users.leader, campaign=campaign, branch=org.branches["a3"], leader=office_b.leader, feature="x"
        )
    assert "leader" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.site_claim(
            actor=users.district, campaign=campaign, branch=org.branches["b2"], leader=org.leader_a, feature="x"
        )
    with pytest.raises(PermissionDenied):
        services.site_claim(
            actor=users.leader,
            campaign=office_b.campaign,
            branch=org.branches["b2"],
            leader=office_b.leader,
            feature="x",
        )
    assert DemoSite.objects.filter(branch__in=[org.branches["a3"], org.branches["b2"]]).count() == 0


def test_records_of_a_project_outside_the_scope_are_refused(client, users, org, site, kinds, office_b):
    ours = services.project_create(actor=SYSTEM, site=site, kind=kinds["tea_house"], title="民情茶馆")
    with pytest.raises(PermissionDenied):
        services.agreement_add(actor=users.staff, project=office_b.project, partner="x", content="x", signed_on=D)
    with pytest.raises(PermissionDenied):
        services.tea_session_add(
            actor=users.secretary, project=ours, held_on=D, issues="停车难"
        )  # the site is a2, the secretary a1's
    with pytest.raises(ValidationError):
        services.agreement_add(
            actor=users.staff, project=ours, partner="x", content="x", signed_on=D
        )  # a tea house keeps no agreements
    client.force_login(users.staff)
    url = reverse("showcase:record_add", args=["agreement", office_b.project.pk])
    assert client.post(url, {"partner": "x", "content": "x", "signed_on": "2026-04-01"}).status_code == 404
    milestone = Milestone.objects.get(project=office_b.project)
    assert client.post(reverse("showcase:milestone_complete", args=[milestone.pk])).status_code == 404
    assert (
        client.post(
            reverse("showcase:milestone_add", args=[office_b.project.pk]), {"title": "x", "weight": 1}
        ).status_code
        == 404
    )
    evidence = {"evidence": [as_upload(sample_jpeg("合影"), "a.jpg", "image/jpeg")]}
    assert (
        client.post(reverse("showcase:project_evidence_add", args=[office_b.project.pk]), evidence).status_code == 404
    )
    client.force_login(users.secretary)
    assert (
        client.post(
            reverse("showcase:record_add", args=["session", ours.pk]),
            {"held_on": "2026-04-01", "issues": "x", "issue_count": 1},
        ).status_code
        == 404
    )
    assert not Agreement.objects.exists() and not TeaSession.objects.exists()
    milestone.refresh_from_db()
    assert milestone.done_on is None and office_b.project.evidence.count() == 0


def test_project_evidence_of_another_office_is_not_found(client, users, office_b):
    files = services.project_add_evidence(
        actor=SYSTEM, project=office_b.project, evidence=[as_upload(sample_jpeg("签约"), "a.jpg", "image/jpeg")]
    )
    url = reverse("showcase:evidence_file", args=[files[0].pk])
    for user in (users.leader, users.secretary, users.cadre):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(users.district)
    assert client.get(url).status_code == 200


def test_the_api_is_read_only_and_scoped(api_client, users, site, office_b):
    api_client.force_authenticate(users.leader)
    rows = api_client.get("/api/v1/demo-sites/").json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    assert [r["id"] for r in rows] == [site.pk]
    assert api_client.get(f"/api/v1/demo-sites/{office_b.site.pk}/").status_code == 404
    assert (
        api_client.post(
            "/api/v1/demo-sites/",
            {"campaign": site.campaign_id, "branch": site.branch_id, "feature": "x"},
            format="json",
        ).status_code
        == 405
    )
    for method in ("put", "patch", "delete"):
        assert (
            getattr(api_client, method)(f"/api/v1/demo-sites/{site.pk}/", {"feature": "改"}, format="json").status_code
            == 405
        )
    site.refresh_from_db()
    assert site.feature == "红色物业·邻里共治"


def test_public_sites_are_of_the_office_in_the_address_and_of_started_campaigns(client, org, standard, site, office_b):
    from wuxing.campaigns.services import campaign_create

    code_a, code_b = org.office_a.code, org.office_b.code
    assert client.get(reverse("showcase_public:site_detail", args=[code_a, site.pk])).status_code == 200
    assert client.get(reverse("showcase_public:site_detail", args=[code_b, site.pk])).status_code == 404
    listing = client.get(reverse("showcase_public:site_list", args=[code_b])).content.decode()
    assert "乙一社区" in listing and "甲二社区" not in listing and org.leader_a.name not in listing
    preparing = campaign_create(actor=SYSTEM, office=org.office_a, year=2027, standard=standard)
    hidden = services.site_claim(
        actor=SYSTEM, campaign=preparing, branch=org.branches["a3"], leader=org.leader_a, feature="尚未公开的特色"
    )
    assert client.get(reverse("showcase_public:site_detail", args=[code_a, hidden.pk])).status_code == 404
    assert "尚未公开的特色" not in client.get(reverse("showcase_public:site_list", args=[code_a])).content.decode()
