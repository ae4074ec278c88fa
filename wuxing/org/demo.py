"""The demo office (SPEC §5): a fictional sub-district office modelled on the seed article, and its loader.

All people are fictional: their names are built from fixed lists of surnames and given names, their phone
numbers from a fixed formula, so every load produces the same office.
"""

from datetime import date
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.db import transaction

from wuxing.core.roles import Role

from .choices import BranchKind, StarSet, UnitLevel

# ---------------------------------------------------------------------------------------------------------
# Fictional people
# ---------------------------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪任姜范方石姚谭廖邹熊金陆郝孔白崔康邱秦史顾侯邵孟万段雷钱汤尹黎易常武乔贺赖龚"

GIVEN_NAMES = [
    "志强",
    "丽娟",
    "建华",
    "晓燕",
    "海涛",
    "红梅",
    "国栋",
    "文静",
    "振宇",
    "秀兰",
    "春生",
    "雪芳",
    "立新",
    "卫红",
    "桂英",
    "明辉",
    "金凤",
    "永刚",
    "慧敏",
    "德胜",
    "玉霞",
    "俊峰",
    "淑珍",
    "世杰",
    "翠萍",
    "宏伟",
    "亚楠",
    "长青",
    "素琴",
    "家豪",
    "晓东",
    "美玲",
    "庆丰",
    "婷婷",
    "鹏飞",
    "爱华",
    "新民",
    "瑞雪",
    "保军",
    "秋菊",
    "光辉",
    "雅琴",
    "天佑",
    "月娥",
    "建军",
    "凤英",
    "浩然",
    "丹丹",
    "继业",
    "小红",
]


def fictional_name(index: int) -> str:
    """The index-th fictional name; strides coprime to the list lengths keep the first 50 names distinct."""
    if not 0 <= index < len(GIVEN_NAMES):
        raise ValueError(f"only {len(GIVEN_NAMES)} distinct fictional names are available")
    return SURNAMES[(index * 7 + 3) % len(SURNAMES)] + GIVEN_NAMES[(index * 13 + 5) % len(GIVEN_NAMES)]


def fictional_phone(index: int) -> str:
    """An 11-digit mobile number starting with 13, the same for the same index."""
    return f"13{(index * 3 + 5) % 10}{(index * 4_729_373 + 18_260_417) % 100_000_000:08d}"


# Names are handed out in this order: leaders, department cadres, branch secretaries.
_LEADER_BASE, _CADRE_BASE, _SECRETARY_BASE = 0, 10, 30

# ---------------------------------------------------------------------------------------------------------
# The organisation
# ---------------------------------------------------------------------------------------------------------

# Province and city are reused when they already exist; the district and the office are fictional.
UNITS = [
    {"code": "41", "name": "河南省", "level": UnitLevel.PROVINCE},
    {"code": "4101", "name": "郑州市", "level": UnitLevel.CITY},
    {"code": "410199", "name": "龙泽新区", "level": UnitLevel.DISTRICT},
    {"code": "41019901", "name": "明湖街道办事处", "level": UnitLevel.OFFICE},
]
OFFICE_CODE = UNITS[-1]["code"]

_URBAN, _RURAL, _RESETTLEMENT = BranchKind.URBAN_COMMUNITY, BranchKind.RURAL_VILLAGE, BranchKind.RESETTLEMENT_VILLAGE

# (code suffix, name, kind, party members, representatives, households, adult population, 一肩挑, star set)
_BRANCH_ROWS = [
    ("001", "明湖社区", _URBAN, 118, 42, 2860, 5600, False, ""),
    ("002", "春华社区", _URBAN, 96, 38, 2450, 4900, True, ""),
    ("003", "龙泽社区", _URBAN, 85, 36, 2100, 4300, False, ""),
    ("004", "锦绣社区", _URBAN, 72, 33, 1850, 3700, True, ""),
    ("005", "博雅社区", _URBAN, 64, 30, 1600, 3200, False, ""),
    ("006", "清风社区", _URBAN, 58, 28, 1320, 2700, True, ""),
    ("007", "和园社区", _URBAN, 47, 24, 980, 2100, False, ""),
    ("008", "柳营村", _RURAL, 52, 31, 620, 1480, True, ""),
    ("009", "杨庄村", _RURAL, 41, 27, 480, 1150, True, ""),
    ("010", "河西村", _RURAL, 36, 23, 390, 920, True, ""),
    ("011", "桑园村", _RURAL, 29, 21, 310, 640, False, ""),
    ("012", "安居新村", _RESETTLEMENT, 88, 40, 1680, 3900, True, ""),
    ("013", "和顺新村", _RESETTLEMENT, 67, 35, 1240, 2800, True, ""),
    # Fully urbanised, so the office rates it by the urban stars: the star set is a per-branch setting.
    ("014", "泽润新村", _RESETTLEMENT, 55, 32, 1050, 2300, True, StarSet.URBAN),
]

