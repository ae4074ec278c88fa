"""Fixtures of the rating tests: the test organisation, the example standard, a running 2026 campaign of office A,
a check-in with evidence, and district department reviewers."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from wuxing.core.actors import SYSTEM

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


@pytest.fixture
def world(org):
    from wuxing.campaigns.services import campaign_create, campaign_set_status
    from wuxing.checklists.services import checkin_record, item_create
    from wuxing.core.roles import Role
    from wuxing.core.uploads import as_upload, sample_jpeg
    from wuxing.rating.services import department_reviewer_add, rating_open
    from wuxing.standards.fileformat import standard_load
    from wuxing.standards.models import Indicator, Star
    from wuxing.testing import make_user, users_for

    standard = standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))
    campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=2026, standard=standard)
    campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")
    campaign_b = campaign_create(actor=SYSTEM, office=org.office_b, year=2026, standard=standard)
    campaign_set_status(actor=SYSTEM, campaign=campaign_b, status="running")
    users = users_for(org)
    users.dept_org = make_user("t-dept-org", Role.REVIEWER, unit=org.district)
    users.dept_law = make_user("t-dept-law", Role.REVIEWER, unit=org.district)
    users.district_staff = make_user("t-district-staff", Role.CAMPAIGN_STAFF, unit=org.district)
    department_reviewer_add(actor=SYSTEM, user=users.dept_org, unit=org.district, department="区委组织部")
    department_reviewer_add(actor=SYSTEM, user=users.dept_law, unit=org.district, department="区委政法委")
    stars = {(s.star_set, s.code): s for s in Star.objects.filter(standard=standard)}
    branch = org.branches["a1"]
    indicator = Indicator.objects.get(star=stars[("rural", "strong_branch")], code="r_sb_meetings")
    item = item_create(
        actor=SYSTEM,
        branch=branch,
        campaign=campaign,
        star=stars[("rural", "strong_branch")],
        indicator=indicator,
        title="召开党员大会",
        kind="quantitative",
        target_value=4,
        start_value=0,
        start_date=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 12, 31),
    )
    checkin = checkin_record(
        actor=SYSTEM,
        item=item,
        value=4,
        effective_on=datetime.date(2026, 6, 1),
        evidence=[as_upload(sample_jpeg("党员大会"), "meeting.jpg", "image/jpeg")],
    )
    rating = rating_open(actor=SYSTEM, campaign=campaign, branch=branch)
    return SimpleNamespace(
        org=org,
        users=users,
        standard=standard,
        campaign=campaign,
        campaign_b=campaign_b,
        stars=stars,
        branch=branch,
        item=item,
        evidence=checkin.evidence.get(),
        rating=rating,
    )


def star_of(rating, code):
    return rating.stars.select_related("star").get(star__code=code)
