"""End to end in Chromium: a department cadre records a 五个一 activity with evidence on a phone and sees the tracker change."""

import datetime

import pytest

from wuxing.core.uploads import sample_jpeg

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def _missing(page) -> int:
    return page.locator("td[data-missing='1']").count()


def test_cadre_records_an_activity_with_evidence_and_the_tracker_changes(live_app, open_page):
    page, watch = open_page(width=375, height=800)
    login(page, live_app, "demo-dept")
    page.goto(f"{live_app}/liaison/")
    assert "“五个一”台账" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    before = _missing(page)
    assert before > 0
    screenshot(page, "liaison-tracker-375")
    # On a phone the tracker is a list of cards, each with its kinds; a missing one is marked.
    card = page.locator("[data-card]", has=page.locator("[data-card-missing]")).first
    assert card.is_visible()
    assignment = card.get_attribute("data-card")
    kind = card.locator("[data-card-missing]").first.get_attribute("data-kind")
    card.locator("a").click()
    page.locator(f"li[data-kind='{kind}'] a").click()
    page.fill("input[name=held_on]", datetime.date.today().isoformat())
    page.fill("textarea[name=participants]", "分包部门干部；村两委干部")
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": sample_jpeg("五个一 现场")}],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "活动已记录" in page.inner_text("body")
    assert page.locator(f"li[data-kind='{kind}'] img").count() >= 1  # the evidence thumbnail is served
    screenshot(page, "liaison-assignment-375")
    page.goto(f"{live_app}/liaison/")
    assert _missing(page) == before - 1
    assert page.locator(f"tr[data-assignment='{assignment}'] td[data-kind='{kind}'][data-missing='1']").count() == 0
    assert page.locator(f"[data-card='{assignment}'] [data-kind='{kind}'][data-card-missing]").count() == 0
    assert watch.foreign_requests() == []
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []


def test_demonstration_site_and_its_public_page(live_app, open_page):
    page, watch = open_page()
    login(page, live_app, "demo-leader")
    page.goto(f"{live_app}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#liaison-overview").count() == 1 and page.locator("#showcase-overview").count() == 1
    screenshot(page, "overview-with-liaison-and-showcase")
    page.goto(f"{live_app}/showcase/")
    assert page.locator("[data-site]").count() == 2
    page.locator("[data-site] a").first.click()
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "晋位提升" in body and "上年星级" in body and "志愿服务时长" in body
    page.locator("a", has_text="公开页面").click()
    page.wait_for_load_state("networkidle")
    assert "特色项目" in page.inner_text("body")
    screenshot(page, "showcase-public")
    assert watch.foreign_requests() == []
