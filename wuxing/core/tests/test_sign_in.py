"""Sign-in that tells no one which user names exist: one answer, audited unknown names, a per-address limit, and a
lock counter that admits exactly the policy's number of attempts however many arrive at once."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from wuxing.core.models import AccountPolicy, AuditLog
from wuxing.core.roles import Role
from wuxing.core.services import _reserve_attempt, account_authenticate
from wuxing.org.models import User
from wuxing.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client, username, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def test_unknown_name_and_wrong_password_get_the_same_answer(client, api_client):
    make_user("hana", Role.AUDITOR)
    unknown = _login(client, "nobody-here", "whatever1")
    wrong = _login(client, "hana", "whatever1")
    assert unknown.status_code == wrong.status_code == 200
    assert _form_errors(unknown) == _form_errors(wrong)
    assert "还可尝试" not in wrong.content.decode()
    url = reverse("api-token")
    unknown = api_client.post(url, {"username": "nobody-here", "password": "whatever1"})
    wrong = api_client.post(url, {"username": "hana", "password": "whatever1"})
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_the_locking_failure_answers_like_any_other(client):
    make_user("ines", Role.AUDITOR)
    answers = {tuple(_form_errors(_login(client, "ines", "bad-password"))) for _ in range(5)}
    answers.add(tuple(_form_errors(_login(client, "ghost", "bad-password"))))
    answers.add(tuple(_form_errors(_login(client, "ines", PASSWORD))))  # locked now
    assert len(answers) == 1
    assert User.objects.get(username="ines").locked_until is not None


def test_failed_sign_in_of_an_unknown_name_is_audited(client):
    _login(client, "who-is-this", "whatever1")
    row = AuditLog.objects.get(action="account.login_failed")
    assert row.actor is None and row.note == "who-is-this"
    assert row.ip_address == "10.0.0.1"


@override_settings(WUXING_SIGN_IN_ADDRESS_LIMIT=3)
def test_an_address_is_throttled_on_the_page_and_the_token_endpoint_together(client, api_client):
    make_user("jade", Role.AUDITOR)
    _login(client, "a-name", "x1")
    _login(client, "b-name", "x2")
    api_client.post(reverse("api-token"), {"username": "c-name", "password": "x3"}, REMOTE_ADDR="10.0.0.1")
    # The fourth try from that address is refused before any password is checked, even the right one.
    response = _login(client, "jade", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "此地址" in response.content.decode()
    response = api_client.post(reverse("api-token"), {"username": "jade", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert AuditLog.objects.filter(action="account.login_throttled").count() == 2
    # The account itself is not locked and another address signs in.
    assert User.objects.get(username="jade").failed_logins == 0
    assert _login(client, "jade", PASSWORD, address="10.0.0.2").status_code == 302


@override_settings(WUXING_SIGN_IN_ADDRESS_LIMIT=2, WUXING_TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_reverse_proxy_each_client_address_has_its_own_limit(client):
    make_user("kate", Role.AUDITOR)

    def through_proxy(username, password, forwarded):
        return client.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    through_proxy("a-name", "x1", "10.0.0.7")
    through_proxy("b-name", "x2", "10.0.0.7")
    assert "此地址" in through_proxy("kate", PASSWORD, "10.0.0.7").content.decode()
    # Another client behind the same proxy is not held back by the first one's failures.
    assert through_proxy("kate", PASSWORD, "10.0.0.8").status_code == 302


def test_successes_do_not_count_toward_the_address_limit(client):
    make_user("kira", Role.AUDITOR)
    with override_settings(WUXING_SIGN_IN_ADDRESS_LIMIT=2):
        for _ in range(4):
            assert _login(client, "kira", PASSWORD).status_code == 302
            client.logout()


def test_reservations_stop_at_the_limit():
    """The counting on either database: the policy's number of attempts are admitted, then none until unlocked."""
    user = make_user("lena", Role.AUDITOR)
    now = timezone.now()
    assert [_reserve_attempt(user, 3, now) for _ in range(5)] == [1, 2, 3, None, None]
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=now + timezone.timedelta(minutes=5))
    assert _reserve_attempt(user, 3, now) is None
    assert _reserve_attempt(user, 3, now + timezone.timedelta(minutes=6)) == 1


def test_exactly_the_limit_of_failures_locks():
    user = make_user("mona", Role.AUDITOR)
    limit = AccountPolicy.current().failed_login_limit
    for n in range(1, limit + 2):
        with pytest.raises(ValidationError):
            account_authenticate(request=None, username="mona", password="wrong-one")
        user.refresh_from_db()
        assert (user.locked_until is not None) == (n >= limit), n
    checked = AuditLog.objects.filter(action="account.login_failed", object_id=str(user.pk)).count()
    assert checked == limit
    assert AuditLog.objects.filter(action="account.login_refused_locked").count() == 1
