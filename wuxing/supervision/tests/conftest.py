"""Fixtures of supervision: the test organisation with a running campaign, a scoring sheet, an observation, an
inspection with a finding and its rectification, an evaluation and a public report."""

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from wuxing.core.actors import SYSTEM

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


@pytest.fixture
def standard(db):
    from wuxing.standards.fileformat import standard_load

    return standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def campaign(org, standard):
    from wuxing.campaigns.services import campaign_create, campaign_set_status

    campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=timezone.localdate().year, standard=standard)
    return campaign_set_status(actor=SYSTEM, campaign=campaign, status="running")


@pytest.fixture
def users(org):
    from wuxing.testing import users_for

    return users_for(org)


@pytest.fixture
def sheet(org):
    from wuxing.supervision.services import sheet_create

    return sheet_create(
        actor=SYSTEM,
        office=org.office_a,
        name="观摩评分表",
        criteria=[
            {"text": "班子建设", "max_points": 10, "guidance": "看分工、看会议记录"},
            {"text": "阵地建设", "max_points": 10, "guidance": ""},
            {"text": "群众评价", "max_points": 20, "guidance": "随机访谈"},
        ],
    )


@pytest.fixture
def world(org, users, campaign, sheet):
    """An observation of a1, a2 by the leader, the staff and a1's secretary (who does not score a1); an inspection
    of a1 with a 查责任 finding and its rectification; a draft evaluation."""
    from wuxing.supervision import services

    today = timezone.localdate()
    observation = services.observation_create(
        actor=SYSTEM,
        campaign=campaign,
        title="五月观摩",
        held_on=today,
        sheet=sheet,
        branches=[org.branches["a2"], org.branches["a1"]],
        observers=[users.leader, users.staff, users.secretary],
    )
    inspection = services.inspection_create(
        actor=SYSTEM,
        campaign=campaign,
        mode="field_check",
        held_on=today,
        title="实地查验",
        inspectors=[org.leader_a, org.cadre_a1],
        branches=[org.branches["a1"], org.branches["a2"]],
    )
    finding = services.finding_record(
        actor=SYSTEM,
        inspection=inspection,
        branch=org.branches["a1"],
        category="responsibility",
        severity="high",
        description="台账不全，责任人不明确",
        responsible_person="张某",
        responsible_department=org.dept_a1,
    )
    rectification = services.rectification_create(
        actor=SYSTEM,
        finding=finding,
        task="补齐台账",
        due_on=today + datetime.timedelta(days=10),
        leader=org.leader_a,
    )
    evaluation = services.evaluation_create(
        actor=SYSTEM,
        campaign=campaign,
        quarter=(today.month - 1) // 3 + 1,
        title="第二季度评比",
        weights={"observation": 40, "checklist": 30, "punctuality": 10, "rectification": 10, "satisfaction": 10},
        top_n=1,
        bottom_n=1,
    )
    services.evaluation_compute(actor=SYSTEM, evaluation=evaluation)
    return SimpleNamespace(
        org=org,
        users=users,
        campaign=campaign,
        sheet=sheet,
        observation=observation,
        inspection=inspection,
        finding=finding,
        rectification=rectification,
        evaluation=evaluation,
    )


def card_of(observation, user, branch):
    from wuxing.supervision.models import ScoreCard

    return ScoreCard.objects.get(observation=observation, observer=user, branch=branch)


def full_marks(card, value=None) -> dict:
    return {c.pk: (value if value is not None else c.max_points) for c in card.observation.sheet.criteria.all()}


@pytest.fixture(autouse=True)
def _chinese():
    """Messages in Chinese, as the pages show them."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield
