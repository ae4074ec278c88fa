"""Fixtures of the targets app: a campaign of office A on the example standard, with users of every role."""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from wuxing.campaigns.services import campaign_create, campaign_set_quotas
from wuxing.standards.fileformat import standard_load
from wuxing.standards.models import Star
from wuxing.testing import users_for

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


@pytest.fixture
def standard(db):
    return standard_load(actor=None, text=EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def tc(org, standard):
    """office A (a1 rural 一肩挑 off, a2 urban, a3 resettlement) with a 2027 campaign, quotas 4★1 3★1 2★1."""
    users = users_for(org)
    campaign = campaign_create(actor=None, office=org.office_a, year=2027, standard=standard)
    campaign_set_quotas(actor=None, campaign=campaign, quotas={4: 1, 3: 1, 2: 1})

    def stars(star_set, *codes):
        qs = Star.objects.filter(standard=standard, star_set=star_set)
        by_code = {s.code: s for s in qs}
        return [by_code[c] for c in codes]

    return SimpleNamespace(
        org=org, users=users, campaign=campaign, standard=standard, stars=stars,
        a1=org.branches["a1"], a2=org.branches["a2"], a3=org.branches["a3"], b1=org.branches["b1"], today=date(2026, 11, 20),
    )
