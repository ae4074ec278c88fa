"""Fixtures of target setting: a campaign of office A on the example standard, with users of every role, and a world
of confirmed targets with their plan, letter, baseline and deliberations.

The deliberations and plans apps build on these targets; their tests take the same fixtures (their conftest imports
them from here)."""

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from wuxing.campaigns.services import campaign_create, campaign_set_quotas
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.deliberations import services as deliberation_services
from wuxing.deliberations.choices import MeetingForm, Step
from wuxing.plans import services as plan_services
from wuxing.standards.fileformat import standard_load
from wuxing.standards.models import Indicator, Star
from wuxing.targets import services
from wuxing.testing import users_for

EXAMPLE = Path(__file__).resolve().parents[2] / "standards" / "data" / "example-standard.yaml"


@pytest.fixture
def standard(db):
    return standard_load(actor=SYSTEM, text=EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def tc(org, standard):
    """office A (a1 rural 一肩挑 off, a2 urban, a3 resettlement) with a 2027 campaign, quotas 4★1 3★1 2★1."""
    users = users_for(org)
    campaign = campaign_create(actor=SYSTEM, office=org.office_a, year=2027, standard=standard)
    campaign_set_quotas(actor=SYSTEM, campaign=campaign, quotas={4: 1, 3: 1, 2: 1})

    def stars(star_set, *codes):
        qs = Star.objects.filter(standard=standard, star_set=star_set)
        by_code = {s.code: s for s in qs}
        return [by_code[c] for c in codes]

    return SimpleNamespace(
        org=org,
        users=users,
        campaign=campaign,
        standard=standard,
        stars=stars,
        a1=org.branches["a1"],
        a2=org.branches["a2"],
        a3=org.branches["a3"],
        b1=org.branches["b1"],
        today=date(2026, 11, 20),
    )


@pytest.fixture
def world(tc):
    """tc with confirmed targets (a1 4★, a2 3★, a3 2★), a letter, a plan, a baseline with evidence, deliberations."""

    sets = {
        "rural": ["strong_branch", "industry", "eco_livable", "safety_rule_of_law"],
        "urban": ["strong_branch", "co_building", "business_friendly"],
    }
    targets = {}
    for key, branch, level in [("a1", tc.a1, 4), ("a2", tc.a2, 3), ("a3", tc.a3, 2)]:
        target = services.target_submit(
            actor=SYSTEM,
            campaign=tc.campaign,
            branch=branch,
            stars=tc.stars(branch.star_set, *sets[branch.star_set][:level]),
            reason="基础较好",
        )
        services.target_agree(actor=SYSTEM, target=target)
        targets[key] = target
    services.targets_confirm(actor=SYSTEM, campaign=tc.campaign)
    a1 = targets["a1"]
    a1.refresh_from_db()
    measure = plan_services.measure_save(
        actor=SYSTEM,
        target=a1,
        star=a1.stars.order_by("position").first(),
        title="规范组织生活",
        responsible=[tc.org.secretary_a1],
    )
    milestone = plan_services.milestone_add(
        actor=SYSTEM, measure=measure, title="完成党员积分制管理", due_on=date(2027, 6, 30)
    )
    pledge = plan_services.pledge_generate(actor=SYSTEM, target=a1)
    indicators = list(
        Indicator.objects.filter(star__standard=tc.standard, star__star_set="rural").order_by(
            "star__position", "position"
        )
    )
    baseline = services.baseline_save(
        actor=SYSTEM,
        campaign=tc.campaign,
        branch=tc.a1,
        surveyed_on=date(2026, 10, 8),
        ratings={i.pk: "met" for i in indicators[:6]},
    )
    (evidence,) = services.baseline_add_evidence(
        actor=SYSTEM,
        entry=baseline.entries.first(),
        uploads=[as_upload(sample_jpeg("台账"), "ledger.jpg", "image/jpeg")],
    )
    deliberation = deliberation_services.deliberation_create(
        actor=SYSTEM, branch=tc.a1, subject="2027年创星目标", target=a1
    )
    step = deliberation_services.step_record(
        actor=SYSTEM,
        deliberation=deliberation,
        step=Step.PROPOSE,
        held_on=date(2026, 11, 2),
        chair="甲一书记",
        attachments=[as_upload(sample_jpeg("会议"), "minutes.jpg", "image/jpeg")],
    )
    community = deliberation_services.deliberation_create(
        actor=SYSTEM, branch=tc.a2, subject="社区停车改造", matter="project"
    )
    for i, s in enumerate([Step.SOLICIT_OPINIONS, Step.PROPOSE, Step.COMMITTEES_CONSULT]):
        deliberation_services.step_record(actor=SYSTEM, deliberation=community, step=s, held_on=date(2026, 11, 1 + i))
    deliberation_services.step_record(
        actor=SYSTEM,
        deliberation=community,
        step=Step.RESIDENTS_RESOLVE,
        held_on=date(2026, 11, 5),
        meeting_form=MeetingForm.REPRESENTATIVES,
        should_attend=25,
        attended=20,
        yes=18,
        no=1,
        abstain=1,
    )
    notice = deliberation_services.step_record(
        actor=SYSTEM,
        deliberation=community,
        step=Step.RESOLUTION_PUBLISHED,
        held_on=date(2026, 11, 6),
        minutes="经居民代表会议表决通过，实施停车位改造。",
    )
    return SimpleNamespace(
        tc=tc,
        targets=targets,
        target=a1,
        measure=measure,
        milestone=milestone,
        pledge=pledge,
        baseline=baseline,
        evidence=evidence,
        deliberation=deliberation,
        step=step,
        attachment=step.attachments.first(),
        community=community,
        notice=notice,
    )
