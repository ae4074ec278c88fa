"""End to end in Chromium: Chinese login with demo accounts, scope per role, 375 px phones, no outside requests."""

import gzip

import pytest

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_login_page_is_chinese_and_lists_demo_accounts(live_app, open_page):
    page, watch = open_page()
    page.goto(f"{live_app}/accounts/login/")
    body = page.inner_text("body")
    assert "登录" in body
    for account in ("demo-leader", "demo-secretary", "demo-auditor"):
        assert account in body
    assert "Wuxing-demo-2026" in body
    screenshot(page, "login")
    assert watch.foreign_requests() == []


def test_leader_sees_the_whole_office_and_nothing_leaves_the_machine(live_app, open_page):
    page, watch = open_page()
    login(page, live_app, "demo-leader")
    page.goto(f"{live_app}/org/branches/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 14
    for path in ("/", "/campaigns/", "/standards/"):
        page.goto(f"{live_app}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_app}/campaigns/")
    page.locator("main table a[href^='/campaigns/']").first.click()
    page.wait_for_load_state("networkidle")
    assert "领导小组" in page.inner_text("body")
    screenshot(page, "campaign-detail")
    assert watch.foreign_requests() == []
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []


def test_wrong_password_shows_a_chinese_error(live_app, open_page):
    page, _ = open_page()
    login(page, live_app, "demo-reviewer", password="not-the-password")
    assert "用户名或密码错误" in page.inner_text("body")


def test_secretary_on_a_phone_sees_one_branch_in_a_light_page(live_app, open_page):
    page, watch = open_page(width=375, height=800)
    login(page, live_app, "demo-secretary")
    assert "/org/branches/" in page.url  # a secretary starts on their own branch
    branch_url = page.url
    page.goto(f"{live_app}/org/branches/")
    assert page.locator("table tbody tr").count() == 1
    page.goto(branch_url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "branch-detail-375")
    # First load of a branch-side page with an empty cache: everything it fetched, gzipped, stays under 150 KB.
    fresh, fresh_watch = open_page(width=375, height=800)
    login(fresh, live_app, "demo-secretary")
    fresh_watch.responses.clear()
    fresh.goto(page.url)
    fresh.wait_for_load_state("networkidle")
    total = sum(len(gzip.compress(r.body())) for r in fresh_watch.responses if r.status == 200)
    assert total <= 150 * 1024, total
    assert fresh_watch.foreign_requests() == []


def test_auditor_sees_the_audit_log_only(live_app, open_page):
    page, _ = open_page()
    login(page, live_app, "demo-auditor")
    assert "/core/audit/" in page.url
    response = page.goto(f"{live_app}/org/branches/")
    assert response.status == 403


def test_english_is_available(live_app, open_page):
    page, _ = open_page()
    login(page, live_app, "demo-leader")
    page.locator("button[data-lang='en']").first.click()
    page.wait_for_load_state("networkidle")
    assert "Branches" in page.inner_text("nav")
    page.locator("button[data-lang='zh-hans']").first.click()
    page.wait_for_load_state("networkidle")
    assert "支部" in page.inner_text("nav")
