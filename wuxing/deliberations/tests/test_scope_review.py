"""Data scope and input safety of the deliberations app: every write refuses objects of another office, campaign or
branch; every read (pages, files, public notices) stays within the user's scope or office."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.deliberations import services
from wuxing.deliberations.models import Deliberation, ProcedureSetting


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


@pytest.mark.parametrize("name", ["deliberations:step_attachment", "targets:baseline_evidence"])
def test_files_of_another_office_are_not_found(client, world, name):
    tc = world.tc
    pk = world.attachment.pk if name == "deliberations:step_attachment" else world.evidence.pk
    client.force_login(tc.users.leader_b)
    assert client.get(reverse(name, args=[pk])).status_code == 404
    client.force_login(tc.users.secretary)
    assert client.get(reverse(name, args=[pk])).status_code == 200


def test_public_notices_are_of_the_office_in_the_address_only(client, world):
    tc = world.tc
    url_a = reverse("deliberations_public:notice_detail", args=[tc.org.office_a.code, world.notice.pk])
    assert client.get(url_a).status_code == 200
    assert (
        client.get(
            reverse("deliberations_public:notice_detail", args=[tc.org.office_b.code, world.notice.pk])
        ).status_code
        == 404
    )
    listing = client.get(reverse("deliberations_public:notice_list", args=[tc.org.office_b.code])).content.decode()
    assert "社区停车改造" not in listing
    # A step that is not a publication is never a public notice.
    assert (
        client.get(
            reverse("deliberations_public:notice_detail", args=[tc.org.office_a.code, world.step.pk])
        ).status_code
        == 404
    )
