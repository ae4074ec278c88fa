"""Pages of the demonstration sites: Excel exports of every list, query counts independent of size, closed campaigns."""

import datetime
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from wuxing.core.actors import SYSTEM
from wuxing.showcase import services

D = datetime.date(2026, 4, 1)


def _xlsx(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(BytesIO(response.content)).active.values)


def _volunteers(site, kinds, teams=1, activities=1):
    project = services.project_create(
        actor=SYSTEM, site=site, kind=kinds["volunteers"], title="志愿服务", milestones=[("组队", None), ("积分", None)]
    )
    for t in range(teams):
        team = services.team_add(actor=SYSTEM, project=project, name=f"队{t}")
        for a in range(activities):
            services.volunteer_activity_add(
                actor=SYSTEM, team=team, held_on=D, title=f"活动{a}", volunteer_count=2, hours="3"
            )
    return project


def test_every_list_exports_to_excel(client, users, site, kinds):
    project = _volunteers(site, kinds, teams=2, activities=2)
    client.force_login(users.staff)
    sites = _xlsx(client.get(reverse("showcase:site_list") + "?export=xlsx"))
    assert sites[0][0] == "支部" and sites[1][0] == "甲二社区" and sites[1][9] == 12  # volunteer hours 2 × 2 × 3
    projects = _xlsx(client.get(reverse("showcase:site_detail", args=[site.pk]) + "?export=xlsx"))
    assert [r[1] for r in projects[1:]] == ["志愿服务"]
    records = _xlsx(client.get(reverse("showcase:project_detail", args=[project.pk]) + "?export=xlsx"))
    assert sum(1 for r in records if r[0] == "志愿服务活动") == 4 and sum(1 for r in records if r[0] == "节点任务") == 2
    catalogue = _xlsx(client.get(reverse("showcase:kind_list") + "?export=xlsx"))
    assert len(catalogue) == 10
    client.force_login(users.leader_b)
    assert len(_xlsx(client.get(reverse("showcase:site_list") + "?export=xlsx"))) == 1


def test_site_and_project_pages_do_not_grow_in_queries(client, users, site, kinds, django_assert_max_num_queries):
    project = _volunteers(site, kinds, teams=1, activities=1)
    client.force_login(users.staff)
    urls = [
        reverse("showcase:site_detail", args=[site.pk]),
        reverse("showcase:project_detail", args=[project.pk]),
        reverse("showcase:site_list"),
    ]
    client.get(urls[0])
    small = []
    for url in urls:
        with django_assert_max_num_queries(40) as q:
            assert client.get(url).status_code == 200
        small.append(len(q.captured_queries))
    for _ in range(3):
        _volunteers(site, kinds, teams=3, activities=4)
    for url, before in zip(urls[:1] + urls[2:], small[:1] + small[2:]):
        with django_assert_max_num_queries(before):
            client.get(url)
    bigger = site.projects.last()
    with django_assert_max_num_queries(small[1]):
        client.get(reverse("showcase:project_detail", args=[bigger.pk]))


def test_branch_page_panels_stay_cheap(client, org, users, site, kinds, django_assert_max_num_queries):
    from wuxing.liaison.services import activity_record, campaign_assignments_sync

    rows = campaign_assignments_sync(actor=SYSTEM, campaign=site.campaign)
    client.force_login(users.leader)
    url = reverse("portal:branch_detail", args=[org.branches["a2"].pk])
    client.get(url)
    with django_assert_max_num_queries(60) as before:
        page = client.get(url).content.decode()
    count = len(before.captured_queries)
    assert "晋位提升" in page and "示范点" in page and "“五个一”" in page
    for row in rows:
        for kind in ("party_lecture", "heart_talk", "work_meeting"):
            activity_record(actor=SYSTEM, campaign_assignment=row, kind=kind, held_on=D, participants="x")
    # The records moved the office's figures version on: the first read computes its progress figures again, the
    # second, as the one measured before, reads them from the cache (checklists.figures).
    client.get(url)
    with django_assert_max_num_queries(count):
        client.get(url)


def test_a_closed_campaign_no_longer_changes(users, site, kinds):
    from wuxing.campaigns.services import campaign_set_status

    project = _volunteers(site, kinds)
    campaign_set_status(actor=SYSTEM, campaign=site.campaign, status="closed")
    with pytest.raises(ValidationError):
        services.team_add(actor=users.staff, project=project, name="新队")
    with pytest.raises(ValidationError):
        services.site_claim(
            actor=SYSTEM,
            campaign=site.campaign,
            branch=site.branch.office.branches.exclude(pk=site.branch_id).first(),
            leader=site.leader,
            feature="x",
        )


def test_a_secretary_whose_branch_is_no_site_is_told_which_sites_the_office_has(client, users, site):
    client.force_login(users.secretary)  # branch a1; the site is a2
    html = client.get(reverse("showcase:site_list")).content.decode()
    assert "还没有认领示范点" not in html
    assert 'id="office-sites"' in html and "甲二社区" in html and "红色物业·邻里共治" in html
    assert reverse("showcase:site_detail", args=[site.pk]) not in html  # listed, not linked: it is not theirs


def test_the_overview_panel_lists_the_sites_and_their_projects_as_the_site_list_reads_them(
    rf, org, users, site, kinds, django_assert_max_num_queries
):
    from django.template.loader import render_to_string

    from wuxing.org.models import Person
    from wuxing.showcase import selectors
    from wuxing.showcase.panels import overview_panels
    from wuxing.showcase.services import site_claim

    _volunteers(site, kinds, teams=1, activities=1)
    # A second site, its leader's name to be escaped.
    deputy = Person.objects.create(office=org.office_a, name="乙<副>书记", position="副书记", phone="", is_leader=True)
    site_claim(
        actor=SYSTEM,
        campaign=site.campaign,
        branch=org.branches["a1"],
        leader=deputy,
        feature="文明&实践",
        plan="x",
        claimed_on=D,
    )
    request = rf.get("/")
    request.user = users.leader
    # The sites and their projects (with milestones and kinds) in a fixed number of queries, none per site.
    with django_assert_max_num_queries(5):
        (html,) = overview_panels(request, site.campaign, [])
    full = selectors.decorate_sites(selectors.site_list(user=users.leader, campaign=site.campaign), site.campaign)
    assert html == render_to_string("showcase/_overview_panel.html", {"campaign": site.campaign, "sites": full})
    assert "甲二社区" in html and "志愿服务" in html
