"""End to end in Chromium at 375 px: the secretary follows the reminder to the day's report, submits it in a few
taps, and the office's digest counts it."""

import datetime

import pytest

from wuxing.rhythm import rules

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_secretary_submits_the_days_report_and_the_digest_counts_it(live_app, open_page):
    office, _ = open_page()
    login(office, live_app, "demo-staff")
    # The demo's day is named: a run that crosses midnight (office time) still reads the day the demo reminded
    # the secretary of, not a new day on which nobody has reported yet.
    day = rules.last_working_day(min(live_app.loaded_on, datetime.date(2026, 12, 31)))
    digest = f"{live_app}/rhythm/digest/?day={day.isoformat()}"
    office.goto(digest)
    missing_before = int(office.locator("#wx-digest-counts .wx-stat-value").nth(2).inner_text())
    assert missing_before == 3, "the demo leaves three branches without a report on the last working day"
    assert office.locator("#wx-remind").count() in (0, 1)  # shown only while the day is today

    page, watch = open_page(width=375, height=800)
    login(page, live_app, "demo-secretary")  # sign-in: not counted below
    taps = 0  # the bell sits in the top bar, outside the phone menu
    bell = page.locator("#wx-tool-bell")
    bell.locator("#wx-bell-count").wait_for()
    assert int(bell.locator("#wx-bell-count").inner_text().split()[0]) >= 1
    bell.click()
    taps += 1
    page.wait_for_load_state("networkidle")
    page.locator("main form button[type=submit]", has_text="未报送").first.click()  # the reminder
    taps += 1
    page.wait_for_load_state("networkidle")
    assert "日报告" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.fill("textarea[name=progress]", "走访群众五户，更新网格信息")
    taps += 1
    page.locator("#wx-report-form button[type=submit]").click()
    taps += 1
    page.wait_for_load_state("networkidle")
    assert "日报告已报送" in page.inner_text("body")
    assert page.locator("#wx-report-status").count() == 1
    screenshot(page, "rhythm-report-375")
    assert taps <= 10
    assert watch.foreign_requests() == []
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []

    office.goto(digest)
    assert int(office.locator("#wx-digest-counts .wx-stat-value").nth(2).inner_text()) == missing_before - 1
    screenshot(office, "rhythm-digest")
