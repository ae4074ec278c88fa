"""A campaign set up and run in the app: created from a chosen standard version, its work plan and attachments,
its groups, its course with checks, and next year prepared from it (年度滚动)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.campaigns import rules, services
from wuxing.campaigns.models import Campaign, GroupMembership
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.uploads import as_upload, sample_pdf
from wuxing.liaison.models import CampaignAssignment
from wuxing.org.models import Assignment
from wuxing.targets.models import Baseline
from wuxing.targets.tests.conftest import standard, tc, world  # noqa: F401
from wuxing.testing import users_for

pytestmark = pytest.mark.django_db


def test_status_rules():
    assert rules.transition_allowed("preparing", "running")
    assert not rules.transition_allowed("preparing", "closed")
    assert rules.transition_allowed("rating", "closed") and rules.transition_allowed("running", "preparing")
    assert not rules.transition_allowed("closed", "running")
    assert rules.start_problems(0, False) == ["no_quotas", "no_group_head"]
    assert rules.start_problems(3, True) == []


def test_create_a_campaign_for_a_year_from_a_chosen_standard(client, org, standard):  # noqa: F811
    u = users_for(org)
    client.force_login(u.leader)
    url = reverse("campaigns:campaign_create")
    assert "2027" in client.get(url).content.decode()
    response = client.post(url, {"office": org.office_a.pk, "year": 2027, "standard": standard.pk})
    campaign = Campaign.objects.get(office=org.office_a, year=2027)
    assert response["Location"] == reverse("campaigns:campaign_detail", args=[campaign.pk])
    assert campaign.standard == standard and campaign.groups.count() == 5
    response = client.post(url, {"office": org.office_a.pk, "year": 2027, "standard": standard.pk})
    assert response.status_code == 200 and "2027" in response.content.decode()
    assert Campaign.objects.filter(office=org.office_a).count() == 1
    # An office outside the scope is not offered.
    response = client.post(url, {"office": org.office_b.pk, "year": 2027, "standard": standard.pk})
    assert response.status_code == 200 and not Campaign.objects.filter(office=org.office_b).exists()


def test_work_plan_attachments_and_groups(client, tc):  # noqa: F811
    u = tc.users
    client.force_login(u.staff)
    client.post(
        reverse("campaigns:campaign_edit", args=[tc.campaign.pk]),
        {
            "name": "2027年度创建",
            "standard": tc.standard.pk,
            "work_plan": "一、总体目标",
            "files": [as_upload(sample_pdf("Plan"), "方案.pdf", "application/pdf")],
        },
    )
    tc.campaign.refresh_from_db()
    assert tc.campaign.work_plan == "一、总体目标" and tc.campaign.attachments.count() == 1
    attachment = tc.campaign.attachments.get()
    assert client.get(reverse("campaigns:attachment_download", args=[attachment.pk])).status_code == 200
    client.force_login(u.leader_b)
    assert client.get(reverse("campaigns:attachment_download", args=[attachment.pk])).status_code == 404
    client.force_login(u.staff)
    url = reverse("campaigns:campaign_groups", args=[tc.campaign.pk])
    client.post(
        url,
        {"form": "member", "kind": "leadership", "person": tc.org.leader_a.pk, "role": "leader", "duty": "全面负责"},
    )
    client.post(url, {"form": "duties", "kind": "guidance", "duties": "逐村指导"})
    membership = GroupMembership.objects.get(group__campaign=tc.campaign, person=tc.org.leader_a)
    assert membership.role == "leader" and tc.campaign.groups.get(kind="guidance").duties == "逐村指导"
    client.force_login(u.leader_b)
    assert client.post(reverse("campaigns:group_member_remove", args=[membership.pk])).status_code == 404
    client.force_login(u.staff)
    client.post(reverse("campaigns:group_member_remove", args=[membership.pk]))
    assert not GroupMembership.objects.filter(pk=membership.pk).exists()
    assert AuditLog.objects.filter(action="campaign.group_member_remove").exists()


def test_the_course_is_checked_step_by_step(client, tc):  # noqa: F811
    u = tc.users
    campaign = services.campaign_create(actor=SYSTEM, office=tc.org.office_a, year=2028, standard=tc.standard)
    with pytest.raises(ValidationError) as exc:
        services.campaign_set_status(actor=u.leader, campaign=campaign, status="running")
    assert len(exc.value.messages) == 2  # no quotas, no head of the leadership group
    with pytest.raises(ValidationError):
        services.campaign_set_status(actor=u.leader, campaign=campaign, status="closed")
    services.campaign_set_quotas(actor=u.leader, campaign=campaign, quotas={3: 2})
    services.group_add_member(
        actor=u.leader, campaign=campaign, kind="leadership", person=tc.org.leader_a, role="leader"
    )
    client.force_login(u.leader)
    client.post(reverse("campaigns:campaign_status", args=[campaign.pk]), {"status": "running"})
    assert Campaign.objects.get(pk=campaign.pk).status == "running"
    for status in ("rating", "closed"):
        services.campaign_set_status(actor=u.leader, campaign=campaign, status=status)
    with pytest.raises(ValidationError):
        services.campaign_set_status(actor=u.leader, campaign=campaign, status="running")
    with pytest.raises(PermissionDenied):
        services.campaign_set_status(actor=u.secretary, campaign=tc.campaign, status="running")


def test_closing_refuses_while_letters_are_unsigned_and_names_them(client, world):  # noqa: F811
    campaign = world.tc.campaign
    services.campaign_set_status(actor=SYSTEM, campaign=campaign, status="rating")
    client.force_login(world.tc.users.leader)
    response = client.post(reverse("campaigns:campaign_status", args=[campaign.pk]), {"status": "closed"}, follow=True)
    assert "以下支部的责任书尚未经双方确认：甲一村" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).status == "rating"


def test_rollover_keeps_assignments_groups_and_quotas_seeds_baselines_refuses_twice_and_is_audited(client, tc):  # noqa: F811
    u = tc.users
    campaign_2026 = services.campaign_create(actor=SYSTEM, office=tc.org.office_a, year=2026, standard=tc.standard)
    tc.campaign.delete()  # the fixture's 2027: this test prepares it from 2026
    services.campaign_set_quotas(actor=SYSTEM, campaign=campaign_2026, quotas={4: 1, 3: 2})
    services.group_add_member(
        actor=SYSTEM, campaign=campaign_2026, kind="leadership", person=tc.org.leader_a, role="leader", duty="组长"
    )
    services.group_add_member(actor=SYSTEM, campaign=campaign_2026, kind="guidance", person=tc.org.cadre_a1)
    services.campaign_record_result(
        actor=SYSTEM,
        campaign=campaign_2026,
        branch=tc.a1,
        level=2,
        stars=tc.stars("rural", "strong_branch", "industry"),
        rated_on=date(2026, 12, 20),
    )
    dropped = Assignment.objects.get(branch=tc.a3, leader=tc.org.leader_a)
    kept = list(Assignment.objects.filter(branch__office=tc.org.office_a, active=True).exclude(pk=dropped.pk))
    client.force_login(u.leader)
    url = reverse("campaigns:campaign_prepare_next", args=[campaign_2026.pk])
    html = client.get(url).content.decode()
    assert "甲三安置村" in html and "checked" in html  # reviewed before confirming
    client.post(url, {"assignments": [str(a.pk) for a in kept]})
    campaign_2027 = Campaign.objects.get(office=tc.org.office_a, year=2027)
    assert campaign_2027.status == "preparing" and campaign_2027.standard == tc.standard
    assert campaign_2027.quota_map() == {4: 1, 3: 2}
    leadership = campaign_2027.groups.get(kind="leadership").memberships.get()
    assert (leadership.person, leadership.role, leadership.duty) == (tc.org.leader_a, "leader", "组长")
    carried = set(CampaignAssignment.objects.filter(campaign=campaign_2027).values_list("assignment_id", flat=True))
    assert carried == {a.pk for a in kept}
    baseline = Baseline.objects.get(campaign=campaign_2027, branch=tc.a1)
    assert "2" in baseline.note and baseline.entries.filter(rating="met").count() > 0
    assert {e.indicator.star.code for e in baseline.entries.select_related("indicator__star")} == {
        "strong_branch",
        "industry",
    }
    entry = AuditLog.objects.get(action="campaign.prepare_next")
    assert entry.object_id == str(campaign_2027.pk) and entry.after["year"] == 2027
    # Refused while 2027 exists, on the page and in the service.
    assert "2027" in client.get(url).content.decode()
    with pytest.raises(ValidationError, match="2027"):
        services.campaign_prepare_next(actor=u.leader, campaign=campaign_2026)
    assert Campaign.objects.filter(office=tc.org.office_a).count() == 2
    with pytest.raises(PermissionDenied):
        services.campaign_prepare_next(actor=u.leader_b, campaign=campaign_2026)


def test_a_closed_campaign_refuses_every_write_page_with_a_message(client, tc):  # noqa: F811
    services.group_add_member(actor=SYSTEM, campaign=tc.campaign, kind="leadership", person=tc.org.leader_a)
    membership = GroupMembership.objects.get(group__campaign=tc.campaign)
    services.campaign_set_status(actor=SYSTEM, campaign=tc.campaign, status="closed")
    client.force_login(tc.users.leader)
    pk = tc.campaign.pk
    posts = [
        ("campaigns:campaign_edit", [pk], {"name": "改名", "standard": tc.standard.pk, "work_plan": "x"}),
        ("campaigns:campaign_groups", [pk], {"form": "duties", "kind": "guidance", "duties": "x"}),
        ("campaigns:campaign_status", [pk], {"status": "running"}),
        ("campaigns:group_member_remove", [membership.pk], {}),
        ("campaigns:campaign_quotas", [pk], {f"level_{n}": 0 for n in range(1, 6)}),
    ]
    for name, args, data in posts:
        response = client.post(reverse(name, args=args), data, follow=True)
        assert response.status_code == 200, name
        assert "已结束" in response.content.decode() or "不能" in response.content.decode(), name
    campaign = Campaign.objects.get(pk=pk)
    assert (
        campaign.status == "closed"
        and campaign.name != "改名"
        and GroupMembership.objects.filter(pk=membership.pk).exists()
    )
    # Next year is prepared from a closed campaign: that is when it is done.
    client.post(reverse("campaigns:campaign_prepare_next", args=[pk]), {})
    assert Campaign.objects.filter(office=tc.org.office_a, year=2028).exists()


def test_a_retired_branch_leaves_the_quota_count_and_the_targets_of_a_campaign_it_has_none_in(tc):  # noqa: F811
    from wuxing.org.services import branch_set_retired
    from wuxing.targets.selectors import target_board
    from wuxing.targets.services import confirm_problems

    branch_set_retired(actor=tc.users.leader, branch=tc.a3, retired=True)
    with pytest.raises(ValidationError, match="2"):
        services.campaign_set_quotas(actor=tc.users.leader, campaign=tc.campaign, quotas={4: 1, 3: 1, 2: 1})
    services.campaign_set_quotas(actor=tc.users.leader, campaign=tc.campaign, quotas={4: 1, 3: 1})
    pending = [p for p in confirm_problems(tc.campaign) if "甲三安置村" in str(p)]
    assert pending == []
    board = target_board(user=tc.users.leader, campaign=tc.campaign)
    assert tc.a3 not in [b for b, _t in board.rows]
