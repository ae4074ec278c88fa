"""Fixtures of the check-in list tests: the small test organisation with the example standard and a campaign."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from wuxing.core.actors import SYSTEM

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


@pytest.fixture
def world(org):
    from wuxing.campaigns.services import campaign_create, campaign_set_status
    from wuxing.standards.fileformat import standard_load
    from wuxing.standards.models import Star
    from wuxing.testing import users_for

    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=timezone.localdate().year, standard=standard)
    campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")
    campaign_b = campaign_create(actor=SYSTEM, office=org.office_b, year=timezone.localdate().year, standard=standard)
    campaign_set_status(actor=SYSTEM, campaign=campaign_b, status="running")
    stars = {(s.star_set, s.code): s for s in Star.objects.filter(standard=standard)}
    return SimpleNamespace(
        org=org, users=users_for(org), standard=standard, campaign=campaign, campaign_b=campaign_b, stars=stars
    )


@pytest.fixture
def make_item(world):
    from wuxing.checklists.services import item_create

    def _make(
        branch_code="a1",
        *,
        star="strong_branch",
        title="召开党员大会",
        kind="quantitative",
        target=4,
        start=0,
        weight=1,
        **fields,
    ):
        branch = world.org.branches[branch_code]
        campaign = world.campaign if branch.office_id == world.org.office_a.pk else world.campaign_b
        return item_create(
            actor=SYSTEM,
            branch=branch,
            campaign=campaign,
            star=world.stars[(branch.star_set, star)],
            title=title,
            kind=kind,
            target_value=target if kind == "quantitative" else None,
            start_value=start,
            weight=weight,
            **fields,
        )

    return _make


@pytest.fixture
def board_items(world, make_item):
    """Two items with a first figure on one (a1: 40%): what the boards' cache tests change."""
    from wuxing.checklists import services

    a1 = make_item("a1", target=10)
    make_item("a3", target=4)
    services.checkin_record(actor=SYSTEM, item=a1, value=4)
    return {"a1": a1}
