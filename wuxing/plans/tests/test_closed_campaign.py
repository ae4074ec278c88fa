"""Once its campaign is closed, a plan and its letters no longer change: every write page answers with a message
(never a 500) and changes nothing; the API answers 400."""

import pytest
from django.urls import reverse
from django.utils import translation

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.plans.models import PlanMeasure, PlanMilestone, Pledge


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def closed(world):
    campaign_set_status(actor=SYSTEM, campaign=world.tc.campaign, status="closed")
    return world


def _writes(w):
    """(user, url name, args, data) of every write page of the app."""
    star = w.target.stars.order_by("position").first()
    return [
        ("secretary", "plans:plan_measure_add", [w.target.pk], {"star": star.pk, "title": "新措施"}),
        ("secretary", "plans:plan_measure_delete", [w.measure.pk], {}),
        ("secretary", "plans:plan_milestone_add", [w.measure.pk], {"title": "新节点", "due_on": "2027-05-01"}),
        ("secretary", "plans:plan_milestone_delete", [w.milestone.pk], {}),
        ("staff", "plans:pledge_generate", [w.target.pk], {"office_commitments": "承诺"}),
    ]


def _state():
    return (
        sorted(PlanMeasure.objects.values_list("pk", "title")),
        sorted(PlanMilestone.objects.values_list("pk", "title")),
        sorted(Pledge.objects.values_list("pk", "status")),
    )


@pytest.mark.parametrize("index", range(5))
def test_no_write_page_changes_a_plan_of_a_closed_campaign(client, closed, index):
    user, name, args, data = _writes(closed)[index]
    before = _state()
    client.force_login(getattr(closed.tc.users, user))
    page = reverse("plans:plan_detail", args=[closed.target.pk])
    response = client.post(reverse(name, args=args), data, HTTP_REFERER=page)
    assert response.status_code == 302 and response["Location"] == page, name
    assert "已结束" in " ".join(str(m) for m in client.get(page).context["messages"]), name
    assert _state() == before, name


def test_the_plan_page_offers_no_edit_once_the_campaign_is_closed(client, closed):
    client.force_login(closed.tc.users.secretary)
    response = client.get(reverse("plans:plan_detail", args=[closed.target.pk]))
    assert response.status_code == 200 and not response.context["can_edit"]
    assert reverse("plans:plan_measure_delete", args=[closed.measure.pk]) not in response.content.decode()


def test_the_api_answers_a_closed_campaign_with_400_and_changes_nothing(api_client, closed):
    api_client.force_authenticate(closed.tc.users.secretary)
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = api_client.post(f"/api/v1/pledges/{closed.pledge.pk}/confirm/")
    assert response.status_code == 400 and "已结束" in response.json()["detail"][0]
    closed.pledge.refresh_from_db()
    assert closed.pledge.secretary_confirmed_at is None


def test_a_letter_is_not_confirmed_once_the_campaign_is_closed(client, closed):
    client.force_login(closed.tc.users.secretary)
    page = reverse("plans:pledge_detail", args=[closed.pledge.pk])
    response = client.post(
        reverse("plans:pledge_confirm", args=[closed.pledge.pk]), {"side": "secretary"}, HTTP_REFERER=page
    )
    assert response.status_code == 302 and response["Location"] == page
    closed.pledge.refresh_from_db()
    assert closed.pledge.secretary_confirmed_at is None


def test_no_reminder_is_sent_for_a_letter_of_a_closed_campaign(client, closed):
    from wuxing.rhythm.models import Notification

    client.force_login(closed.tc.users.staff)
    page = reverse("plans:pledge_list") + f"?campaign={closed.tc.campaign.pk}"
    response = client.post(
        reverse("plans:pledges_remind") + f"?campaign={closed.tc.campaign.pk}",
        {"pledge": [closed.pledge.pk]},
        HTTP_REFERER=page,
    )
    assert response.status_code == 302
    assert "已结束" in " ".join(str(m) for m in client.get(page).context["messages"])
    assert not Notification.objects.filter(kind="pledge_remind").exists()
