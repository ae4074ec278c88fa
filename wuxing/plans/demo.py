"""This app's part of the demo office, loaded by wuxing.portal.demo after the targets and their deliberations.

Every confirmed 2026 target has its plan (一村一策: measures per targeted star, dated milestones, responsible
persons) and its responsibility letter, confirmed by the branch's secretary and the office leader — one letter
still awaits the office leader. Everything goes through the services with actor=DEMO (or the demo accounts, where
they exist, for the letters' confirmations). Deterministic: no randomness.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.org.models import Assignment, Branch, User
from wuxing.targets.selectors import target_get, target_summaries

from . import services
from .models import Pledge

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

AWAITING_LEADER_2026 = "012"  # 安居新村: its letter awaits the office leader (confirmed in the walkthrough)
WALKTHROUGH_SECRETARY = "008"  # 柳营村: its secretary is the demo secretary account
# When the 2026 letters were signed (the work plan's 对标申领 stage, after the targets' resolutions were published):
# each branch's secretary on a working day of the second half of March, the office leader a day or two later.
SIGNING_2026 = (date(2026, 3, 16), date(2026, 3, 31))


def _signing_days(number: int) -> tuple[date, date]:
    """The secretary's and the office leader's day for the `number`-th letter, inside SIGNING_2026."""
    first, last = SIGNING_2026
    days = [
        first + timedelta(days=d) for d in range((last - first).days - 1) if (first + timedelta(days=d)).weekday() < 5
    ]
    secretary = days[number % len(days)]
    leader = secretary + timedelta(days=1 + number % 2)
    return secretary, min(leader, last)


def _at(day: date, hour: int, minute: int):
    return min(timezone.make_aware(datetime.combine(day, time(hour, minute))), timezone.now())


def _plan(target, people, year) -> tuple[int, int]:
    """The plan of a target: the first measures of each targeted star (two for the first star), with milestones."""
    measures = milestones = 0
    for star in target.stars.order_by("position"):
        for position, (title, description, resources, steps) in enumerate(
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
            measures += 1
            for ms_title, month, day, value, unit in steps:
                services.milestone_add(
                    actor=DEMO,
                    measure=measure,
                    title=ms_title,
                    due_on=date(year, month, day),
                    target_value=Decimal(value) if value is not None else None,
                    unit=unit,
                )
                milestones += 1
    return measures, milestones


def _plan_people(branch):
    """Who answers for the plan: the branch's secretary and its first assigned leader."""
    people = [branch.secretary] if branch.secretary_id else []
    assignment = (
        Assignment.objects.filter(branch=branch, leader__isnull=False, active=True).select_related("leader").first()
    )
    if assignment:
        people.append(assignment.leader)
    return people


def load(*, office, say):
    """Add demo data for `office`; `say` prints a progress line."""
    branches = {b.code[-3:]: b for b in Branch.objects.filter(office=office).select_related("secretary")}
    leader_user = User.objects.filter(username="demo-leader").first()
    secretary_user = User.objects.filter(username="demo-secretary").first()

    c2026 = Campaign.objects.get(office=office, year=2026)
    targets = target_summaries(campaign=c2026, branch_ids=[b.pk for b in branches.values()])
    measures = milestones = pledges = 0
    for suffix in sorted(s for s, b in branches.items() if b.pk in targets):
        branch = branches[suffix]
        target = target_get(user=DEMO, pk=targets[branch.pk].pk)
        added = _plan(target, _plan_people(branch), 2026)
        measures, milestones = measures + added[0], milestones + added[1]
        pledge = services.pledge_generate(actor=DEMO, target=target)
        secretary = secretary_user if secretary_user and suffix == WALKTHROUGH_SECRETARY else None
        services.pledge_confirm(actor=secretary or DEMO, pledge=pledge, side="secretary")
        if suffix != AWAITING_LEADER_2026:
            services.pledge_confirm(actor=leader_user or DEMO, pledge=pledge, side="leader")
        # The services stamp the moment of loading: the letter carries the days it was really signed.
        secretary_day, leader_day = _signing_days(pledges)
        stamps = {
            "created_at": _at(secretary_day, 9, 0 + pledges % 20),
            "secretary_confirmed_at": _at(secretary_day, 9, 30 + pledges % 20),
        }
        if suffix != AWAITING_LEADER_2026:
            stamps["leader_confirmed_at"] = _at(leader_day, 15, 10 + pledges % 30)
        Pledge.objects.filter(pk=pledge.pk).update(**stamps)
        pledges += 1
    say(f"      2026年度：一村一策 {measures} 项措施、{milestones} 个节点")
    say(f"        {pledges} 份责任书（{branches[AWAITING_LEADER_2026].name}待党工委书记确认）")


STEPS = [("一村一策与目标责任书", load)]
