"""The demo office's supervision for 2026: eleven monthly observations with five to seven observers (one month ends
in a tie), three published quarterly evaluations with 红黑榜, a dozen inspections whose findings stand in every
rectification state (some overdue, one returned twice, one with 问责), and two public reports awaiting triage.

The demo reviewer (demo-reviewer) still has one card of November's observation to score, so the phone scoring page
has something to show."""

import datetime
import random
import secrets

from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.core.roles import Role
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.org.demo import DEMO_ACCOUNTS, person_name
from wuxing.org.models import Branch, Person, User
from wuxing.org.services import role_assign, user_create

from . import services
from .models import ActivityTag, Criterion, Finding, Inspection, Rectification, RectificationEvent, ScoreCard

SHEET_V1 = [
    ("班子建设：分工明确、“三会一课”规范", 20, "查看会议记录、现场询问两委成员"),
    ("阵地建设：党群服务中心功能完善", 15, "看功能室、便民服务台账"),
    ("清单推进：打卡任务按期完成", 25, "对照打卡清单抽查 3 项"),
    ("特色亮点：产业、治理或服务有亮点", 20, "听介绍、看现场"),
    ("群众评价：随机访谈群众满意", 20, "随机访谈 3 户以上"),
]
SHEET_V2 = [
    *SHEET_V1[:4],
    ("问题整改：上次观摩问题已销号", 10, "对照上月问题清单"),
    ("群众评价：随机访谈群众满意", 10, "随机访谈 3 户以上"),
]

FINDINGS = [
    ("progress", "打卡清单中人居环境整治项目进度滞后，未按节点完成。"),
    ("effect", "党群服务中心功能室挂牌但使用率低，群众反映“有场地没活动”。"),
    ("cause", "集体经济项目迟迟未落地，原因是土地流转协议未签订。"),
    ("responsibility", "“三会一课”记录存在补记现象，支部委员责任不落实。"),
    ("progress", "网格员信息采集未完成，楼栋底数不清。"),
    ("effect", "志愿服务活动形式单一，参与群众以老年人为主。"),
]
MODES = ["on_site", "field_check", "village_tour", "unannounced"]


def _unknown_password() -> str:
    # A random token alone can miss two character classes (about 1 load in 400) and fail the complexity rule.
    return secrets.token_urlsafe(24) + "Aa1-"


def _unknown_password() -> str:
    # A random token alone can miss two character classes (about 1 load in 400) and fail the complexity rule.
    return secrets.token_urlsafe(24) + "Aa1-"


def _observers(office, rng) -> list[User]:
    """The office's accounts that observe: the demo accounts that exist, then (so any load has 5–7 observers)
    accounts for other leaders and branch secretaries, with passwords nobody knows (互观互评)."""
    pool = list(User.objects.filter(person__office=office, is_active=True).select_related("person").order_by("id"))
    reviewer = User.objects.filter(username="demo-reviewer").first()
    if reviewer is not None:
        pool.append(reviewer)
    taken = {u.person_id for u in pool if u.person_id}
    # The people the demo accounts belong to keep their account free, so that demo mode switched on later can
    # still give them theirs (a person has one account).
    reserved = [person_name(spec["person"]) for spec in DEMO_ACCOUNTS if "person" in spec]
    people = Person.objects.filter(office=office).exclude(pk__in=taken).exclude(name__in=reserved).order_by("id")
    candidates = list(people.filter(is_leader=True)) + list(people.filter(branch__isnull=False))
    n = 0
    while len(pool) < 7 and candidates:
        person = candidates.pop(0)
        n += 1
        user = user_create(actor=DEMO, username=f"observer-{n:02d}", password=_unknown_password(), person=person)
        if person.is_leader:
            role_assign(actor=DEMO, user=user, role=Role.REVIEWER, unit=office)
        else:
            role_assign(actor=DEMO, user=user, role=Role.BRANCH_SECRETARY, branch=person.branch)
        pool.append(user)
    rng.shuffle(pool)
    if reviewer is not None:
        pool.remove(reviewer)
        pool.insert(0, reviewer)
    return pool


def _points(rng, criteria, quality: float) -> dict:
    out = {}
    for c in criteria:
        value = c.max_points * min(1.0, max(0.3, quality + rng.uniform(-0.12, 0.12)))
        out[c.pk] = round(value * 2) / 2
    return out


