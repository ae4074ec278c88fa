"""This app's part of the demo office: this year's campaign with its quotas and groups, last year's (closed and
rated) and next year's (in preparation)."""

from datetime import date

from wuxing.core.actors import DEMO
from wuxing.org.demo import BRANCHES, person_name
from wuxing.org.models import Branch, OrgUnit, Person
from wuxing.standards.demo import demo_standard
from wuxing.standards.models import Star

from .choices import CampaignStatus
from .models import CampaignGroup
from .services import (
    campaign_create,
    campaign_record_result,
    campaign_set_quotas,
    campaign_set_status,
    group_add_member,
)

PREVIOUS_CAMPAIGN = {
    "year": 2025,
    "name": "2025年度“五星”支部创建工作",
    "quotas": {4: 4, 3: 6, 2: 4},
    "rated_on": date(2025, 12, 26),
    "work_plan": (
        "一、总体目标\n"
        "全办14个村（社区）全部参与“五星”支部创建，力争创成“四星”支部4个、“三星”支部6个，"
        "其余村（社区）至少创成“二星”，为下一年度晋位提升打牢基础。\n\n"
        "二、工作步骤\n"
        "动员部署（1—2月）：召开动员大会，成立领导小组和“一办四组”；"
        "对标申领（3月）：各党支部对照标准申领目标，签订目标责任书；"
        "创建提升（4—11月）：逐项打卡推进，每月观摩、每季评比；"
        "评星定级（12月）：自评、初审、联审、公示、命名。\n\n"
        "三、组织保障\n"
        "党工委书记任领导小组组长，班子成员分包联系村（社区），各职能部门认领任务、下沉到村。"
    ),
    "levels": {
        "41019901001": 4,
        "41019901002": 3,
        "41019901003": 3,
        "41019901004": 2,
        "41019901005": 3,
        "41019901006": 2,
        "41019901007": 3,
        "41019901008": 4,
        "41019901009": 3,
        "41019901010": 2,
        "41019901011": 3,
        "41019901012": 2,
        "41019901013": 3,
        "41019901014": 2,
    },
}

# Next year's campaign, in preparation.
NEXT_CAMPAIGN = {"year": 2027, "name": "2027年度“五星”支部创建工作", "quotas": {5: 4, 4: 7, 3: 3}}

CAMPAIGN = {
    "year": 2026,
    "name": "2026年度“五星”支部创建工作",
    "quotas": {5: 2, 4: 7, 3: 5},
    "work_plan": (
        "一、总体目标\n"
        "以“五星”支部创建引领基层治理提升，全办14个村（社区）全部参与创建：力争创成“五星”支部2个、"
        "“四星”支部7个、“三星”支部5个。村（社区）党组织书记为第一责任人，签订目标责任书。\n\n"
        "二、工作方法：“四领四促”\n"
        "党工委统领全局，促同频共振；各部门认领任务，促工作合力；党支部申领目标，促常态长效；"
        "示范点引领前行，促晋位提升。党工委书记、办事处主任分别认领一个城市社区、一个安置村，先行先试。\n\n"
        "三、组织保障\n"
        "成立创建工作领导小组，党工委书记任组长，班子成员全覆盖、分包联系村（社区）。"
        "抽调骨干力量组建“一办四组”（综合协调组、业务指导组、组织宣传组、督导检查组）。"
        "各职能部门认领任务、下沉到村，开展“五个一”助创活动。\n\n"
        "四、工作机制\n"
        "落实“日报告、周例会、月观摩、季评比、年总结”：村（社区）每日报告创建进展，创建办每周召开例会，"
        "每月逐村（社区）现场观摩，每季度评比排名并张贴“成绩单”、公示“进度表”，年底总结并评星定级。"
    ),
    # Group kind → the group's duties and its members: (person key, member role, duty).
    "groups": {
        "leadership": {
            "duties": "统筹领导全办“五星”支部创建工作，研究解决重大问题，班子成员分包联系村（社区）。",
            "members": [
                ("party_secretary", "leader", "全面负责，亲自挂帅，认领示范社区"),
                ("director", "deputy", "协助组长统筹推进，认领示范安置村"),
                ("deputy_secretary", "member", "分管组织宣传，分包联系村（社区）"),
                ("congress_director", "member", "分包联系村（社区），督促代表履职"),
                ("discipline_secretary", "member", "分管督导检查和作风监督"),
                ("deputy_director_1", "member", "分管综合协调，分包联系村（社区）"),
                ("deputy_director_2", "member", "分管业务指导，分包联系村（社区）"),
                ("deputy_director_3", "member", "分包联系村（社区）"),
                ("armed_forces_head", "member", "分包联系村（社区），负责平安法治星创建"),
            ],
        },
        "coordination": {
            "duties": "负责创建办日常运转、统筹协调和“日报告、周例会”的组织落实。",
            "members": [
                ("deputy_director_1", "leader", "主持综合协调组工作"),
                ("D02.0", "member", "汇总各村（社区）日报告，编发创建工作日报"),
                ("D02.1", "member", "组织周例会，整理会议纪要并跟踪议定事项"),
                ("D01.2", "member", "管理创建台账和档案资料"),
            ],
        },
        "guidance": {
            "duties": "负责对照创建标准逐村（社区）开展业务指导，帮助厘清创建路径。",
            "members": [
                ("deputy_director_2", "leader", "主持业务指导组工作"),
                ("D01.0", "member", "对标“支部过硬”星逐项指导"),
                ("D01.1", "member", "指导“四议两公开”程序，审核目标申领材料"),
                ("D06.0", "member", "指导“幸福和谐”“文明幸福”星创建"),
            ],
        },
        "publicity": {
            "duties": "负责创建工作宣传动员、信息报送，张贴“成绩单”、公示“进度表”。",
            "members": [
                ("deputy_secretary", "leader", "主持组织宣传组工作"),
                ("D02.2", "member", "撰写信息简报，对接媒体宣传报道"),
                ("D06.1", "member", "组织“成绩单”“进度表”张贴公示"),
            ],
        },
        "inspection": {
            "duties": "负责月观摩、季评比的组织实施，督办逾期事项和问题整改。",
            "members": [
                ("discipline_secretary", "leader", "主持督导检查组工作"),
                ("D04.0", "member", "组织月观摩、季评比，汇总评分"),
                ("D05.0", "member", "跟踪问题整改，逐项销号"),
                ("D07.0", "member", "现场查验创建成效"),
            ],
        },
    },
}


def _staff_groups(campaign, office):
    for kind, group in CAMPAIGN["groups"].items():
        CampaignGroup.objects.filter(campaign=campaign, kind=kind).update(duties=group["duties"])
        for key, role, duty in group["members"]:
            person = Person.objects.get(office=office, name=person_name(key))
            group_add_member(actor=DEMO, campaign=campaign, kind=kind, person=person, role=role, duty=duty)


def load_current(*, office, say):
    standard = demo_standard()
    campaign = campaign_create(
        actor=DEMO,
        office=office,
        year=CAMPAIGN["year"],
        standard=standard,
        name=CAMPAIGN["name"],
        work_plan=CAMPAIGN["work_plan"],
    )
    campaign_set_status(actor=DEMO, campaign=campaign, status=CampaignStatus.RUNNING)
    campaign_set_quotas(actor=DEMO, campaign=campaign, quotas=CAMPAIGN["quotas"])
    _staff_groups(campaign, office)
    quota_text = "、".join(f"{level}星{count}个" for level, count in sorted(CAMPAIGN["quotas"].items(), reverse=True))
    say(f"      {campaign.name}：进行中，目标 {quota_text}")


def load_previous_and_next(*, office, say):
    standard = demo_standard()
    previous = campaign_create(
        actor=DEMO,
        office=office,
        year=PREVIOUS_CAMPAIGN["year"],
        standard=standard,
        name=PREVIOUS_CAMPAIGN["name"],
        work_plan=PREVIOUS_CAMPAIGN["work_plan"],
    )
    campaign_set_quotas(actor=DEMO, campaign=previous, quotas=PREVIOUS_CAMPAIGN["quotas"])
    # Last year's leadership group and 一办四组 were the same people as this year's.
    _staff_groups(previous, office)
    for data in BRANCHES:
        branch = Branch.objects.get(code=data["code"])
        level = PREVIOUS_CAMPAIGN["levels"][data["code"]]
        stars = list(Star.objects.filter(standard=standard, star_set=branch.star_set).order_by("position")[:level])
        campaign_record_result(
            actor=DEMO,
            campaign=previous,
            branch=branch,
            level=level,
            stars=stars,
            rated_on=PREVIOUS_CAMPAIGN["rated_on"],
        )
    campaign_set_status(actor=DEMO, campaign=previous, status=CampaignStatus.CLOSED)
    upcoming = campaign_create(
        actor=DEMO, office=office, year=NEXT_CAMPAIGN["year"], standard=standard, name=NEXT_CAMPAIGN["name"]
    )
    campaign_set_quotas(actor=DEMO, campaign=upcoming, quotas=NEXT_CAMPAIGN["quotas"])
    say(f"      {previous.name}：已结束，评定结果 {len(BRANCHES)} 条；{upcoming.name}：筹备中")


# The district's two other offices: smaller campaigns, one running ahead of the demo office, one behind.
NEIGHBOUR_CAMPAIGNS = {
    "41019902": {"quotas": {5: 1, 4: 3, 3: 2}, "last_year": [3, 3, 2, 3, 2, 2]},
    "41019903": {"quotas": {4: 2, 3: 3}, "last_year": [2, 2, 1, 2, 3]},
}


def load_neighbours(*, office, say):
    standard = demo_standard()
    for code, data in NEIGHBOUR_CAMPAIGNS.items():
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            continue
        previous = campaign_create(
            actor=DEMO, office=unit, year=PREVIOUS_CAMPAIGN["year"], standard=standard, name=PREVIOUS_CAMPAIGN["name"]
        )
        branches = list(Branch.objects.filter(office=unit).order_by("sort_order", "code"))
        for branch, level in zip(branches, data["last_year"]):
            stars = list(Star.objects.filter(standard=standard, star_set=branch.star_set).order_by("position")[:level])
            campaign_record_result(
                actor=DEMO,
                campaign=previous,
                branch=branch,
                level=level,
                stars=stars,
                rated_on=PREVIOUS_CAMPAIGN["rated_on"],
            )
        campaign_set_status(actor=DEMO, campaign=previous, status=CampaignStatus.CLOSED)
        current = campaign_create(
            actor=DEMO, office=unit, year=CAMPAIGN["year"], standard=standard, name=CAMPAIGN["name"]
        )
        campaign_set_status(actor=DEMO, campaign=current, status=CampaignStatus.RUNNING)
        campaign_set_quotas(actor=DEMO, campaign=current, quotas=data["quotas"])
        say(f"      {unit.name}：{current.name}进行中，{previous.name}已评定 {len(branches)} 个")


STEPS = [
    (f"{CAMPAIGN['year']}年度创建活动", load_current),
    ("上一年度与下一年度创建活动", load_previous_and_next),
    ("同区另两个街道（镇）的创建活动", load_neighbours),
]
