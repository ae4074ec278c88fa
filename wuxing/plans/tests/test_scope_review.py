"""Data scope and input safety of the plans app: a letter is signed by its own branch and office only; a plan names
no one of another office and serves only the target's stars."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.org.models import Person
from wuxing.plans import services
from wuxing.plans.choices import PledgeStatus
from wuxing.plans.models import PlanMeasure
from wuxing.standards.models import Star


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
    page = client.get(reverse("plans:pledge_detail", args=[world.pledge.pk]))
    assert page.status_code == 200 and not page.context["sides"]
    assert client.post(reverse("plans:pledge_confirm", args=[world.pledge.pk]), {"side": "leader"}).status_code == 403
    world.pledge.refresh_from_db()
    assert world.pledge.leader_confirmed_at is None


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
        reverse("plans:plan_measure_add", args=[world.target.pk]),
        {"star": star.pk, "title": "外来负责人", "responsible": [outsider.pk]},
    )
    assert not PlanMeasure.objects.filter(title="外来负责人").exists()
