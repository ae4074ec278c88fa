"""The list toolbar in Chromium on the lists that gained it: at 1280 px and 375 px the toolbar folds without
sideways scrolling; a column header sorts and tells the direction; the ticked letters' signatories are reminded."""

import pytest

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

OFFICE = "41019901"
PAGES = [
    ("targets", "demo-staff", "/targets/"),
    ("letters", "demo-staff", "/plans/letters/"),
    ("ratings", "demo-staff", "/rating/"),
    ("objections", "demo-staff", "/rating/objections/"),
    ("campaigns", "demo-district", "/campaigns/"),
    ("standards", "demo-staff", "/standards/"),
    ("departments", "demo-district", "/org/departments/"),
    ("branches", "demo-staff", "/org/branches/"),
    ("people", "demo-staff", "/org/people/"),
    ("accounts", "demo-security", "/org/accounts/"),
    ("notifications", "demo-secretary", "/rhythm/notifications/"),
    ("public-board", None, f"/public/{OFFICE}/"),
    ("public-notices", None, f"/public/{OFFICE}/notices/"),
    ("public-closed", None, f"/public/{OFFICE}/issues/closed/"),
]


@pytest.mark.parametrize("width", [1280, 375])
def test_each_list_shows_its_toolbar_without_sideways_scrolling(live_app, open_page, width):
    signed_in = {}
    for name, username, path in PAGES:
        if username not in signed_in:
            signed_in[username] = open_page(width=width, height=900)
            if username:
                login(signed_in[username][0], live_app, username)
        page, watch = signed_in[username]
        page.goto(f"{live_app}{path}")
        page.wait_for_load_state("networkidle")
        assert page.locator("form.wx-toolbar").count() == 1, name
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}"
        toolbar = page.locator("form.wx-toolbar").bounding_box()
        assert toolbar["width"] <= width, name
        screenshot(page, f"toolbar-{name}-{width}")
    for _page, watch in signed_in.values():
        assert watch.foreign_requests() == []
        assert not [e for e in watch.errors if "Content Security Policy" in e]


def test_a_column_header_sorts_the_list_and_a_second_click_reverses_it(live_app, open_page):
    page, _watch = open_page(width=1280)
    login(page, live_app, "demo-district")
    page.goto(f"{live_app}/org/departments/")
    header = page.locator("th.wx-sort", has_text="职能部门").first
    assert header.get_attribute("aria-sort") == "none"
    header.locator("a").click()
    page.wait_for_load_state("networkidle")
    header = page.locator("th.wx-sort", has_text="职能部门").first
    assert header.get_attribute("aria-sort") == "ascending" and "sort=name" in page.url
    header.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("th.wx-sort", has_text="职能部门").first.get_attribute("aria-sort") == "descending"
    assert "sort=-name" in page.url
    names = page.eval_on_selector_all("tbody tr td:nth-child(2)", "els => els.map(e => e.firstChild.textContent)")
    assert names == sorted(names, reverse=True)


def test_the_office_reminds_the_leader_of_the_letter_awaiting_him(live_app, open_page):
    page, _watch = open_page(width=375, height=800)
    login(page, live_app, "demo-staff")
    page.goto(f"{live_app}/plans/letters/?unsigned=leader")
    assert page.locator("input[name=pledge]:checked").count() == 1
    page.get_by_role("button", name="提醒所勾选责任书的待确认人").click()
    page.wait_for_load_state("networkidle")
    assert "已发送" in page.locator(".alert").first.inner_text()
    screenshot(page, "toolbar-letters-reminded-375")
