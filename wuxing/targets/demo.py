"""This app's part of the demo office, loaded by wuxing.portal.demo after the organisation and campaigns.

Late November 2026: the 2025 campaign is closed with its targets on record; every 2026 target is confirmed,
planned (一村一策), decided by 四议两公开 / 一征三议两公开 and pledged (one letter still awaiting the office
leader); the 2027 campaign is in preparation — most applications agreed, a few mid-procedure, one returned, so
confirming it is still refused. Everything goes through the services with actor=DEMO (or the demo accounts,
where they exist, for the letters' confirmations). Deterministic: one seeded random.Random.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.org.models import Assignment, Branch, User
from wuxing.standards.models import Indicator, Star

from . import services
from .choices import MeetingForm, Step

# Per star code: (measure, description, resources, [(milestone, month, day, target value, unit)])
MEASURES = {
    "strong_branch": [
        (
            "规范党组织生活",
            "落实“三会一课”、主题党日和组织生活会制度，推行党员积分制管理。",
            "党员活动室、学习资料",
            [
                ("完成班子分析研判和党员底数摸排", 3, 31, None, ""),
                ("党员积分制管理全覆盖", 6, 30, 100, "%"),
                ("完成年度发展党员计划", 10, 31, 2, "名"),
            ],
        ),
        (
            "建强带头人队伍",
            "村（社区）“两委”成员结对帮带后备力量，每季度开展一次述职评议。",
            "培训经费1万元",
            [("选定后备干部并结对帮带", 4, 30, 3, "名"), ("完成“两委”成员年度述职评议", 12, 15, None, "")],
        ),
    ],
    "industry": [
        (
            "壮大村集体经济",
            "盘活闲置资产，发展“一村一品”特色种植，与企业签订订单收购协议。",
            "产业扶持资金20万元、农技指导",
            [
                ("完成闲置资产清理盘活", 4, 30, 5, "处"),
                ("特色种植基地达到规模", 7, 31, 200, "亩"),
                ("村集体经济收入达到目标", 12, 10, 30, "万元"),
            ],
        ),
    ],
    "eco_livable": [
        (
            "人居环境整治提升",
            "推进垃圾分类、“四旁”绿化和坑塘整治，建立“门前三包”责任制。",
            "环卫设施、绿化苗木",
            [
                ("完成坑塘整治", 5, 31, 3, "处"),
                ("生活垃圾分类覆盖率", 9, 30, 90, "%"),
                ("新增绿化面积", 11, 30, 5000, "平方米"),
            ],
        ),
    ],
    "safety_rule_of_law": [
        (
            "“三零”创建",
            "网格员每日巡查，矛盾纠纷“一月一排查”，法律顾问每月坐班，争取零上访、零事故、零案件。",
            "网格员补贴、法律顾问",
            [
                ("建立矛盾纠纷排查台账", 3, 15, None, ""),
                ("矛盾纠纷调解成功率", 9, 30, 98, "%"),
                ("完成年度“三零”创建自评", 12, 10, None, ""),
            ],
        ),
    ],
    "civility": [
        (
            "文明实践与便民服务",
            "依托新时代文明实践站开展移风易俗、孝善敬老和志愿服务。",
            "文明实践站、志愿者队伍",
            [("修订村规民约并公示", 4, 15, None, ""), ("开展文明实践活动", 11, 30, 24, "场次")],
        ),
    ],
    "co_building": [
        (
            "共驻共建",
            "与辖区单位签订共建协议，推动在职党员到社区报到、认领服务项目。",
            "共建单位资源清单",
            [
                ("签订共驻共建协议", 4, 30, 6, "家"),
                ("在职党员到社区报到", 8, 31, 200, "名"),
                ("完成共建项目", 11, 30, 10, "个"),
            ],
        ),
    ],
    "business_friendly": [
        (
            "宜业兴业服务",
            "建设社区就业服务站，开展技能培训，服务辖区小微企业和个体工商户。",
            "就业服务站、培训经费",
            [
                ("建成就业服务站", 5, 31, None, ""),
                ("开展技能培训", 10, 31, 300, "人次"),
                ("促进新增就业", 12, 10, 80, "人"),
            ],
        ),
    ],
    "harmony": [
        (
            "“一老一幼”幸福服务",
            "建设社区长者食堂和四点半课堂，组建志愿服务队定期上门服务。",
            "长者食堂、志愿服务队",
            [("长者食堂运营", 6, 30, None, ""), ("累计志愿服务时长", 11, 30, 3000, "小时")],
        ),
    ],
}

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
AWAITING_LEADER_2026 = "012"
# 2027: quotas 5★4 4★7 3★3.
AGREED_2027 = {"001": 5, "002": 5, "003": 4, "004": 4, "005": 4, "009": 4, "012": 4, "013": 4}
DRAFT_2027 = {"006": 4, "007": 5, "010": 4}  # deliberation under way, application not sent yet
SUBMITTED_2027 = {"014": 4}
RETURNED_2027 = ("011", 4, 3, "基础仍较薄弱，建议先巩固“三星”，明年再冲“四星”。")
WALKTHROUGH_2027 = "008"  # 柳营村: baseline done, deliberation opened, the secretary applies in the demo

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


def _deliberate(
    branch,
    subject,
    rng,
    start,
    *,
    campaign=None,
    target=None,
    matter="target",
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
    merged = branch.secretary_chairs_committee and rng.random() < 0.6
    day = start
    reps_should = branch.representatives
    for step in services.rules.procedure_steps(deliberation.procedure):
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
            no = attended - yes
            kwargs.update(
                meeting_form=MeetingForm.REPRESENTATIVES,
                should_attend=reps_should,
                attended=attended,
                yes=yes,
                no=no,
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


def _plan(target, branch, people, rng, year):
    for star in target.stars.order_by("position"):
        for position, (title, description, resources, milestones) in enumerate(
            MEASURES.get(star.code, [])[: 1 + (star.position == 1)], start=1
        ):
            measure = services.measure_save(
                actor=DEMO,
                target=target,
                star=star,
                title=title,
                description=description,
                resources=resources,
                responsible=people,
                position=position,
            )
            for ms_title, month, day, value, unit in milestones:
                services.milestone_add(
                    actor=DEMO,
                    measure=measure,
                    title=ms_title,
                    due_on=date(year, month, day),
                    target_value=Decimal(value) if value is not None else None,
                    unit=unit,
                )


def _responsible(branch):
    people = [branch.secretary] if branch.secretary_id else []
    assignment = (
        Assignment.objects.filter(branch=branch, leader__isnull=False, active=True).select_related("leader").first()
    )
    if assignment:
        people.append(assignment.leader)
    return people


def load(*, office, say):
    """Add demo data for `office`; `say` prints a progress line."""
    rng = random.Random(20261126)
    branches = {b.code[-3:]: b for b in Branch.objects.filter(office=office).select_related("secretary")}
    leader_user = User.objects.filter(username="demo-leader").first()
    secretary_user = User.objects.filter(username="demo-secretary").first()

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

    say("      2026年度：对表摸排、四议两公开、目标确认、一村一策、责任书")
    c2026 = _campaign(office, 2026)
    for i, (suffix, level) in enumerate(sorted(TARGETS_2026.items())):
        branch = branches[suffix]
        _baseline(c2026, branch, level, rng, date(2026, 1, 8 + i % 5))
        target = services.target_save_draft(
            actor=DEMO,
            campaign=c2026,
            branch=branch,
            stars=_stars(c2026.standard, branch, level),
            reason=rng.choice(REASONS),
        )
        _deliberate(
            branch,
            f"{branch.name}2026年度“五星”支部创建目标",
            rng,
            date(2026, 2, 9 + i % 6),
            campaign=c2026,
            target=target,
            implementation=f"创建{level}星目标已经街道党工委确认，签订目标责任书，按“一村一策”推进。",
            result_on=date(2026, 11, 16 + i % 5),
            close=True,
        )
        services.target_submit(
            actor=DEMO, campaign=c2026, branch=branch, stars=_stars(c2026.standard, branch, level), reason=target.reason
        )
        services.target_agree(actor=DEMO, target=target)
    services.targets_confirm(actor=DEMO, campaign=c2026)
    pledges = 0
    for suffix in sorted(TARGETS_2026):
        branch = branches[suffix]
        target = c2026.targets.get(branch=branch)
        _plan(target, branch, _responsible(branch), rng, 2026)
        pledge = services.pledge_generate(actor=DEMO, target=target)
        secretary = secretary_user if secretary_user and suffix == WALKTHROUGH_2027 else None
        services.pledge_confirm(actor=secretary or DEMO, pledge=pledge, side="secretary")
        if suffix != AWAITING_LEADER_2026:
            services.pledge_confirm(actor=leader_user or DEMO, pledge=pledge, side="leader")
        pledges += 1
    say(f"        14 个目标已确认，{pledges} 份责任书（{branches[AWAITING_LEADER_2026].name}待党工委书记确认）")

    # A deliberation on another kind of matter, published on the public site.
    _deliberate(
        branches["009"],
        "杨庄村集体资金修建生产路",
        rng,
        date(2026, 9, 7),
        matter="collective_funds",
        implementation="生产路1.2公里已完工，经村民代表验收，资金使用明细已公开。",
        result_on=date(2026, 11, 21),
    )

    say("      2027年度（筹备中）：申领、协商与退回")
    c2027 = _campaign(office, 2027)
    for i, suffix in enumerate(sorted(branches)):
        branch = branches[suffix]
        level = {**AGREED_2027, **DRAFT_2027, **SUBMITTED_2027}.get(suffix, 4)
        _baseline(c2027, branch, level, rng, date(2026, 11, 3 + i % 5))
    for i, (suffix, level) in enumerate(sorted(AGREED_2027.items())):
        branch = branches[suffix]
        target = services.target_save_draft(
            actor=DEMO,
            campaign=c2027,
            branch=branch,
            stars=_stars(c2027.standard, branch, level),
            reason=rng.choice(REASONS),
        )
        _deliberate(
            branch,
            f"{branch.name}2027年度“五星”支部创建目标",
            rng,
            date(2026, 11, 2 + i % 4),
            campaign=c2027,
            target=target,
        )
        services.target_submit(
            actor=DEMO, campaign=c2027, branch=branch, stars=_stars(c2027.standard, branch, level), reason=target.reason
        )
        services.target_agree(actor=DEMO, target=target)
    for i, (suffix, level) in enumerate(sorted({**DRAFT_2027, **SUBMITTED_2027}.items())):
        branch = branches[suffix]
        target = services.target_save_draft(
            actor=DEMO,
            campaign=c2027,
            branch=branch,
            stars=_stars(c2027.standard, branch, level),
            reason=rng.choice(REASONS),
        )
        until = (
            Step.RESOLUTION_PUBLISHED
            if suffix in SUBMITTED_2027
            else rng.choice(
                [
                    Step.PARTY_MEETING_REVIEW,
                    Step.RESIDENTS_RESOLVE if branch.star_set == "urban" else Step.VILLAGERS_RESOLVE,
                ]
            )
        )
        _deliberate(
            branch,
            f"{branch.name}2027年度“五星”支部创建目标",
            rng,
            date(2026, 11, 9 + i),
            campaign=c2027,
            target=target,
            until=until,
        )
        if suffix in SUBMITTED_2027:
            services.target_submit(
                actor=DEMO,
                campaign=c2027,
                branch=branch,
                stars=_stars(c2027.standard, branch, level),
                reason=target.reason,
            )
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
    walkthrough = branches[WALKTHROUGH_2027]
    _deliberate(
        walkthrough,
        f"{walkthrough.name}2027年度“五星”支部创建目标",
        rng,
        date(2026, 11, 20),
        campaign=c2027,
        until=Step.PARTY_MEETING_REVIEW,
    )
    problems = services.confirm_problems(c2027)
    say(
        f"        已同意 {len(AGREED_2027)} 个，程序进行中 {len(DRAFT_2027) + len(SUBMITTED_2027) + 1} 个，退回 1 个；确认尚不满足：{len(problems)} 项"
    )


STEPS = [("党支部申领目标", load)]
