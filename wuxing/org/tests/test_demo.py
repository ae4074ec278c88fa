"""The demo loader: the office it builds, the accounts and their scopes, and that a second run changes nothing."""

from collections import Counter
from io import StringIO

import pytest

from wuxing.campaigns.choices import CampaignStatus, GroupKind, MemberRole
from wuxing.campaigns.models import Campaign, CampaignGroup, GroupMembership
from wuxing.core.models import AuditLog
from wuxing.core.roles import ADMIN_ROLES, Role
from wuxing.org import demo
from wuxing.org.choices import BranchKind, StarSet, UnitLevel
from wuxing.org.models import Assignment, Branch, Department, OrgUnit, Person, RoleAssignment, User
from wuxing.portal.demo import load_demo
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


@pytest.fixture
def loaded(demo_office):
    return demo_office


def test_org_tree_and_branches(loaded):
    office = loaded
    assert office.level == UnitLevel.OFFICE
    assert [u.code for u in OrgUnit.objects.filter(code__in=["41", "4101", "410199", "41019901"])] == [
        "41",
        "4101",
        "410199",
        "41019901",
    ]
    assert office.path == "/41/4101/410199/41019901/"
    branches = Branch.objects.filter(office=office)
    assert branches.count() == 14
    assert Counter(branches.values_list("kind", flat=True)) == {
        BranchKind.URBAN_COMMUNITY: 7,
        BranchKind.RURAL_VILLAGE: 4,
        BranchKind.RESETTLEMENT_VILLAGE: 3,
    }
    resettlement_sets = Counter(
        branches.filter(kind=BranchKind.RESETTLEMENT_VILLAGE).values_list("star_set", flat=True)
    )
    assert resettlement_sets == {StarSet.RURAL: 2, StarSet.URBAN: 1}
    for branch in branches:
        assert branch.code.startswith(office.code)
        assert 25 <= branch.party_members <= 120
        assert 20 <= branch.representatives <= 45
        assert 300 <= branch.households <= 3000
        assert 600 <= branch.adult_population <= 6000
        assert branch.secretary is not None
        assert branch.secretary.branch_id == branch.pk
        assert branch.secretary.phone.startswith("13") and len(branch.secretary.phone) == 11
    villages = branches.exclude(kind=BranchKind.URBAN_COMMUNITY)
    assert villages.filter(secretary_chairs_committee=True).count() > villages.count() / 2


def test_departments_each_assigned_two_branches_covering_all(loaded):
    departments = Department.objects.filter(office=loaded)
    assert departments.count() == 7
    covered = set()
    for department in departments:
        branch_ids = list(
            Assignment.objects.filter(department=department, active=True).values_list("branch_id", flat=True)
        )
        assert len(branch_ids) == 2, department.name
        assert department.duties
        assert 2 <= department.members.count() <= 3
        covered |= set(branch_ids)
    assert covered == set(Branch.objects.filter(office=loaded).values_list("pk", flat=True))


def test_leaders_each_lead_one_or_two_branches(loaded):
    leaders = Person.objects.filter(office=loaded, is_leader=True)
    assert leaders.count() == 9
    for leader in leaders:
        assert 1 <= leader.assignments.count() <= 2, leader.position
    secretary = leaders.get(position="党工委书记")
    director = leaders.get(position="办事处主任")
    assert [a.branch.kind for a in secretary.assignments.all()] == [BranchKind.URBAN_COMMUNITY]
    assert [a.branch.kind for a in director.assignments.all()] == [BranchKind.RESETTLEMENT_VILLAGE]


def test_campaign_standard_quotas_and_groups(loaded):
    campaign = Campaign.objects.get(office=loaded, year=2026)
    assert campaign.status == CampaignStatus.RUNNING
    assert campaign.name == "2026年度“五星”支部创建工作"
    assert "四领四促" in campaign.work_plan and "日报告、周例会、月观摩、季评比、年总结" in campaign.work_plan
    assert campaign.quota_map() == {5: 2, 4: 7, 3: 5}
    assert campaign.standard.code == "henan-wuxing-example" and campaign.standard.is_example
    groups = {g.kind: g for g in campaign.groups.all()}
    assert set(groups) == set(GroupKind.values)
    for group in groups.values():
        assert group.duties
        head = group.memberships.get(role=MemberRole.LEADER)
        assert head.person.is_leader
    leadership = groups[GroupKind.LEADERSHIP]
    assert leadership.memberships.get(role=MemberRole.LEADER).person.position == "党工委书记"
    assert leadership.memberships.get(role=MemberRole.DEPUTY).person.position == "办事处主任"
    assert leadership.memberships.count() == 9
    for kind in [GroupKind.COORDINATION, GroupKind.GUIDANCE, GroupKind.PUBLICITY, GroupKind.INSPECTION]:
        cadres = groups[kind].memberships.filter(role=MemberRole.MEMBER)
        assert 2 <= cadres.count() <= 3
        assert all(m.duty and m.person.department_id for m in cadres)