def _observations(campaign, office, today, rng, say):
    v1 = services.sheet_create(
        actor=DEMO,
        office=office,
        name="月观摩评分表",
        criteria=[{"text": t, "max_points": p, "guidance": g} for t, p, g in SHEET_V1],
    )
    v2 = None
    observers = _observers(office, rng)
    branches = list(Branch.objects.filter(office=office).order_by("sort_order", "code"))
    quality = {b.pk: rng.uniform(0.55, 0.92) for b in branches}
    reviewer = next((u for u in observers if u.username == "demo-reviewer"), None)
    months = [m for m in range(1, 12) if datetime.date(campaign.year, m, 15) <= today]
    cards = 0
    for m in months:
        if m == 6 and v2 is None:
            v2 = services.sheet_create(
                actor=DEMO,
                office=office,
                name="月观摩评分表",
                criteria=[{"text": t, "max_points": p, "guidance": g} for t, p, g in SHEET_V2],
            )
        sheet = v2 or v1
        criteria = list(Criterion.objects.filter(sheet=sheet).order_by("position"))
        start = (m * 4) % len(branches)
        route = [branches[(start + k) % len(branches)] for k in range(4)]
        n_obs = 5 + m % 3  # 5, 6 or 7 observers
        chosen = observers[:1] + rng.sample(observers[1:], n_obs - 1) if reviewer else rng.sample(observers, n_obs)
        observation = services.observation_create(
            actor=DEMO,
            campaign=campaign,
            title=f"{m}月观摩",
            held_on=datetime.date(campaign.year, m, 15),
            sheet=sheet,
            branches=route,
            observers=chosen,
            public=m in (3, 6, 9, 10),
        )
        tie = m == 4  # the first two branches of April get the same points from everyone
        for card in ScoreCard.objects.filter(observation=observation).select_related("branch").order_by("id"):
            if (
                reviewer is not None
                and m == months[-1]
                and card.observer_id == reviewer.pk
                and card.branch_id == route[0].pk
            ):
                continue  # left for the demo reviewer to score on a phone
            if tie and card.branch_id in (route[0].pk, route[1].pk):
                points = {c.pk: c.max_points * 0.8 for c in criteria}
            else:
                points = _points(rng, criteria, quality[card.branch_id])
            photos = (
                [as_upload(sample_jpeg(f"{card.branch.name} {m}月观摩"), "observation.jpg", "image/jpeg")]
                if cards % 40 == 0
                else []
            )
            services.card_save(actor=DEMO, card=card, points=points, photos=photos, submit=True, comment="")
            cards += 1
    say(f"      月观摩 {len(months)} 次（评分表 2 个版本），评分 {cards} 份；4月观摩有并列名次")


def _evaluations(campaign, office, today, rng, say):
    tags = {t.name: t for t in ActivityTag.objects.filter(office__isnull=True)}
    own = services.tag_create(actor=DEMO, office=office, name="擂台比武")
    plan = [(1, "三标"), (2, "亮赛比"), (3, "能力作风建设年")]
    branches = list(Branch.objects.filter(office=office).order_by("sort_order", "code"))
    published = 0
    for quarter, tag in plan:
        if datetime.date(campaign.year, 3 * quarter, 28) > today:
            continue
        evaluation = services.evaluation_create(
            actor=DEMO,
            campaign=campaign,
            quarter=quarter,
            title=f"第{'一二三四'[quarter - 1]}季度评比",
            weights={"observation": 40, "checklist": 30, "punctuality": 10, "rectification": 10, "satisfaction": 10},
            top_n=3,
            bottom_n=2,
            tags=[tags[tag]] + ([own] if quarter == 3 else []),
        )
        satisfaction = {b.pk: round(rng.uniform(78, 97), 1) for b in branches if quarter >= 2 and b.pk % 3}
        services.evaluation_compute(actor=DEMO, evaluation=evaluation, satisfaction=satisfaction)
        services.evaluation_publish(actor=DEMO, evaluation=evaluation)
        published += 1
    say(f"      季评比 {published} 次已发布（红榜前 3、黑榜后 2），按活动标签：三标、亮赛比、能力作风建设年")


