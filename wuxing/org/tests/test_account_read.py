"""The signed-in account read on every request (AccountManager.for_request): the same account, with its person and
its roles, as the ORM's `select_related("person").get(pk=…)` and the roles' query, in one statement; no account for
an unknown or impossible id."""

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict

from wuxing.core.auth import LockoutRoleBackend
from wuxing.core.roles import Role
from wuxing.org.models import RoleAssignment

pytestmark = pytest.mark.django_db


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}


def test_the_account_and_its_person_equal_the_orms(org, make_user, django_assert_num_queries):
    User = get_user_model()
    with_person = make_user("reader-1", person=org.leader_a)
    without = make_user("reader-2")
    for user in (with_person, without):
        expected = User.objects.select_related("person").get(pk=user.pk)
        with django_assert_num_queries(1):
            got = User.objects.for_request(user.pk)
            name = got.display_name  # the person came with the account
        assert _fields(got) == _fields(expected)
        assert name == expected.display_name
        if expected.person_id:
            assert model_to_dict(got.person) == model_to_dict(expected.person)
            assert got.person.name == org.leader_a.name
        assert not got._state.adding and got._state.db == "default"


@pytest.mark.parametrize("pk", [0, -1, 2**63, 10**30, "x", None, 987654321])
def test_no_account_for_an_unknown_or_impossible_id(db, pk, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert get_user_model().objects.for_request(pk) is None


def test_the_backend_still_refuses_an_inactive_account(make_user):
    user = make_user("gone")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert LockoutRoleBackend().get_user(user.pk) is None
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert LockoutRoleBackend().get_user(user.pk).pk == user.pk


def _roles(assignments):
    return [
        (model_to_dict(ra), ra.unit_id and model_to_dict(ra.unit), ra._state.db, ra._state.adding) for ra in assignments
    ]


def test_the_roles_come_with_the_account_as_the_orm_reads_them(org, make_user, django_assert_num_queries):
    User = get_user_model()
    several = make_user("roles-3", Role.OFFICE_LEADER, unit=org.office_a, person=org.leader_a)
    RoleAssignment.objects.create(user=several, role=Role.REVIEWER, unit=org.district)
    RoleAssignment.objects.create(user=several, role=Role.BRANCH_SECRETARY, branch=org.branches["a1"])
    RoleAssignment.objects.create(user=several, role=Role.CAMPAIGN_STAFF, unit=org.office_b)
    one = make_user("roles-1", Role.DEPARTMENT_CADRE, person=org.cadre_a1)
    none = make_user("roles-0", person=org.secretary_a1)
    for user in (several, one, none):
        expected = list(RoleAssignment.objects.filter(user=user).select_related("unit"))
        with django_assert_num_queries(1):
            got = User.objects.for_request(user.pk)
            codes = got.role_codes()
            assignments = got.cached_role_assignments()
            units = [ra.unit for ra in assignments]  # the units came with the roles
        assert _roles(assignments) == _roles(expected)
        assert codes == [ra.role for ra in expected]
        assert units == [ra.unit for ra in expected]
        # The same account read afresh (not through the request's read) asks the roles' own query: the same rows.
        fresh = User.objects.get(pk=user.pk)
        with django_assert_num_queries(1):
            assert _roles(fresh.cached_role_assignments()) == _roles(expected)
    assert [ra.role for ra in User.objects.for_request(several.pk).cached_role_assignments()] == sorted(
        [Role.OFFICE_LEADER, Role.REVIEWER, Role.BRANCH_SECRETARY, Role.CAMPAIGN_STAFF]
    )
    assert User.objects.for_request(none.pk).role_codes() == []


def test_a_signed_in_request_reads_account_and_roles_once(org, make_user, django_assert_num_queries):
    """The backend's user of a request checks permissions on the roles read with the account: one query, not two."""
    user = make_user("roles-page", Role.OFFICE_LEADER, unit=org.office_a, person=org.leader_a)
    backend = LockoutRoleBackend()
    with django_assert_num_queries(1):
        got = backend.get_user(user.pk)
        assert got.has_perm("org.view_branch")
        assert got.role_codes() == [Role.OFFICE_LEADER]
