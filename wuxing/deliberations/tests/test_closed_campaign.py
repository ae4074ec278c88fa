"""A deliberation that decides a campaign's target changes no more once the campaign is closed: every write page
answers with a message or its form's error (never a 500) and records nothing; one on another matter goes on."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from wuxing.campaigns.services import campaign_set_status
from wuxing.core.actors import SYSTEM
from wuxing.deliberations import services
from wuxing.deliberations.choices import Step
from wuxing.deliberations.models import Deliberation, DeliberationStep


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
        sorted(Deliberation.objects.values_list("pk", "status", "implemented_on")),
        sorted(DeliberationStep.objects.values_list("pk", "step")),
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("deliberations:deliberation_step", {"step": "committees_consult", "held_on": "2026-12-03"}),
        ("deliberations:deliberation_implementation", {"implemented_on": "2026-12-03", "implementation": "已实施"}),
        ("deliberations:deliberation_close", {}),
    ],
)
def test_no_step_is_recorded_once_the_campaign_is_closed(client, closed, name, data):
    before = _state()
    client.force_login(closed.tc.users.secretary)
    page = reverse("deliberations:deliberation_detail", args=[closed.deliberation.pk])
    response = client.post(reverse(name, args=[closed.deliberation.pk]), data, HTTP_REFERER=page)
    assert response.status_code in (302, 400), name
    assert _state() == before, name
    shown = client.get(page)
    text = response.content.decode() + " ".join(str(m) for m in shown.context["messages"])
    assert "已结束" in text or "R8" in text, name
    assert "step_form" not in shown.context and not shown.context["can_record"]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("deliberations:step_edit", {"held_on": "2026-11-03", "chair": "改"}),
        ("deliberations:step_delete", {"reason": "录错了"}),
    ],
)
def test_no_step_is_corrected_or_deleted_once_the_campaign_is_closed(client, closed, name, data):
    before = _state()
    client.force_login(closed.tc.users.secretary)
    page = reverse("deliberations:deliberation_detail", args=[closed.deliberation.pk])
    response = client.post(reverse(name, args=[closed.step.pk]), data, HTTP_REFERER=page)
    assert response.status_code in (200, 302, 400), name
    assert _state() == before, name
    closed.step.refresh_from_db()
    assert closed.step.chair == "甲一书记"
    shown = client.get(page)
    text = response.content.decode() + " ".join(str(m) for m in shown.context["messages"])
    assert "已结束" in text, name


def test_a_deleted_step_is_not_restored_once_the_campaign_is_closed(client, world):
    pk = world.step.pk
    services.step_delete(actor=SYSTEM, step=world.step, reason="录错了")
    campaign_set_status(actor=SYSTEM, campaign=world.tc.campaign, status="closed")
    client.force_login(world.tc.users.secretary)
    page = reverse("deliberations:deliberation_detail", args=[world.deliberation.pk])
    response = client.post(reverse("deliberations:step_restore", args=[pk]), HTTP_REFERER=page)
    assert response.status_code == 302
    assert not DeliberationStep.objects.filter(pk=pk).exists()
    assert "已结束" in " ".join(str(m) for m in client.get(page).context["messages"])


def test_no_target_deliberation_is_opened_for_a_closed_campaign(client, closed):
    client.force_login(closed.tc.users.secretary)
    response = client.post(
        reverse("deliberations:deliberation_create"),
        {"branch": closed.tc.a1.pk, "subject": "年终目标", "matter": "target", "campaign": closed.tc.campaign.pk},
    )
    assert response.status_code == 200 and "已结束" in response.content.decode()
    assert not Deliberation.objects.filter(subject="年终目标").exists()


def test_a_deliberation_on_another_matter_goes_on(closed):
    d = services.deliberation_create(
        actor=closed.tc.users.secretary, branch=closed.tc.a1, subject="修路", matter="project"
    )
    step = services.step_record(
        actor=closed.tc.users.secretary, deliberation=d, step=Step.PROPOSE, held_on=date(2026, 12, 1)
    )
    assert step.pk and d.campaign_id is None


def test_the_api_answers_a_closed_campaign_with_400(api_client, closed):
    api_client.force_authenticate(closed.tc.users.secretary)
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    response = api_client.post(
        f"/api/v1/deliberations/{closed.deliberation.pk}/steps/",
        {"step": "committees_consult", "held_on": "2026-12-03"},
        format="json",
    )
    assert response.status_code == 400 and "已结束" in response.json()["detail"][0]
    assert DeliberationStep.objects.filter(deliberation=closed.deliberation).count() == 1
