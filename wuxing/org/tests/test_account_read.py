"""The signed-in account read on every request (AccountManager.for_request): the same account, with its person,
as the ORM's `select_related("person").get(pk=…)`, in one statement; no account for an unknown or impossible id."""

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict

from wuxing.core.auth import LockoutRoleBackend

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
