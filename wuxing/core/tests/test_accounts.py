"""Sign-in lock-out, idle sessions, password complexity and 三员分立 through services, pages and the API."""

import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AccountPolicy, AuditLog
from wuxing.core.roles import Role
from wuxing.core.rules import SESSION_SLIDE_SECONDS
from wuxing.core.services import account_policy_update
from wuxing.org.models import User
from wuxing.org.services import role_assign, role_grant_request, user_create, user_unlock
from wuxing.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_chinese_and_signs_in(client):
    make_user("alice", Role.AUDITOR)
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "登录" in page.content.decode()
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert AuditLog.objects.filter(action="account.login", actor__username="alice").exists()


def test_five_failures_lock_the_account_even_with_the_right_password(client):
    make_user("bob", Role.AUDITOR)
    for attempt in range(1, 5):
        response = _login(client, "bob", "wrong-password")
        assert "还可尝试" not in response.content.decode(), attempt
        assert User.objects.get(username="bob").locked_until is None
    response = _login(client, "bob", "wrong-password")
    assert "锁定" in response.content.decode()
    assert User.objects.get(username="bob").locked_until is not None
    response = _login(client, "bob", PASSWORD)
    assert response.status_code == 200  # refused, the form is shown again
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="account.locked").count() == 1


def test_success_resets_the_failure_count(client):
    make_user("carol", Role.AUDITOR)
    for _ in range(4):
        _login(client, "carol", "nope")
    assert _login(client, "carol", PASSWORD).status_code == 302
    assert User.objects.get(username="carol").failed_logins == 0


def test_lock_limit_is_configurable(client):
    sysadmin = make_user("sys", Role.SYSTEM_ADMIN)
    account_policy_update(
        actor=sysadmin, failed_login_limit=2, lockout_minutes=10, idle_minutes=30, password_min_length=10
    )
    make_user("dave", Role.AUDITOR)
    _login(client, "dave", "x")
    assert User.objects.get(username="dave").locked_until is None
    _login(client, "dave", "x")
    assert User.objects.get(username="dave").locked_until is not None


def test_api_token_endpoint_counts_failures_and_locks(api_client):
    make_user("erin", Role.AUDITOR)
    url = reverse("api-token")
    for _ in range(4):
        assert api_client.post(url, {"username": "erin", "password": "bad"}).status_code == 400
    response = api_client.post(url, {"username": "erin", "password": "bad"})
    assert response.status_code == 400
    assert User.objects.get(username="erin").locked_until is not None
    # Locked: even the right password is refused, with the one answer that does not tell the account exists.
    response = api_client.post(url, {"username": "erin", "password": PASSWORD})
    assert response.status_code == 400
    assert "锁定" in response.json()["detail"]


def test_security_admin_unlocks(client):
    security = make_user("sec", Role.SECURITY_ADMIN)
    make_user("frank", Role.AUDITOR)
    for _ in range(5):
        _login(client, "frank", "x")
    frank = User.objects.get(username="frank")
    assert frank.locked_until is not None
    client.force_login(security)
    response = client.post(reverse("org:user_unlock", args=[frank.pk]))
    assert response.status_code == 302
    client.logout()
    assert _login(client, "frank", PASSWORD).status_code == 302


