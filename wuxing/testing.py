"""Test helpers: build a small organisation and users with roles, without going through the demo loader."""

import io
import re
from types import SimpleNamespace

from django.conf import settings
from PIL import Image
from rest_framework.test import APIClient

from wuxing.core.roles import Role
from wuxing.org.choices import BranchKind, UnitLevel
from wuxing.org.models import Assignment, Branch, Department, OrgUnit, Person, RoleAssignment, User
from wuxing.org.rules import unit_path

PASSWORD = settings.WUXING_DEMO_PASSWORD


def clear_caches():
    """Empty the shared cache and what this process keeps of what it read (core.fragments.VALUES, the account
    policy's copy, the standards' stars): the next read computes every figure again, as on a server just started."""
    from django.core.cache import cache

    from wuxing.campaigns.selectors import STANDARD_STARS
    from wuxing.core.fragments import VALUES
    from wuxing.core.models import AccountPolicy

    cache.clear()
    VALUES.clear()
    AccountPolicy._local = None
    STANDARD_STARS.clear()


def _unit(code, name, level, parent=None):
    return OrgUnit.objects.create(
        code=code, name=name, level=level, parent=parent, path=unit_path(parent.path if parent else None, code)
    )


def build_org():
    """district T1 → offices A and B; A has 3 branches, B has 2. Department A-1 is assigned branches a1, a2."""
    province = _unit("T41", "测试省", UnitLevel.PROVINCE)
    city = _unit("T4101", "测试市", UnitLevel.CITY, province)
    district = _unit("T410101", "测试区", UnitLevel.DISTRICT, city)
    office_a = _unit("T41010101", "甲街道", UnitLevel.OFFICE, district)
    office_b = _unit("T41010102", "乙街道", UnitLevel.OFFICE, district)
    dept_a1 = Department.objects.create(office=office_a, code="A1", name="党建办")
    dept_a2 = Department.objects.create(office=office_a, code="A2", name="综治办")
    dept_b1 = Department.objects.create(office=office_b, code="B1", name="党建办")
    branches = {}
    for code, name, kind, office in [
        ("a1", "甲一村", BranchKind.RURAL_VILLAGE, office_a),
        ("a2", "甲二社区", BranchKind.URBAN_COMMUNITY, office_a),
        ("a3", "甲三安置村", BranchKind.RESETTLEMENT_VILLAGE, office_a),
        ("b1", "乙一社区", BranchKind.URBAN_COMMUNITY, office_b),
        ("b2", "乙二村", BranchKind.RURAL_VILLAGE, office_b),
    ]:
        branches[code] = Branch.objects.create(
            office=office,
            code=f"T-{code}",
            name=name,
            kind=kind,
            party_members=30,
            representatives=25,
            households=300,
            adult_population=800,
        )
    leader_a = Person.objects.create(
        office=office_a, name="甲书记", position="党工委书记", phone="13800001111", is_leader=True
    )
    cadre_a1 = Person.objects.create(
        office=office_a, name="甲干部", position="党建办主任", phone="13800002222", department=dept_a1
    )
    secretary_a1 = Person.objects.create(
        office=office_a, name="甲一书记", position="村党支部书记", phone="13912345678", branch=branches["a1"]
    )
    branches["a1"].secretary = secretary_a1
    branches["a1"].save()
    Assignment.objects.create(branch=branches["a1"], department=dept_a1)
    Assignment.objects.create(branch=branches["a2"], department=dept_a1)
    Assignment.objects.create(branch=branches["a3"], department=dept_a2)
    Assignment.objects.create(branch=branches["a3"], leader=leader_a)
    Assignment.objects.create(branch=branches["b1"], department=dept_b1)
    return SimpleNamespace(
        province=province,
        city=city,
        district=district,
        office_a=office_a,
        office_b=office_b,
        dept_a1=dept_a1,
        dept_a2=dept_a2,
        dept_b1=dept_b1,
        branches=branches,
        leader_a=leader_a,
        cadre_a1=cadre_a1,
        secretary_a1=secretary_a1,
    )


def make_user(username, role=None, *, unit=None, branch=None, person=None, password=PASSWORD):
    user = User.objects.create_user(username=username, password=password, person=person)
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role, unit=unit, branch=branch)
    return user


