"""Every write view of supervision, posted against a closed campaign: the refusal is a message on the page (the form
redisplayed, or a redirect with the message), never a 500, and nothing changes."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.supervision import services, urls
from wuxing.supervision.models import (
    Accountability,
    Evaluation,
    Finding,
    Inspection,
    Observation,
    PublicReport,
    Rectification,
    RectificationEvent,
    Score,
)

from .conftest import card_of, full_marks

TODAY = timezone.localdate().isoformat()
CLOSED = "已结束"

# Pages that only read, or that change nothing recorded in a campaign (the office's scoring sheet and activities).
NOT_CAMPAIGN_WRITES = {
    "home",
    "sheet_list",
    "sheet_create",
    "tag_create",
    "observation_list",
    "observation_detail",
    "photo_file",
    "photo_thumbnail",
    "evaluation_list",
    "evaluation_detail",
    "inspection_list",
    "inspection_plan",
    "inspection_detail",
    "finding_list",
    "finding_detail",
    "finding_photo",
    "finding_thumbnail",
    "rectification_list",
    "rectification_detail",
    "rectification_evidence",
    "rectification_thumbnail",
    "board",
    "overdue_board",
    "accountability_list",
    "public_report_list",
    "public_report_reveal",
}


@pytest.fixture
def closed(world):
    world.report = services.public_report_submit(
        office=world.org.office_a, branch=world.org.branches["a1"], text="问题", address="10.0.0.2"
    )
    world.card = card_of(world.observation, world.users.leader, world.org.branches["a1"])
    world.spare = services.finding_record(
        actor=SYSTEM,
        inspection=world.inspection,
        branch=world.org.branches["a2"],
        category="effect",
        severity="low",
        description="多余的记录",
    )
    services.finding_delete(actor=world.users.leader, finding=world.spare, reason="重复")
    world.loose = services.finding_record(
        actor=SYSTEM,
        inspection=world.inspection,
        branch=world.org.branches["a2"],
        category="effect",
        severity="low",
        description="待删除",
    )
    campaign_set_status(actor=SYSTEM, campaign=world.campaign, status="closed")
    world.campaign.refresh_from_db()
    return world


# url name → (url args and query from the world, POST data)
WRITES = {
    "observation_create": (
        lambda w: ([], f"?campaign={w.campaign.pk}"),
        lambda w: {
            "title": "x",
            "held_on": TODAY,
            "branches": [w.org.branches["a1"].pk],
            "observers": [w.users.leader.pk],
            "drop_from": 5,
        },
    ),
    "observation_public": (lambda w: ([w.observation.pk], ""), lambda w: {"public": "1"}),
    "card_score": (
        lambda w: ([w.card.pk], ""),
        lambda w: {**{f"c{k}": v for k, v in full_marks(w.card).items()}, "action": "submit"},
    ),
    "evaluation_create": (
        lambda w: ([], f"?campaign={w.campaign.pk}"),
        lambda w: {
            "title": "x",
            "quarter": "1",
            "w_observation": "1",
            "w_checklist": "0",
            "w_punctuality": "0",
            "w_rectification": "0",
            "w_satisfaction": "0",
            "top_n": "1",
            "bottom_n": "1",
        },
    ),
    "evaluation_compute": (lambda w: ([w.evaluation.pk], ""), lambda w: {}),
    "evaluation_publish": (lambda w: ([w.evaluation.pk], ""), lambda w: {}),
    "inspection_create": (
        lambda w: ([], f"?campaign={w.campaign.pk}"),
        lambda w: {
            "title": "x",
            "mode": "on_site",
            "held_on": TODAY,
            "inspectors": [w.org.leader_a.pk],
            "branches": [w.org.branches["a1"].pk],
        },
    ),
    "finding_create": (
        lambda w: ([w.inspection.pk], ""),
        lambda w: {"branch": w.org.branches["a1"].pk, "category": "progress", "severity": "low", "description": "x"},
    ),
    "inspection_update": (
        lambda w: ([w.inspection.pk], ""),
        lambda w: {
            "title": "改",
            "mode": "on_site",
            "held_on": TODAY,
            "inspectors": [w.org.leader_a.pk],
            "branches": [w.org.branches["a1"].pk, w.org.branches["a2"].pk],
        },
    ),
    "finding_update": (
        lambda w: ([w.finding.pk], ""),
        lambda w: {"category": "responsibility", "severity": "low", "description": "改过"},
    ),
    "finding_delete": (lambda w: ([w.loose.pk], ""), lambda w: {"reason": "重复"}),
    "finding_restore": (lambda w: ([w.spare.pk], ""), lambda w: {}),
    "finding_triage": (
        lambda w: ([w.report.finding_id], ""),
        lambda w: {"accept": "1", "category": "progress", "severity": "low"},
    ),
    "rectification_create": (lambda w: ([w.finding.pk], ""), lambda w: {"task": "x", "due_on": TODAY}),
    "accountability_create": (
        lambda w: ([w.finding.pk], ""),
        lambda w: {"person_name": "张某", "decision": "interview", "decided_on": TODAY, "reason": "x"},
    ),
    "rectification_transition": (lambda w: ([w.rectification.pk], ""), lambda w: {"to": "in_progress"}),
    "rectification_reschedule": (lambda w: ([w.rectification.pk], ""), lambda w: {"due_on": TODAY, "note": "延期"}),
}


def test_every_write_view_is_driven_here():
    assert {p.name for p in urls.urlpatterns} - NOT_CAMPAIGN_WRITES == set(WRITES)


def _counts():
    return tuple(
        m.objects.count()
        for m in (
            Observation,
            Score,
            Evaluation,
            Inspection,
            Finding,
            Rectification,
            RectificationEvent,
            Accountability,
        )
    )


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_view_on_a_closed_campaign_answers_with_a_message(client, closed, name):
    args_of, data_of = WRITES[name]
    args, query = args_of(closed)
    url = reverse(f"supervision:{name}", args=args) + query
    before = _counts()
    client.force_login(closed.users.leader)
    response = client.post(url, data_of(closed), HTTP_REFERER=reverse("supervision:home"))
    assert response.status_code in (200, 302), response.status_code
    text = response.content.decode() if response.status_code == 200 else ""
    text += " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert CLOSED in text
    assert _counts() == before


def test_the_public_form_takes_no_report_for_a_closed_campaign(client, closed):
    response = client.post(
        reverse("supervision_public:report", args=[closed.org.office_a.code]),
        {"branch": closed.org.branches["a1"].pk, "text": "问题"},
    )
    assert "不接受" in response.content.decode() and PublicReport.objects.count() == 1
