"""HTML pages: the same rules reach the user in Chinese, nothing changes on refusal, query counts stay flat."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from wuxing.core.actors import SYSTEM
from wuxing.core.uploads import as_upload, sample_jpeg, sample_pdf
from wuxing.deliberations import services
from wuxing.deliberations.choices import Step
from wuxing.deliberations.models import DeliberationStep
from wuxing.testing import page_text


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def text(response):
    return page_text(response)


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
    assert response.status_code == 400 and "不得跳过" in text(response) and "R5" not in text(response)
    assert not deliberation.steps.exists()


def test_the_list_filters_by_branch_and_status(client, world):
    client.force_login(world.tc.users.leader)
    url = reverse("deliberations:deliberation_list")
    page = client.get(url)
    assert page.context["filterset"].show_branch and "社区停车改造" in text(page) and "2027年创星目标" in text(page)
    body = text(client.get(url, {"branch": world.tc.a2.pk}))
    assert "社区停车改造" in body and "2027年创星目标" not in body
    assert "社区停车改造" not in text(client.get(url, {"status": "closed"}))
    # the export takes the same filter
    export = client.get(url, {"branch": world.tc.a2.pk, "export": "xlsx"})
    rows = [r for r in load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True) if r and r[0]]
    assert any("社区停车改造" in str(r) for r in rows) and not any("2027年创星目标" in str(r) for r in rows)
    # a secretary has one branch: no branch filter to choose from
    client.force_login(world.tc.users.secretary)
    assert not client.get(url).context["filterset"].show_branch


def test_the_step_form_takes_several_attachments_and_shows_a_refused_one(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(world.tc.users.secretary)
    url = reverse("deliberations:deliberation_step", args=[world.deliberation.pk])
    step = {"step": "committees_consult", "held_on": "2026-11-03"}
    svg = as_upload(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "notice.svg", "image/svg+xml")
    response = client.post(url, {**step, "attachments": [as_upload(sample_jpeg(), "ok.jpg", "image/jpeg"), svg]})
    assert response.status_code == 400 and "notice.svg" in text(response)  # on the form, not a server error
    assert world.deliberation.steps.count() == 1
    files = [as_upload(sample_jpeg("签到"), "sign-in.jpg", "image/jpeg"), as_upload(sample_pdf(), "minutes.pdf")]
    assert client.post(url, {**step, "attachments": files}).status_code == 302
    recorded = world.deliberation.steps.get(step="committees_consult")
    assert sorted(a.original_name for a in recorded.attachments.all()) == ["minutes.pdf", "sign-in.jpg"]


def test_the_branch_page_shows_what_is_being_decided(client, world, django_assert_max_num_queries):
    client.force_login(world.tc.users.secretary)
    url = reverse("portal:branch_detail", args=[world.tc.a1.pk])
    body = text(client.get(url))
    assert 'id="deliberations-panel"' in body and "2027年创星目标" in body and "“两委”会商议" in body
    assert f"{reverse('deliberations:deliberation_list')}?branch={world.tc.a1.pk}" in body
    # another branch's deliberation is not on this branch's page; a branch with none shows no section
    assert "社区停车改造" not in body
    client.force_login(world.tc.users.leader)
    assert 'id="deliberations-panel"' not in text(client.get(reverse("portal:branch_detail", args=[world.tc.a3.pk])))


def test_the_target_shows_the_deliberation_opened_before_it_and_agreeing_warns(client, tc):
    """The branch deliberates first, then applies: the 2027 deliberation with two steps recorded is its target's."""
    from wuxing.targets.services import target_submit

    deliberation = services.deliberation_create(
        actor=SYSTEM, branch=tc.a1, subject="甲一村2027年度创建目标", campaign=tc.campaign
    )
    services.step_record(actor=SYSTEM, deliberation=deliberation, step=Step.PROPOSE, held_on=date(2026, 11, 2))
    services.step_record(
        actor=SYSTEM, deliberation=deliberation, step=Step.COMMITTEES_CONSULT, held_on=date(2026, 11, 3)
    )
    target = target_submit(
        actor=SYSTEM, campaign=tc.campaign, branch=tc.a1, stars=tc.stars("rural", "strong_branch"), reason="x"
    )
    # Another branch's deliberation is not this target's.
    services.deliberation_create(actor=SYSTEM, branch=tc.a2, subject="甲二社区目标", campaign=tc.campaign)
    client.force_login(tc.users.leader)
    page = text(client.get(reverse("targets:target_detail", args=[target.pk])))
    assert "甲一村2027年度创建目标" in page and "还没有民主决策记录" not in page and "甲二社区目标" not in page
    assert "已记录 2/" in page and "data-agree-warning" in page and "尚未完成" in page
    response = client.post(reverse("targets:target_review", args=[target.pk]), {"decision": "agree"}, follow=True)
    target.refresh_from_db()
    assert target.status == "agreed" and "尚未完成" in text(response)
