"""Data scope: one mechanism decides what each role sees, and edits are re-checked inside the transaction."""

import pytest
from django.core.exceptions import PermissionDenied

from wuxing.campaigns.models import Campaign
from wuxing.core.models import AuditLog
from wuxing.org.models import Assignment, Branch, Department, Person
from wuxing.org.rules import can_be_child, default_star_set, path_in_subtrees, unit_path
from wuxing.org.services import branch_update, person_reveal
from wuxing.testing import users_for

pytestmark = pytest.mark.django_db


def codes(qs):
    return sorted(b.code.removeprefix("T-") for b in qs)


def test_pure_org_rules():
    assert default_star_set("urban_community") == "urban"
    assert default_star_set("rural_village") == "rural"
    assert default_star_set("resettlement_village") == "rural"
    assert can_be_child(None, "province") and can_be_child("district", "office")
    assert not can_be_child("city", "office")
    assert unit_path("/41/", "4101") == "/41/4101/"
    assert path_in_subtrees("/41/4101/x/", ["/41/4101/"]) and not path_in_subtrees("/41/4102/", ["/41/4101/"])


def test_branch_scope_per_role(org):
    u = users_for(org)
    assert codes(Branch.objects.restrict(u.leader)) == ["a1", "a2", "a3"]
    assert codes(Branch.objects.restrict(u.staff)) == ["a1", "a2", "a3"]
    assert codes(Branch.objects.restrict(u.leader_b)) == ["b1", "b2"]
    assert codes(Branch.objects.restrict(u.district)) == ["a1", "a2", "a3", "b1", "b2"]
    assert codes(Branch.objects.restrict(u.cadre)) == ["a1", "a2"]
    assert codes(Branch.objects.restrict(u.secretary)) == ["a1"]
    assert codes(Branch.objects.restrict(u.reviewer)) == ["a1", "a2", "a3"]
    for nobody in (u.auditor, u.security, u.sysadmin, u.nobody):
        assert Branch.objects.restrict(nobody).count() == 0


def test_leader_assignment_extends_a_cadre_scope(org, make_user):
    from wuxing.core.roles import Role

    user = make_user("t-leader-cadre", Role.DEPARTMENT_CADRE, person=org.leader_a)
    assert codes(Branch.objects.restrict(user)) == ["a3"]


def test_inactive_assignment_leaves_the_scope(org):
    u = users_for(org)
    Assignment.objects.filter(branch=org.branches["a2"], department=org.dept_a1).update(active=False)
    from wuxing.org.models import User

    fresh = User.objects.get(pk=u.cadre.pk)
    assert codes(Branch.objects.restrict(fresh)) == ["a1"]


def test_related_models_follow_the_branch_scope(org):
    u = users_for(org)
    # A branch's roles see the departments and people that help their branches, not the office's whole lists.
    assert set(Department.objects.restrict(u.secretary).values_list("code", flat=True)) == {"A1"}
    assert set(Department.objects.restrict(u.leader).values_list("code", flat=True)) == {"A1", "A2"}
    assert set(Person.objects.restrict(u.secretary).values_list("name", flat=True)) == {"甲一书记", "甲干部"}
    assert set(Person.objects.restrict(u.cadre).values_list("name", flat=True)) == {"甲一书记", "甲干部"}
    assert set(Person.objects.restrict(u.leader).values_list("name", flat=True)) == {"甲书记", "甲一书记", "甲干部"}
    assert Department.objects.restrict(u.leader_b).count() == 1
    assert Person.objects.restrict(u.leader_b).count() == 0
    assert set(Assignment.objects.restrict(u.cadre).values_list("branch__code", flat=True)) == {"T-a1", "T-a2"}
    assert Campaign.objects.restrict(u.auditor).count() == 0


def test_change_needs_permission_and_scope(org):
    u = users_for(org)
    with pytest.raises(PermissionDenied):
        branch_update(actor=u.secretary, branch=org.branches["a1"], party_members=1)
    with pytest.raises(PermissionDenied):
        branch_update(actor=u.leader, branch=org.branches["b1"], party_members=1)
    assert Branch.objects.get(pk=org.branches["b1"].pk).party_members == 30
    branch_update(actor=u.leader, branch=org.branches["a1"], party_members=55)
    assert Branch.objects.get(pk=org.branches["a1"].pk).party_members == 55


def test_edit_is_rechecked_after_saving(org, monkeypatch):
    """An edit that would end outside the actor's scope is rolled back whole, audit row included."""
    from wuxing.org import access

    u = users_for(org)
    before = AuditLog.objects.count()

    def deny(obj, *, actor, action="change", message=None):
        raise PermissionDenied("moved out of scope")

    monkeypatch.setattr("wuxing.org.services.ensure_in_scope", deny)
    with pytest.raises(PermissionDenied):
        branch_update(actor=u.leader, branch=org.branches["a1"], name="改名")
    assert Branch.objects.get(pk=org.branches["a1"].pk).name == "甲一村"
    assert AuditLog.objects.count() == before
    assert access.ensure_in_scope is not deny


