"""Data scope and input safety of the targets app: every write refuses objects of another office, campaign, branch or
star set; every read (pages, files) stays within the user's scope."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.standards.models import Indicator, Star
from wuxing.targets import services


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


@pytest.mark.parametrize("name", ["deliberations:step_attachment", "targets:baseline_evidence"])
def test_files_of_another_office_are_not_found(client, world, name):
    tc = world.tc
    pk = world.attachment.pk if name == "deliberations:step_attachment" else world.evidence.pk
    client.force_login(tc.users.leader_b)
    assert client.get(reverse(name, args=[pk])).status_code == 404
    client.force_login(tc.users.secretary)
    assert client.get(reverse(name, args=[pk])).status_code == 200


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
