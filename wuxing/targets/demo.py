"""This app's part of the demo office, loaded by wuxing.portal.demo after the organisation and campaigns, before the
deliberations and the plans built on its targets.

Late November 2026: the 2025 campaign is closed with its targets on record; every 2026 target is confirmed; the
2027 campaign is in preparation — most applications agreed, a few still being deliberated, one returned, so
confirming it is still refused. Everything goes through the services with actor=DEMO. Deterministic: one seeded
random.Random.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.org.demo import person_name
from wuxing.org.models import Branch, User
from wuxing.standards.models import Indicator, Star

from . import services
from .choices import RoundAction
from .models import Target, TargetRound

# 2025: the targets confirmed last year (quotas 4★4 3★6 2★4).
TARGETS_2025 = {
    "001": 4,
    "008": 4,
    "002": 4,
    "009": 4,
    "003": 3,
    "005": 3,
    "007": 3,
    "011": 3,
    "013": 3,
    "012": 3,
    "004": 2,
    "006": 2,
    "010": 2,
    "014": 2,
}
# 2026: quotas 5★2 4★7 3★5 — every branch one star above last year's rating.
TARGETS_2026 = {
    "001": 5,
    "008": 5,
    "002": 4,
    "003": 4,
    "005": 4,
    "007": 4,
    "009": 4,
    "011": 4,
    "013": 4,
    "004": 3,
    "006": 3,
    "010": 3,
    "012": 3,
    "014": 3,
}
# 2027: quotas 5★4 4★7 3★3.
AGREED_2027 = {"001": 5, "002": 5, "003": 4, "004": 4, "005": 4, "009": 4, "012": 4, "013": 4}
DRAFT_2027 = {"006": 4, "007": 5, "010": 4}  # deliberation under way, application not sent yet
SUBMITTED_2027 = {"014": 4}
RETURNED_2027 = ("011", 4, 3, "基础仍较薄弱，建议先巩固“三星”，明年再冲“四星”。")

REASONS = [
    "去年创建基础扎实，班子团结有力，群众支持度高。",
    "产业和集体经济增长明显，具备冲刺更高星级的条件。",
    "人居环境整治成效明显，“三零”创建连续保持。",
    "对照标准逐项摸排，短板可在年内补齐。",
]


def _stars(standard, branch, level):
    return list(Star.objects.filter(standard=standard, star_set=branch.star_set).order_by("position")[:level])


def _campaign(office, year):
    return Campaign.objects.get(office=office, year=year)


def _baseline(campaign, branch, target_level, rng, surveyed_on):
    """Ratings that make the target realistic: the targeted stars mostly met, the rest further away."""
    ratings = {}
    for indicator in Indicator.objects.filter(
        star__standard=campaign.standard, star__star_set=branch.star_set
    ).select_related("star"):
        position = indicator.star.position
        if position <= target_level - 1:
            rating = "met" if rng.random() < 0.85 else "near"
        elif position == target_level:
            rating = "met" if rng.random() < 0.55 else "near"
        else:
            rating = rng.choice(["near", "far", "far"])
        ratings[indicator.pk] = (rating, "")
    return services.baseline_save(
        actor=DEMO,
        campaign=campaign,
        branch=branch,
        surveyed_on=surveyed_on,
        ratings=ratings,
        branch_consulted=True,
        note="对照创建标准逐项摸排，已征求支部意见。",
    )


def load(*, office, say):
    """Add demo data for `office`; `say` prints a progress line."""
    rng = random.Random(20261126)
    branches = {b.code[-3:]: b for b in Branch.objects.filter(office=office).select_related("secretary")}

    say("      2025年度（已结束）：")
    c2025 = _campaign(office, 2025)
    for suffix, level in TARGETS_2025.items():
        branch = branches[suffix]
        services.target_record_past(
            actor=DEMO,
            campaign=c2025,
            branch=branch,
            stars=_stars(c2025.standard, branch, level),
            reason=rng.choice(REASONS),
            note="据2025年度纸质目标责任书补录",
        )
    say(f"        {len(TARGETS_2025)} 个目标已确认")

    say("      2026年度：对表摸排、申领、审核与确认")
    c2026 = _campaign(office, 2026)
    for i, (suffix, level) in enumerate(sorted(TARGETS_2026.items())):
        branch = branches[suffix]
        _baseline(c2026, branch, level, rng, date(2026, 1, 8 + i % 5))
        stars = _stars(c2026.standard, branch, level)
        target = services.target_save_draft(
            actor=DEMO, campaign=c2026, branch=branch, stars=stars, reason=rng.choice(REASONS)
        )
        services.target_submit(actor=DEMO, campaign=c2026, branch=branch, stars=stars, reason=target.reason)
        services.target_agree(actor=DEMO, target=target)
    confirmed = services.targets_confirm(actor=DEMO, campaign=c2026)
    say(f"        {confirmed} 个目标已确认")

    say("      2027年度（筹备中）：申领、协商与退回")
    c2027 = _campaign(office, 2027)
    for i, suffix in enumerate(sorted(branches)):
        branch = branches[suffix]
        level = {**AGREED_2027, **DRAFT_2027, **SUBMITTED_2027}.get(suffix, 4)
        _baseline(c2027, branch, level, rng, date(2026, 11, 3 + i % 5))
    for suffix, level in sorted({**AGREED_2027, **DRAFT_2027, **SUBMITTED_2027}.items()):
        branch = branches[suffix]
        stars = _stars(c2027.standard, branch, level)
        target = services.target_save_draft(
            actor=DEMO, campaign=c2027, branch=branch, stars=stars, reason=rng.choice(REASONS)
        )
        if suffix in AGREED_2027 or suffix in SUBMITTED_2027:
            services.target_submit(actor=DEMO, campaign=c2027, branch=branch, stars=stars, reason=target.reason)
        if suffix in AGREED_2027:
            services.target_agree(actor=DEMO, target=target)
    suffix, applied, adjusted, why = RETURNED_2027
    branch = branches[suffix]
    target = services.target_submit(
        actor=DEMO,
        campaign=c2027,
        branch=branch,
        stars=_stars(c2027.standard, branch, applied),
        reason="群众要求高，争创四星。",
    )
    services.target_return(actor=DEMO, target=target, reason=why, stars=_stars(c2027.standard, branch, adjusted))
    problems = services.confirm_problems(c2027)
    # The fifth still in procedure is 柳营村, whose deliberation the deliberations app opens before it applies.
    say(
        f"        已同意 {len(AGREED_2027)} 个，程序进行中 {len(DRAFT_2027) + len(SUBMITTED_2027) + 1} 个，退回 1 个；确认尚不满足：{len(problems)} 项"
    )


# The 2026 targets were confirmed at the 党工委 meeting before the letters were signed (plans.demo.SIGNING_2026).
CONFIRMED_2026 = date(2026, 3, 10)
OFFICE_STAFF = "D01.2"  # the 创建办 cadre who reviews the applications (the demo-staff account)
OFFICE_LEADER = "party_secretary"  # the 党工委书记 (the demo-leader account)


def _working_day(day: date, after: int) -> date:
    """The `after`-th working day (Monday–Friday) after `day`."""
    while after > 0:
        day += timedelta(days=1)
        after -= day.weekday() < 5
    return day


def _person(office, name):
    """(account or None, name) of the office's person called `name`."""
    user = User.objects.filter(person__office=office, person__name=name).select_related("person").first()
    return user, (user.display_name if user else name)


