"""Data scope and input safety of the targets app: every write refuses objects of another office, campaign,
branch or star set; every read (pages, files, public notices) stays within the user's scope or office."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.org.models import Person
from wuxing.standards.models import Indicator, Star
from wuxing.targets import services
from wuxing.targets.choices import PledgeStatus
from wuxing.targets.models import Deliberation, PlanMeasure, ProcedureSetting

# ---------------------------------------------------------------------------------------------------------
# Holes found in the review
# ---------------------------------------------------------------------------------------------------------


def test_a_district_leader_signs_no_side_of_an_office_letter(world):
    """The letter is between the branch and its own office: a leader of the district above is neither side."""
    tc = world.tc
    pledge = world.pledge
    assert services.pledge_sides(tc.users.district, pledge) == set()
    with pytest.raises(PermissionDenied):
        services.pledge_confirm(actor=tc.users.district, pledge=pledge)
    with pytest.raises(PermissionDenied):
        services.pledge_confirm(actor=tc.users.district, pledge=pledge, side="leader")
    pledge.refresh_from_db()
    assert pledge.leader_confirmed_at is None and pledge.status == PledgeStatus.AWAITING
    # The office's own leader and the branch's secretary still confirm it.
    assert services.pledge_sides(tc.users.leader, pledge) == {"leader"}
    assert services.pledge_sides(tc.users.leader_b, pledge) == set()
    services.pledge_confirm(actor=tc.users.secretary, pledge=pledge)
    assert services.pledge_confirm(actor=tc.users.leader, pledge=pledge).status == PledgeStatus.FROZEN


def test_a_district_leader_gets_no_confirm_button_and_the_post_is_refused(client, world):
    tc = world.tc
    client.force_login(tc.users.district)
    page = client.get(reverse("targets:pledge_detail", args=[world.pledge.pk]))
    assert page.status_code == 200 and not page.context["sides"]
    assert client.post(reverse("targets:pledge_confirm", args=[world.pledge.pk]), {"side": "leader"}).status_code == 403
    world.pledge.refresh_from_db()
    assert world.pledge.leader_confirmed_at is None


def test_procedure_settings_of_another_office_are_refused(tc):
    with pytest.raises(PermissionDenied):
        services.procedure_setting_save(
            actor=tc.users.leader, office=tc.org.office_b, branch_kind="urban_community", procedure="four_two"
        )
    assert not ProcedureSetting.objects.filter(office=tc.org.office_b).exists()
    services.procedure_setting_save(
        actor=tc.users.leader_b, office=tc.org.office_b, branch_kind="urban_community", procedure="four_two"
    )
    services.procedure_setting_save(
        actor=tc.users.leader, office=tc.org.office_a, branch_kind="urban_community", procedure="four_two"
    )
    assert ProcedureSetting.objects.filter(office__in=[tc.org.office_a, tc.org.office_b]).count() == 2


def test_a_deliberation_refuses_a_target_of_another_campaign(world):
    """The target decided on must be the one of the deliberation's campaign, not last year's or next year's."""
    from wuxing.campaigns.services import campaign_create

    tc = world.tc
    other = campaign_create(actor=SYSTEM, office=tc.org.office_a, year=2028, standard=tc.standard)
    with pytest.raises(ValidationError) as exc:
        services.deliberation_create(
            actor=tc.users.secretary, branch=tc.a1, subject="2028年目标", campaign=other, target=world.target
        )
    assert "其他创建活动" in str(exc.value)
    assert not Deliberation.objects.filter(campaign=other).exists()
    ok = services.deliberation_create(
        actor=tc.users.secretary, branch=tc.a1, subject="2027年目标", campaign=tc.campaign, target=world.target
    )
    assert ok.campaign == tc.campaign and ok.target == world.target


# ---------------------------------------------------------------------------------------------------------
# Checks found sound, pinned
# ---------------------------------------------------------------------------------------------------------


def test_a_measure_refuses_a_responsible_person_of_another_office_and_a_star_outside_the_target(world):
    tc = world.tc
    outsider = Person.objects.create(office=tc.org.office_b, name="乙干部", position="党建办主任", phone="13700001111")
    star = world.target.stars.order_by("position").first()
    with pytest.raises(ValidationError) as exc:
        services.measure_save(
            actor=tc.users.secretary, target=world.target, star=star, title="党员积分制", responsible=[outsider]
        )
    assert "responsible" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.measure_save(
            actor=tc.users.secretary,
            target=world.target,
            star=star,
            title="改写",
            measure=PlanMeasure.objects.create(
                target=world.targets["a2"], star=world.targets["a2"].stars.first(), title="别的支部"
            ),
        )
    untargeted = Star.objects.filter(standard=tc.standard, star_set="urban").first()
    with pytest.raises(ValidationError) as exc:
        services.measure_save(actor=tc.users.secretary, target=world.target, star=untargeted, title="社区共建")
    assert "star" in exc.value.message_dict
    assert set(PlanMeasure.objects.filter(target=world.target).values_list("pk", flat=True)) == {world.measure.pk}


