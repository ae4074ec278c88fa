"""End to end in Chromium: each role finds its first to-do on the home page, one click from doing it.

The module's name puts it first among the browser tests that share the demo server: later ones confirm the
waiting letter and review the waiting application, which are the leader's and the staff's to-dos here."""

import pytest

from .conftest import login, screenshot

pytestmark = pytest.mark.browser


def _first_todo(page, must_contain: str):
    page.wait_for_selector("#wx-todos")
    link = page.locator("#wx-todos a", has_text=must_contain).first
    assert link.is_visible(), page.inner_text("#wx-todos")
    return link


@pytest.mark.parametrize(
    "username,width,contains,form_field",
    [
        ("demo-leader", 1280, "责任书", "form[action$='/confirm/'] button"),
        ("demo-staff", 1280, "创星申请", "main form button"),
        ("demo-secretary", 375, "打卡", "#check-in form button[type=submit]"),
        ("demo-dept", 375, "五个一", "main form button[type=submit]"),
    ],
)
def test_each_role_reaches_its_first_to_do_in_one_click(live_app, open_page, username, width, contains, form_field):
    page, watch = open_page(width=width, height=900)
    login(page, live_app, username)
    link = _first_todo(page, contains)
    badge = page.locator(".wx-todo-badge")
    # In the menu: the sidebar from 992 px, the off-canvas menu (closed, so read its text) on a phone.
    assert badge.count() == 1 and int(badge.text_content()) >= 1
    screenshot(page, f"todos-{username}-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(form_field).first.is_visible()
    assert watch.foreign_requests() == []
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []
