"""Check-in lists in Chromium: a secretary on a 375 px phone checks in with a photo and sees progress move; the
public board and a report card render Chinese glyphs (not boxes) and are screenshotted."""

import gzip
import re

import pytest

from .conftest import ARTIFACTS, login, screenshot

pytestmark = pytest.mark.browser

OFFICE = "41019901"

# Draw two different CJK characters with the element's own font on a canvas: real glyphs differ, while a
# missing font draws the same empty box (tofu) for both. Returns [pixels differ, ink of the first character].
GLYPH_PROBE = """(selector) => {
  const el = document.querySelector(selector);
  const font = getComputedStyle(el).font;
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 64; c.height = 64;
    const g = c.getContext('2d'); g.font = font.replace(/\\d+(\\.\\d+)?px/, '48px'); g.fillStyle = '#000';
    g.textBaseline = 'top'; g.fillText(ch, 4, 4);
    return Array.from(g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3));
  };
  const a = draw('支'), b = draw('星');
  const differ = a.some((v, i) => v !== b[i]);
  return [differ, a.filter(v => v > 0).length];
}"""


def assert_renders_chinese(page, selector):
    differ, ink = page.evaluate(GLYPH_PROBE, selector)
    assert ink > 0, "nothing drawn"
    assert differ, "CJK characters render as identical boxes: no Chinese font"


def test_secretary_checks_in_with_a_photo_on_a_phone(live_app, open_page, tmp_path):
    from wuxing.core.uploads import sample_jpeg

    page, watch = open_page(width=375, height=800)
    login(page, live_app, "demo-secretary")
    page.goto(f"{live_app}/")
    link = page.locator("a.nav-link", has_text="打卡清单")
    href = link.first.get_attribute("href")
    assert href and href.startswith("/checklists/branches/")
    page.goto(f"{live_app}{href}")
    assert "打卡清单 · 柳营村" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    before = float(page.get_attribute("#branch-progress", "data-progress"))
    screenshot(page, "checklist-375-before")

    # An item that is not done yet and takes a figure; its star's group is opened if it is folded.
    item = page.locator("li.wx-item:not(.wx-state-done)").filter(has_text="/").first
    if not item.is_visible():
        item.locator("xpath=ancestor::details[1]/summary").click()
    item.locator("a.wx-item-title").click()
    page.wait_for_load_state("networkidle")
    target = re.search(r"目标值\s*([\d.]+)", page.inner_text("main")).group(1)
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(sample_jpeg("柳营村 现场", exif_gps=True))
    page.fill("input[name=value]", target)
    page.fill("textarea[name=note]", "浏览器测试：已完成")
    page.set_input_files("input[name=evidence]", str(photo))
    page.locator("form[action$='/check-in/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "打卡已记录" in page.inner_text("body")
    assert page.locator("#history img").count() >= 1
    assert page.inner_text("#item-progress") == "100%"
    screenshot(page, "checkin-375")

    page.goto(f"{live_app}{href}")
    after = float(page.get_attribute("#branch-progress", "data-progress"))
    assert after > before
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{live_app}{href}report/")
    assert "成绩单" in page.inner_text("h1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Lazy thumbnails load once scrolled to; then every image, the QR code included, must have loaded.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(
        "[...document.querySelectorAll('main img')].every(i => i.complete && i.naturalWidth > 0)", timeout=10_000
    )
    screenshot(page, "report-card-375")
    assert watch.foreign_requests() == []
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []

    # The branch page of a phone user stays light on first load (no chart library).
    fresh, fresh_watch = open_page(width=375, height=800)
    login(fresh, live_app, "demo-secretary")
    fresh_watch.responses.clear()
    fresh.goto(f"{live_app}{href}")
    fresh.wait_for_load_state("networkidle")
    total = sum(len(gzip.compress(r.body())) for r in fresh_watch.responses if r.status == 200)
    assert total <= 150 * 1024, total
    assert not any("echarts" in u for u in fresh_watch.requests)


def test_public_board_and_report_card_render_chinese(live_app, open_page):
    page, watch = open_page(width=1280, height=900)
    page.goto(f"{live_app}/public/{OFFICE}/")
    assert "进度表" in page.inner_text("h1")
    assert page.locator("#progress-table tbody tr").count() == 14
    assert_renders_chinese(page, "h1")
    html = page.content()
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", html)
    path = screenshot(page, "public-board")
    assert path.exists() and path.stat().st_size > 10_000

    page.locator("#progress-table tbody a").first.click()
    page.wait_for_load_state("networkidle")
    assert "成绩单" in page.inner_text("#report-title")
    assert page.locator("img.wx-qr").count() == 1
    # The QR code and the published photos load (images that fail to load have no natural width).
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(
        "[...document.querySelectorAll('main img')].every(i => i.complete && i.naturalWidth > 0)", timeout=10_000
    )
    assert_renders_chinese(page, "#report-title")
    screenshot(page, "public-report-card")
    phone, _ = open_page(width=375, height=800)
    phone.goto(page.url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "public-report-card-375")
    assert watch.foreign_requests() == []
    assert (ARTIFACTS / "public-board.png").exists()


def test_dashboard_draws_its_charts(live_app, open_page):
    page, watch = open_page()
    login(page, live_app, "demo-leader")
    page.goto(f"{live_app}/checklists/dashboard/")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#chart-branches svg")
    assert page.locator("#chart-stars svg").count() == 1 and page.locator("#chart-trend svg").count() == 1
    assert page.locator("#flagged tbody tr").count() > 0
    screenshot(page, "dashboard")
    assert watch.foreign_requests() == []
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []
