"""API tokens: stored hashed, expiring when idle and at an absolute age, revoked when the account's standing
changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from wuxing.core.models import AuditLog
from wuxing.core.roles import Role
from wuxing.org.models import User
from wuxing.org.services import role_grant_approve, role_grant_request, role_revoke
from wuxing.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PROBE = "/api/v1/audit-log/"


def _token(username: str) -> str:
    response = APIClient().post(reverse("api-token"), {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def _get(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(PROBE)


def test_token_is_stored_hashed_and_works():
    make_user("olga", Role.AUDITOR)
    token = _token("olga")
    stored = AuthToken.objects.get()
    assert token not in (stored.digest, stored.token_key) and token.startswith(stored.token_key)
    assert _get(token).status_code == 200
    assert _get(token[:-1] + ("0" if token[-1] != "0" else "1")).status_code == 401
    assert AuditLog.objects.filter(action="token.issue").exists()


def test_token_expires_when_idle_and_slides_while_used():
    make_user("petra", Role.AUDITOR)
    token = _token("petra")
    stored = AuthToken.objects.get()
    assert timedelta(hours=7, minutes=59) < stored.expiry - timezone.now() <= timedelta(hours=8)
    # Used an hour before it would expire: the window slides to 8 hours from now.
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() + timedelta(hours=1))
    assert _get(token).status_code == 200
    assert AuthToken.objects.get().expiry - timezone.now() > timedelta(hours=7)
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _get(token).status_code == 401
    assert not AuthToken.objects.exists()


def test_token_never_outlives_its_absolute_age():
    make_user("quinn", Role.AUDITOR)
    token = _token("quinn")
    created = timezone.now() - timedelta(days=7) + timedelta(minutes=30)
    AuthToken.objects.update(created=created, expiry=timezone.now() + timedelta(minutes=5))
    assert _get(token).status_code == 200
    assert AuthToken.objects.get().expiry == created + timedelta(days=7)
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert _get(token).status_code == 401


def test_lock_out_revokes_tokens_and_a_locked_account_token_is_refused():
    make_user("rita", Role.AUDITOR)
    token = _token("rita")
    client = APIClient()
    for _ in range(5):
        client.post(reverse("api-token"), {"username": "rita", "password": "wrong-one"})
    assert User.objects.get(username="rita").locked_until is not None
    assert not AuthToken.objects.filter(user__username="rita").exists()
    assert _get(token).status_code == 401
    assert AuditLog.objects.filter(action="token.revoke_all", note="locked").exists()


def test_a_locked_account_cannot_use_a_token_even_before_revocation():
    make_user("sara", Role.AUDITOR)
    token = _token("sara")
    User.objects.filter(username="sara").update(locked_until=timezone.now() + timedelta(minutes=5))
    assert _get(token).status_code == 401


def test_role_change_revokes_tokens():
    security = make_user("sec2", Role.SECURITY_ADMIN)
    tina = make_user("tina", Role.AUDITOR)
    token = _token("tina")
    role_revoke(actor=security, assignment=tina.role_assignments.get())
    assert _get(token).status_code == 401
    token = _token("tina")
    grant = role_grant_request(actor=security, user=tina, role=Role.AUDITOR)
    assert AuthToken.objects.filter(user=tina).exists()  # asking changes nothing yet
    role_grant_approve(actor=make_user("sys-approver", Role.SYSTEM_ADMIN), grant=grant)
    assert not AuthToken.objects.filter(user=tina).exists()