def test_the_plan_page_offers_no_person_of_another_office(client, world):
    tc = world.tc
    outsider = Person.objects.create(office=tc.org.office_b, name="乙干部", position="党建办主任")
    client.force_login(tc.users.secretary)
    star = world.target.stars.order_by("position").first()
    client.post(
        reverse("targets:plan_measure_add", args=[world.target.pk]),
        {"star": star.pk, "title": "外来负责人", "responsible": [outsider.pk]},
    )
    assert not PlanMeasure.objects.filter(title="外来负责人").exists()


def test_an_application_refuses_stars_of_the_other_star_set_by_code_or_id(tc):
    urban = Star.objects.get(standard=tc.standard, star_set="urban", code="co_building")
    for stars in (["strong_branch", "co_building"], [str(urban.pk)], [urban]):
        with pytest.raises(ValidationError):
            services.target_submit(
                actor=tc.users.secretary, campaign=tc.campaign, branch=tc.a1, stars=stars, reason="试一试"
            )
    with pytest.raises(ValidationError):
        services.target_require_stars(
            actor=tc.users.leader, campaign=tc.campaign, branch=tc.a1, stars=["co_building_unknown"]
        )
    assert not tc.a1.targets.filter(stars__star_set="urban").exists()


def test_a_target_of_another_office_is_refused(tc):
    with pytest.raises(PermissionDenied):
        services.target_submit(
            actor=tc.users.leader_b, campaign=tc.campaign, branch=tc.a1, stars=["strong_branch"], reason="x"
        )
    with pytest.raises(ValidationError):
        services.target_require_stars(
            actor=tc.users.district, campaign=tc.campaign, branch=tc.b1, stars=["strong_branch"]
        )


def test_a_baseline_refuses_indicators_of_the_other_star_set(tc):
    urban = Indicator.objects.filter(star__standard=tc.standard, star__star_set="urban").first()
    with pytest.raises(ValidationError):
        services.baseline_save(
            actor=tc.users.secretary,
            campaign=tc.campaign,
            branch=tc.a1,
            surveyed_on=date(2026, 10, 1),
            ratings={urban.pk: "met"},
        )
    with pytest.raises(PermissionDenied):
        services.baseline_save(
            actor=tc.users.secretary, campaign=tc.campaign, branch=tc.a2, surveyed_on=date(2026, 10, 1), ratings={}
        )


def test_deliberations_stay_in_the_secretarys_branch(world):
    tc = world.tc
    with pytest.raises(PermissionDenied):
        services.deliberation_create(actor=tc.users.secretary, branch=tc.a2, subject="别的支部")
    with pytest.raises(ValidationError):
        services.deliberation_create(
            actor=tc.users.secretary, branch=tc.a1, subject="别的支部的目标", target=world.targets["a2"]
        )
    with pytest.raises(PermissionDenied):
        services.deliberation_close(actor=tc.users.secretary, deliberation=world.community)


@pytest.mark.parametrize("name", ["targets:step_attachment", "targets:baseline_evidence"])
def test_files_of_another_office_are_not_found(client, world, name):
    tc = world.tc
    pk = world.attachment.pk if name == "targets:step_attachment" else world.evidence.pk
    client.force_login(tc.users.leader_b)
    assert client.get(reverse(name, args=[pk])).status_code == 404
    client.force_login(tc.users.secretary)
    assert client.get(reverse(name, args=[pk])).status_code == 200


def test_public_notices_are_of_the_office_in_the_address_only(client, world):
    tc = world.tc
    url_a = reverse("targets_public:notice_detail", args=[tc.org.office_a.code, world.notice.pk])
    assert client.get(url_a).status_code == 200
    assert (
        client.get(reverse("targets_public:notice_detail", args=[tc.org.office_b.code, world.notice.pk])).status_code
        == 404
    )
    listing = client.get(reverse("targets_public:notice_list", args=[tc.org.office_b.code])).content.decode()
    assert "社区停车改造" not in listing
    # A step that is not a publication is never a public notice.
    assert (
        client.get(reverse("targets_public:notice_detail", args=[tc.org.office_a.code, world.step.pk])).status_code
        == 404
    )


def test_no_baseline_is_recorded_once_the_campaign_is_closed(org):
    """A closed campaign's baseline is kept as it was: neither ratings nor evidence change."""
    from datetime import date
    from pathlib import Path

    from django.core.exceptions import ValidationError

    from wuxing.campaigns.services import campaign_create, campaign_set_status
    from wuxing.standards.fileformat import standard_load
    from wuxing.targets.models import Baseline
    from wuxing.targets.services import baseline_save

    text = (Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml").read_text(
        encoding="utf-8"
    )
    campaign = campaign_create(
        actor=SYSTEM, office=org.office_a, year=2025, standard=standard_load(actor=SYSTEM, text=text)
    )
    campaign_set_status(actor=SYSTEM, campaign=campaign, status="closed")
    with pytest.raises(ValidationError) as caught:
        baseline_save(
            actor=SYSTEM, campaign=campaign, branch=org.branches["a1"], surveyed_on=date(2025, 3, 1), ratings={}
        )
    assert "已结束" in str(caught.value)
    assert not Baseline.objects.exists()
