"""Every write view of the assignments app, posted against a closed campaign: the refusal is a message on the
page (the form redisplayed, or a redirect with the message), never a 500, and nothing changes."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.liaison import services, urls
from wuxing.liaison.models import Activity, ActivityEvidence, CampaignAssignment, Finding

TODAY = datetime.date.today()
CLOSED = "已结束"  # "The campaign is closed; its records can no longer change."

# Pages that only read (GET); every other page of the app is a write view and must be in WRITES below.
READ_ONLY = {
    "tracker",
    "assignment_detail",
    "activity_list",
    "activity_detail",
    "finding_list",
    "evidence_file",
    "evidence_thumbnail",
}


def _photo():
    return as_upload(sample_jpeg("党课"), "photo.jpg", "image/jpeg")


@pytest.fixture
def closed(org, campaign, assignments):
    own = assignments[("T-a1", "A1")]
    activity = services.activity_record(
        actor=SYSTEM, campaign_assignment=own, kind="party_lecture", held_on=TODAY, participants="全体党员"
    )
    gone = services.activity_record(
        actor=SYSTEM, campaign_assignment=own, kind="heart_talk", held_on=TODAY, participants="两委"
    )
    gone_pk = gone.pk
    services.activity_delete(actor=SYSTEM, activity=gone, reason="重复录入")
    campaign_set_status(actor=SYSTEM, campaign=campaign, status="closed")
    campaign.refresh_from_db()
    return type("Closed", (), {"campaign": campaign, "own": own, "activity": activity, "gone_pk": gone_pk, "org": org})


# url name → (url args and query from the world, POST data)
WRITES = {
    "assignment_create": (
        lambda w: ([], f"?campaign={w.campaign.pk}"),
        lambda w: {
            "branch": w.org.branches["a2"].pk,
            "department": w.org.dept_a2.pk,
            "pledged_people": 1,
            "pledged_funds": "1",
        },
    ),
    "assignment_sync": (lambda w: ([], f"?campaign={w.campaign.pk}"), lambda w: {}),
    "assignment_edit": (
        lambda w: ([w.own.pk], ""),
        lambda w: {"pledged_people": 9, "pledged_funds": "9", "delivered_people": 9, "delivered_funds": "9"},
    ),
    "activity_create": (
        lambda w: ([w.own.pk], ""),
        lambda w: {"kind": "heart_talk", "held_on": TODAY.isoformat(), "participants": "两委", "evidence": [_photo()]},
    ),
    "activity_edit": (
        lambda w: ([w.activity.pk], ""),
        lambda w: {"kind": "heart_talk", "held_on": TODAY.isoformat(), "participants": "改了"},
    ),
    "activity_delete": (lambda w: ([w.activity.pk], ""), lambda w: {"reason": "重复"}),
    "activity_restore": (lambda w: ([w.gone_pk], ""), lambda w: {}),
    "activity_evidence_add": (lambda w: ([w.activity.pk], ""), lambda w: {"evidence": [_photo()]}),
    "finding_create": (
        lambda w: ([w.org.branches["a1"].pk], f"?campaign={w.campaign.pk}"),
        lambda w: {"kind": "strength", "source": "visit", "found_on": TODAY.isoformat(), "text": "班子团结"},
    ),
}


def test_every_write_view_is_driven_here():
    assert {p.name for p in urls.urlpatterns} - READ_ONLY == set(WRITES)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_view_on_a_closed_campaign_answers_with_a_message(client, users, closed, name):
    args_of, data_of = WRITES[name]
    args, query = args_of(closed)
    url = reverse(f"liaison:{name}", args=args) + query
    before = (
        CampaignAssignment.objects.count(),
        Activity.objects.count(),
        ActivityEvidence.objects.count(),
        Finding.objects.count(),
        closed.own.pledged_people,
    )
    client.force_login(users.leader)
    response = client.post(url, data_of(closed), HTTP_REFERER=reverse("liaison:tracker"))
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        text = response.content.decode()
    else:
        text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert CLOSED in text
    closed.own.refresh_from_db()
    assert (
        CampaignAssignment.objects.count(),
        Activity.objects.count(),
        ActivityEvidence.objects.count(),
        Finding.objects.count(),
        closed.own.pledged_people,
    ) == before