def date_the_2026_targets(*, office, resolutions: dict[int, date]):
    """Give the 2026 targets and their rounds the days they really happened and the people who did them.

    The services stamp the moment of loading and the system: here each branch applies (its secretary) two working
    days after its deliberation published the resolution (`resolutions`: target id → that day), the office's staff
    agrees three working days later and the office leader confirms them all on CONFIRMED_2026, before the letters.
    """
    campaign = _campaign(office, 2026)
    return date_targets(campaign=campaign, resolutions=resolutions, confirmed_on=CONFIRMED_2026)


# Last year's targets were agreed on paper and recorded afterwards: applied for in February, confirmed in March.
CONFIRMED_2025 = date(2025, 3, 7)


def date_targets(*, campaign, resolutions: dict[int, date], confirmed_on: date | None, latest=None):
    """Date `campaign`'s targets and their rounds as they happened, by the people who took each step.

    A branch applies (its secretary) two working days after its deliberation published the resolution (else two
    weeks before `confirmed_on`, or three weeks before the load for a year still in preparation), the office's
    staff agrees or returns it three working days later, and the office leader confirms them all on `confirmed_on`.
    Nothing is dated after `latest` (default: now). Returns the number of targets dated.
    """
    office = campaign.office
    latest = latest or timezone.now()
    today = timezone.localtime(latest).date()
    staff = _person(office, person_name(OFFICE_STAFF))
    leader = _person(office, person_name(OFFICE_LEADER))
    targets = list(Target.objects.filter(campaign=campaign).select_related("branch__secretary"))
    secretaries = {u.person_id: u for u in User.objects.filter(person__in=[t.branch.secretary_id for t in targets])}
    fallback = confirmed_on - timedelta(days=14) if confirmed_on else today - timedelta(days=21)
    rounds, changed = [], []
    for number, target in enumerate(targets):
        resolved = resolutions.get(target.pk, fallback)
        submitted = min(_working_day(resolved, 2), today)
        agreed = min(_working_day(submitted, 3), (confirmed_on or today) - timedelta(days=1))
        agreed = max(agreed, submitted)
        secretary = secretaries.get(target.branch.secretary_id)
        applicant = secretary, secretary.display_name if secretary else target.branch.secretary.name
        who = {
            RoundAction.SUBMIT: applicant,
            RoundAction.AGREE: staff,
            RoundAction.RETURN: staff,
            RoundAction.CONFIRM: leader,
        }
        when = {
            RoundAction.SUBMIT: datetime.combine(submitted, time(9, 10 + number % 40)),
            RoundAction.AGREE: datetime.combine(agreed, time(10, 5 + number % 50)),
            RoundAction.RETURN: datetime.combine(agreed, time(10, 5 + number % 50)),
            RoundAction.CONFIRM: datetime.combine(confirmed_on or today, time(16, 30)),
        }
        moments = {action: min(timezone.make_aware(moment), latest) for action, moment in when.items()}
        if target.submitted_at:
            target.submitted_at = moments[RoundAction.SUBMIT]
        target.agreed_at = moments[RoundAction.AGREE] if target.agreed_at else None
        target.confirmed_at = moments[RoundAction.CONFIRM] if target.confirmed_at else None
        target.updated_at = max(
            filter(None, [target.submitted_at, target.agreed_at, target.confirmed_at]), default=None
        )
        if target.updated_at is None:  # a draft: saved the day before the load
            target.updated_at = min(timezone.make_aware(datetime.combine(today, time(9))), latest) - timedelta(days=1)
        changed.append(target)
        for one in TargetRound.objects.filter(target=target, action__in=list(when)):
            one.at = moments[one.action]
            one.actor, one.actor_name = who[one.action]
            rounds.append(one)
    Target.objects.bulk_update(changed, ["submitted_at", "agreed_at", "confirmed_at", "updated_at"])
    TargetRound.objects.bulk_update(rounds, ["at", "actor", "actor_name"])
    return len(changed)


from .demo_neighbours import load_neighbours  # noqa: E402  (the neighbours' targets reuse this module's helpers)

STEPS = [("党支部申领目标", load), ("同区另两个街道（镇）的目标", load_neighbours)]
