"""The user's own account page: change the password, see and revoke API tokens, sign out everywhere."""

import pytest
from django.urls import reverse
from knox.models import AuthToken

from wuxing.core.models import AuditLog
from wuxing.core.roles import Role
from wuxing.org.models import User
from wuxing.testing import PASSWORD, api_token, api_with_token, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-Pass-2026"


def test_user_sees_and_revokes_only_their_own_tokens(client):
    uma = make_user("uma", Role.AUDITOR)
    other = make_user("vera", Role.AUDITOR)
    api_token(uma)
    api_token(other)
    mine = AuthToken.objects.get(user=uma)
    theirs = AuthToken.objects.get(user=other)
    client.force_login(uma)
    page = client.get(reverse("org:my_account")).content.decode()
    assert mine.token_key in page and theirs.token_key not in page
    client.post(reverse("org:my_token_revoke", args=[theirs.token_key]))
    assert AuthToken.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("org:my_token_revoke", args=[mine.token_key]))
    assert not AuthToken.objects.filter(pk=mine.pk).exists()
    assert AuditLog.objects.filter(action="token.revoke", actor=uma).count() == 1


def test_sign_out_everywhere_revokes_every_token(client):
    wade = make_user("wade", Role.AUDITOR)
    api = api_with_token(wade)
    api_token(wade)
    client.force_login(wade)
    response = client.post(reverse("org:my_sign_out_everywhere"))
    assert response.status_code == 302
    assert not AuthToken.objects.filter(user=wade).exists()
    assert api.get("/api/v1/audit-log/").status_code == 401
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="user.sign_out_everywhere").exists()


def test_password_change_keeps_the_session_and_revokes_tokens(client):
    xena = make_user("xena", Role.AUDITOR)
    api = api_with_token(xena)
    client.force_login(xena)
    data = {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(reverse("org:my_account"), data)
    assert response.status_code == 302
    assert User.objects.get(pk=xena.pk).check_password(NEW_PASSWORD)
    assert client.get(reverse("org:my_account")).status_code == 200  # still signed in
    assert api.get("/api/v1/audit-log/").status_code == 401
    assert AuditLog.objects.filter(action="user.password_change", actor=xena).exists()


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("wrong-one", NEW_PASSWORD, NEW_PASSWORD, "当前密码"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "两次"),
        (PASSWORD, "short", "short", "密码"),
    ],
)
def test_a_refused_password_change_changes_nothing(client, old, new, again, message):
    yuri = make_user("yuri", Role.AUDITOR)
    client.force_login(yuri)
    data = {"old_password": old, "new_password": new, "new_password2": again}
    response = client.post(reverse("org:my_account"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(pk=yuri.pk).check_password(PASSWORD)


def test_an_account_created_by_a_person_must_change_its_initial_password(client, api_client):
    from wuxing.org.services import user_create

    security = make_user("sec3", Role.SECURITY_ADMIN)
    user_create(actor=security, username="zoe", password=PASSWORD)
    assert client.post(reverse("login"), {"username": "zoe", "password": PASSWORD}).status_code == 302
    # Nothing else is reachable: pages redirect to the change, the session API answers 403, no token is issued.
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("org:my_account")
    assert client.get("/api/v1/audit-log/").status_code == 403
    response = api_client.post(reverse("api-token"), {"username": "zoe", "password": PASSWORD})
    assert response.status_code == 403 and "初始密码" in response.json()["detail"]
    data = {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(reverse("org:my_account"), data).status_code == 302
    assert not User.objects.get(username="zoe").must_change_password
    assert client.get(reverse("home")).status_code != 302 or client.get(reverse("home"))["Location"] != reverse(
        "org:my_account"
    )


def test_accounts_created_by_the_system_need_no_change():
    from wuxing.core.actors import SystemActor
    from wuxing.org.services import user_create

    user = user_create(actor=SystemActor("demo"), username="ada", password=PASSWORD)
    assert not user.must_change_password


def _browser(user, agent):
    from django.test import Client

    browser = Client(HTTP_USER_AGENT=agent)
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return browser


def test_password_change_at_accounts_password_ends_the_other_sessions(client):
    yuri = make_user("yuri", Role.AUDITOR)
    phone = _browser(yuri, "Mozilla/5.0 (iPhone) MicroMessenger")
    client.force_login(yuri)
    assert reverse("password_change") == "/accounts/password/"
    assert "修改密码" in client.get("/accounts/password/").content.decode()
    data = {"old_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post("/accounts/password/", data).status_code == 302
    assert User.objects.get(pk=yuri.pk).check_password(NEW_PASSWORD)
    assert client.get(reverse("org:my_account")).status_code == 200
    assert phone.get(reverse("org:my_account")).status_code == 302  # the other browser is signed out
    assert yuri.browser_sessions.count() == 1


def test_user_sees_their_sessions_and_signs_out_the_others_only(client):
    zoe = make_user("zoe", Role.AUDITOR)
    other = make_user("otto", Role.AUDITOR)
    phone = _browser(zoe, "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile")
    office = _browser(zoe, "Mozilla/5.0 (Windows NT 10.0) Chrome/120")
    stranger = _browser(other, "Mozilla/5.0 (Windows NT 10.0) Firefox/120")
    client.force_login(zoe)
    page = client.get(reverse("org:my_account")).content.decode()
    assert page.count("退出该会话") == 2 and "当前浏览器" in page
    assert "Chrome · Android" in page and "Firefox" not in page
    # Another account's session cannot be named; nothing ends.
    theirs = other.browser_sessions.get()
    client.post(reverse("org:my_sessions_end"), {"session": theirs.pk}, HTTP_REFERER="/")
    assert stranger.get(reverse("org:my_account")).status_code == 200
    # One of my other sessions, then all of them; this browser stays signed in.
    mine = zoe.browser_sessions.get(user_agent__contains="Android")
    client.post(reverse("org:my_sessions_end"), {"session": mine.pk})
    assert phone.get(reverse("org:my_account")).status_code == 302
    assert office.get(reverse("org:my_account")).status_code == 200
    client.post(reverse("org:my_sessions_end"))
    assert office.get(reverse("org:my_account")).status_code == 302
    assert client.get(reverse("org:my_account")).status_code == 200
    assert stranger.get(reverse("org:my_account")).status_code == 200
    assert AuditLog.objects.filter(action="user.sessions_end", actor=zoe).count() == 2


def test_signing_out_removes_the_session_row(client):
    ada = make_user("ada", Role.AUDITOR)
    client.force_login(ada)
    assert ada.browser_sessions.count() == 1
    client.post(reverse("logout"))
    assert ada.browser_sessions.count() == 0
