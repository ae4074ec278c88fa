"""Once a campaign is closed its targets and baselines no longer change: every write page answers with a message or
its form's error (never a 500) and changes nothing; the API answers 400."""

import pytest
from django.urls import reverse
from django.utils import translation

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.rhythm.models import Notification
from wuxing.targets.models import Baseline, BaselineEntry, Target, TargetRound


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def closed(world):
    campaign_set_status(actor=SYSTEM, campaign=world.tc.campaign, status="closed")
    return world


def _state():
    return (
        sorted(Target.objects.values_list("pk", "status", "level")),
        TargetRound.objects.count(),
        sorted(Baseline.objects.values_list("pk", "surveyed_on")),
        sorted(BaselineEntry.objects.values_list("pk", "rating")),
        Notification.objects.count(),
    )


def _writes(w):
    """(user, url name, args, data) of every write page of the app, with data that would otherwise be accepted."""
    c, a1, a2 = w.tc.campaign.pk, w.tc.a1.pk, w.targets["a2"].pk
    stars = [s.pk for s in w.tc.stars("rural", "strong_branch", "industry")]
    rating = {f"rating_{e.indicator_id}": "near" for e in w.baseline.entries.all()}
    return [
        ("leader", "targets:target_review", [a2], {"decision": "return", "reason": "再议"}),
        ("leader", "targets:targets_confirm", [c], {}),
        ("leader", "targets:targets_agree", [c], {"target": [a2]}),
        ("leader", "targets:targets_remind", [c], {}),
        ("secretary", "targets:target_apply", [c, a1], {"stars": stars, "reason": "再申领"}),
        ("leader", "targets:target_require", [c, a1], {"stars": stars[:1], "reason": "压担子"}),
        ("secretary", "targets:baseline_edit", [c, a1], {"surveyed_on": "2026-12-01", **rating}),
    ]


@pytest.mark.parametrize("index", range(7))
def test_no_write_page_changes_a_closed_campaign(client, closed, index):
    user, name, args, data = _writes(closed)[index]
    before = _state()
    client.force_login(getattr(closed.tc.users, user))
    back = reverse("targets:target_list")
    response = client.post(reverse(name, args=args), data, HTTP_REFERER=back)
    assert response.status_code in (200, 302), name
    body = response.content.decode() if response.status_code == 200 else ""
    messages = " ".join(str(m) for m in client.get(back).context["messages"]) if response.status_code == 302 else ""
    assert "已结束" in body + messages, name
    assert _state() == before, name


def test_the_pages_offer_no_decision_once_the_campaign_is_closed(client, closed):
    client.force_login(closed.tc.users.leader)
    board = client.get(reverse("targets:target_list"), {"campaign": closed.tc.campaign.pk})
    assert not board.context["can_decide"] and "确认全部目标" not in board.content.decode()
    page = client.get(reverse("targets:target_detail", args=[closed.targets["a2"].pk]))
    assert "review_form" not in page.context and "return_form" not in page.context


def test_the_api_answers_a_closed_campaign_with_400(api_client, closed):
    api_client.force_authenticate(closed.tc.users.leader)
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    before = _state()
    response = api_client.post(f"/api/v1/targets/{closed.targets['a2'].pk}/return/", {"reason": "再议"}, format="json")
    assert response.status_code == 400 and "已结束" in response.json()["detail"][0]
    response = api_client.post(f"/api/v1/campaigns/{closed.tc.campaign.pk}/confirm-targets/")
    assert response.status_code == 400
    assert _state() == before
