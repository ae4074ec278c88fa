"""The demo office (SPEC §5): a fictional sub-district office modelled on the seed article, and its loader.

All people are fictional: their names are built from fixed lists of surnames and given names, their phone
numbers from a fixed formula, so every load produces the same office.
"""

from django.conf import settings

from wuxing.core.actors import DEMO
from wuxing.core.roles import Role

from .choices import BranchKind, StarSet, UnitLevel
from .models import Assignment, Branch, Department, OrgUnit, Person, User
from .services import (
    assignment_create,
    boundaries_upload,
    branch_create,
    branch_update,
    department_create,
    orgunit_create,
    person_create,
    role_assign,
    user_create,
)

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
    {"username": "demo-district", "label": "区创建办（区委组织部）", "role": Role.CAMPAIGN_STAFF, "unit": "district"},
    {"username": "demo-district-dept", "label": "区委政法委（区县联审）", "role": Role.REVIEWER, "unit": "district"},
    {"username": "demo-district-org", "label": "区委组织部（区县联审）", "role": Role.REVIEWER, "unit": "district"},
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
# This app's steps of the demo (see wuxing.portal.demo)
# ---------------------------------------------------------------------------------------------------------


def load_units(*, office, say):
    """The tree down to the office, and its branches; returns the office."""

    parent = None
    for unit in UNITS:
        existing = OrgUnit.objects.filter(code=unit["code"]).first()
        parent = existing or orgunit_create(
            actor=DEMO, code=unit["code"], name=unit["name"], level=unit["level"], parent=parent
        )
    office = parent
    for order, data in enumerate(BRANCHES, start=1):
        fields = {k: v for k, v in data.items() if k != "secretary"}
        branch_create(actor=DEMO, office=office, sort_order=order, **fields)
    say(f"      {office.name}：{len(BRANCHES)} 个村（社区）")
    return office


def load_people(*, office, say):

    count = 0
    for data in LEADERS:
        person_create(
            actor=DEMO, office=office, name=data["name"], position=data["position"], phone=data["phone"], is_leader=True
        )
        count += 1
    for data in DEPARTMENTS:
        department = department_create(
            actor=DEMO, office=office, code=data["code"], name=data["name"], duties=data["duties"]
        )
        for cadre in data["cadres"]:
            person_create(
                actor=DEMO,
                office=office,
                name=cadre["name"],
                position=cadre["position"],
                phone=cadre["phone"],
                department=department,
            )
            count += 1
    for data in BRANCHES:
        branch = Branch.objects.get(code=data["code"])
        secretary = person_create(actor=DEMO, office=office, branch=branch, **data["secretary"])
        branch_update(actor=DEMO, branch=branch, secretary=secretary)
        count += 1
    say(f"      {len(DEPARTMENTS)} 个部门，{count} 人")


def load_assignments(*, office, say):

    for data in DEPARTMENTS:
        department = Department.objects.get(office=office, code=data["code"])
        for code in data["branches"]:
            assignment_create(actor=DEMO, branch=Branch.objects.get(code=code), department=department)
    for data in LEADERS:
        leader = Person.objects.get(office=office, name=data["name"], is_leader=True)
        for code in data["branches"]:
            assignment_create(actor=DEMO, branch=Branch.objects.get(code=code), leader=leader)
    say(f"      {Assignment.objects.filter(branch__office=office).count()} 条分包关系")


def load_accounts(*, office, say):
    if not settings.WUXING_DEMO:
        say("      演示模式未开启（WUXING_DEMO），不创建演示账号")
        return
    create_demo_accounts(office, say)


# ---------------------------------------------------------------------------------------------------------
# Two smaller neighbouring offices of the same district (for the district's summary), and the maps
# ---------------------------------------------------------------------------------------------------------

