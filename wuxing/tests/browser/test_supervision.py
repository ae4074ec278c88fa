"""End to end in Chromium at 375 px: an observer scores a branch on a phone with a photo (the values survive a
reload), submits, and the observation's ranking changes."""

import pytest

from wuxing.core.uploads import sample_jpeg

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def _ranking_cell(page, branch):
    row = page.locator(f"#observation-ranking tr[data-branch='{branch}']")
    return row.locator("td").nth(2).inner_text(), row.locator("td").nth(3).inner_text()


def test_observer_scores_a_branch_with_a_photo_and_the_ranking_updates(live_app, open_page):
    page, watch = open_page(width=375, height=800)
    login(page, live_app, "demo-reviewer")
    page.goto(f"{live_app}/supervision/")
    assert "待打分" in page.inner_text("body")
    page.locator("#my-observations a").first.click()
    page.wait_for_load_state("networkidle")
    card = page.locator("#my-cards a", has_text="待打分").first
    branch = card.get_attribute("data-branch")
    before = _ranking_cell(page, branch)
    card.click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    inputs = page.locator("input.wx-score")
    n = inputs.count()
    assert n >= 5
    # big touch targets: each step button is at least 44 px high
    assert page.locator(".wx-step").first.bounding_box()["height"] >= 44
    inputs.nth(0).fill("9.5")
    page.locator(".wx-score-row").nth(1).locator(".wx-step[data-step='0.5']").click()
    page.locator(".wx-score-row").nth(1).locator(".wx-step[data-step='0.5']").click()
    # a reload on a weak connection keeps what was typed
    page.reload()
    page.wait_for_load_state("networkidle")
    assert inputs.nth(0).input_value() == "9.5" and inputs.nth(1).input_value() == "1"
    for i in range(2, n):
        inputs.nth(i).fill("8")
    assert page.inner_text("#score-total") == f"{9.5 + 1 + 8 * (n - 2):.2f}"
    page.set_input_files(
        "input[name=photos]", files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": sample_jpeg("观摩现场")}]
    )
    screenshot(page, "supervision-score-375")
    page.click("#submit-card")
    page.wait_for_load_state("networkidle")
    assert "评分表已提交并锁定" in page.inner_text("body")
    after = _ranking_cell(page, branch)
    assert after != before
    assert int(after[1].split("/")[0]) == int(before[1].split("/")[0]) + 1
    assert page.locator(f"#my-cards a[data-branch='{branch}']", has_text="已提交").count() == 1
    screenshot(page, "supervision-ranking-375")
    # the submitted card is locked, with its photo
    page.locator(f"#my-cards a[data-branch='{branch}']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-locked]").count() == 1 and page.locator("#card-photos img").count() == 1
    assert page.locator("#submit-card").count() == 0
    assert watch.foreign_requests() == []
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []
