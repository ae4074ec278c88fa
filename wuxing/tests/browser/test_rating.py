"""End to end in Chromium: the secretary self-evaluates 平安法治 with linked evidence on a phone, the office passes
it, the district department (区委政法委) passes it, publicity runs, the district names the branch and the
certificate downloads."""

import pytest

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

STAR = "#star-safety_rule_of_law"


def _review(page, url, decision="pass"):
    page.goto(url)
    form = page.locator(f"{STAR} form.wx-review-form")
    form.locator("select[name=decision]").select_option(decision)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "审核意见已记录" in page.inner_text("body")


def test_rating_from_self_evaluation_to_certificate(live_app, open_page):
    page, watch = open_page(width=375, height=800)
    login(page, live_app, "demo-secretary")
    page.goto(f"{live_app}/rating/")
    page.locator("main table a", has_text="柳营村").first.click()
    page.wait_for_load_state("networkidle")
    rating_url = page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator(f"{STAR} a", has_text="自评").click()
    page.check("input[name=claimed]")
    page.fill("textarea[name=statement]", "全年无刑事案件、无安全事故、无越级上访，矛盾纠纷化解在村内。")
    page.locator("input[name=evidence]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "该星的自评已保存" in page.inner_text("body")
    assert page.locator(f"{STAR} a[href*='/checklists/evidence/']").count() >= 1
    page.fill("#submit-form input[name=committee_decided_on]", "2026-11-20")
    page.fill("#submit-form input[name=committee_attendance]", "7")
    page.locator("#submit-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "自评已提交街道" in page.inner_text("body")
    assert page.locator(f"{STAR} [data-state='claimed']").count() == 1
    screenshot(page, "rating-secretary-375")

    page, _ = open_page()
    login(page, live_app, "demo-staff")
    _review(page, rating_url)
    assert page.locator(f"{STAR} [data-state='office_passed']").count() == 1

    page, _ = open_page()
    login(page, live_app, "demo-district-dept")
    page.goto(f"{live_app}/rating/queue/")
    assert "柳营村" in page.inner_text("main")
    _review(page, rating_url)
    assert page.locator(f"{STAR} [data-state='district_passed']").count() == 1

    page, _ = open_page()
    login(page, live_app, "demo-staff")
    page.goto(rating_url)
    page.fill("#publicity-form input[name=start]", "2026-09-30")
    page.fill("#publicity-form input[name=days]", "5")
    page.locator("#publicity-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "2026-10-12" in page.inner_text("body")  # five working days across 国庆

    page, district_watch = open_page()
    login(page, live_app, "demo-district")
    page.goto(rating_url)
    page.locator("#name-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "已命名" in page.inner_text("body")
    assert page.locator(f"{STAR} [data-state='named']").count() == 1
    screenshot(page, "rating-named")
    with page.expect_download() as download:
        page.locator("#certificate-link").click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    with open(pdf.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert watch.foreign_requests() == [] and district_watch.foreign_requests() == []
    for w in (watch, district_watch):
        assert [e for e in w.errors if "Content Security Policy" in e or "Refused" in e] == []


def test_district_accounts_on_login_and_public_objection_on_a_phone(live_app, open_page):
    page, watch = open_page(width=375, height=800)
    page.goto(f"{live_app}/accounts/login/")
    body = page.inner_text("body")
    assert "demo-district" in body and "demo-district-dept" in body
    page.goto(f"{live_app}/public/41019901/rating/")
    assert "明湖社区" in page.inner_text("body")
    page.locator("main a", has_text="明湖社区").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#objection-form").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert "13700005678" not in page.content()  # the demo objection's contact stays private
    page.fill("#objection-form textarea[name=text]", "该社区公示材料中的会议照片与实际不符。")
    page.locator("#objection-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "您的异议已收到" in page.inner_text("body")
    screenshot(page, "rating-public-375")
    assert watch.foreign_requests() == []
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []


def test_withdrawal_under_way_and_the_district_announcement_on_a_phone(live_app, open_page):
    """摘星 in the demo: 锦绣社区, named this year, has a star being withdrawn (the office agreed); the district's
    public page lists every office's named branches."""
    page, watch = open_page()
    login(page, live_app, "demo-district")
    page.goto(f"{live_app}/rating/")
    page.locator("main table a", has_text="锦绣社区").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-withdrawal-state='office_agreed']").count() == 1
    assert "支部过硬星指标已低于标准" in page.inner_text("main")
    # The other named stars can be withdrawn by the district: the form is there.
    assert page.locator("form.wx-withdrawal-form input[name=step][value=start]").count() >= 1
    page.goto(f"{live_app}/rating/city/")
    assert "龙泽新区" in page.inner_text("main")

    phone, phone_watch = open_page(width=375, height=800)
    phone.goto(f"{live_app}/public/410199/rating/district/")
    body = phone.inner_text("body")
    assert "明湖街道办事处" in body and "锦绣社区" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "rating-district-public-375")
    for w in (watch, phone_watch):
        assert w.foreign_requests() == []
        assert [e for e in w.errors if "Content Security Policy" in e or "Refused" in e] == []


def test_the_organisation_department_reviews_a_withdrawal_and_a_2025_star_withdrawn_shows(live_app, open_page):
    """区委组织部 (demo-district-org) finds 锦绣社区's 支部过硬 withdrawal in its queue and agrees; 桑园村's 2025 支部过硬,
    withdrawn in spring 2026 with the 2025 campaign closed, shows on its page and its public result."""
    page, watch = open_page()
    login(page, live_app, "demo-district-org")
    page.goto(f"{live_app}/rating/queue/")
    queue = page.locator("#withdrawal-queue")
    assert "锦绣社区" in queue.inner_text()
    queue.locator("a", has_text="锦绣社区").first.click()
    page.wait_for_load_state("networkidle")
    form = page.locator("#star-strong_branch form.wx-withdrawal-form")
    form.locator("select[name=decision]").select_option("agree")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#star-strong_branch [data-withdrawal-state='district_agreed']").count() == 1
    screenshot(page, "rating-withdrawal-district-org")

    phone, phone_watch = open_page(width=375, height=800)
    phone.goto(f"{live_app}/public/41019901/rating/")
    phone.locator("main a", has_text="桑园村").first.click()
    phone.wait_for_load_state("networkidle")
    body = phone.inner_text("body")
    assert "2025" in body and "已摘星" in body and "2026-04-10" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "rating-2025-withdrawn-public-375")
    for w in (watch, phone_watch):
        assert w.foreign_requests() == []
        assert [e for e in w.errors if "Content Security Policy" in e or "Refused" in e] == []
