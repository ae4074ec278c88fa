"""Every write view of the rhythm app, posted against a closed campaign: the refusal is a message on the page (the
form redisplayed, or a redirect with the message), never a 500, and nothing changes."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.rhythm import services, urls
from wuxing.rhythm.models import (
    Action,
    AnnualSummary,
    CalendarEvent,
    DailyReport,
    DayLock,
    HelpRequest,
    Meeting,
    Notification,
)

from .conftest import WORKDAY, frozen

CLOSED = "已结束"

# Pages that only read, and writes that record nothing of a campaign (the user's feed address, read marks, the
# office's settings).
READ_ONLY = {
    "action_file",
    "action_thumbnail",
    "calendar",
    "calendar_feed",
    "report_detail",
    "digest",
    "help_list",
    "notification_list",
    "notification_badge",
    "meeting_list",
    "week_agenda",
    "meeting_detail",
    "meeting_pdf",
    "meeting_docx",
    "action_list",
    "summary_list",
    "summary_detail",
    "summary_pdf",
    "summary_docx",
    "summary_xlsx",
}
NOT_CAMPAIGN_WRITES = {"calendar_token_reset", "notification_read", "policy_edit"}


@pytest.fixture
def closed(world):
    event = services.event_create(actor=SYSTEM, campaign=world.campaign, kind="progress", title="推进会", day=WORKDAY)
    with frozen(datetime.datetime.combine(WORKDAY, datetime.time(17, 0))):
        report = services.report_submit(
            actor=world.users.secretary, branch=world.org.branches["a1"], day=WORKDAY, progress="x", help_text="求助"
        )
    meeting = services.meeting_create(actor=SYSTEM, campaign=world.campaign, kind="weekly", held_on=WORKDAY)
    action = services.action_create(
        actor=SYSTEM, meeting=meeting, title="整改", due_on=WORKDAY, owner_department=world.org.dept_a1
    )
    summary = services.summary_generate(actor=SYSTEM, campaign=world.campaign)
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    world.campaign.refresh_from_db()
    return type(
        "Closed",
        (),
        {
            "campaign": world.campaign,
            "org": world.org,
            "event": event,
            "report": report,
            "help": report.help_requests.get(),
            "meeting": meeting,
            "action": action,
            "summary": summary,
        },
    )


# url name → (user, url args and query from the world, POST data)
WRITES = {
    "calendar_generate": ("staff", lambda w: ([], f"?campaign={w.campaign.pk}"), lambda w: {}),
    "event_create": (
        "staff",
        lambda w: ([], f"?campaign={w.campaign.pk}"),
        lambda w: {"kind": "progress", "title": "推进会", "day": "2026-12-01"},
    ),
    "event_move": ("staff", lambda w: ([w.event.pk], ""), lambda w: {"day": "2026-12-02"}),
    "report_today": ("secretary", lambda w: ([], f"?day={WORKDAY.isoformat()}"), lambda w: {"progress": "再报"}),
    "digest_remind": ("staff", lambda w: ([], f"?campaign={w.campaign.pk}"), lambda w: {}),
    "day_lock": ("staff", lambda w: ([], f"?campaign={w.campaign.pk}"), lambda w: {"day": WORKDAY.isoformat()}),
    "help_detail": ("cadre", lambda w: ([w.help.pk], ""), lambda w: {"answer": "好"}),
    "meeting_create": (
        "staff",
        lambda w: ([], f"?campaign={w.campaign.pk}"),
        lambda w: {"kind": "progress", "held_on": WORKDAY.isoformat()},
    ),
    "meeting_minutes": ("staff", lambda w: ([w.meeting.pk], ""), lambda w: {"minutes": "纪要"}),
    "action_create": (
        "staff",
        lambda w: ([w.meeting.pk], ""),
        lambda w: {"title": "新事项", "due_on": "2026-12-30", "owner_department": w.org.dept_a1.pk},
    ),
    "action_detail": ("cadre", lambda w: ([w.action.pk], ""), lambda w: {"evidence": "已完成"}),
    "actions_remind": ("staff", lambda w: ([], f"?campaign={w.campaign.pk}"), lambda w: {"action": [w.action.pk]}),
    "summary_generate": ("staff", lambda w: ([], f"?campaign={w.campaign.pk}"), lambda w: {"branch": ""}),
    "summary_edit": ("staff", lambda w: ([w.summary.pk], ""), lambda w: {"overview": "改"}),
    "summary_finalise": ("leader", lambda w: ([w.summary.pk], ""), lambda w: {}),
}


def test_every_write_view_is_driven_here():
    assert {p.name for p in urls.urlpatterns} - READ_ONLY - NOT_CAMPAIGN_WRITES == set(WRITES)


def _state(closed):
    closed.report.refresh_from_db()
    closed.meeting.refresh_from_db()
    closed.event.refresh_from_db()
    return (
        CalendarEvent.objects.count(),
        DailyReport.objects.count(),
        HelpRequest.objects.filter(status="open").count(),
        Meeting.objects.count(),
        Action.objects.filter(status="open").count(),
        DayLock.objects.count(),
        Notification.objects.filter(kind="report_reminder").count(),
        closed.report.progress,
        closed.meeting.minutes,
        closed.event.day,
        AnnualSummary.objects.filter(final=True).count(),
        AnnualSummary.objects.get().narrative,
    )


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_view_on_a_closed_campaign_answers_with_a_message(client, world, closed, name):
    username, args_of, data_of = WRITES[name]
    args, query = args_of(closed)
    url = reverse(f"rhythm:{name}", args=args) + query
    before = _state(closed)
    client.force_login(getattr(world.users, username))
    response = client.post(url, data_of(closed), HTTP_REFERER=reverse("rhythm:calendar"))
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        text = response.content.decode()
    else:
        text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert CLOSED in text
    assert _state(closed) == before