def users_for(org):
    """One user per role, scoped in office A (the secretary to branch a1, the cadre to department A-1)."""
    return SimpleNamespace(
        leader=make_user("t-leader", Role.OFFICE_LEADER, unit=org.office_a, person=org.leader_a),
        staff=make_user("t-staff", Role.CAMPAIGN_STAFF, unit=org.office_a),
        leader_b=make_user("t-leader-b", Role.OFFICE_LEADER, unit=org.office_b),
        district=make_user("t-district", Role.OFFICE_LEADER, unit=org.district),
        cadre=make_user("t-cadre", Role.DEPARTMENT_CADRE, person=org.cadre_a1),
        secretary=make_user("t-secretary", Role.BRANCH_SECRETARY, branch=org.branches["a1"], person=org.secretary_a1),
        reviewer=make_user("t-reviewer", Role.REVIEWER, unit=org.office_a),
        auditor=make_user("t-auditor", Role.AUDITOR),
        security=make_user("t-security", Role.SECURITY_ADMIN),
        sysadmin=make_user("t-sysadmin", Role.SYSTEM_ADMIN),
        nobody=make_user("t-nobody"),
    )


def api_as(api_client, user):
    """The API client signed in as `user` (session-free), answering in Chinese."""
    api_client.force_authenticate(user)
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return api_client


def api_token(user) -> str:
    """A newly issued API token of `user`, as the token endpoint issues it."""
    from wuxing.core.tokens import token_issue

    return token_issue(user=user)


def api_with_token(user):
    """A fresh API client that authenticates with `user`'s token only, as an outside client would."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def stored_files(root):
    """Every file under a media root, to show that a refused upload left nothing behind."""
    return sorted(p for p in root.rglob("*") if p.is_file())


def assert_no_exif(field_file):
    """The stored image carries no camera make or model, no EXIF and no GPS block."""
    with field_file.open("rb") as fh:
        data = fh.read()
    assert b"WuxingCam" not in data and b"Field Model 1" not in data
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        assert not exif and not exif.get_ifd(0x8825)


def xlsx_of(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with these sheets (name → rows, the first row the headers)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def organisation_rows(
    *, district_code: str, offices: int = 1, branches: int = 12, departments: int = 6, people: int = 40
):
    """The sheets of an organisation workbook as the template lays them out: `offices` offices under the district (codes district + 51, 52, …),
    each with `branches` branches, `departments` departments and `people` people (a secretary for each branch
    first, then department cadres, then leaders)."""
    from wuxing.org.imports import SHEETS

    headers = {key: [h for _c, h in columns] for key, (_names, columns) in SHEETS.items()}
    sheets = {key: [headers[key]] for key in SHEETS}
    kinds = ["农村（行政村）", "城市社区", "安置村"]
    for o in range(1, offices + 1):
        office = f"{district_code}{o + 50:02d}"
        sheets["units"].append([office, f"第{o}街道办事处", "乡镇（街道）", district_code])
        for b in range(1, branches + 1):
            kind = kinds[b % 3]
            sheets["branches"].append(
                [f"{office}{b:03d}", f"{o}-{b}村", office, kind, "", 40 + b, 25, 1500 + b, 400 + b, "否"]
            )
        for d in range(1, departments + 1):
            sheets["departments"].append([office, f"D{d:02d}", f"第{d}部门", "负责相关工作"])
        for p in range(1, people + 1):
            phone = f"139{o:04d}{p:04d}"
            if p <= branches:
                row = [office, f"书记{o}-{p}", "村党支部书记", "", f"{office}{p:03d}", phone, "", "是", "否", "是"]
            elif p <= people - 5:
                row = [office, f"干部{o}-{p}", "干事", f"D{(p % departments) + 1:02d}", "", phone, "", "是", "否", "否"]
            else:
                row = [office, f"领导{o}-{p}", "党工委委员", "", "", phone, "", "是", "是", "否"]
            sheets["people"].append(row)
    return {SHEETS[key][0][0]: rows for key, rows in sheets.items()}


_CSRF_TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"')


def page_text(response) -> str:
    """A page's HTML without its random CSRF tokens, so a check that a short code is absent cannot hit one."""
    return _CSRF_TOKENS.sub(r'\1"', response.content.decode())
