"""Self-evaluation evidence picked (not re-uploaded) from the branch's own records: check-ins, deliberations, 五个一
records and its demonstration site's projects; each link opens the original record; another branch's records
cannot be linked."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from wuxing.rating import selectors, services

from .conftest import star_of


@pytest.fixture
def records(world):
    from wuxing.deliberations.models import Deliberation
    from wuxing.liaison.models import Activity, CampaignAssignment
    from wuxing.org.models import Assignment
    from wuxing.showcase.models import DemoSite, FeatureProject, ProjectKind

    org = world.org
    own = Deliberation.objects.create(
        branch=world.branch, campaign=world.campaign, subject="村集体经济项目决策", procedure="four_two"
    )
    foreign = Deliberation.objects.create(
        branch=org.branches["a2"], campaign=world.campaign, subject="乙方社区议事", procedure="four_two"
    )
    assignment = CampaignAssignment.objects.create(
        campaign=world.campaign, assignment=Assignment.objects.get(branch=world.branch)
    )
    activity = Activity.objects.create(
        campaign_assignment=assignment, kind="party_lecture", held_on=datetime.date(2026, 5, 6), participants="全体党员"
    )
    kind = ProjectKind.objects.create(office=org.office_a, code="tea", name="民情茶馆")
    site = DemoSite.objects.create(
        campaign=world.campaign,
        branch=world.branch,
        leader=org.leader_a,
        feature="茶馆议事",
        claimed_on=datetime.date(2026, 3, 1),
    )
    project = FeatureProject.objects.create(site=site, kind=kind, title="周三茶话会")
    world.records = {"own": own, "foreign": foreign, "activity": activity, "project": project}
    return world


def test_the_picker_offers_the_branch_records_of_every_kind_with_links(client, records):
    r = records.records
    options = selectors.evidence_options(user=records.users.secretary, branch=records.branch, campaign=records.campaign)
    keys = {o.key for o in options}
    assert {
        f"checkin_evidence:{records.evidence.pk}",
        f"deliberation:{r['own'].pk}",
        f"activity:{r['activity'].pk}",
        f"project:{r['project'].pk}",
    } <= keys
    assert f"deliberation:{r['foreign'].pk}" not in keys
    rs = star_of(records.rating, "strong_branch")
    client.force_login(records.users.secretary)
    page = client.get(reverse("rating:star_evaluate", args=[rs.pk])).content.decode()
    for url in (
        reverse("deliberations:deliberation_detail", args=[r["own"].pk]),
        reverse("liaison:assignment_detail", args=[r["activity"].campaign_assignment_id]),
        reverse("showcase:project_detail", args=[r["project"].pk]),
    ):
        assert url in page
    assert "乙方社区议事" not in page
    response = client.post(
        reverse("rating:star_evaluate", args=[rs.pk]),
        {
            "claimed": "on",
            "statement": "议事决策规范",
            "evidence": [f"deliberation:{r['own'].pk}", f"activity:{r['activity'].pk}", f"project:{r['project'].pk}"],
        },
    )
    assert response.status_code == 302
    assert sorted(rs.evidence_links.values_list("source", flat=True)) == ["activity", "deliberation", "project"]
    detail = client.get(reverse("rating:rating_detail", args=[records.rating.pk])).content.decode()
    assert reverse("deliberations:deliberation_detail", args=[r["own"].pk]) in detail
    assert 'data-source="project"' in detail
    # The link opens the original record for the secretary.
    assert client.get(reverse("deliberations:deliberation_detail", args=[r["own"].pk])).status_code == 200


def test_another_branchs_records_cannot_be_linked(client, records):
    r = records.records
    rs = star_of(records.rating, "strong_branch")
    for bad in (f"deliberation:{r['foreign'].pk}", "deliberation:999999", "nonsense:1", "activity:x"):
        with pytest.raises(ValidationError, match="只能关联本支部"):
            services.star_self_evaluate(
                actor=records.users.secretary, rating_star=rs, claimed=True, statement="x", evidence_ids=[bad]
            )
    client.force_login(records.users.secretary)
    page = client.post(
        reverse("rating:star_evaluate", args=[rs.pk]),
        {"claimed": "on", "statement": "x", "evidence": [f"deliberation:{r['foreign'].pk}"]},
    )
    assert page.status_code == 200  # redisplayed with the error (not a valid choice)
    assert rs.evidence_links.count() == 0
    # Unlinking keeps the others.
    services.star_self_evaluate(
        actor=records.users.secretary,
        rating_star=rs,
        claimed=True,
        statement="x",
        evidence_ids=[f"deliberation:{r['own'].pk}", records.evidence.pk],
    )
    services.star_self_evaluate(
        actor=records.users.secretary, rating_star=rs, claimed=True, statement="x", evidence_ids=[records.evidence.pk]
    )
    assert list(rs.evidence_links.values_list("source", "ref_id")) == [("checkin_evidence", records.evidence.pk)]
