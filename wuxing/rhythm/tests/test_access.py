"""Every page of the rhythm app as anonymous, outsider (no permission or out of scope) and insider."""

import datetime

import pytest
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.rhythm import services

from .conftest import WORKDAY, frozen

# url name, args (from the world), in-scope user, [(outsider, expected status)]
PAGES = [
    ("rhythm:calendar", lambda w: [], "secretary", [("auditor", 403), ("nobody", 403)]),
    ("rhythm:event_create", lambda w: [], "staff", [("secretary", 403), ("cadre", 403)]),
    ("rhythm:event_move", lambda w: [w.event.pk], "staff", [("leader_b", 404), ("secretary", 403)]),
    ("rhythm:report_today", lambda w: [], "secretary", [("staff", 403), ("auditor", 403)]),
    ("rhythm:report_detail", lambda w: [w.report.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:report_detail", lambda w: [w.report.pk], "cadre", [("reviewer", 200)]),
    ("rhythm:digest", lambda w: [], "staff", [("secretary", 403), ("cadre", 403), ("auditor", 403)]),
    ("rhythm:help_list", lambda w: [], "cadre", [("auditor", 403)]),
    ("rhythm:help_detail", lambda w: [w.help.pk], "cadre", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:notification_list", lambda w: [], "secretary", []),
    ("rhythm:notification_badge", lambda w: [], "auditor", []),
    ("rhythm:meeting_list", lambda w: [], "secretary", [("auditor", 403)]),
    ("rhythm:meeting_create", lambda w: [], "staff", [("secretary", 403), ("cadre", 403)]),
    ("rhythm:week_agenda", lambda w: [], "leader", [("secretary", 403)]),
    ("rhythm:meeting_detail", lambda w: [w.meeting.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:meeting_minutes", lambda w: [w.meeting.pk], "staff", [("leader_b", 404), ("secretary", 403)]),
    ("rhythm:meeting_pdf", lambda w: [w.meeting.pk], "leader", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:meeting_docx", lambda w: [w.meeting.pk], "cadre", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:action_create", lambda w: [w.meeting.pk], "staff", [("leader_b", 404), ("cadre", 403)]),
    ("rhythm:action_list", lambda w: [], "cadre", [("auditor", 403)]),
    ("rhythm:action_detail", lambda w: [w.action.pk], "cadre", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:policy_edit", lambda w: [], "staff", [("secretary", 403), ("cadre", 403), ("reviewer", 403)]),
    ("rhythm:summary_list", lambda w: [], "secretary", [("auditor", 403), ("nobody", 403)]),
    ("rhythm:summary_detail", lambda w: [w.summary.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:summary_detail", lambda w: [w.summary_a2.pk], "staff", [("secretary", 404), ("leader_b", 404)]),
    ("rhythm:summary_edit", lambda w: [w.summary.pk], "staff", [("leader_b", 404), ("secretary", 403)]),
    ("rhythm:summary_pdf", lambda w: [w.summary.pk], "leader", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:summary_docx", lambda w: [w.summary.pk], "secretary", [("leader_b", 404), ("auditor", 403)]),
    ("rhythm:summary_xlsx", lambda w: [w.summary.pk], "cadre", [("leader_b", 404), ("auditor", 403)]),
]

# POST-only actions and the feed (its token is the credential) with the tests covering them.
POST_ONLY = {
    "rhythm:calendar_generate": "test_generate_is_for_the_office_only",
    "rhythm:calendar_token_reset": "test_calendar.py::test_the_feed_serves_the_users_events_by_token",
    "rhythm:calendar_feed": "test_calendar.py::test_the_feed_serves_the_users_events_by_token",
    "rhythm:digest_remind": "test_reports.py::test_remind_the_missing_sends_once_per_branch_and_day",
    "rhythm:actions_remind": "test_meetings.py::test_the_owners_of_the_ticked_actions_are_reminded_in_one_go",
    "rhythm:day_lock": "test_lock_is_for_the_office_only",
    "rhythm:notification_read": "test_notifications.py::test_the_bell_counts_unread_and_the_list_marks_read",
    "rhythm:summary_generate": "test_summary.py::test_the_summary_page_draws_its_chart_and_the_list_generates",
    "rhythm:summary_finalise": "test_summary.py::test_the_secretary_reads_the_branch_summary_only",
    "rhythm:action_file": "test_meetings.py::test_an_action_is_closed_with_photos_served_only_in_scope",
    "rhythm:action_thumbnail": "test_meetings.py::test_an_action_is_closed_with_photos_served_only_in_scope",
}

COVERED = {p[0] for p in PAGES} | set(POST_ONLY)


class World:
    def __init__(self, world):
        self.org, self.users, self.campaign = world.org, world.users, world.campaign
        self.event = services.event_create(
            actor=SYSTEM, campaign=world.campaign, kind="progress", title="工作推进会", day=WORKDAY
        )
        with frozen(datetime.datetime.combine(WORKDAY, datetime.time(17, 0))):
            self.report = services.report_submit(
                actor=world.users.secretary,
                branch=world.org.branches["a1"],
                day=WORKDAY,
                progress="x",
                help_text="求助",
            )
        self.help = self.report.help_requests.get()
        self.meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=WORKDAY)
        self.action = services.action_create(
            actor=SYSTEM, meeting=self.meeting, title="整改", due_on=WORKDAY, owner_department=world.org.dept_a1
        )
        self.summary = services.summary_generate(actor=SYSTEM, campaign=world.campaign, branch=world.org.branches["a1"])
        self.summary_a2 = services.summary_generate(
            actor=SYSTEM, campaign=world.campaign, branch=world.org.branches["a2"]
        )


@pytest.fixture
def pages(world):
    return World(world)


@pytest.mark.parametrize("name,args,insider,outsiders", PAGES, ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)])
def test_page_access(client, pages, name, args, insider, outsiders):
    url = reverse(name, args=args(pages))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login")), "anonymous"
    for username, expected in outsiders:
        client.force_login(getattr(pages.users, username))
        assert client.get(url).status_code == expected, username
    client.force_login(getattr(pages.users, insider))
    assert client.get(url).status_code == 200, insider


def test_generate_is_for_the_office_only(client, pages):
    from wuxing.rhythm.models import CalendarEvent

    url = reverse("rhythm:calendar_generate")
    assert client.post(url).status_code == 302 and CalendarEvent.objects.count() == 1
    client.force_login(pages.users.secretary)
    assert client.post(url).status_code == 403
    client.force_login(pages.users.staff)
    assert client.post(url).status_code == 302 and CalendarEvent.objects.count() > 50


def test_lock_is_for_the_office_only(client, pages):
    from wuxing.rhythm.models import DayLock

    url = reverse("rhythm:day_lock")
    client.force_login(pages.users.secretary)
    assert client.post(url, {"day": WORKDAY.isoformat()}).status_code == 403
    client.force_login(pages.users.leader_b)
    client.post(url + f"?campaign={pages.campaign.pk}", {"day": WORKDAY.isoformat()})
    assert not DayLock.objects.exists()
    client.force_login(pages.users.staff)
    assert client.post(url, {"day": WORKDAY.isoformat()}).status_code == 302
    assert DayLock.objects.get().day == WORKDAY
