"""The frame every page shares: the grouped sidebar from the apps' menu entries, breadcrumbs, the campaign the page
is about, icons from the sprite; the toolbar above every list; the folded check-in list on phones."""

import re
from pathlib import Path

from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from wuxing.checklists.models import ChecklistItem
from wuxing.checklists.services import checkin_record
from wuxing.core.nav import NAV_GROUP_KEYS, NavItem, nav_item
from wuxing.org.models import User
from wuxing.org.scopes import scope_for
from wuxing.portal.context_processors import _groups, _items, navigation

ROOT = Path(__file__).resolve().parents[3]
ICON_LIST = ROOT / "scripts" / "icons.txt"


def _listed_icons() -> set[str]:
    return {line.split("#", 1)[0].strip() for line in ICON_LIST.read_text().splitlines()} - {""}


def test_a_plain_menu_entry_still_reads_and_an_unknown_section_is_refused():
    assert nav_item(("x", "X", "/x/")) == NavItem("x", "X", "/x/", "work", "chevron-right")
    try:
        nav_item(NavItem("x", "X", "/x/", "nowhere"))
    except ValueError:
        pass
    else:
        raise AssertionError("an unknown section was accepted")


def test_every_icon_a_page_or_a_menu_entry_uses_is_in_the_sprite_list(demo_office):
    used = set()
    for template in (ROOT / "wuxing").rglob("*.html"):
        used |= set(re.findall(r"""\{%\s*icon\s+["']([a-z0-9-]+)["']""", template.read_text(encoding="utf-8")))
    for user in User.objects.filter(username__startswith="demo-"):
        used |= {item.icon for item in _items(user)}
    assert used, "no icon found: the scan is broken"
    assert used - _listed_icons() == set()
    package = ROOT / "node_modules" / "bootstrap-icons" / "icons"
    if package.is_dir():  # after `make install`: every listed name exists in the pinned package
        assert {n for n in _listed_icons() if not (package / f"{n}.svg").is_file()} == set()


def test_the_sidebar_groups_each_roles_modules_in_order_and_costs_no_query(demo_office, django_assert_num_queries):
    leader = User.objects.get(username="demo-leader")
    request = RequestFactory().get(reverse("targets:target_list"))
    request.user = leader
    _items(leader)  # permissions and scope are memoised on the user, as after the view
    with django_assert_num_queries(0):
        nav = navigation(request)
    keys = [g["key"] for g in nav["nav_groups"]]
    assert keys == sorted(keys, key=NAV_GROUP_KEYS.index) and keys[0] == "desk"
    entries = {item.key: group["key"] for group in nav["nav_groups"] for item in group["items"]}
    assert entries["home"] == "desk" and entries["targets"] == "work" and entries["rating"] == "assess"
    assert entries["branches"] == "org" and entries["campaigns"] == "admin"
    assert nav["nav_active"].key == "targets" and nav["nav_active_group"]["key"] == "work"
    secretary = User.objects.get(username="demo-secretary")
    sections = {g["key"]: [i.key for i in g["items"]] for g in _groups(_items(secretary))}
    assert "checklists" in sections["work"] and "users" not in sections.get("admin", [])


def test_a_page_shows_the_sidebar_breadcrumbs_and_its_campaign(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    html = client.get(reverse("targets:target_list")).content.decode()
    assert 'id="wx-side"' in html and "offcanvas-lg" in html
    assert html.count('class="wx-side-group"') >= 4
    assert 'aria-current="page">目标申领' in html  # the active entry
    crumbs = html[html.index('class="wx-crumbs') : html.index("</nav>", html.index('class="wx-crumbs'))]
    assert "首页" in crumbs and "创建工作" in crumbs and "明湖街道" in crumbs
    assert reverse("portal:todo_badge") in html  # the to-do count, loaded after the page
    assert "vendor/icons/sprite.svg#" in html
    assert "wuxing/layout.js" in html and "<script>" not in html  # no inline script (CSP)


def test_the_list_toolbar_searches_sorts_pages_and_exports_the_same_filters(client, demo_office):
    client.force_login(User.objects.get(username="demo-staff"))
    url = reverse("supervision:finding_list")
    everything = client.get(url).context["page"].paginator.count
    page = client.get(url, {"q": "网格员", "sort": "-found_on", "per_page": "20"}).context["page"]
    assert 0 < page.paginator.count < everything
    assert all("网格员" in f.description for f in page)
    dates = [f.found_on for f in page]
    assert dates == sorted(dates, reverse=True)
    assert page.paginator.per_page == 20
    html = client.get(url, {"q": "网格员", "page": "1", "per_page": "bogus"}).content.decode()
    assert client.get(url, {"per_page": "bogus"}).context["page"].paginator.per_page == 50
    assert 'name="q"' in html and 'name="sort"' in html and 'name="per_page"' in html
    export = re.search(r'href="([^"]*export=xlsx[^"]*)"', html).group(1)
    assert "q=%E7%BD%91" in export and "page=" not in export.replace("per_page", "")


def test_the_secretarys_long_checklist_folds_by_star_with_the_late_items_first(client, demo_office):
    secretary = User.objects.get(username="demo-secretary")
    client.force_login(secretary)
    (branch_id,) = scope_for(secretary).branch_ids
    # The secretary reports a figure back at its start: that item is behind the straight line on any day of the
    # year (which of the demo's own items are late depends on the day it was loaded).
    item = (
        ChecklistItem.objects.filter(branch_id=branch_id, kind="quantitative", retired_at__isnull=True)
        .exclude(current_value=F("start_value"))
        .order_by("id")
        .first()
    )
    checkin_record(actor=secretary, item=item, value=item.start_value)
    response = client.get(reverse("checklists:branch_checklist", args=[branch_id]))
    groups = response.context["groups"]
    assert groups[0].urgent and groups[0].is_open
    assert {r.status.state for r in groups[0].rows} <= {"behind", "overdue"}
    assert not any(g.is_open for g in groups[1:])
    html = response.content.decode()
    assert html.index('data-group="urgent" open') < html.index('data-group="star-')


def test_the_sprite_holds_the_listed_icons_only_and_refuses_an_unknown_name(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_icons", ROOT / "scripts" / "build-icons.py")
    build_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_icons)
    package = tmp_path / "bootstrap-icons"
    (package / "icons").mkdir(parents=True)
    (package / "LICENSE").write_text("MIT")
    for name in ("bell", "house", "unused"):
        (package / "icons" / f"{name}.svg").write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M{len(name)} 0h1"/></svg>'
        )
    target = build_icons.build(package, tmp_path / "out", ["bell", "house"])
    sprite = target.read_text()
    assert sprite.count("<symbol") == 2 and 'id="bell"' in sprite and 'id="house"' in sprite
    assert "unused" not in sprite and (tmp_path / "out" / "LICENSE").is_file()
    try:
        build_icons.build(package, tmp_path / "out", ["bell", "no-such-icon"])
    except SystemExit as exc:
        assert "no-such-icon" in str(exc)
    else:
        raise AssertionError("an unknown icon name was accepted")
