"""Fixtures of the assignments app: the test organisation with a running campaign and its assignments."""

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
def assignments(org, campaign):
    """Every active 联系分包 of office A taken into the campaign: a1/A1, a2/A1, a3/A2, a3/leader."""
    from wuxing.liaison.services import campaign_assignments_sync

    rows = campaign_assignments_sync(actor=SYSTEM, campaign=campaign)
    return {
        (r.assignment.branch.code, r.assignment.department.code if r.assignment.department_id else "leader"): r
        for r in rows
    }
