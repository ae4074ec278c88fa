"""一屏统揽 in Chromium at 1920×1080: the office's map is drawn from its own shapes (every branch), a click on a
branch opens its page, nothing is fetched from outside the app, and the screen is screenshotted."""

import pytest

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

OFFICE_BRANCHES = 14
OFFICE_GRIDS = 28

# The chart's series data, the names of the shapes registered for its map, and the pixel centre of one branch.
READ_MAP = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('screen-map'));
  const option = chart.getOption();
  const series = option.series[0];
  const geo = echarts.getMap(series.map).geoJSON;
  return {
    data: series.data.map(d => d.name),
    shapes: geo.features.map(f => f.properties.name),
    labels: Object.fromEntries(series.data.map(d => [d.name, d.label])),
    grids: option.series.find(s => s.id === 'grids').data.length,
    sites: option.series.find(s => s.id === 'points-site').data.length,
    issues: option.series.find(s => s.id === 'points-issue').data.length,
  };
}"""

# Where the screen's own figures say the points are (what the server sent in json_script).
SENT = """() => JSON.parse(document.getElementById('screen-data').textContent).points"""

CENTRE = """(code) => {
  const chart = echarts.getInstanceByDom(document.getElementById('screen-map'));
  const geo = echarts.getMap(chart.getOption().series[0].map).geoJSON;
  const feature = geo.features.find(f => f.properties.name === code);
  const ring = feature.geometry.type === 'Polygon' ? feature.geometry.coordinates[0] : feature.geometry.coordinates[0][0];
  const lon = ring.reduce((s, p) => s + p[0], 0) / ring.length, lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [lon, lat]);
  const box = document.getElementById('screen-map').getBoundingClientRect();
  return [box.left + x, box.top + y];
}"""


def test_command_screen_draws_every_branch_and_drills_into_one(live_app, open_page):
    page, watch = open_page(width=1920, height=1080)
    login(page, live_app, "demo-leader")
    page.goto(f"{live_app}/screen/")
    page.wait_for_selector("#screen-map[data-ready='1']", timeout=20_000)
    page.wait_for_load_state("networkidle")
    drawn = page.evaluate(READ_MAP)
    assert len(drawn["data"]) == OFFICE_BRANCHES
    assert sorted(drawn["data"]) == sorted(drawn["shapes"])  # every branch has its polygon, and no other shape
    # The grids are outlined inside their branches; the demonstration sites and the placed issues are points.
    assert drawn["grids"] == OFFICE_GRIDS
    sent = page.evaluate(SENT)
    assert drawn["sites"] == len([p for p in sent if p["kind"] == "site"]) == 2
    assert drawn["issues"] == len([p for p in sent if p["kind"] == "issue"]) > 0
    page.click("#screen-grids-toggle")
    assert page.evaluate(READ_MAP)["grids"] == 0
    page.click("#screen-grids-toggle")
    # No scroll bars on the display: the screen fits 1920×1080.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    screenshot(page, "command-screen-1920")
    # The measures recolour the same map in place.
    page.click("[data-measure='flags']")
    assert page.get_attribute("[data-measure='flags']", "aria-pressed") == "true"
    # Open work orders (from the residents' issues) are a measure too.
    page.click("[data-measure='orders']")
    assert page.get_attribute("[data-measure='orders']", "aria-pressed") == "true"
    screenshot(page, "command-screen-orders-1920")
    # The table alternative lists the same branches.
    page.click("#screen-tables-toggle")
    assert page.locator("#screen-map-table tbody tr").count() == OFFICE_BRANCHES
    page.click("#screen-tables-toggle")
    code = "41019901008"
    x, y = page.evaluate(CENTRE, code)
    page.mouse.click(x, y)
    page.wait_for_url("**/org/branches/**", timeout=10_000)
    assert drawn["labels"][code] in page.inner_text("h1")
    assert watch.foreign_requests() == []
    assert not [e for e in watch.errors if "Content Security Policy" in e or "Refused" in e], watch.errors


def test_the_district_screen_and_summary(live_app, open_page):
    page, watch = open_page(width=1920, height=1080)
    login(page, live_app, "demo-district")
    page.goto(f"{live_app}/screen/")
    page.wait_for_selector("#screen-map[data-ready='1']", timeout=20_000)
    assert len(page.evaluate(READ_MAP)["data"]) == 3
    screenshot(page, "command-screen-district-1920")
    page.goto(f"{live_app}/summary/")
    assert page.locator("#summary-table tbody tr").count() == 3
    page.emulate_media(media="print")
    screenshot(page, "summary-print")
    assert watch.foreign_requests() == []
