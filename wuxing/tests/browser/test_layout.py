"""The shared frame in Chromium, as each demo role: at 375 px no page of the menu (and the home page, progress
table, dashboard, check-in list, branch page, lists) scrolls sideways; at 1280 and 375 px none of them shows an
identifier-like word (`snake_case`, `app.action`, a rule number, an English phrase) in the text the browser renders,
fragments loaded by htmx included; the sidebar folds and remembers it; a branch-side page's first load stays within
the page-weight budget."""

import gzip

import pytest

from wuxing.portal.tests.test_demo_words import identifiers_in_text

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

ROLES = ("demo-leader", "demo-staff", "demo-secretary", "demo-dept", "demo-reviewer", "demo-district", "demo-auditor")
# Pages every role that may open them should see without sideways scrolling, besides its own menu.
EXTRA_PAGES = (
    "/",
    "/checklists/progress/",
    "/checklists/dashboard/",
    "/liaison/activities/",
    "/supervision/findings/",
    "/supervision/rectifications/",
)
BUDGET = 150 * 1024


def _menu_links(page) -> list[str]:
    return page.eval_on_selector_all("#wx-side a.nav-link", "els => els.map(e => e.getAttribute('href'))")


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def _codes(page) -> set[str]:
    """Identifier-like words in what the browser renders as text (innerText: no hidden element, no attribute)."""
    return identifiers_in_text(page.evaluate("document.body.innerText"))


@pytest.mark.parametrize("width", (1280, 375))
@pytest.mark.parametrize("username", ROLES)
def test_no_page_scrolls_sideways_on_a_phone_or_shows_a_code(live_app, open_page, username, width):
    page, watch = open_page(width=width, height=800)
    login(page, live_app, username)
    screenshot(page, f"layout-{username}-start-{width}")
    paths = list(dict.fromkeys([*_menu_links(page), *EXTRA_PAGES]))
    assert len(paths) > 2
    if username == "demo-secretary":  # the branch page links the check-in list
        assert any(p.startswith("/checklists/branches/") for p in paths)
    seen, wide, coded = 0, [], {}
    for path in paths:
        response = page.goto(f"{live_app}{path}")
        if response.status != 200:  # a page the role may not open (403) or that needs a campaign (404)
            continue
        page.wait_for_load_state("networkidle")
        seen += 1
        scroll, inner = _overflow(page)
        if width == 375 and scroll > inner:
            screenshot(page, f"layout-overflow-{username}-{path.strip('/').replace('/', '-') or 'home'}")
            wide.append((path, scroll))
        if codes := _codes(page):
            coded[path] = sorted(codes)
    assert seen >= 2  # the auditor opens the audit log and its home only
    assert wide == [], wide
    assert coded == {}, coded
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []
    assert watch.foreign_requests() == []


def test_the_sidebar_groups_the_modules_folds_and_remembers_it(live_app, open_page):
    page, watch = open_page(width=1280, height=900)
    login(page, live_app, "demo-leader")
    side = page.locator("#wx-side")
    assert side.is_visible()
    assert side.locator(".wx-side-heading").count() >= 4
    assert page.locator(".wx-todo-badge").count() == 1  # the to-do count, loaded by htmx into the menu
    assert page.locator("#wx-tool-bell #wx-bell-count").count() == 1
    screenshot(page, "layout-leader-home-1280")
    wide = side.bounding_box()["width"]
    page.click("#wx-side-toggle")
    assert page.locator("#wx-side-toggle").get_attribute("aria-expanded") == "false"
    page.wait_for_timeout(300)
    assert side.bounding_box()["width"] < wide / 2
    page.goto(f"{live_app}/targets/")  # the next page opens folded, without a flash
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.classList.contains('wx-side-collapsed')")
    assert side.bounding_box()["width"] < wide / 2
    assert "目标申领" in page.inner_text(".wx-crumbs")
    screenshot(page, "layout-leader-targets-folded-1280")
    page.click("#wx-side-toggle")
    assert page.evaluate("localStorage.getItem('wx-side')") == "open"
    assert [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e] == []


def test_the_phone_menu_opens_off_canvas(live_app, open_page):
    page, _ = open_page(width=375, height=800)
    login(page, live_app, "demo-secretary")
    side = page.locator("#wx-side")
    assert not side.is_visible()
    page.click(".navbar-toggler")
    side.locator("a.nav-link").first.wait_for(state="visible")
    assert side.locator("a.nav-link", has_text="打卡清单").is_visible()
    screenshot(page, "layout-secretary-menu-375")


def test_a_branch_side_first_load_stays_within_the_page_weight_budget(live_app, browser, open_page):
    """HTML, CSS, JS, the icon sprite and the badges fetched after the page, gzipped, with an empty cache."""
    page, _ = open_page(width=375, height=800)
    login(page, live_app, "demo-secretary")
    branch_page = page.url
    checklist = next(p for p in _menu_links(page) if p.startswith("/checklists/branches/"))
    state = page.context.storage_state()
    for url in (branch_page, f"{live_app}{checklist}"):
        context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN", storage_state=state)
        try:
            fresh = context.new_page()
            responses = []
            fresh.on("response", lambda r, seen=responses: seen.append(r))
            fresh.goto(url)
            fresh.wait_for_load_state("networkidle")
            sizes = {r.url: len(gzip.compress(r.body())) for r in responses if r.status == 200}
        finally:
            context.close()
        assert any(u.endswith("/sprite.svg") for u in sizes), "the icons come from the sprite"
        assert any(u.endswith(".css") for u in sizes) and any(u.endswith(".js") for u in sizes)
        total = sum(sizes.values())
        print(f"{url}: {total} bytes gzipped in {len(sizes)} responses")
        assert total <= BUDGET, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]


def test_the_code_check_reads_what_the_browser_shows(live_app, open_page):
    """The crawl's check sees text added after load (as htmx does) and ignores what is hidden."""
    page, _ = open_page(width=375, height=800)
    login(page, live_app, "demo-staff")
    assert _codes(page) == set()
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend',"
        " '<p>showcase.milestone_complete</p><p hidden>r_hidden_code</p><p title=\"a_b\">党员大会</p>')"
    )
    assert _codes(page) == {"showcase.milestone_complete"}
