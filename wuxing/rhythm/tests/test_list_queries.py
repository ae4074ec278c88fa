"""The list pages cost a fixed number of queries, however many rows they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.rhythm import services

from .conftest import WORKDAY, frozen

LISTS = [
    ("rhythm:meeting_list", "staff"),
    ("rhythm:action_list", "cadre"),
    ("rhythm:help_list", "cadre"),
    ("rhythm:notification_list", "cadre"),
    ("rhythm:calendar", "secretary"),
    ("rhythm:summary_list", "staff"),
]


def _add(world, n):
    for i in range(n):
        day = WORKDAY - datetime.timedelta(days=7 * i)
        meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=day)
        services.action_create(
            actor=SYSTEM,
            meeting=meeting,
            title=f"事项{i}",
            due_on=day,
            owner_department=world.org.dept_a1,
            branch=world.org.branches["a1"],
        )
        services.event_create(actor=SYSTEM, campaign=world.campaign, kind="progress", title=f"推进会{i}", day=WORKDAY)
        with frozen(datetime.datetime.combine(WORKDAY, datetime.time(10, i))):
            services.help_ask(actor=SYSTEM, branch=world.org.branches["a1"], text=f"求助{i}")
    services.summary_generate(actor=SYSTEM, campaign=world.campaign, branch=world.org.branches["a1" if n < 3 else "a2"])


@pytest.mark.parametrize("name,username", LISTS)
def test_a_list_page_costs_the_same_queries_for_more_rows(client, world, name, username, django_assert_max_num_queries):
    user = getattr(world.users, username)
    url = reverse(name) + ("?month=2026-11" if name == "rhythm:calendar" else "")

    def count():
        client.force_login(user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    _add(world, 1)
    before = count()
    _add(world, 6)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    assert count() == before


@pytest.mark.parametrize(
    "name,username,query,expected",
    [
        ("rhythm:action_list", "staff", "", "事项0"),
        ("rhythm:help_list", "cadre", "?status=open", "求助0"),
        ("rhythm:meeting_list", "leader", "?kind=weekly", "周例会"),
        ("rhythm:digest", "staff", f"?day={WORKDAY.isoformat()}", "甲二社区"),
    ],
)
def test_every_list_exports_to_excel_with_its_filters(client, world, name, username, query, expected):
    import io

    from openpyxl import load_workbook

    _add(world, 2)
    client.force_login(getattr(world.users, username))
    url = reverse(name) + (query + "&" if query else "?") + "export=xlsx"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert any(expected in c for c in cells), cells[:20]
    client.force_login(world.users.leader_b)
    other = load_workbook(io.BytesIO(client.get(url).content)).active
    assert not any(expected in str(c.value) for row in other.iter_rows() for c in row)
