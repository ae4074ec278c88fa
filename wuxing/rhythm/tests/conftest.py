"""Fixtures of the rhythm tests: the test organisation with a running 2026 campaign, its users, a frozen clock."""

import contextlib
import datetime
from pathlib import Path
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from wuxing.core.actors import SYSTEM

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A working Wednesday of the campaign year.
WORKDAY = datetime.date(2026, 11, 25)


@contextlib.contextmanager
def frozen(moment: datetime.datetime):
    """Django's clock (timezone.now, and so localtime/localdate and auto_now) stopped at `moment` (Shanghai time
    when naive)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(datetime.UTC)):
        yield


@pytest.fixture
def clock():
    return frozen


@pytest.fixture
def world(org):
    from wuxing.campaigns.services import campaign_create, campaign_set_status
    from wuxing.standards.fileformat import standard_load
    from wuxing.standards.models import Star
    from wuxing.testing import users_for

    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=2026, standard=standard)
    campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")
    campaign_b = campaign_create(actor=SYSTEM, office=org.office_b, year=2026, standard=standard)
    campaign_set_status(actor=SYSTEM, campaign=campaign_b, status="running")
    stars = {(s.star_set, s.code): s for s in Star.objects.filter(standard=standard)}
    return SimpleNamespace(
        org=org, users=users_for(org), standard=standard, campaign=campaign, campaign_b=campaign_b, stars=stars
    )


@pytest.fixture
def submit(world):
    """The secretary of a1 submits a report of `day` at `at` (local time)."""
    from wuxing.rhythm.services import report_submit

    def _submit(day=WORKDAY, at=datetime.time(17, 0), *, user=None, branch="a1", **fields):
        fields.setdefault("progress", "走访群众三户")
        with frozen(datetime.datetime.combine(day, at)):
            return report_submit(
                actor=user or world.users.secretary, branch=world.org.branches[branch], day=day, **fields
            )

    return _submit
