"""Fixtures of the demonstration sites: the test organisation with a running campaign and a site."""

from pathlib import Path

import pytest

from wuxing.core.actors import SYSTEM

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


@pytest.fixture
def standard(db):
    from wuxing.standards.fileformat import standard_load

    return standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def campaign(org, standard):
    from wuxing.campaigns.services import campaign_create, campaign_set_status

    campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=2026, standard=standard)
    return campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")


@pytest.fixture
def users(org):
    from wuxing.testing import users_for

    return users_for(org)


@pytest.fixture
def site(org, campaign):
    """甲二社区 (a2) claimed by the office's party secretary."""
    import datetime

    from wuxing.showcase.services import site_claim

    return site_claim(
        actor=SYSTEM,
        campaign=campaign,
        branch=org.branches["a2"],
        leader=org.leader_a,
        feature="红色物业·邻里共治",
        plan="一社区一特色",
        claimed_on=datetime.date(2026, 3, 1),
    )


@pytest.fixture
def kinds(org, site):
    from wuxing.showcase.models import ProjectKind

    return {k.code: k for k in ProjectKind.objects.filter(office=org.office_a)}