def _inspections(campaign, office, today, rng, say):
    branches = list(Branch.objects.filter(office=office).order_by("sort_order", "code"))
    people = list(Person.objects.filter(office=office).filter(is_leader=True).order_by("id"))
    cadres = list(Person.objects.filter(office=office, department__isnull=False).order_by("id"))
    leaders = list(Person.objects.filter(office=office, is_leader=True).order_by("id"))
    tags = list(ActivityTag.objects.filter(office__isnull=True).order_by("name"))
    rectifications = []
    for i in range(12):
        held_on = min(
            today - datetime.timedelta(days=3), datetime.date(campaign.year, 2 + (i * 9) // 12, 5 + (i * 7) % 20)
        )
        visited = [branches[(i * 3 + k) % len(branches)] for k in range(2)]
        inspection = services.inspection_create(
            actor=DEMO,
            campaign=campaign,
            mode=MODES[i % 4],
            held_on=held_on,
            title=f"{held_on.month}月{['现场办公', '实地查验', '逐村观摩', '暗访'][i % 4]}",
            inspectors=[people[i % len(people)], cadres[(i * 5) % len(cadres)]],
            branches=visited,
            tags=[tags[i % len(tags)]],
        )
        for k, branch in enumerate(visited[: 1 + i % 2]):
            category, text = FINDINGS[(i + k) % len(FINDINGS)]
            finding = services.finding_record(
                actor=DEMO,
                inspection=inspection,
                branch=branch,
                category=category,
                severity=["low", "medium", "high"][(i + k) % 3],
                description=text,
                responsible_person=branch.secretary.name if branch.secretary_id else "",
                photos=[as_upload(sample_jpeg(f"{branch.name} 督导"), "finding.jpg", "image/jpeg")]
                if i % 4 == 0
                else [],
            )
            due = held_on + datetime.timedelta(days=[20, 30, 45][(i + k) % 3])
            rectifications.append(
                services.rectification_create(
                    actor=DEMO,
                    finding=finding,
                    task=f"针对“{text[:14]}…”制定整改措施并按期完成",
                    due_on=due,
                    responsible_person=finding.responsible_person,
                    leader=leaders[(i + k) % len(leaders)],
                )
            )
    # Every state: verified, submitted, in progress, returned (one twice), open; the late ones are overdue.
    states = ["verified", "verified", "submitted", "in_progress", "returned", "open"]
    returned_twice = None
    for j, row in enumerate(rectifications):
        target = states[j % len(states)]
        steps = {
            "open": [],
            "in_progress": ["in_progress"],
            "submitted": ["in_progress", "submitted"],
            "returned": ["in_progress", "submitted", "returned"],
            "verified": ["in_progress", "submitted", "verified"],
        }[target]
        if target == "returned" and returned_twice is None:
            steps = ["in_progress", "submitted", "returned", "in_progress", "submitted", "returned"]
            returned_twice = row
        for to in steps:
            note = {"submitted": "已按要求整改，附整改照片。", "returned": "整改不到位，台账不完整，请继续整改。"}.get(
                to, ""
            )
            evidence = (
                [as_upload(sample_jpeg("整改后"), "after.jpg", "image/jpeg")]
                if to == "submitted" and j % 3 == 0
                else []
            )
            services.rectification_transition(actor=DEMO, rectification=row, to=to, note=note, evidence=evidence)
    held = next(
        (r for r in rectifications if r.finding.category == "responsibility"),
        None,
    )
    if held is not None:
        services.accountability_record(
            actor=DEMO,
            finding=held.finding,
            person_name=held.finding.responsible_person or "支部委员",
            position="村党支部书记",
            reason="“三会一课”记录补记，整改不及时。",
            decision="interview",
            decided_on=min(today, held.finding.found_on + datetime.timedelta(days=10)),
        )
    _date_the_rectifications(rectifications, today)
    escalated = services.rectifications_escalate(actor=DEMO, today=today)
    say(
        f"      督导检查 12 次，问题 {len(rectifications)} 个，整改覆盖全部状态（{len(escalated)} 个超期已提醒领导，"
        f"1 个两次退回，1 条问责记录）"
    )


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
    return min(moment, timezone.now())


def _date_the_rectifications(rectifications, today):
    """The services stamp the moment of loading: the inspection and its findings are recorded on the day they were
    held, the rectification opened the next day and each step of it taken between then and its due date (or
    yesterday), the verification closing it."""
    inspections, findings, rows, events = {}, [], [], []
    fresh = Rectification.objects.filter(pk__in=[r.pk for r in rectifications]).select_related("finding__inspection")
    for row in fresh:
        finding = row.finding
        start = finding.found_on
        end = max(start + datetime.timedelta(days=2), min(today - datetime.timedelta(days=1), row.due_on))
        steps = list(RectificationEvent.objects.filter(rectification=row).order_by("id"))
        for number, event in enumerate(steps, start=1):
            day = start + datetime.timedelta(days=max(1, (end - start).days * number // (len(steps) + 1)))
            event.at = _at(day, 9 + number % 8, 10 * (number % 6))
            events.append(event)
        row.created_at = _at(start + datetime.timedelta(days=1), 9)
        if row.closed_at is not None and steps:
            row.closed_at = steps[-1].at
        rows.append(row)
        finding.recorded_at = _at(start, 17, 30)
        findings.append(finding)
        inspection = finding.inspection
        inspection.created_at = _at(inspection.held_on, 17)
        inspections[inspection.pk] = inspection
    RectificationEvent.objects.bulk_update(events, ["at"])
    Rectification.objects.bulk_update(rows, ["created_at", "closed_at"])
    Finding.objects.bulk_update(findings, ["recorded_at"])
    Inspection.objects.bulk_update(list(inspections.values()), ["created_at"])


def _public_reports(office, say):
    branches = list(Branch.objects.filter(office=office).order_by("sort_order", "code"))
    texts = [
        (branches[1], "村里公示栏的创建进度表两个月没有更新了。", "13700000001"),
        (branches[-1], "党群服务中心周末经常锁门，办事找不到人。", ""),
    ]
    for branch, text, phone in texts:
        services.public_report_submit(office=office, branch=branch, text=text, address="demo", phone=phone)
    say("      群众反映 2 条待研判（联系方式脱敏）")


def load(*, office, say):
    """Add demo data for `office`; `say` prints a progress line."""
    campaign = Campaign.objects.filter(office=office, year=2026).select_related("standard").first()
    if campaign is None or not campaign.is_open:
        return
    rng = random.Random(20260913)
    today = datetime.date.today()
    _observations(campaign, office, today, rng, say)
    _inspections(campaign, office, today, rng, say)
    _evaluations(campaign, office, today, rng, say)
    _public_reports(office, say)


STEPS = [("观摩评比与督导检查", load)]
