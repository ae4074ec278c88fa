"""HTML pages: the plan and the letter, printed and as a PDF; nothing is generated for a closed campaign."""

import subprocess
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from wuxing.core.actors import SYSTEM
from wuxing.plans import services
from wuxing.targets import services as target_services
from wuxing.testing import clear_caches


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def text(response):
    return response.content.decode()


def test_pledge_print_page_and_pdf_text(client, world):
    pledge = world.pledge
    client.force_login(world.tc.users.secretary)
    page = client.get(reverse("plans:pledge_detail", args=[pledge.pk]))
    assert "甲一村" in text(page) and "支部过硬" in text(page)
    assert client.post(reverse("plans:pledge_confirm", args=[pledge.pk]), {"side": "secretary"}).status_code == 302
    client.force_login(world.tc.users.leader)
    client.post(reverse("plans:pledge_confirm", args=[pledge.pk]), {"side": "leader"})
    pledge.refresh_from_db()
    assert pledge.status == "frozen"
    response = client.get(reverse("plans:pledge_pdf", args=[pledge.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    extracted = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    for expected in ["甲一村", "支部过硬", "产业兴旺", "生态宜居", "平安法治", pledge.content_sha256[:16]]:
        assert expected in extracted


def test_no_letter_for_a_closed_campaign(tc):
    from django.core.exceptions import ValidationError

    from wuxing.campaigns.services import campaign_set_status

    target = target_services.target_record_past(
        actor=SYSTEM, campaign=tc.campaign, branch=tc.a1, stars=tc.stars("rural", "strong_branch"), note="补录"
    )
    campaign_set_status(actor=SYSTEM, campaign=tc.campaign, status="closed")
    target.campaign.refresh_from_db()
    with pytest.raises(ValidationError):
        services.pledge_generate(actor=SYSTEM, target=target)


def test_the_branch_page_section_costs_the_same_with_more_measures(client, world, django_assert_max_num_queries):
    client.force_login(world.tc.users.leader)
    url = reverse("portal:branch_detail", args=[world.tc.a1.pk])
    client.get(url)
    clear_caches()  # both reads render the panels (a read again would take the page's content from the cache)
    with CaptureQueriesContext(connection) as before:
        assert 'id="plans-panel"' in text(client.get(url))
    measure = services.measure_save(
        actor=SYSTEM, target=world.target, star=world.target.stars.order_by("position")[1], title="另一项措施"
    )
    for month in (3, 6, 9):
        services.milestone_add(actor=SYSTEM, measure=measure, title=f"节点{month}", due_on=date(2027, month, 1))
    clear_caches()
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert "2 项措施，4 个节点" in text(client.get(url))
