"""This app's part of the demo office, loaded by wuxing.portal.demo after the targets: how each target was decided.

Every confirmed 2026 target went through 四议两公开 (villages) or 一征三议两公开 (communities) to the publication of
its result; a village's use of collective funds was decided and published the same way. For 2027 the agreed
targets have their resolution published, the others are mid-procedure, and 柳营村 has just opened its
deliberation (the secretary records the next step in the walkthrough). Everything goes through the services with
actor=DEMO. Deterministic: which proposals were merged (一肩挑) and where each procedure stops are data below; the
attendance, the votes and the days between steps come from one seeded random.Random.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.org.models import Branch, User
from wuxing.targets.selectors import target_summaries

from . import rules, services
from .choices import MatterKind, MeetingForm, Step
from .models import Deliberation, DeliberationStep

# Branches (code suffix) whose secretary chairs the committee (一肩挑) and merged the proposal with the two
# committees' consultation, by campaign year.
MERGED = {2026: {"002", "004", "006", "009", "010", "012", "013", "014"}, 2027: {"004", "009", "013", "014"}}
# 2027 applications not yet agreed: the step each branch's deliberation has reached (not yet recorded).
UNTIL_2027 = {
    "006": Step.RESIDENTS_RESOLVE,
    "007": Step.RESIDENTS_RESOLVE,
    "010": Step.VILLAGERS_RESOLVE,
    "014": Step.RESOLUTION_PUBLISHED,
}
WALKTHROUGH_2027 = "008"  # 柳营村: deliberation opened, the secretary records the party members' meeting and applies
COLLECTIVE_FUNDS = ("009", "杨庄村集体资金修建生产路", "生产路1.2公里已完工，经村民代表验收，资金使用明细已公开。")


def _deliberate(
    branch,
    subject,
    rng,
    start,
    *,
    campaign=None,
    target=None,
    matter=MatterKind.TARGET,
    merged=False,
    until=None,
    implementation=None,
    result_on=None,
    close=False,
):
    """Record a deliberation step by step (R5–R8), stopping before `until` if given."""
    deliberation = services.deliberation_create(
        actor=DEMO, branch=branch, subject=subject, matter=matter, campaign=campaign, target=target
    )
    secretary = branch.secretary.name if branch.secretary_id else ""
    merged = merged and branch.secretary_chairs_committee
    day = start
    reps_should = branch.representatives
    for step in rules.procedure_steps(deliberation.procedure):
        if step == until:
            return deliberation
        if step == Step.COMMITTEES_CONSULT and merged:
            continue
        kwargs = {"place": "党群服务中心", "chair": secretary}
        if step == Step.SOLICIT_OPINIONS:
            kwargs.update(minutes="通过入户走访、居民议事会和线上问卷征求意见，收集意见建议。", place="各网格")
        elif step == Step.PROPOSE:
            kwargs.update(
                merged=merged,
                minutes="党组织会议研究提出初步方案。"
                + ("书记、主任“一肩挑”，与“两委”会商议合并召开。" if merged else ""),
            )
        elif step == Step.COMMITTEES_CONSULT:
            kwargs.update(minutes="“两委”联席会议商议，完善方案。")
        elif step == Step.PARTY_MEETING_REVIEW:
            should = branch.party_members
            attended = max(-(-should * 2 // 3), int(should * rng.uniform(0.82, 0.95)))
            yes = attended - rng.randint(0, 2)
            kwargs.update(
                should_attend=should,
                attended=attended,
                yes=yes,
                no=attended - yes,
                abstain=0,
                minutes="党员大会审议通过。",
            )
        elif step in (Step.VILLAGERS_RESOLVE, Step.RESIDENTS_RESOLVE):
            attended = max(-(-reps_should * 2 // 3), int(reps_should * rng.uniform(0.8, 0.95)))
            yes = attended - rng.randint(0, 2)
            kwargs.update(
                meeting_form=MeetingForm.REPRESENTATIVES,
                should_attend=reps_should,
                attended=attended,
                yes=yes,
                no=attended - yes,
                abstain=0,
                minutes="代表会议表决通过。",
            )
        elif step == Step.RESOLUTION_PUBLISHED:
            kwargs.update(
                place="村（居）务公开栏", minutes=f"决议公开：{subject}，经民主程序表决通过，现予公开，接受群众监督。"
            )
        elif step == Step.RESULT_PUBLISHED:
            if implementation is None:
                return deliberation
            services.deliberation_record_implementation(
                actor=DEMO,
                deliberation=deliberation,
                implemented_on=day + timedelta(days=7),
                implementation=implementation,
            )
            day = result_on or day + timedelta(days=14)
            kwargs.update(place="村（居）务公开栏", minutes=f"实施结果公开：{implementation}")
        services.step_record(actor=DEMO, deliberation=deliberation, step=step, held_on=day, **kwargs)
        day += timedelta(days=rng.randint(2, 5))
    if close:
        services.deliberation_close(actor=DEMO, deliberation=deliberation)
    return deliberation


def _subject(branch, year):
    return f"{branch.name}{year}年度“五星”支部创建目标"


def load(*, office, say):
    """Add demo data for `office`; `say` prints a progress line."""
    rng = random.Random(20261127)
    branches = {b.code[-3:]: b for b in Branch.objects.filter(office=office).select_related("secretary")}

    c2026 = Campaign.objects.get(office=office, year=2026)
    targets = target_summaries(campaign=c2026, branch_ids=[b.pk for b in branches.values()])
    decided = 0
    for i, suffix in enumerate(sorted(s for s, b in branches.items() if b.pk in targets)):
        branch, target = branches[suffix], targets[branches[suffix].pk]
        _deliberate(
            branch,
            _subject(branch, 2026),
            rng,
            date(2026, 2, 9 + i % 6),
            campaign=c2026,
            target=target,
            merged=suffix in MERGED[2026],
            implementation=f"创建{target.level}星目标已经街道党工委确认，签订目标责任书，按“一村一策”推进。",
            result_on=date(2026, 11, 16 + i % 5),
            close=True,
        )
        decided += 1
    say(f"      2026年度：{decided} 个创建目标经四议两公开（一征三议两公开）决策，结果已公开")

    # A deliberation on another kind of matter, published on the public site.
    suffix, subject, implementation = COLLECTIVE_FUNDS
    _deliberate(
        branches[suffix],
        subject,
        rng,
        date(2026, 9, 7),
        matter=MatterKind.COLLECTIVE_FUNDS,
        implementation=implementation,
        result_on=date(2026, 11, 21),
    )
    say(f"      {branches[suffix].name}：村集体资金使用经民主决策，实施结果已公开")

    c2027 = Campaign.objects.get(office=office, year=2027)
    targets = target_summaries(campaign=c2027, branch_ids=[b.pk for b in branches.values()])
    agreed = [s for s in sorted(branches) if branches[s].pk in targets and targets[branches[s].pk].agreed]
    for i, suffix in enumerate(agreed):
        branch = branches[suffix]
        _deliberate(
            branch,
            _subject(branch, 2027),
            rng,
            date(2026, 11, 2 + i % 4),
            campaign=c2027,
            target=targets[branch.pk],
            merged=suffix in MERGED[2027],
        )
    for i, (suffix, until) in enumerate(sorted(UNTIL_2027.items())):
        branch = branches[suffix]
        _deliberate(
            branch,
            _subject(branch, 2027),
            rng,
            date(2026, 11, 9 + i),
            campaign=c2027,
            target=targets.get(branch.pk),
            merged=suffix in MERGED[2027],
            until=until,
        )
    walkthrough = branches[WALKTHROUGH_2027]
    _deliberate(
        walkthrough,
        _subject(walkthrough, 2027),
        rng,
        date(2026, 11, 20),
        campaign=c2027,
        until=Step.PARTY_MEETING_REVIEW,
    )
    say(f"      2027年度：{len(agreed)} 个决议已公开，{len(UNTIL_2027) + 1} 个程序进行中")
    _date_the_steps(office)


def _date_the_steps(office):
    """Each step recorded on the evening of its meeting, by the branch's secretary where the demo gives them an
    account (the services stamp the moment of loading and no one)."""
    now = timezone.now()
    steps = list(
        DeliberationStep.objects.filter(deliberation__branch__office=office, recorded_by__isnull=True).select_related(
            "deliberation__branch"
        )
    )
    people = {s.deliberation.branch.secretary_id for s in steps if s.deliberation.branch.secretary_id}
    accounts = {u.person_id: u for u in User.objects.filter(person__in=people)}
    for step in steps:
        moment = timezone.make_aware(datetime.combine(step.held_on, time(17, 30 + step.position * 3 % 30)))
        step.recorded_at = min(moment, now)
        step.recorded_by = accounts.get(step.deliberation.branch.secretary_id)
    DeliberationStep.objects.bulk_update(steps, ["recorded_at", "recorded_by"], batch_size=500)
    # A closed deliberation was closed when its last step was recorded.
    closed = list(
        Deliberation.objects.filter(branch__office=office, closed_at__isnull=False).annotate(
            last=Max("steps__recorded_at")
        )
    )
    for deliberation in closed:
        deliberation.closed_at = deliberation.last or deliberation.closed_at
    Deliberation.objects.bulk_update(closed, ["closed_at"])


STEPS = [("四议两公开与一征三议两公开", load)]
