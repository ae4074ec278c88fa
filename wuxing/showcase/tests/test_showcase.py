"""Demonstration sites: claiming, the catalogue, projects and their records, totals on the site page, scope, public page."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.showcase import selectors, services
from wuxing.showcase.models import DemoSite, VolunteerActivity

D = datetime.date(2026, 4, 1)


def test_claiming_fills_the_catalogue_with_the_nine_default_kinds(org, site, kinds):
    assert len(kinds) == 9
    assert {"co_building", "in_service_members", "tea_house", "volunteers", "grid", "smart_community"} <= set(kinds)
    assert site.leader == org.leader_a


def test_only_leaders_claim_and_one_site_per_leader(org, users, campaign, site):
    cadre = org.cadre_a1
    with pytest.raises(ValidationError):
        services.site_claim(actor=SYSTEM, campaign=campaign, branch=org.branches["a3"], leader=cadre, feature="x")
    with pytest.raises(ValidationError):
        services.site_claim(
            actor=SYSTEM, campaign=campaign, branch=org.branches["a3"], leader=org.leader_a, feature="x"
        )
    with pytest.raises(PermissionDenied):
        services.site_claim(
            actor=users.staff, campaign=campaign, branch=org.branches["a3"], leader=org.leader_a, feature="x"
        )
    assert DemoSite.objects.count() == 1


def test_office_extends_the_catalogue(org, users, kinds):
    kind = services.project_kind_create(
        actor=users.staff, office=org.office_a, code="red_property", name="红色物业", structure="generic"
    )
    assert kind.sort_order > max(k.sort_order for k in kinds.values())
    with pytest.raises(ValidationError):
        services.project_kind_create(
            actor=users.staff, office=org.office_a, code="red_property", name="重复", structure="generic"
        )
    with pytest.raises(PermissionDenied):
        services.project_kind_create(actor=users.secretary, office=org.office_a, code="x", name="x")


def _build(actor, site, kinds):
    agreements = services.project_create(
        actor=actor,
        site=site,
        kind=kinds["co_building"],
        title="共驻共建",
        milestones=[("签约5家", None), ("联席会", None)],
    )
    services.agreement_add(
        actor=actor,
        project=agreements,
        partner="区人民医院",
        content="义诊",
        signed_on=D,
        term_end=datetime.date(2027, 4, 1),
    )
    services.agreement_add(actor=actor, project=agreements, partner="市三中", content="共享操场", signed_on=D)
    services.agreement_add(
        actor=actor,
        project=agreements,
        partner="供电所",
        content="安全用电",
        signed_on=datetime.date(2025, 1, 1),
        term_end=datetime.date(2025, 12, 31),
    )
    volunteers = services.project_create(actor=actor, site=site, kind=kinds["volunteers"], title="志愿服务")
    team_a = services.team_add(actor=actor, project=volunteers, name="红马甲")
    team_b = services.team_add(actor=actor, project=volunteers, name="银发")
    for name in ("甲", "乙", "丙"):
        services.volunteer_add(actor=actor, team=team_a, name=name, joined_on=D)
    services.volunteer_add(actor=actor, team=team_b, name="丁", joined_on=D)
    services.volunteer_activity_add(
        actor=actor, team=team_a, held_on=D, title="清理楼道", volunteer_count=3, hours="7.5"
    )
    services.volunteer_activity_add(actor=actor, team=team_a, held_on=D, title="助老", volunteer_count=2, hours="4")
    services.volunteer_activity_add(actor=actor, team=team_b, held_on=D, title="读报", volunteer_count=1, hours="1.5")
    grids = services.project_create(actor=actor, site=site, kind=kinds["grid"], title="网格")
    g1 = services.grid_add(actor=actor, project=grids, name="一网格", households=300)
    g2 = services.grid_add(actor=actor, project=grids, name="二网格")
    services.grid_worker_add(actor=actor, grid=g1, name="网格长A", role="head")
    services.grid_worker_add(actor=actor, grid=g2, name="网格员B")
    incidents = [
        services.incident_report(actor=actor, grid=g, reported_on=D, category="环境", description="垃圾")
        for g in (g1, g1, g1, g2, g2)
    ]
    services.incident_close(actor=actor, incident=incidents[0], closed_on=D, result="已清理")
    services.incident_close(actor=actor, incident=incidents[3], closed_on=D, result="已处理")
    tea = services.project_create(actor=actor, site=site, kind=kinds["tea_house"], title="民情茶馆")
    services.tea_session_add(
        actor=actor, project=tea, held_on=D, issues="停车难；路灯坏", issue_count=2, answers="协调车位"
    )
    members = services.project_create(actor=actor, site=site, kind=kinds["in_service_members"], title="在职党员")
    m = services.member_register(actor=actor, project=members, name="赵某", employer="区税务局", registered_on=D)
    services.service_record_add(actor=actor, member=m, served_on=D, content="政策宣讲", hours="2")
    return agreements


def test_site_totals_add_up(users, site, kinds):
    _build(users.staff, site, kinds)
    totals = selectors.site_totals([site.pk])[site.pk]
    assert totals.agreements == 3 and totals.agreements_in_force == 2
    assert totals.volunteer_teams == 2 and totals.volunteers == 4 and totals.volunteer_activities == 3
    assert totals.volunteer_hours == Decimal("13.0")
    assert totals.grids == 2 and totals.grid_workers == 2
    assert (totals.incidents_reported, totals.incidents_closed, totals.incidents_open) == (5, 2, 3)
    assert (totals.tea_sessions, totals.tea_issues, totals.in_service_members, totals.service_records) == (1, 2, 1, 1)


def test_site_page_shows_the_totals(client, users, site, kinds):
    _build(users.staff, site, kinds)
    client.force_login(users.cadre)
    page = client.get(reverse("showcase:site_detail", args=[site.pk])).content.decode()
    import re

    def tile(name):
        block = page.split(f'data-total="{name}"', 1)[1]
        return re.search(r'wx-stat-value">([^<]+)<', block).group(1).strip()

    assert tile("agreements") == "3" and tile("volunteer_hours") == "13"
    assert tile("incidents_reported") == "5" and tile("incidents_closed") == "2"
    assert "共驻共建" in page and "志愿服务" in page


def test_records_must_match_the_project_kind(users, site, kinds):
    project = services.project_create(actor=users.staff, site=site, kind=kinds["environment"], title="环境")
    with pytest.raises(ValidationError):
        services.agreement_add(actor=users.staff, project=project, partner="x", content="x", signed_on=D)


def test_bad_volunteer_hours_are_refused(users, site, kinds):
    project = services.project_create(actor=users.staff, site=site, kind=kinds["volunteers"], title="志愿")
    team = services.team_add(actor=users.staff, project=project, name="队")
    with pytest.raises(ValidationError):
        services.volunteer_activity_add(
            actor=users.staff, team=team, held_on=D, title="x", volunteer_count=1, hours="30"
        )
    with pytest.raises(ValidationError):
        services.volunteer_activity_add(
            actor=users.staff, team=team, held_on=D, title="x", volunteer_count=1, hours="-1"
        )
    assert not VolunteerActivity.objects.exists()


def test_milestones_drive_progress_and_status(users, site, kinds):
    project = services.project_create(
        actor=users.staff,
        site=site,
        kind=kinds["smart_community"],
        title="智慧小区",
        started_on=D,
        milestones=[("门禁", None), ("监控", None)],
    )
    first, second = project.milestones.all()
    services.milestone_complete(actor=users.staff, milestone=first, done_on=D)
    project = selectors.project_get(user=users.staff, pk=project.pk)
    assert selectors.project_progress(project) == 0.5 and project.status == "in_progress"
    services.milestone_complete(actor=users.staff, milestone=second, done_on=D)
    project.refresh_from_db()
    assert project.status == "done"
    with pytest.raises(ValidationError):
        services.milestone_complete(actor=users.staff, milestone=second)


def test_evidence_on_a_project(users, site, kinds):
    project = services.project_create(actor=users.staff, site=site, kind=kinds["environment"], title="环境")
    files = services.project_add_evidence(
        actor=users.staff,
        project=project,
        evidence=[as_upload(sample_jpeg("整治", exif_gps=True), "a.jpg", "image/jpeg")],
        caption="整治前后",
    )
    assert files[0].thumbnail and files[0].caption == "整治前后"


def test_scope_secretary_of_another_branch_and_other_office(org, users, site, kinds):
    project = services.project_create(actor=users.staff, site=site, kind=kinds["environment"], title="环境")
    with pytest.raises(PermissionDenied):
        services.milestone_add(actor=users.secretary, project=project, title="x")  # a1's secretary, the site is a2
    with pytest.raises(PermissionDenied):
        services.milestone_add(actor=users.leader_b, project=project, title="x")
    assert not selectors.site_list(user=users.secretary).exists()
    assert not selectors.site_list(user=users.leader_b).exists()
    assert selectors.site_list(user=users.cadre).count() == 1  # a2 is assigned to the cadre's department


def test_levels_last_year_target_and_rated(org, users, site, standard, campaign):
    from wuxing.campaigns.services import campaign_create, campaign_record_result

    previous = campaign_create(actor=SYSTEM, office=org.office_a, year=2025, standard=standard)
    campaign_record_result(
        actor=SYSTEM, campaign=previous, branch=org.branches["a2"], level=3, rated_on=datetime.date(2025, 12, 20)
    )
    board = selectors.level_board(campaign, [org.branches["a2"].pk, org.branches["a3"].pk])
    assert board[org.branches["a2"].pk]["last"] == 3 and board[org.branches["a2"].pk]["rated"] is None
    assert board[org.branches["a3"].pk]["last"] is None
    campaign_record_result(
        actor=SYSTEM, campaign=campaign, branch=org.branches["a2"], level=4, rated_on=datetime.date(2026, 12, 20)
    )
    board = selectors.level_board(campaign, [org.branches["a2"].pk])
    assert board[org.branches["a2"].pk]["rated"] == 4 and board[org.branches["a2"].pk]["change"] == 1


def test_public_page_shows_names_and_figures_without_sign_in(client, org, users, site, kinds):
    _build(users.staff, site, kinds)
    url = reverse("showcase_public:site_detail", args=[org.office_a.code, site.pk])
    page = client.get(url).content.decode()
    assert "红色物业·邻里共治" in page and "志愿服务" in page and org.leader_a.name in page
    assert org.leader_a.phone not in page
    assert client.get(reverse("showcase_public:site_detail", args=[org.office_b.code, site.pk])).status_code == 404
    assert client.get(reverse("showcase_public:site_list", args=[org.office_a.code])).status_code == 200


def test_record_pages_add_records(client, users, site, kinds):
    project = services.project_create(actor=users.staff, site=site, kind=kinds["tea_house"], title="民情茶馆")
    client.force_login(users.staff)
    url = reverse("showcase:record_add", args=["session", project.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"held_on": D.isoformat(), "issues": "停车难", "issue_count": 1})
    assert response.status_code == 302 and project.sessions.count() == 1
    wrong = client.get(reverse("showcase:record_add", args=["agreement", project.pk]))
    assert wrong.status_code == 200
    bad = client.post(
        reverse("showcase:record_add", args=["agreement", project.pk]),
        {"partner": "x", "content": "y", "signed_on": D.isoformat()},
    )
    assert bad.status_code == 200 and not project.agreements.exists()
