"""HTML pages: the same rules reach the user in Chinese, nothing changes on refusal, query counts stay flat.

The list and detail pages of the three apps of target setting (targets, deliberations, plans) are measured here
together, as before they were split: the target's page shows the sections of the other two."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from wuxing.core.actors import SYSTEM
from wuxing.deliberations import services as deliberation_services
from wuxing.deliberations.choices import Step
from wuxing.org.models import Branch
from wuxing.plans import services as plan_services
from wuxing.targets import services
from wuxing.targets.choices import TargetStatus
from wuxing.targets.models import Target
from wuxing.testing import page_text


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def text(response):
    return page_text(response)


def test_secretary_applies_through_the_form(client, tc):
    client.force_login(tc.users.secretary)
    url = reverse("targets:target_apply", args=[tc.campaign.pk, tc.a1.pk])
    page = client.get(url)
    assert "产业兴旺" in text(page) and "共建共享" not in text(page)  # R2: only the own star set is offered
    stars = tc.stars("rural", "strong_branch", "industry")
    response = client.post(url, {"stars": [s.pk for s in stars], "reason": "集体经济基础好"})
    target = Target.objects.get(branch=tc.a1)
    assert response.status_code == 302 and target.status == TargetStatus.SUBMITTED and target.level == 2


def test_r2_refused_in_the_form_and_nothing_saved(client, tc):
    client.force_login(tc.users.secretary)
    url = reverse("targets:target_apply", args=[tc.campaign.pk, tc.a1.pk])
    response = client.post(url, {"stars": [tc.stars("urban", "co_building")[0].pk], "reason": "x"})
    assert response.status_code == 200 and not Target.objects.exists()


def test_review_and_r4_refusal_shown_in_chinese(client, tc):
    for branch, codes in [
        (tc.a1, ["strong_branch", "industry", "eco_livable", "civility"]),
        (tc.a2, ["strong_branch", "co_building", "business_friendly"]),
        (tc.a3, ["strong_branch", "industry", "eco_livable"]),
    ]:
        services.target_submit(
            actor=SYSTEM, campaign=tc.campaign, branch=branch, stars=tc.stars(branch.star_set, *codes), reason="x"
        )
    client.force_login(tc.users.leader)
    for target in Target.objects.all():
        assert client.post(reverse("targets:target_review", args=[target.pk]), {"decision": "agree"}).status_code == 302
    assert set(Target.objects.values_list("status", flat=True)) == {TargetStatus.AGREED}
    response = client.post(reverse("targets:targets_confirm", args=[tc.campaign.pk]), follow=True)
    body = text(response)
    assert (
        "指标要求" in body and "R4" not in body and "3★" in body and "2★" in body
    )  # 3★: 2 agreed, quota 1; 2★: 0 agreed, quota 1
    assert not Target.objects.filter(status=TargetStatus.CONFIRMED).exists()
    # the office adjusts a3 down to 2★ and sends it back; the branch accepts; the office agrees; now it confirms
    a3 = Target.objects.get(branch=tc.a3)
    client.post(
        reverse("targets:target_review", args=[a3.pk]),
        {
            "decision": "return",
            "reason": "基础薄弱，先创两星",
            "stars": [s.pk for s in tc.stars("rural", "strong_branch", "industry")],
        },
    )
    a3.refresh_from_db()
    assert a3.status == TargetStatus.RETURNED and a3.level == 2
    services.target_submit(
        actor=SYSTEM,
        campaign=tc.campaign,
        branch=tc.a3,
        stars=tc.stars("rural", "strong_branch", "industry"),
        reason="同意",
    )
    client.post(reverse("targets:target_review", args=[a3.pk]), {"decision": "agree"})
    response = client.post(reverse("targets:targets_confirm", args=[tc.campaign.pk]), follow=True)
    assert "3" in text(response)
    assert set(Target.objects.values_list("status", flat=True)) == {TargetStatus.CONFIRMED}
    history = client.get(reverse("targets:target_detail", args=[a3.pk]))
    assert "基础薄弱，先创两星" in text(history)


def test_lists_export_to_excel(client, world):
    client.force_login(world.tc.users.leader)
    for name in [
        "targets:target_list",
        "targets:baseline_matrix",
        "deliberations:deliberation_list",
        "plans:pledge_list",
    ]:
        response = client.get(reverse(name), {"export": "xlsx", "campaign": world.tc.campaign.pk})
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats"), (
            name
        )
    response = client.get(reverse("plans:plan_detail", args=[world.target.pk]), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_panels_on_branch_page_and_overview(client, world):
    client.force_login(world.tc.users.leader)
    page = client.get(reverse("portal:branch_detail", args=[world.tc.a1.pk]))
    assert 'id="targets-panel"' in text(page)
    overview = client.get("/")
    assert 'id="targets-overview"' in text(overview)


def _more_branches(tc, n):
    from wuxing.targets.services import target_submit

    for i in range(n):
        branch = Branch.objects.create(
            office=tc.org.office_a,
            code=f"T-x{i}",
            name=f"新增村{i}",
            kind="rural_village",
            party_members=30,
            representatives=25,
            households=300,
            adult_population=800,
        )
        target_submit(
            actor=SYSTEM,
            campaign=tc.campaign,
            branch=branch,
            stars=tc.stars("rural", "strong_branch", "industry"),
            reason="x",
        )
        d = deliberation_services.deliberation_create(actor=SYSTEM, branch=branch, subject=f"议题{i}")
        deliberation_services.step_record(actor=SYSTEM, deliberation=d, step=Step.PROPOSE, held_on=date(2026, 11, 1))


@pytest.mark.parametrize(
    "name", ["targets:target_list", "targets:baseline_matrix", "deliberations:deliberation_list", "plans:pledge_list"]
)
def test_query_counts_do_not_grow_with_rows(client, world, django_assert_max_num_queries, name):
    client.force_login(world.tc.users.leader)
    url = reverse(name)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    _more_branches(world.tc, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_secretary_can_keep_a_draft(client, tc):
    client.force_login(tc.users.secretary)
    url = reverse("targets:target_apply", args=[tc.campaign.pk, tc.a1.pk])
    client.post(url, {"stars": [s.pk for s in tc.stars("rural", "strong_branch")], "reason": "", "draft": "1"})
    target = Target.objects.get(branch=tc.a1)
    assert target.status == TargetStatus.DRAFT and target.level == 1
    # submitting needs a reason
    response = client.post(url, {"stars": [s.pk for s in tc.stars("rural", "strong_branch")], "reason": ""})
    assert response.status_code == 200 and "请填写申领理由" in text(response)
    assert Target.objects.get(branch=tc.a1).status == TargetStatus.DRAFT


def test_baseline_form_saves_ratings_and_evidence(client, tc):
    from wuxing.core.uploads import as_upload, sample_jpeg
    from wuxing.standards.models import Indicator

    indicator = (
        Indicator.objects.filter(star__standard=tc.standard, star__star_set="rural")
        .order_by("star__position", "position")
        .first()
    )
    client.force_login(tc.users.secretary)
    url = reverse("targets:baseline_edit", args=[tc.campaign.pk, tc.a1.pk])
    from django.utils.html import escape

    assert escape(indicator.text) in text(client.get(url))
    upload = as_upload(sample_jpeg("台账", exif_gps=True), "ledger.jpg", "image/jpeg")
    response = client.post(
        url,
        {
            "surveyed_on": "2026-11-03",
            "branch_consulted": "on",
            f"rating_{indicator.pk}": "met",
            f"file_{indicator.pk}": upload,
        },
    )
    assert response.status_code == 302
    baseline = tc.a1.baselines.get()
    entry = baseline.entries.get()
    assert entry.rating == "met" and entry.evidence.count() == 1 and baseline.branch_consulted
    # evidence without a rating is refused, and nothing of the post is kept
    other = (
        Indicator.objects.filter(star__standard=tc.standard, star__star_set="rural").exclude(pk=indicator.pk).first()
    )
    response = client.post(
        url,
        {
            "surveyed_on": "2026-11-04",
            f"rating_{indicator.pk}": "far",
            f"file_{other.pk}": as_upload(sample_jpeg(), "x.jpg", "image/jpeg"),
        },
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.rating == "met" and tc.a1.baselines.get().surveyed_on == date(2026, 11, 3)


@pytest.mark.parametrize("name", ["targets:target_detail", "plans:plan_detail", "deliberations:deliberation_detail"])
def test_detail_query_counts_are_bounded(client, world, django_assert_max_num_queries, name):
    client.force_login(world.tc.users.leader)
    pk = world.deliberation.pk if name == "deliberations:deliberation_detail" else world.target.pk
    url = reverse(name, args=[pk])
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    # more measures, milestones and steps: the count stays the same
    measure = plan_services.measure_save(
        actor=SYSTEM, target=world.target, star=world.target.stars.order_by("position")[1], title="另一项措施"
    )
    for month in (3, 6, 9):
        plan_services.milestone_add(actor=SYSTEM, measure=measure, title=f"节点{month}", due_on=date(2027, month, 1))
    deliberation_services.step_record(
        actor=SYSTEM, deliberation=world.deliberation, step=Step.COMMITTEES_CONSULT, held_on=date(2026, 11, 3)
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_lists_show_only_the_users_scope(client, world):
    client.force_login(world.tc.users.secretary)
    body = text(client.get(reverse("targets:target_list"), {"campaign": world.tc.campaign.pk}))
    assert "甲一村" in body and "甲二社区" not in body
    body = text(client.get(reverse("deliberations:deliberation_list")))
    assert "2027年创星目标" in body and "社区停车改造" not in body
    client.force_login(world.tc.users.cadre)  # department A-1 is assigned a1 and a2, not a3
    body = text(client.get(reverse("targets:target_list"), {"campaign": world.tc.campaign.pk}))
    assert "甲一村" in body and "甲二社区" in body and "甲三安置村" not in body
    assert "确认全部目标" not in body and "申领目标" not in body


def test_the_target_page_shows_the_plan_the_letter_and_the_deliberations(client, world):
    """The sections of the apps built on the target (plans, deliberations) come through their target_panels."""
    client.force_login(world.tc.users.staff)
    body = text(client.get(reverse("targets:target_detail", args=[world.target.pk])))
    assert 'id="plans-target-plan"' in body and "规范组织生活" in body
    assert 'id="plans-target-letter"' in body and reverse("plans:pledge_detail", args=[world.pledge.pk]) in body
    assert reverse("plans:pledge_generate", args=[world.target.pk]) in body  # awaiting: the office may replace it
    assert 'id="deliberations-target-panel"' in body and "2027年创星目标" in body
    # a reviewer sees the target but neither plans nor deliberations: no section, no error
    client.force_login(world.tc.users.reviewer)
    body = text(client.get(reverse("targets:target_detail", args=[world.target.pk])))
    assert "plans-target" not in body and "deliberations-target-panel" not in body


def test_the_branch_page_shows_the_plan_and_the_letter(client, world):
    client.force_login(world.tc.users.secretary)
    body = text(client.get(reverse("portal:branch_detail", args=[world.tc.a1.pk]), {"campaign": world.tc.campaign.pk}))
    assert 'id="targets-panel"' in body and 'id="plans-panel"' in body
    assert reverse("plans:pledge_detail", args=[world.pledge.pk]) in body
    assert "1 项措施，1 个节点" in body or "1 measures, 1 milestones" in body


def test_a_branch_of_another_office_is_not_found_under_a_campaign(client, world):
    """/campaign/<a>/branch/<b>/…: a branch outside the campaign's office is an address that does not exist."""
    client.force_login(world.tc.users.district)
    for name in ("targets:target_apply", "targets:target_require", "targets:baseline_edit"):
        url = reverse(name, args=[world.tc.campaign.pk, world.tc.b1.pk])
        assert client.get(url).status_code in (403, 404), name
        assert client.post(url, {"reason": "x"}).status_code in (403, 404), name


