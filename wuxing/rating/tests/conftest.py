"""Fixtures of the rating tests: the test organisation, the example standard, a running 2026 campaign of office A,
a check-in with evidence, and district department reviewers."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from wuxing.core.actors import SYSTEM

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"
# The 两委 decision the example standard asks for on 支部过硬 and 产业兴旺 (rural) and 支部过硬 (urban).
COMMITTEE = {"committee_decided_on": datetime.date(2026, 9, 1), "committee_attendance": 7}


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


def push_to_publicity(world, rating, codes=("strong_branch",), start=None):
    """Claim, submit and pass both reviews for `codes` of `rating`, then start its publicity."""
    from wuxing.rating import services
    from wuxing.rating.choices import Decision, Step

    for code in codes:
        services.star_self_evaluate(actor=SYSTEM, rating_star=star_of(rating, code), claimed=True, statement="达到标准")
    services.rating_submit(actor=SYSTEM, rating=rating, **COMMITTEE)
    for code in codes:
        for step in (Step.OFFICE_REVIEW, Step.DISTRICT_REVIEW):
            services.star_review(actor=SYSTEM, rating_star=star_of(rating, code), step=step, decision=Decision.PASS)
    return services.rating_publicity_start(actor=SYSTEM, rating=rating, start=start)


@pytest.fixture
def full(world):
    """`world` plus: a1's rating in publicity with an open objection, a3 named, and a veto event of a2."""
    from wuxing.core.uploads import as_upload, sample_jpeg
    from wuxing.rating import services

    push_to_publicity(world, world.rating)
    world.rating.refresh_from_db()
    world.objection = services.objection_submit(
        rating=world.rating,
        text="会议次数不实",
        contact="13800001234",
        rating_star=star_of(world.rating, "strong_branch"),
    )
    named = services.rating_open(actor=SYSTEM, campaign=world.campaign, branch=world.org.branches["a3"])
    push_to_publicity(world, named, start=datetime.date(2026, 9, 30))
    world.named = services.rating_name(actor=SYSTEM, rating=named, today=datetime.date(2026, 10, 13))
    world.veto = services.veto_record(
        actor=SYSTEM,
        campaign=world.campaign,
        branch=world.org.branches["a2"],
        indicator_code="u_sf_zero_case",
        occurred_on=datetime.date(2026, 3, 1),
        description="发生刑事案件",
        evidence=as_upload(sample_jpeg("案件"), "case.jpg", "image/jpeg"),
    )
    return world