# (code, name, branches: (suffix, name, kind, party members, households)); fictional like the demo office.
NEIGHBOURS = [
    {
        "code": "41019902",
        "name": "青峰街道办事处",
        "branches": [
            ("001", "青峰社区", _URBAN, 76, 1900),
            ("002", "松林社区", _URBAN, 58, 1450),
            ("003", "石桥村", _RURAL, 39, 520),
            ("004", "枣园村", _RURAL, 33, 410),
            ("005", "新港新村", _RESETTLEMENT, 61, 1180),
            ("006", "东湖社区", _URBAN, 49, 1240),
        ],
    },
    {
        "code": "41019903",
        "name": "白沙镇",
        "branches": [
            ("001", "白沙村", _RURAL, 44, 610),
            ("002", "黄庄村", _RURAL, 31, 380),
            ("003", "南岗村", _RURAL, 27, 330),
            ("004", "沙河新村", _RESETTLEMENT, 52, 960),
            ("005", "白沙社区", _URBAN, 57, 1320),
        ],
    },
]
NEIGHBOUR_CODES = [n["code"] for n in NEIGHBOURS]


def load_neighbours(*, office, say):
    """The district's two other (smaller) offices, with their branches and secretaries."""
    district = office.parent
    for n, data in enumerate(NEIGHBOURS):
        unit = OrgUnit.objects.filter(code=data["code"]).first() or orgunit_create(
            actor=DEMO, code=data["code"], name=data["name"], level=UnitLevel.OFFICE, parent=district
        )
        for order, (suffix, name, kind, members, households) in enumerate(data["branches"], start=1):
            index = n * 6 + order - 1
            branch = branch_create(
                actor=DEMO,
                office=unit,
                code=unit.code + suffix,
                name=name,
                kind=kind,
                party_members=members,
                households=households,
                sort_order=order,
            )
            secretary = person_create(
                actor=DEMO,
                office=unit,
                branch=branch,
                name=neighbour_name(index),
                position="社区党委书记" if kind == _URBAN else "村党支部书记",
                phone=fictional_phone(index),
            )
            branch_update(actor=DEMO, branch=branch, secretary=secretary)
        say(f"      {unit.name}：{len(data['branches'])} 个村（社区）")


def neighbour_name(index: int) -> str:
    """The secretaries of the neighbouring offices: another stride through the lists, none of the first 50."""
    return SURNAMES[(index * 11 + 40) % len(SURNAMES)] + GIVEN_NAMES[(index * 17 + 9) % len(GIVEN_NAMES)]


# The invented maps: a lattice of cells (about 1.1 km × 1.1 km) north-east of an invented origin, its vertices and
# edge midpoints nudged by a fixed formula so that neighbouring shapes share their edges exactly. Each office is
# a block of cells; each branch one cell (the last, two).
_ORIGIN, _DX, _DY = (113.905, 34.652), 0.0125, 0.0102
_BLOCKS = {OFFICE_CODE: (0, 0, 5, 3), "41019902": (5, 0, 3, 2), "41019903": (5, 2, 3, 2)}


def _nudge(key: tuple, scale: float) -> float:
    value = (key[0] * 7919 + key[1] * 104_729 + key[2] * 1_299_709) % 1000 / 1000 - 0.5
    return round(value * scale, 6)


def _vertex(i: int, j: int) -> list[float]:
    return [
        round(_ORIGIN[0] + i * _DX + _nudge((i, j, 1), _DX * 0.3), 6),
        round(_ORIGIN[1] + j * _DY + _nudge((i, j, 2), _DY * 0.3), 6),
    ]


def _midpoint(a: tuple, b: tuple) -> list[float]:
    (i1, j1), (i2, j2) = sorted([a, b])
    pa, pb = _vertex(i1, j1), _vertex(i2, j2)
    return [
        round((pa[0] + pb[0]) / 2 + _nudge((i1 + i2, j1 + j2, 3), _DX * 0.25), 6),
        round((pa[1] + pb[1]) / 2 + _nudge((i1 + i2, j1 + j2, 4), _DY * 0.25), 6),
    ]


def _path(corners: list[tuple]) -> list[list[float]]:
    """A closed ring through lattice corners, one unit step at a time, with the nudged midpoints between them."""
    ring = []
    for a, b in zip(corners, corners[1:] + corners[:1]):
        steps = max(abs(b[0] - a[0]), abs(b[1] - a[1]))
        di, dj = (b[0] - a[0]) // steps, (b[1] - a[1]) // steps
        for k in range(steps):
            p, q = (a[0] + k * di, a[1] + k * dj), (a[0] + (k + 1) * di, a[1] + (k + 1) * dj)
            ring.append(_vertex(*p))
            ring.append(_midpoint(p, q))
    ring.append(ring[0])
    return ring


