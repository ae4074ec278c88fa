"""待办: each role finds what it must do on its home page, one click from the form that does it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuxing.campaigns.selectors import campaigns_open
from wuxing.core.roles import Role
from wuxing.core.todos import DUE, OVERDUE, WAITING, Todo, sort_todos, todo_total, todos_for
from wuxing.org.models import RoleAssignment, User
from wuxing.org.services import role_grant_request
from wuxing.plans.models import Pledge
from wuxing.plans.services import pledge_confirm
from wuxing.testing import make_user


def test_most_urgent_first_and_waiting_not_counted():
    rows = [
        Todo(title="b", url="/b", group="x", urgency=WAITING),
        Todo(title="a", url="/a", group="x", urgency=DUE, count=3),
        Todo(title="c", url="/c", group="x", urgency=OVERDUE),
    ]
    assert [t.title for t in sort_todos(rows)] == ["c", "a", "b"]
    assert todo_total(rows) == 2  # rows to act on, whatever each stands for


def _todos(username):
    user = User.objects.get(username=username)
    return user, todos_for(user, campaigns_open(user=user))


def _follow(client, user, todo):
    client.force_login(user)
    response = client.get(todo.url)
    assert response.status_code == 200, (todo.title, todo.url)
    return response.content.decode()


def test_office_leader_is_told_of_the_waiting_letter_and_applications(client, demo_office):
    leader, todos = _todos("demo-leader")
    letters = [t for t in todos if "责任书" in t.title]
    assert letters and all("确认" in t.title for t in letters)
    page = _follow(client, leader, letters[0])
    assert reverse("plans:pledge_confirm", args=[int(letters[0].url.rstrip("/").split("/")[-1])]) in page
    reviews = [t for t in todos if "审核" in t.title]
    assert reviews and reviews[0].context  # the leader works in two campaigns: the row says which year
    assert "<form" in _follow(client, leader, reviews[0])
    # Doing it takes it off the list.
    pledge = Pledge.objects.get(pk=int(letters[0].url.rstrip("/").split("/")[-1]))
    pledge_confirm(actor=leader, pledge=pledge)
    _, after = _todos("demo-leader")
    assert letters[0].url not in [t.url for t in after]


def test_secretary_sees_the_items_to_check_in_with_the_form_one_click_away(client, demo_office):
    secretary, todos = _todos("demo-secretary")
    checkins = [t for t in todos if t.url.endswith("#check-in")]
    assert checkins
    page = _follow(client, secretary, checkins[0])
    assert 'name="value"' in page or 'name="done"' in page
    # Only their branch's work: no office-wide follow-up rows.
    assert not [t for t in todos if "督促" in t.title]


def test_department_cadre_sees_the_missing_five_ones(client, demo_office):
    cadre, todos = _todos("demo-dept")
    missing = [t for t in todos if "五个一" in t.title]
    assert missing
    page = _follow(client, cadre, missing[0])
    assert "<form" in page


def test_administrators_and_reviewers_have_no_business_to_dos(demo_office):
    for username in ("demo-sysadmin", "demo-auditor", "demo-security"):
        assert _todos(username)[1] == []
    assert not [t for t in _todos("demo-reviewer")[1] if "督促" in t.title]


def test_role_requests_wait_on_the_approver(demo_office):
    security = User.objects.get(username="demo-security")
    newcomer = make_user("newcomer")
    role_grant_request(actor=security, user=newcomer, role=Role.CAMPAIGN_STAFF, unit=demo_office)
    leader, todos = _todos("demo-leader")
    grants = [t for t in todos if t.url == reverse("org:role_grant_list")]
    assert len(grants) == 1 and "1" in grants[0].title


def test_home_pages_load_the_card_and_the_menu_counts(client, demo_office):
    leader = User.objects.get(username="demo-leader")
    client.force_login(leader)
    home = client.get(reverse("home")).content.decode()
    assert reverse("portal:todos") in home and reverse("portal:todo_badge") in home
    card = client.get(reverse("portal:todos"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in card and "待办" in card and "责任书" in card
    full = client.get(reverse("portal:todos")).content.decode()
    assert "<html" in full and "责任书" in full
    badge = client.get(reverse("portal:todo_badge"))
    total = todo_total(_todos("demo-leader")[1])
    assert f">{total}<" in badge.content.decode() and badge["Cache-Control"] == "private, no-store"
    secretary = User.objects.get(username="demo-secretary")
    client.force_login(secretary)
    branch_page = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("portal:todos") in branch_page


@pytest.mark.parametrize("name", ["portal:todos", "portal:todo_badge"])
def test_to_dos_need_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def _badge_total(client) -> int:
    response = client.get(reverse("portal:todo_badge"))
    assert response.status_code == 200
    text = response.content.decode()
    digits = "".join(ch if ch.isdigit() else " " for ch in text).split()
    return int(digits[0]) if digits else 0


def test_the_cached_to_dos_follow_the_users_own_action_in_the_next_request(client, demo_office):
    leader = User.objects.get(username="demo-leader")
    client.force_login(leader)
    card = client.get(reverse("portal:todos"), HTTP_HX_REQUEST="true").content.decode()
    _, todos = _todos("demo-leader")
    letter = next(t for t in todos if "责任书" in t.title)
    assert letter.url in card
    assert _badge_total(client) == todo_total(todos)
    # Asked again at once, the list comes from the cache: one version query instead of every app's.
    with CaptureQueriesContext(connection) as fresh:
        client.get(reverse("portal:todo_badge"))
    pledge_confirm(actor=leader, pledge=Pledge.objects.get(pk=int(letter.url.rstrip("/").split("/")[-1])))
    card = client.get(reverse("portal:todos"), HTTP_HX_REQUEST="true").content.decode()
    assert letter.url not in card
    _, after = _todos("demo-leader")
    assert _badge_total(client) == todo_total(after)
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("portal:todo_badge"))
    assert len(cached.captured_queries) <= len(fresh.captured_queries)


def test_the_badge_reads_the_to_dos_once_then_only_their_version(client, demo_office):
    leader = User.objects.get(username="demo-leader")
    client.force_login(leader)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("portal:todo_badge"))
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("portal:todo_badge"))
    # Session, account, policy, roles, the version (the user's latest audit row), the session's save.
    assert len(second.captured_queries) < len(first.captured_queries) - 5
    assert len(second.captured_queries) <= 8


def test_the_menu_changes_with_the_roles_at_once(client, demo_office):
    user = make_user("menu-user")
    client.force_login(user)
    RoleAssignment.objects.create(user=user, role=Role.OFFICE_LEADER, unit=demo_office)
    page = client.get(reverse("home")).content.decode()
    assert reverse("checklists:dashboard") in page
    RoleAssignment.objects.filter(user=user).delete()
    RoleAssignment.objects.create(user=user, role=Role.AUDITOR, unit=None)
    page = client.get(reverse("home"), follow=True).content.decode()
    assert reverse("checklists:dashboard") not in page