BRANCHES = [
    {
        "code": OFFICE_CODE + suffix,
        "name": name,
        "kind": kind,
        "star_set": star_set,
        "party_members": party_members,
        "representatives": representatives,
        "households": households,
        "adult_population": adult_population,
        "secretary_chairs_committee": chairs,
        "secretary": {
            "name": fictional_name(_SECRETARY_BASE + i),
            "position": "社区党委书记" if kind == _URBAN else "村党支部书记",
            "phone": fictional_phone(_SECRETARY_BASE + i),
        },
    }
    for i, (
        suffix,
        name,
        kind,
        party_members,
        representatives,
        households,
        adult_population,
        chairs,
        star_set,
    ) in enumerate(_BRANCH_ROWS)
]


def branch_code(suffix: str) -> str:
    return OFFICE_CODE + suffix


# (code, name, duties, number of cadres, the two branches it is assigned)
_DEPARTMENT_ROWS = [
    ("D01", "党建工作办公室", "负责基层党组织建设、党员教育管理和“五星”支部创建的统筹推进。", 3, ("001", "008")),
    ("D02", "党政综合办公室", "负责文电会务、综合协调、督查督办和政务信息工作。", 3, ("002", "012")),
    ("D03", "经济发展办公室", "负责辖区经济运行、集体经济发展、招商服务和产业项目推进。", 2, ("009", "013")),
    ("D04", "平安建设办公室", "负责综治维稳、矛盾纠纷排查化解、安全生产和网格化管理。", 2, ("003", "010")),
    ("D05", "城市管理办公室", "负责市容环境、城市秩序、人居环境整治和生态宜居建设。", 2, ("004", "014")),
    ("D06", "社会事业办公室", "负责民政、社保、卫健、教育文化和志愿服务等社会事业。", 3, ("005", "011")),
    ("D07", "规划建设办公室", "负责规划实施、项目建设、安置房建设和基础设施管理。", 2, ("006", "007")),
]

_CADRE_TITLES = ["主任", "副主任", "干事"]


def _departments():
    departments, n = [], 0
    for code, name, duties, cadre_count, branch_suffixes in _DEPARTMENT_ROWS:
        cadres = []
        for k in range(cadre_count):
            cadres.append(
                {
                    "key": f"{code}.{k}",
                    "name": fictional_name(_CADRE_BASE + n),
                    "position": name + _CADRE_TITLES[k],
                    "phone": fictional_phone(_CADRE_BASE + n),
                }
            )
            n += 1
        departments.append(
            {
                "code": code,
                "name": name,
                "duties": duties,
                "branches": [branch_code(s) for s in branch_suffixes],
                "cadres": cadres,
            }
        )
    return departments


DEPARTMENTS = _departments()

# 党工委班子: every member takes one or two branches (班子成员全覆盖). The party secretary and the director each
# lead one branch themselves — an urban community and a resettlement village, the future demonstration sites.
_LEADER_ROWS = [
    ("party_secretary", "党工委书记", ("001",)),
    ("director", "办事处主任", ("012",)),
    ("deputy_secretary", "党工委副书记", ("002", "008")),
    ("congress_director", "人大工委主任", ("003", "009")),
    ("discipline_secretary", "纪工委书记", ("004", "010")),
    ("deputy_director_1", "副主任", ("005", "013")),
    ("deputy_director_2", "副主任", ("006", "011")),
    ("deputy_director_3", "副主任", ("007",)),
    ("armed_forces_head", "武装部长", ("014",)),
]

LEADERS = [
    {
        "key": key,
        "name": fictional_name(_LEADER_BASE + i),
        "position": position,
        "phone": fictional_phone(_LEADER_BASE + i),
        "branches": [branch_code(s) for s in suffixes],
    }
    for i, (key, position, suffixes) in enumerate(_LEADER_ROWS)
]

# ---------------------------------------------------------------------------------------------------------
# The 2026 campaign
# ---------------------------------------------------------------------------------------------------------

# Last year's campaign, closed and rated: the levels are where 晋位提升 starts from.
PREVIOUS_CAMPAIGN = {
    "year": 2025,
    "name": "2025年度“五星”支部创建工作",
    "quotas": {4: 4, 3: 6, 2: 4},
    "rated_on": date(2025, 12, 26),
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

EXAMPLE_STANDARD_PATH = Path(__file__).resolve().parent.parent / "standards" / "data" / "example-standard.yaml"

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

# ---------------------------------------------------------------------------------------------------------
# Demo accounts (created only in demo mode)
# ---------------------------------------------------------------------------------------------------------

# "person": a leader or cadre key, or "branch:<code>" for a branch's secretary; "unit": "office" or absent.
# The login page lists these accounts (with their labels) in demo mode.
DEMO_ACCOUNTS = [
    {
        "username": "demo-leader",
        "label": "党工委书记",
        "role": Role.OFFICE_LEADER,
        "unit": "office",
        "person": "party_secretary",
    },
    {
        "username": "demo-staff",
        "label": "创建办工作人员",
        "role": Role.CAMPAIGN_STAFF,
        "unit": "office",
        "person": "D01.2",
    },
    {"username": "demo-dept", "label": "职能部门干部（分包2个支部）", "role": Role.DEPARTMENT_CADRE, "person": "D03.0"},
    {
        "username": "demo-secretary",
        "label": "村党支部书记",
        "role": Role.BRANCH_SECRETARY,
        "branch": branch_code("008"),
        "person": "branch:" + branch_code("008"),
    },
    {"username": "demo-reviewer", "label": "观摩评委", "role": Role.REVIEWER, "unit": "office"},
    {"username": "demo-auditor", "label": "审计员", "role": Role.AUDITOR},
    {"username": "demo-security", "label": "安全管理员", "role": Role.SECURITY_ADMIN},
    {"username": "demo-sysadmin", "label": "系统管理员", "role": Role.SYSTEM_ADMIN},
]


def person_name(ref: str) -> str:
    """The name of the person a data reference points to (a leader or cadre key, or "branch:<code>")."""
    if ref.startswith("branch:"):
        return next(b["secretary"]["name"] for b in BRANCHES if b["code"] == ref.removeprefix("branch:"))
    for leader in LEADERS:
        if leader["key"] == ref:
            return leader["name"]
    for department in DEPARTMENTS:
        for cadre in department["cadres"]:
            if cadre["key"] == ref:
                return cadre["name"]
    raise KeyError(ref)


# ---------------------------------------------------------------------------------------------------------
# Loader
# ---------------------------------------------------------------------------------------------------------

STEPS = 7

# The domain apps' parts of the demo, loaded in this order after the organisation and the campaigns.
DEMO_EXTENSIONS = [
    ("wuxing.targets.demo", "党支部申领目标"),
    ("wuxing.checklists.demo", "打卡清单"),
    ("wuxing.liaison.demo", "各部门认领任务"),
    ("wuxing.showcase.demo", "示范点引领"),
]


def load_demo(*, stdout=None, extensions: bool = True) -> bool:
    """Load the demo office; False (and nothing changed) if it is already there.

    Demo accounts are created only when settings.WUXING_DEMO is on; with demo mode on, accounts missing from an
    office loaded earlier are added, so demo mode can be switched on later. Without `extensions`, only the
    organisation, the standard, the campaigns and the accounts are loaded, not the year's work in them.
    """
    from .models import OrgUnit

    def say(line: str):
        if stdout is not None:
            stdout.write(line + "\n")

    with transaction.atomic():
        office = OrgUnit.objects.filter(code=OFFICE_CODE).first()
        if office is not None:
            say("演示数据已存在，跳过")
            if settings.WUXING_DEMO:
                created = _create_demo_accounts(office, say)
                if created:
                    say(f"补建演示账号 {len(created)} 个：{'、'.join(created)}")
            return False
        _load(say, extensions=extensions)
    return True


def _load(say, *, extensions: bool = True):
    steps = STEPS + (len(DEMO_EXTENSIONS) if extensions else 0)
    from wuxing.campaigns.choices import CampaignStatus
    from wuxing.campaigns.models import CampaignGroup
    from wuxing.campaigns.services import (
        campaign_create,
        campaign_record_result,
        campaign_set_quotas,
        campaign_set_status,
        group_add_member,
    )
    from wuxing.core.audit import audit_record
    from wuxing.standards.fileformat import parse_standard, standard_load
    from wuxing.standards.models import Standard, Star

    from .models import Assignment, OrgUnit
    from .services import (
        assignment_create,
        branch_create,
        branch_update,
        department_create,
        orgunit_create,
        person_create,
    )

    say(f"[1/{steps}] 组织架构…")
    parent = None
    for unit in UNITS:
        existing = OrgUnit.objects.filter(code=unit["code"]).first()
        parent = existing or orgunit_create(
            actor=None, code=unit["code"], name=unit["name"], level=unit["level"], parent=parent
        )
    office = parent
    branches = {}
    for order, data in enumerate(BRANCHES, start=1):
        fields = {k: v for k, v in data.items() if k != "secretary"}
        branch = branch_create(actor=None, office=office, sort_order=order, **fields)
        branches[branch.code] = branch
    say(f"      {office.name}：{len(branches)} 个村（社区）")

    say(f"[2/{steps}] 部门、班子成员与支部书记…")
    people = {}

    def add_person(key, **fields):
        people[key] = person_create(actor=None, office=office, **fields)
        return people[key]

    for data in LEADERS:
        add_person(data["key"], name=data["name"], position=data["position"], phone=data["phone"], is_leader=True)
    departments = {}
    for data in DEPARTMENTS:
        department = department_create(
            actor=None, office=office, code=data["code"], name=data["name"], duties=data["duties"]
        )
        departments[department.code] = department
        for cadre in data["cadres"]:
            add_person(
                cadre["key"],
                name=cadre["name"],
                position=cadre["position"],
                phone=cadre["phone"],
                department=department,
            )
    for data in BRANCHES:
        branch = branches[data["code"]]
        secretary = add_person("branch:" + branch.code, branch=branch, **data["secretary"])
        branches[branch.code] = branch_update(actor=None, branch=branch, secretary=secretary)
    say(f"      {len(departments)} 个部门，{len(people)} 人")

    say(f"[3/{steps}] 联系分包…")
    for data in DEPARTMENTS:
        for code in data["branches"]:
            assignment_create(actor=None, branch=branches[code], department=departments[data["code"]])
    for data in LEADERS:
        for code in data["branches"]:
            assignment_create(actor=None, branch=branches[code], leader=people[data["key"]])
    say(f"      {Assignment.objects.filter(branch__office=office).count()} 条分包关系")

    say(f"[4/{steps}] 创建标准…")
    text = EXAMPLE_STANDARD_PATH.read_text(encoding="utf-8")
    header = parse_standard(text)
    standard = Standard.objects.filter(code=header["code"], version=header["version"]).first()
    if standard is None:
        standard = standard_load(actor=None, text=text)
        say(f"      载入 {standard.name}（{standard.version}）")
    else:
        say(f"      沿用已载入的 {standard.name}（{standard.version}）")

    say(f"[5/{steps}] {CAMPAIGN['year']}年度创建活动…")
    campaign = campaign_create(
        actor=None,
        office=office,
        year=CAMPAIGN["year"],
        standard=standard,
        name=CAMPAIGN["name"],
        work_plan=CAMPAIGN["work_plan"],
    )
    campaign_set_status(actor=None, campaign=campaign, status=CampaignStatus.RUNNING)
    campaign_set_quotas(actor=None, campaign=campaign, quotas=CAMPAIGN["quotas"])
    for kind, group in CAMPAIGN["groups"].items():
        CampaignGroup.objects.filter(campaign=campaign, kind=kind).update(duties=group["duties"])
        for key, role, duty in group["members"]:
            group_add_member(actor=None, campaign=campaign, kind=kind, person=people[key], role=role, duty=duty)
    quota_text = "、".join(f"{level}星{count}个" for level, count in sorted(CAMPAIGN["quotas"].items(), reverse=True))
    say(f"      {campaign.name}：进行中，目标 {quota_text}")

    say(f"[6/{steps}] 上一年度与下一年度创建活动…")
    previous = campaign_create(
        actor=None, office=office, year=PREVIOUS_CAMPAIGN["year"], standard=standard, name=PREVIOUS_CAMPAIGN["name"]
    )
    campaign_set_quotas(actor=None, campaign=previous, quotas=PREVIOUS_CAMPAIGN["quotas"])
    for data in BRANCHES:
        branch = branches[data["code"]]
        level = PREVIOUS_CAMPAIGN["levels"][data["code"]]
        stars = list(Star.objects.filter(standard=standard, star_set=branch.star_set).order_by("position")[:level])
        campaign_record_result(
            actor=None,
            campaign=previous,
            branch=branch,
            level=level,
            stars=stars,
            rated_on=PREVIOUS_CAMPAIGN["rated_on"],
        )
    campaign_set_status(actor=None, campaign=previous, status=CampaignStatus.CLOSED)
    upcoming = campaign_create(
        actor=None, office=office, year=NEXT_CAMPAIGN["year"], standard=standard, name=NEXT_CAMPAIGN["name"]
    )
    campaign_set_quotas(actor=None, campaign=upcoming, quotas=NEXT_CAMPAIGN["quotas"])
    say(f"      {previous.name}：已结束，评定结果 {len(BRANCHES)} 条；{upcoming.name}：筹备中")

    say(f"[7/{steps}] 演示账号…")
    accounts = _create_demo_accounts(office, say) if settings.WUXING_DEMO else []
    if not settings.WUXING_DEMO:
        say("      演示模式未开启（WUXING_DEMO），不创建演示账号")

    for number, (module_name, label) in enumerate(DEMO_EXTENSIONS if extensions else [], start=STEPS + 1):
        say(f"[{number}/{steps}] {label}…")
        import_module(module_name).load(office=office, say=say)

    counts = {
        "branches": len(branches),
        "departments": len(departments),
        "people": len(people),
        "assignments": Assignment.objects.filter(branch__office=office).count(),
        "accounts": len(accounts),
    }
    audit_record(actor=None, action="demo.load", obj=office, after=counts)
    say(
        f"完成：{counts['branches']} 个村（社区）、{counts['departments']} 个部门、{counts['people']} 人、"
        f"{counts['assignments']} 条分包关系、{counts['accounts']} 个演示账号"
    )


def _create_demo_accounts(office, say) -> list[str]:
    """Create the demo accounts that do not exist yet; returns their user names."""
    from .models import Branch, Person, User
    from .services import role_assign, user_create

    created = []
    for spec in DEMO_ACCOUNTS:
        if User.objects.filter(username__iexact=spec["username"]).exists():
            continue
        person = None
        if "person" in spec:
            person = Person.objects.filter(office=office, name=person_name(spec["person"])).first()
            if person is None or User.objects.filter(person=person).exists():
                say(f"      跳过 {spec['username']}：找不到对应人员或其已有账号")
                continue
        branch = None
        if "branch" in spec:
            branch = Branch.objects.filter(code=spec["branch"]).first()
            if branch is None:
                say(f"      跳过 {spec['username']}：找不到支部 {spec['branch']}")
                continue
        user = user_create(actor=None, username=spec["username"], password=settings.WUXING_DEMO_PASSWORD, person=person)
        role_assign(
            actor=None,
            user=user,
            role=spec["role"],
            unit=office if spec.get("unit") == "office" else None,
            branch=branch,
        )
        created.append(user.username)
        say(f"      {user.username}（{spec['label']}{' ' + person.name if person else ''}）")
    return created