def test_unlock_needs_the_security_admin():
    auditor = make_user("aud", Role.AUDITOR)
    victim = make_user("gina", Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        user_unlock(actor=auditor, user=victim)


def test_idle_session_ends(client):
    user = make_user("hank", Role.AUDITOR)
    client.force_login(user)
    assert client.get(reverse("core:audit_list")).status_code == 200
    session = client.session
    session["_wuxing_last_seen"] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("core:audit_list"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_active_session_slides(client):
    user = make_user("ivy", Role.AUDITOR)
    client.force_login(user)
    session = client.session
    session["_wuxing_last_seen"] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("core:audit_list")).status_code == 200
    # The window and the minute the stamp may lag behind the last request (rules.session_expiry_seconds).
    assert client.session.get_expiry_age() == AccountPolicy.current().idle_minutes * 60 + SESSION_SLIDE_SECONDS


def _session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


def test_a_request_within_the_minute_writes_no_session(client):
    """The stamp written by one request stands for the next minute: a request inside it writes no session row."""
    client.force_login(make_user("jack", Role.AUDITOR))
    url = reverse("core:audit_list")
    assert client.get(url).status_code == 200  # stamps the session (a first request)
    seen = client.session["_wuxing_last_seen"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert _session_writes(queries) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # nor sends the cookie again
    assert client.session["_wuxing_last_seen"] == seen


def test_a_request_after_the_minute_slides_the_window_and_the_cookie(client):
    client.force_login(make_user("kate", Role.AUDITOR))
    session = client.session
    old = time.time() - SESSION_SLIDE_SECONDS - 1
    session["_wuxing_last_seen"] = old
    session.save()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:audit_list"))
    assert response.status_code == 200
    assert len(_session_writes(queries)) == 1
    lifetime = AccountPolicy.current().idle_minutes * 60 + SESSION_SLIDE_SECONDS
    assert client.session["_wuxing_last_seen"] > old + SESSION_SLIDE_SECONDS
    assert client.session.get_expiry_age() == lifetime
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == lifetime


def test_idle_logout_still_comes_after_the_idle_minutes(client):
    """A stamp less than the idle window old keeps the session (and slides it); one older ends it, although the
    session's row and cookie would have lived a minute more."""
    client.force_login(make_user("liam", Role.AUDITOR))
    idle = AccountPolicy.current().idle_minutes
    url = reverse("core:audit_list")
    session = client.session
    session["_wuxing_last_seen"] = time.time() - idle * 60 + 5
    session.save()
    assert client.get(url).status_code == 200
    session = client.session
    assert time.time() - session["_wuxing_last_seen"] < 5
    # Idle for the window and a little more: the rule ends the session, not the expiry (a minute away still).
    session["_wuxing_last_seen"] = time.time() - idle * 60 - 2
    session.save()
    assert client.session.get_expiry_age() > 0
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_password_complexity_is_enforced():
    with pytest.raises(ValidationError) as err:
        user_create(actor=SYSTEM, username="weak", password="password")
    assert any("至少" in m for m in err.value.messages)
    assert not User.objects.filter(username="weak").exists()
    user_create(actor=SYSTEM, username="strong", password="Strong-pass-2026")


def test_three_admin_roles_never_on_one_account():
    security = make_user("sec2", Role.SECURITY_ADMIN)
    target = make_user("jack", Role.AUDITOR)
    with pytest.raises(ValidationError) as err:
        role_grant_request(actor=security, user=target, role=Role.SYSTEM_ADMIN)
    assert "审计员" in err.value.messages[0]
    assert list(target.role_assignments.values_list("role", flat=True)) == [Role.AUDITOR]
    with pytest.raises(ValidationError):
        role_grant_request(actor=security, user=target, role=Role.SECURITY_ADMIN)
    with pytest.raises(ValidationError):
        role_assign(actor=SYSTEM, user=target, role=Role.SECURITY_ADMIN)


def test_security_admin_cannot_grant_themselves_a_role():
    security = make_user("sec3", Role.SECURITY_ADMIN)
    with pytest.raises(PermissionDenied):
        role_grant_request(actor=security, user=security, role=Role.SECURITY_ADMIN)


def test_only_security_admin_assigns_roles(org):
    leader = make_user("lead", Role.OFFICE_LEADER, unit=org.office_a)
    target = make_user("kate")
    with pytest.raises(PermissionDenied):
        role_grant_request(actor=leader, user=target, role=Role.CAMPAIGN_STAFF, unit=org.office_a)


def test_role_assign_page_shows_the_refusal(client):
    security = make_user("sec4", Role.SECURITY_ADMIN)
    target = make_user("liam", Role.AUDITOR)
    client.force_login(security)
    response = client.post(reverse("org:user_role_assign", args=[target.pk]), {"role": Role.SYSTEM_ADMIN}, follow=True)
    assert "不同的账号" in response.content.decode()
    assert target.role_assignments.count() == 1


def test_policy_page_only_for_system_admin(client):
    sysadmin = make_user("sys2", Role.SYSTEM_ADMIN)
    auditor = make_user("aud2", Role.AUDITOR)
    client.force_login(auditor)
    assert client.get(reverse("core:policy")).status_code == 403
    client.force_login(sysadmin)
    assert client.get(reverse("core:policy")).status_code == 200
    response = client.post(
        reverse("core:policy"),
        {"failed_login_limit": 3, "lockout_minutes": 15, "idle_minutes": 20, "password_min_length": 12},
    )
    assert response.status_code == 302
    policy = AccountPolicy.current()
    assert (policy.failed_login_limit, policy.idle_minutes, policy.password_min_length) == (3, 20, 12)
    assert AuditLog.objects.filter(action="account_policy.update").exists()
    response = client.post(
        reverse("core:policy"),
        {"failed_login_limit": 0, "lockout_minutes": 15, "idle_minutes": 20, "password_min_length": 12},
    )
    assert response.status_code == 200
    assert AccountPolicy.current().failed_login_limit == 3


def test_ui_is_chinese_even_for_an_english_browser_until_english_is_chosen(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page and "Sign in" not in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Sign in" in page


def test_only_the_security_admin_revokes_roles(client, org):
    from wuxing.org.models import RoleAssignment

    security = make_user("sec5", Role.SECURITY_ADMIN)
    leader = make_user("lead5", Role.OFFICE_LEADER, unit=org.office_a)
    target = make_user("mia", Role.CAMPAIGN_STAFF, unit=org.office_a)
    assignment = RoleAssignment.objects.get(user=target)
    url = reverse("org:user_role_revoke", args=[assignment.pk])
    client.force_login(leader)
    assert client.post(url).status_code == 403
    own = RoleAssignment.objects.get(user=security)
    client.force_login(security)
    assert client.post(reverse("org:user_role_revoke", args=[own.pk])).status_code == 403
    assert client.post(url).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditLog.objects.filter(action="role.revoke", object_id=str(target.pk)).exists()


def test_a_page_fragment_asked_for_before_the_initial_password_is_changed_gets_nothing(client):
    """Badges load by htmx; redirected to the change page they would swap a whole page (and its badges) in."""
    user = make_user("fresh-badge", Role.AUDITOR)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client.force_login(user)
    assert client.get("/todos/count/", HTTP_HX_REQUEST="true").status_code == 204
    page = client.get("/todos/count/")
    assert page.status_code == 302
    change = client.get(page["Location"]).content.decode()
    assert "/todos/count/" not in change  # no menu, no badge on the change page


def test_the_account_policy_is_read_once_and_a_change_is_seen_at_once(django_capture_on_commit_callbacks):
    """Every signed-in request reads the policy: from the cache after the first read. A change drops it there at
    once, and again when the change commits, in case another server cached the old row in between."""
    sysadmin = make_user("sys3", Role.SYSTEM_ADMIN)
    assert AccountPolicy.current().idle_minutes == settings.WUXING_IDLE_MINUTES
    with CaptureQueriesContext(connection) as queries:
        assert AccountPolicy.current().idle_minutes == settings.WUXING_IDLE_MINUTES
    assert queries.captured_queries == []
    old = AccountPolicy.current()
    with django_capture_on_commit_callbacks(execute=True):
        account_policy_update(
            actor=sysadmin, failed_login_limit=4, lockout_minutes=10, idle_minutes=12, password_min_length=10
        )
        assert AccountPolicy.current().idle_minutes == 12  # this server, before the commit
        cache.set(AccountPolicy.CACHE_KEY, old)  # another server reading the committed (old) row meanwhile
    assert AccountPolicy.current().idle_minutes == 12


def test_a_shorter_idle_window_applies_to_the_next_request(client):
    sysadmin = make_user("sys4", Role.SYSTEM_ADMIN)
    client.force_login(make_user("mona", Role.AUDITOR))
    url = reverse("core:audit_list")
    session = client.session
    session["_wuxing_last_seen"] = time.time() - 10 * 60
    session.save()
    assert client.get(url).status_code == 200
    session = client.session
    session["_wuxing_last_seen"] = time.time() - 10 * 60
    session.save()
    account_policy_update(
        actor=sysadmin, failed_login_limit=5, lockout_minutes=30, idle_minutes=5, password_min_length=10
    )
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_each_app_server_keeps_the_policy_it_read_for_a_few_seconds(monkeypatch):
    """Read on every signed-in request: each server keeps its copy for LOCAL_SECONDS without asking the cache; a
    change made through another server (the row and the cache, not this process) applies here after that."""
    import time as clock

    assert AccountPolicy.current().idle_minutes == settings.WUXING_IDLE_MINUTES
    asked = []
    get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *a, **kw: asked.append(key) or get(key, *a, **kw))
    AccountPolicy.objects.filter(pk=1).update(idle_minutes=7)  # another server's change…
    cache.delete(AccountPolicy.CACHE_KEY)  # …which drops the shared copy, not this process's
    assert AccountPolicy.current().idle_minutes == settings.WUXING_IDLE_MINUTES
    assert asked == [], "read again within the time: from this process"
    now = clock.monotonic()
    monkeypatch.setattr(clock, "monotonic", lambda: now + AccountPolicy.LOCAL_SECONDS + 1)
    assert AccountPolicy.current().idle_minutes == 7
    assert asked == [AccountPolicy.CACHE_KEY]