def _rectangle(i: int, j: int, w: int, h: int) -> list[list[float]]:
    return _path([(i, j), (i + w, j), (i + w, j + h), (i, j + h)])


def branch_cells(office_code: str) -> dict[str, tuple[str, list[tuple[int, int]]]]:
    """code → (name, lattice cells) of each branch of a demo office, in order (the last takes the cells left)."""
    i0, j0, w, h = _BLOCKS[office_code]
    codes = list(
        Branch.objects.filter(office__code=office_code).order_by("sort_order", "code").values_list("code", "name")
    )
    cells = [(i0 + c, j0 + r) for r in range(h) for c in range(w)]
    return {code: (name, cells[n : n + 1] if n < len(codes) - 1 else cells[n:]) for n, (code, name) in enumerate(codes)}


def cell_spot(cell: tuple[int, int], x: float, y: float) -> tuple[float, float]:
    """A place inside a lattice cell, `x` and `y` its share of the way across (0.3–0.7 stays clear of the nudged
    edges): where the demo puts a grid's corner, a site or an issue."""
    return (round(_ORIGIN[0] + (cell[0] + x) * _DX, 6), round(_ORIGIN[1] + (cell[1] + y) * _DY, 6))


def demo_map(office_code: str) -> dict:
    """The invented map of one demo office: its branches' shapes, in order (the last takes the cells left), and
    the shapes of the office's grids inside them (demo_grids)."""
    from .demo_grids import grid_features

    features = []
    for code, (name, own) in branch_cells(office_code).items():
        polygons = [[_rectangle(i, j, 1, 1)] for i, j in own]
        geometry = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        features.append({"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry})
    features.extend(grid_features(office_code))
    return {"type": "FeatureCollection", "features": features}


def district_map(codes: list[str]) -> dict:
    """The invented map of the district: one shape per demo office."""
    features = []
    for code in codes:
        i, j, w, h = _BLOCKS[code]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code},
                "geometry": {"type": "Polygon", "coordinates": [_rectangle(i, j, w, h)]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _upload(data: dict, name: str):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, json.dumps(data, ensure_ascii=False).encode(), content_type="application/geo+json")


def load_maps(*, office, say):
    """The invented maps: each demo office's branches, and the district's three offices."""
    count = 0
    for code in [OFFICE_CODE, *NEIGHBOUR_CODES]:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            continue
        count += len(boundaries_upload(actor=DEMO, unit=unit, upload=_upload(demo_map(code), f"{code}.geojson")))
    district = office.parent
    codes = [c for c in [OFFICE_CODE, *NEIGHBOUR_CODES] if OrgUnit.objects.filter(code=c).exists()]
    count += len(boundaries_upload(actor=DEMO, unit=district, upload=_upload(district_map(codes), "district.geojson")))
    say(f"      {count} 个网格边界（虚构）")


from .demo_grids import load_grids, load_neighbour_assignments  # noqa: E402  (they read the lattice above)

STEPS = [
    ("组织架构", load_units),
    ("部门、班子成员与支部书记", load_people),
    ("联系分包", load_assignments),
    ("演示账号", load_accounts),
    ("同区的另两个街道（镇）", load_neighbours),
    ("同区另两个街道（镇）的分包", load_neighbour_assignments),
    ("网格", load_grids),
    ("网格地图", load_maps),
]


def create_demo_accounts(office, say) -> list[str]:
    """Create the demo accounts that do not exist yet; returns their user names."""

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
        user = user_create(actor=DEMO, username=spec["username"], password=settings.WUXING_DEMO_PASSWORD, person=person)
        role_assign(
            actor=DEMO,
            user=user,
            role=spec["role"],
            unit={"office": office, "district": office.parent}.get(spec.get("unit")),
            branch=branch,
        )
        created.append(user.username)
        say(f"      {user.username}（{spec['label']}{' ' + person.name if person else ''}）")
    return created