def test_demo_accounts_and_roles(loaded):
    expected = {spec["username"]: spec["role"] for spec in demo.DEMO_ACCOUNTS}
    assert User.objects.filter(username__startswith="demo-").count() == 11
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.role_codes() == [role]
        assert user.check_password("Wuxing-demo-2026")
        ra = user.role_assignments.get()
        if role in ADMIN_ROLES or role == Role.DEPARTMENT_CADRE:
            assert ra.unit is None and ra.branch is None
    assert User.objects.get(username="demo-leader").person.position == "党工委书记"
    assert User.objects.get(username="demo-staff").person.department.name == "党建工作办公室"
    dept_person = User.objects.get(username="demo-dept").person
    assert dept_person.department.assignments.filter(active=True).count() == 2
    secretary = User.objects.get(username="demo-secretary")
    branch = secretary.role_assignments.get().branch
    assert branch.kind == BranchKind.RURAL_VILLAGE
    assert branch.secretary == secretary.person
    for username in ["demo-leader", "demo-staff", "demo-reviewer"]:
        assert User.objects.get(username=username).role_assignments.get().unit == loaded
    for username in ["demo-district", "demo-district-dept", "demo-district-org"]:
        assert User.objects.get(username=username).role_assignments.get().unit == loaded.parent


def test_scopes_of_demo_accounts(loaded):
    def visible(username):
        user = User.objects.get(username=username)  # a fresh object: scope_for caches on the user
        return Branch.objects.restrict(user, "view").count()

    assert visible("demo-leader") == 14
    assert visible("demo-staff") == 14
    assert visible("demo-reviewer") == 14
    assert visible("demo-dept") == 2
    assert visible("demo-secretary") == 1
    assert visible("demo-auditor") == 0


def test_second_run_changes_nothing(loaded):
    before = _counts()
    out = StringIO()
    assert load_demo(stdout=out) is False
    assert "演示数据已存在，跳过" in out.getvalue()
    assert _counts() == before


def test_people_are_fictional_and_distinct():
    names = [leader["name"] for leader in demo.LEADERS]
    names += [cadre["name"] for department in demo.DEPARTMENTS for cadre in department["cadres"]]
    names += [branch["secretary"]["name"] for branch in demo.BRANCHES]
    assert len(names) == len(set(names))
    # The journalists and correspondent named in the seed article.
    assert not {"马燕", "李江", "田晓菲"} & set(names)
    phones = [leader["phone"] for leader in demo.LEADERS] + [branch["secretary"]["phone"] for branch in demo.BRANCHES]
    assert len(phones) == len(set(phones))
    assert all(p.isdigit() and len(p) == 11 and p.startswith("13") for p in phones)


def test_last_years_campaign_is_closed_with_a_rated_level_per_branch(loaded):
    from wuxing.campaigns.models import Campaign, CampaignResult

    previous = Campaign.objects.get(office=loaded, year=2025)
    assert previous.status == "closed"
    results = CampaignResult.objects.filter(campaign=previous).prefetch_related("stars")
    assert results.count() == 14
    # Each rated level is the number of stars awarded, all from the branch's own star set.
    for result in results:
        assert result.stars.count() == result.level
        assert {star.star_set for star in result.stars.all()} <= {result.branch.star_set}
    assert Campaign.objects.get(office=loaded, year=2027).status == "preparing"


def test_two_smaller_offices_share_the_district_and_every_office_has_its_map(loaded):
    from wuxing.org.models import Boundary

    neighbours = OrgUnit.objects.filter(code__in=demo.NEIGHBOUR_CODES).order_by("code")
    assert [n.parent_id for n in neighbours] == [loaded.parent_id] * 2
    assert [n.branches.count() for n in neighbours] == [6, 5]
    for office in [loaded, *neighbours]:
        assert set(Boundary.objects.filter(unit=office, kind="branch").values_list("code", flat=True)) == set(
            office.branches.values_list("code", flat=True)
        )
    # The demo office's grids (two per branch) have their shapes too, tied to the grids; the neighbours have none.
    grids = Boundary.objects.filter(kind="grid")
    assert grids.count() == 28 and set(grids.values_list("unit_id", flat=True)) == {loaded.pk}
    assert all(b.grid.branch_id == b.branch_id for b in grids.select_related("grid"))
    assert set(Boundary.objects.filter(unit=loaded.parent).values_list("code", flat=True)) == {
        loaded.code,
        *demo.NEIGHBOUR_CODES,
    }
    # The district's campaign office sees the three offices; the demo office's roles still see only their own.
    district = User.objects.get(username="demo-district")
    assert Branch.objects.restrict(district, "view").count() == 14 + 6 + 5
