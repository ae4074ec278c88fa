"""HTML pages: the same rules reach the user in Chinese, nothing changes on refusal, query counts stay flat."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from wuxing.core.actors import SYSTEM
from wuxing.deliberations import services
from wuxing.deliberations.choices import Step
from wuxing.deliberations.models import DeliberationStep


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def text(response):
    return response.content.decode()


def test_step_refused_in_the_form_names_the_rule(client, tc):
    deliberation = services.deliberation_create(actor=SYSTEM, branch=tc.a1, subject="2027年创星目标")
    services.step_record(actor=SYSTEM, deliberation=deliberation, step=Step.PROPOSE, held_on=date(2026, 11, 2))
    services.step_record(
        actor=SYSTEM, deliberation=deliberation, step=Step.COMMITTEES_CONSULT, held_on=date(2026, 11, 3)
    )
    client.force_login(tc.users.secretary)
    url = reverse("deliberations:deliberation_step", args=[deliberation.pk])
    data = {
        "step": "party_meeting_review",
        "held_on": "2026-11-05",
        "should_attend": 30,
        "attended": 19,
        "yes": 19,
        "no": 0,
        "abstain": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "党员大会" in text(response) and "20" in text(response)
    assert DeliberationStep.objects.filter(deliberation=deliberation).count() == 2
    data["attended"] = 20
    assert client.post(url, data).status_code == 302
    assert DeliberationStep.objects.filter(deliberation=deliberation).count() == 3


def test_out_of_order_step_posted_by_hand_is_refused(client, tc):
    deliberation = services.deliberation_create(actor=SYSTEM, branch=tc.a1, subject="x")
    client.force_login(tc.users.secretary)
    response = client.post(
        reverse("deliberations:deliberation_step", args=[deliberation.pk]),
        {
            "step": "villagers_resolve",
            "held_on": "2026-11-05",
            "meeting_form": "representatives",
            "should_attend": 25,
            "attended": 25,
            "yes": 25,
            "no": 0,
            "abstain": 0,
        },
    )
    assert response.status_code == 400 and "R5" in text(response)
    assert not deliberation.steps.exists()
