"""The campaign a page is about: the one asked for when in scope, else the user's current one."""

from pathlib import Path

import pytest
from django.http import Http404

from wuxing.campaigns.selectors import campaign_for
from wuxing.campaigns.services import campaign_create, campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.standards.fileformat import standard_load
from wuxing.testing import users_for

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


@pytest.mark.django_db
def test_campaign_for(org):
    users = users_for(org)
    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    running = campaign_set_status(
        actor=SYSTEM,
        campaign=campaign_create(actor=SYSTEM, office=org.office_a, year=2026, standard=standard),
        status="running",
    )
    upcoming = campaign_create(actor=SYSTEM, office=org.office_a, year=2027, standard=standard)
    other = campaign_create(actor=SYSTEM, office=org.office_b, year=2026, standard=standard)
    assert campaign_for(user=users.leader, params={}) == running
    assert campaign_for(user=users.leader, params={"campaign": str(upcoming.pk)}) == upcoming
    for bad in (str(other.pk), "abc", "999999"):
        with pytest.raises(Http404):
            campaign_for(user=users.leader, params={"campaign": bad})
    assert campaign_for(user=users.nobody, params={}) is None
