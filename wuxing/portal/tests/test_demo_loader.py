"""The demo loader from an empty database: what it reuses, demo mode on and off, the command's progress."""

from io import StringIO

import pytest
from django.core.management import call_command

from wuxing.campaigns.models import Campaign, CampaignGroup, GroupMembership
from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.roles import Role
from wuxing.org import demo
from wuxing.org.choices import UnitLevel
from wuxing.org.models import Assignment, Branch, Department, OrgUnit, Person, RoleAssignment, User
from wuxing.org.services import orgunit_create, user_create
from wuxing.portal.demo import load_demo
from wuxing.standards.demo import EXAMPLE_STANDARD_PATH
from wuxing.standards.fileformat import standard_load
from wuxing.standards.models import Standard

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = [spec["username"] for spec in demo.DEMO_ACCOUNTS]


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            OrgUnit,
            Branch,
            Department,
            Person,
            Assignment,
            User,
            RoleAssignment,
            Campaign,
            CampaignGroup,
            GroupMembership,
            Standard,
            AuditLog,
        )
    }


@pytest.fixture
def demo_on(settings):
    settings.WUXING_DEMO = True
    return settings


def test_a_fresh_load_reports_true_and_a_second_false(demo_on):
    assert load_demo(extensions=False) is True
    assert load_demo(extensions=False) is False


def test_existing_province_and_city_are_reused(demo_on):
    province = orgunit_create(actor=SYSTEM, code="41", name="河南省", level=UnitLevel.PROVINCE)
    city = orgunit_create(actor=SYSTEM, code="4101", name="郑州市", level=UnitLevel.CITY, parent=province)
    assert load_demo(extensions=False) is True
    district = OrgUnit.objects.get(code="410199")
    assert district.parent == city
    assert OrgUnit.objects.filter(code__in=["41", "4101"]).count() == 2


def test_demo_mode_off_creates_no_accounts(settings):
    settings.WUXING_DEMO = False
    out = StringIO()
    assert load_demo(stdout=out, extensions=False) is True
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()
    assert Branch.objects.filter(office__code="41019901").count() == 14
    assert "不创建演示账号" in out.getvalue()


def test_turning_demo_mode_on_later_adds_missing_accounts(settings):
    settings.WUXING_DEMO = False
    load_demo(extensions=False)
    # One demo account already exists (made by hand); it is left as it is.
    existing = user_create(actor=SYSTEM, username="demo-reviewer", password="Another-pass-2026")
    before = _counts()
    settings.WUXING_DEMO = True
    out = StringIO()
    assert load_demo(stdout=out) is False
    assert "演示数据已存在，跳过" in out.getvalue()
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == 11
    assert "demo-leader" in out.getvalue() and "demo-reviewer" not in out.getvalue()
    assert User.objects.get(username="demo-leader").role_codes() == [Role.OFFICE_LEADER]
    existing.refresh_from_db()
    assert existing.role_codes() == [] and existing.check_password("Another-pass-2026")
    after = _counts()
    assert after["User"] == before["User"] + 10
    assert {k: v for k, v in after.items() if k not in {"User", "RoleAssignment", "AuditLog"}} == {
        k: v for k, v in before.items() if k not in {"User", "RoleAssignment", "AuditLog"}
    }


def test_an_already_loaded_standard_is_reused(demo_on):
    standard = standard_load(actor=SYSTEM, text=EXAMPLE_STANDARD_PATH.read_text(encoding="utf-8"))
    load_demo(extensions=False)
    assert Standard.objects.count() == 1
    assert Campaign.objects.get(office__code="41019901", year=2026).standard == standard


def test_management_command(demo_on):
    out = StringIO()
    call_command("load_demo", "--organisation-only", stdout=out)
    # The organisation's 8 steps (the office, people, assignments, accounts, the neighbours and their assignments,
    # grids, maps), the standard's one and the campaigns' three.
    assert "[1/12]" in out.getvalue() and "[12/12]" in out.getvalue()
    assert Branch.objects.filter(office__code="41019901").count() == 14
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "演示数据已存在，跳过" in out.getvalue()
