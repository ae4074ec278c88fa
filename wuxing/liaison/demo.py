"""The demo office's assignments for 2026: every leader and department takes its branches, records most of its
五个一 (some are still missing, so the tracker has something to show), pledges and delivers, and notes findings."""

import datetime
import random

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.core.uploads import as_upload, sample_jpeg

from .choices import ActivityKind
from .rules import FIVE_KINDS
from .services import activity_record, campaign_assignment_update, campaign_assignments_sync, finding_record

ACTIVITY_NOTES = {
    "party_lecture": "以“五星”支部创建为主题讲授专题党课，结合本村（社区）实际解读创建标准。",
    "heart_talk": "与支部书记和两委干部逐一谈心谈话，了解思想动态和工作困难。",
    "work_meeting": "召开创建工作会议，对照标准逐星分析优势短板，明确分工和时间节点。",
    "checkin_list": "帮助支部制定“打卡”清单，细化、量化、条目化各星创建任务。",
    "target_assessment": "对照申领目标开展阶段性考核，形成考核意见反馈支部。",
}

# (star position, strength, weak point): plausible findings, the same for both star sets where the stars match.
FINDINGS = [
    (1, "支部班子团结，“三会一课”坚持经常，党员作用发挥明显。", "发展党员后继乏人，35岁以下党员比例偏低。"),
    (2, "辖区共建单位多，资源整合有基础。", "集体经济收入来源单一，增收项目尚未落地。"),
    (3, "人居环境整治成效明显，主干道路实现硬化亮化。", "背街小巷环境卫生反复，长效管护机制不健全。"),
    (4, "矛盾纠纷排查化解及时，连续两年无越级上访。", "网格员队伍不稳定，部分楼栋信息底数不清。"),
    (5, "志愿服务活动丰富，群众参与度高。", "“一老一幼”服务场所面积不足，服务项目偏少。"),
]

SOURCES = ["research", "discussion", "visit", "briefing", "one_to_one", "work_meeting"]

# Assignments (by position in branch order) that still miss some kinds: position → kinds recorded.
INCOMPLETE = {
    2: ["party_lecture", "heart_talk", "work_meeting", "checkin_list"],
    5: ["party_lecture", "heart_talk"],
    9: ["party_lecture", "work_meeting", "checkin_list"],
    13: ["heart_talk"],
    17: ["party_lecture", "heart_talk", "work_meeting"],
    21: [],
    24: ["party_lecture", "heart_talk", "work_meeting", "target_assessment"],
}


def load(*, office, say):
    """Add demo data for `office`; `say` prints a progress line."""
    campaign = Campaign.objects.filter(office=office, year=2026).select_related("standard").first()
    if campaign is None:
        return
    rng = random.Random(20260526)
    today = datetime.date.today()
    rows = sorted(
        campaign_assignments_sync(actor=DEMO, campaign=campaign),
        key=lambda r: (r.assignment.branch.sort_order, r.assignment.branch.code, r.pk),
    )
    activities = 0
    for i, row in enumerate(rows):
        leader = row.assignment.leader
        campaign_assignment_update(
            actor=DEMO,
            campaign_assignment=row,
            pledged_people=rng.randint(1, 4),
            pledged_funds=rng.choice([0, 2, 3, 5, 8, 10]),
            pledged_projects=rng.choice(
                ["道路硬化", "党群服务中心改造", "文化广场建设", "养老驿站运营", "产业项目对接", ""]
            ),
            delivered_people=rng.randint(0, 3),
            delivered_funds=rng.choice([0, 1, 2, 3, 5]),
        )
        responsible = leader.name if leader else row.assignment.department.name
        kinds = INCOMPLETE.get(i, list(FIVE_KINDS))
        for k, kind in enumerate(kinds):
            held_on = min(today, datetime.date(2026, 3 + k + (i % 3), 1 + (i * 7 + k * 5) % 27))
            evidence = (
                [
                    as_upload(
                        sample_jpeg(f"{row.assignment.branch.name} {ActivityKind(kind).label}"),
                        f"{kind}.jpg",
                        "image/jpeg",
                    )
                ]
                if kind in ("party_lecture", "work_meeting") and i % 2 == 0
                else []
            )
            activity_record(
                actor=DEMO,
                campaign_assignment=row,
                kind=kind,
                held_on=held_on,
                participants=f"{responsible}；{row.assignment.branch.name}两委干部、党员代表",
                notes=ACTIVITY_NOTES[kind],
                evidence=evidence,
            )
            activities += 1
    stars = {(s.star_set, s.position): s for s in campaign.standard.stars.all()}
    findings = 0
    for j, branch in enumerate(office.branches.order_by("sort_order", "code")):
        strength = FINDINGS[j % 5]
        weakness = FINDINGS[(j + 2) % 5]
        own = next((r for r in rows if r.assignment.branch_id == branch.pk), None)
        for kind, (position, good, bad) in (("strength", strength), ("weakness", weakness)):
            finding_record(
                actor=DEMO,
                campaign=campaign,
                branch=branch,
                kind=kind,
                source=SOURCES[(j + len(kind)) % len(SOURCES)],
                text=good if kind == "strength" else bad,
                found_on=min(today, datetime.date(2026, 4, 1 + j)),
                star=stars.get((branch.star_set, position)),
                campaign_assignment=own,
            )
            findings += 1
    complete = len(rows) - len(INCOMPLETE)
    say(
        f"      联系分包 {len(rows)} 个：“五个一”活动 {activities} 次，{complete} 个已完成、{len(INCOMPLETE)} 个仍有缺项；优势短板 {findings} 条"
    )


from .demo_neighbours import load_neighbours  # noqa: E402  (the neighbours' 五个一 reuse this module's notes)

STEPS = [("各部门认领任务", load), ("同区另两个街道（镇）的“五个一”", load_neighbours)]