def test_a_scoped_users_level_table_counts_their_branches_without_the_office_quotas(client, world):
    """Quotas 4★1 3★1 2★1 are the office's; a cadre assigned a1 (4★) and a2 (3★) sees their two, no quota column."""
    client.force_login(world.tc.users.cadre)
    for url in ("/", reverse("targets:target_list") + f"?campaign={world.tc.campaign.pk}"):
        body = text(client.get(url, follow=True))
        table = body[body.index("wx-quota-table") : body.index("</table>", body.index("wx-quota-table"))]
        assert "您负责支部的目标星级" in body and ">指标<" not in table and table.count("<tr>") == 3, url
    client.force_login(world.tc.users.leader)
    body = text(client.get(reverse("targets:target_list"), {"campaign": world.tc.campaign.pk}))
    assert "您负责支部的目标星级" not in body


def test_the_board_reminds_the_secretaries_of_the_branches_that_have_not_applied_once_a_day(client, tc):
    from wuxing.core.models import AuditLog
    from wuxing.core.roles import Role
    from wuxing.org.models import Person
    from wuxing.rhythm.models import Notification
    from wuxing.testing import make_user

    # a1 has submitted; a2 has not applied (its secretary has an account); a3 keeps a draft (its secretary is
    # recorded on the branch, with an account).
    services.target_submit(
        actor=SYSTEM, campaign=tc.campaign, branch=tc.a1, stars=tc.stars("rural", "strong_branch"), reason="x"
    )
    services.target_save_draft(
        actor=SYSTEM, campaign=tc.campaign, branch=tc.a3, stars=tc.stars(tc.a3.star_set, "strong_branch"), reason=""
    )
    a2_secretary = Person.objects.create(office=tc.org.office_a, name="甲二书记", branch=tc.a2)
    a2_user = make_user("t-secretary-a2", Role.BRANCH_SECRETARY, branch=tc.a2, person=a2_secretary)
    a3_secretary = Person.objects.create(office=tc.org.office_a, name="甲三书记", branch=tc.a3)
    a3_user = make_user("t-secretary-a3", person=a3_secretary)
    Branch.objects.filter(pk=tc.a3.pk).update(secretary=a3_secretary)

    client.force_login(tc.users.leader)
    board = text(client.get(reverse("targets:target_list"), {"campaign": tc.campaign.pk}))
    assert 'data-testid="remind-targets"' in board
    url = reverse("targets:targets_remind", args=[tc.campaign.pk])
    body = text(client.post(url, follow=True))
    assert "2 个支部尚未申报，已发送 2 条提醒" in body and "无法发送提醒" not in body
    reminded = Notification.objects.filter(kind="target_remind")
    assert set(reminded.values_list("user", flat=True)) == {a2_user.pk, a3_user.pk}  # not a1's secretary
    assert all(str(tc.campaign.year) in n.title for n in reminded)
    assert AuditLog.objects.filter(action="target.remind", actor=tc.users.leader).count() == 1
    # Once a day: pressed again, nobody gets a second notice.
    assert "已发送 0 条提醒" in text(client.post(url, follow=True))
    assert reminded.count() == 2
    # A branch whose secretary has no (active) account is named, so the office can call instead.
    a3_user.is_active = False
    a3_user.save(update_fields=["is_active"])
    body = text(client.post(url, follow=True))
    assert body.split("无法发送提醒，请另行联系：")[1].split("<")[0].strip() == "甲三安置村"

    # A secretary may not send them; another office's leader does not find the campaign.
    client.force_login(tc.users.secretary)
    assert client.post(url).status_code == 403
    client.force_login(tc.users.leader_b)
    assert client.post(url).status_code == 404
    assert reminded.count() == 2
