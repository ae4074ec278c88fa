"""End to end at 375 px: an anonymous resident reports an issue with a photo (随手拍) and gets a tracking code; the
office triages it and answers; the resident sees the status change and confirms satisfied."""

import pytest

from wuxing.core.uploads import sample_jpeg
from wuxing.org.demo import OFFICE_CODE

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

TEXT = "文化广场东侧路灯坏了三盏，晚上很黑"


def test_resident_reports_an_issue_follows_it_and_confirms_satisfied(live_app, open_page):
    resident, watch = open_page(width=375, height=800)
    resident.goto(f"{live_app}/public/{OFFICE_CODE}/issues/")
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375
    resident.select_option("select[name=category]", index=2)
    resident.fill("textarea[name=description]", TEXT)
    resident.select_option("select[name=branch]", index=1)
    resident.fill("input[name=place_text]", "文化广场东侧")
    resident.set_input_files(
        "input[name=photos]", files=[{"name": "路灯.jpg", "mimeType": "image/jpeg", "buffer": sample_jpeg("路灯")}]
    )
    resident.fill("input[name=phone]", "13911112222")
    screenshot(resident, "participation-report-375")
    resident.click("#issue-send")
    resident.wait_for_load_state("networkidle")
    code = resident.inner_text("#tracking-code").strip()
    assert len(code) == 10
    status_url = resident.url.split("?")[0]
    assert resident.get_attribute("#issue-state", "data-state") == "received"
    assert "13911112222" not in resident.content()
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375
    assert watch.foreign_requests() == [] and watch.errors == []

    # The office: triage (accept and dispatch), then the answer.
    cadre, _ = open_page(width=1280, height=900)
    login(cadre, live_app, "demo-leader")
    cadre.goto(f"{live_app}/participation/")
    # the menu, with this app's entry, still fits one line at 1280 px
    assert cadre.evaluate("document.documentElement.scrollWidth") <= 1280
    assert cadre.evaluate("document.querySelector('.wx-navbar').getBoundingClientRect().height") < 80
    cadre.locator("#issue-list a", has_text=TEXT[:20]).first.click()
    cadre.wait_for_load_state("networkidle")
    assert cadre.locator("img.wx-thumb").count() == 1
    cadre.check("#triage input[name=decision][value=accept]")
    cadre.click("#triage button[type=submit]")
    cadre.wait_for_load_state("networkidle")
    resident.goto(status_url)
    assert resident.get_attribute("#issue-state", "data-state") == "dispatched"
    cadre.fill("#answer textarea[name=answer]", "已更换三盏路灯，感谢您的反映。")
    cadre.click("#answer-send")
    cadre.wait_for_load_state("networkidle")

    # The resident sees the answer and confirms satisfied.
    resident.goto(status_url)
    resident.wait_for_load_state("networkidle")
    assert resident.get_attribute("#issue-state", "data-state") == "answered"
    assert "已更换三盏路灯" in resident.inner_text("#issue-answer")
    resident.check("input[name=verdict][value=satisfied]")
    screenshot(resident, "participation-verdict-375")
    resident.click("#verdict-send")
    resident.wait_for_load_state("networkidle")
    assert resident.locator("#verdict-received").count() == 1
    assert resident.get_attribute("#issue-state", "data-state") == "closed"
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375
    assert watch.errors == []