def test_kind_change_resets_the_default_star_set(org):
    u = users_for(org)
    branch = branch_update(actor=u.leader, branch=org.branches["a2"], kind="rural_village")
    assert branch.star_set == "rural"
    branch = branch_update(actor=u.leader, branch=org.branches["a3"], star_set="urban")
    assert branch.star_set == "urban" and branch.kind == "resettlement_village"


def test_reveal_needs_permission_and_scope(org):
    u = users_for(org)
    with pytest.raises(PermissionDenied):
        person_reveal(actor=u.staff, person=org.secretary_a1, field="phone")
    with pytest.raises(PermissionDenied):
        person_reveal(actor=u.leader_b, person=org.secretary_a1, field="phone")
    assert AuditLog.objects.filter(action__startswith="person.reveal").count() == 0


def test_creating_org_records_needs_permission_and_scope(org):
    from django.core.exceptions import ValidationError

    from wuxing.org.services import branch_create, department_create, person_create

    u = users_for(org)
    branch = branch_create(actor=u.staff, office=org.office_a, code="T-new", name="新建村", kind="rural_village")
    assert branch.star_set == "rural"
    assert AuditLog.objects.filter(action="branch.create", object_id=str(branch.pk)).exists()
    with pytest.raises(PermissionDenied):
        branch_create(actor=u.staff, office=org.office_b, code="T-new2", name="越界村", kind="rural_village")
    with pytest.raises(PermissionDenied):
        department_create(actor=u.secretary, office=org.office_a, code="X", name="越权部门")
    with pytest.raises(ValidationError):
        branch_create(actor=u.staff, office=org.office_a, code="T-new", name="重复编码", kind="rural_village")
    person = person_create(actor=u.leader, office=org.office_a, name="新人", phone="13700001111")
    assert AuditLog.objects.get(action="person.create", object_id=str(person.pk)).after["phone"] == "137****1111"


def _scope_users(org, make_user):
    """Every kind of scope: subtrees (an office, the district), a branch role, assigned branches (a cadre, and a
    cadre who also leads an assignment), roles without data, none at all, several roles at once, a superuser."""
    from wuxing.core.roles import Role
    from wuxing.org.models import RoleAssignment, User

    u = users_for(org)
    leads_a3 = Person.objects.create(office=org.office_a, name="丙组长")
    Assignment.objects.create(branch=org.branches["a3"], leader=leads_a3, active=True)
    mixed = make_user("t-mixed", Role.OFFICE_LEADER, unit=org.office_b, person=leads_a3)
    RoleAssignment.objects.create(user=mixed, role=Role.BRANCH_SECRETARY, branch=org.branches["a1"])
    RoleAssignment.objects.create(user=mixed, role=Role.DEPARTMENT_CADRE)
    superuser = User.objects.create_superuser(username="t-super", password="x-Super-123")
    return [*vars(u).values(), mixed, superuser]


def test_covers_branch_is_the_branch_filter_for_every_kind_of_scope(org, make_user):
    """`Scope.covers_branch` on a branch and its office's path says what `Branch.scope_filter` selects (all of
    them for a scope of everything, as `restrict` reads it), for every branch and every kind of scope."""
    from wuxing.org.scopes import compute_scope

    branches = list(Branch.objects.select_related("office"))
    seen = {}
    for user in _scope_users(org, make_user):
        scope = compute_scope(user)
        if scope.everything:
            expected = {b.pk for b in branches}
        else:
            expected = set(Branch.objects.filter(Branch.scope_filter(scope)).values_list("pk", flat=True))
        assert {b.pk for b in branches if scope.covers_branch(b.pk, b.office.path)} == expected, user.username
        seen[user.username] = codes(b for b in branches if b.pk in expected)
    # The cases are the kinds named above, not all alike.
    assert seen["t-secretary"] == ["a1"] and seen["t-cadre"] == ["a1", "a2"] and seen["t-nobody"] == []
    assert seen["t-leader"] == ["a1", "a2", "a3"] and seen["t-district"] == ["a1", "a2", "a3", "b1", "b2"]
    assert seen["t-mixed"] == ["a1", "a3", "b1", "b2"] and seen["t-super"] == codes(branches)


def test_the_role_assignments_are_the_orm_rows(org, make_user):
    """`User.cached_role_assignments` (a statement written out) gives the rows, units and order of
    `RoleAssignment.objects.filter(user=…).select_related("unit")`."""
    from wuxing.org.models import RoleAssignment, User

    def fields(obj):
        return None if obj is None else {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

    for user in _scope_users(org, make_user):
        fresh = User.objects.get(pk=user.pk)
        mine = fresh.cached_role_assignments()
        orm = list(RoleAssignment.objects.filter(user=fresh).select_related("unit"))
        assert [fields(ra) for ra in mine] == [fields(ra) for ra in orm], user.username
        assert [fields(ra.unit) for ra in mine] == [fields(ra.unit) for ra in orm]
        assert all(ra._state.db == "default" and not ra._state.adding for ra in mine)
    several = User.objects.get(username="t-mixed").cached_role_assignments()
    assert len(several) == 3 and [ra.role for ra in several] == sorted(ra.role for ra in several)
    assert {ra.unit.path if ra.unit_id else None for ra in several} == {org.office_b.path, None}
