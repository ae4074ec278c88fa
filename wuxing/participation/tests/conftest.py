"""Fixtures of residents' issues: the test organisation with a running campaign, the office's categories, and an
issue in each state."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg

PHONE = "13712345678"


def photo(label="现场"):
    return as_upload(sample_jpeg(label), "photo.jpg", "image/jpeg")


@pytest.fixture
def campaign(org):
    from pathlib import Path

    from wuxing.campaigns.services import campaign_create, campaign_set_status
    from wuxing.standards.fileformat import standard_load

    example = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"
    standard = standard_load(actor=SYSTEM, text=example.read_text(encoding="utf-8"))
    campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=timezone.localdate().year, standard=standard)
    return campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")


@pytest.fixture
def users(org):
    from wuxing.testing import users_for

    return users_for(org)


def submit(org, *, branch="a1", category="environment", text="路灯坏了", address="10.0.0.1", phone=PHONE, photos=()):
    from wuxing.participation import services

    cats = {c.code: c for c in services.ensure_categories(org.office_a)}
    return services.issue_submit(
        office=org.office_a,
        category=cats[category],
        branch=org.branches[branch],
        description=text,
        address=address,
        phone=phone,
        photos=photos,
    )


@pytest.fixture
def world(org, users, campaign):
    """Issues of office A: received (with a photo), dispatched, answered, closed, rejected."""
    from wuxing.participation import services

    received = submit(org, text="垃圾没人清运", photos=[photo()])
    dispatched = submit(org, branch="a2", text="井盖缺失", address="10.0.0.2")
    services.issue_triage(actor=SYSTEM, issue=dispatched, decision="accept")
    answered = submit(org, text="路灯不亮", address="10.0.0.3")
    services.issue_triage(actor=SYSTEM, issue=answered, decision="accept")
    services.issue_answer(actor=SYSTEM, issue=answered, answer="已更换灯泡", photos=[photo("已修")])
    closed = submit(org, text="排水沟堵塞", address="10.0.0.4")
    services.issue_triage(actor=SYSTEM, issue=closed, decision="accept", department=org.dept_a1)
    services.issue_answer(actor=SYSTEM, issue=closed, answer="已疏通")
    services.issue_confirm(office=org.office_a, code=closed.tracking_code, satisfied=True)
    rejected = submit(org, text="广告", address="10.0.0.5")
    services.issue_triage(actor=SYSTEM, issue=rejected, decision="reject", reason="不属于受理范围")
    for issue in (received, dispatched, answered, closed, rejected):
        issue.refresh_from_db()
    return SimpleNamespace(
        org=org,
        users=users,
        campaign=campaign,
        received=received,
        dispatched=dispatched,
        answered=answered,
        closed=closed,
        rejected=rejected,
        photo=received.photos.get(),
        handling_photo=answered.photos.get(),
    )
