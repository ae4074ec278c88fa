"""一屏统揽: the command screen of an office (and of a district), its polled figures, and the display pass that
keeps a meeting-room screen signed in without a person's account — read-only, that screen only, revocable,
audited."""

import json

import pytest
from django.urls import reverse

from wuxing.core.models import AuditLog
from wuxing.org.demo import NEIGHBOUR_CODES, OFFICE_CODE
from wuxing.org.models import Branch, Grid, KioskToken, User
from wuxing.org.services import kiosk_token_issue, kiosk_token_revoke


def _data(html: str) -> dict:
    start = html.index('id="screen-data"')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_the_office_screen_shows_every_branch_and_refreshes_by_fragment(client, demo_office):
    client.force_login(User.objects.get(username="demo-leader"))
    response = client.get(reverse("portal:screen"))
    assert response.status_code == 200
    html = response.content.decode()
    data = _data(html)
    codes = set(Branch.objects.filter(office=demo_office).values_list("code", flat=True))
    assert {r["name"] for r in data["map"]} == codes
    assert all(r["url"].startswith("/org/branches/") for r in data["map"])
    assert reverse("org:unit_map_geojson", kwargs={"pk": demo_office.pk}) in html
    assert 'hx-trigger="every 45s"' in html
    assert "vendor/echarts/echarts.min.js" in html
    part = client.get(reverse("portal:screen_part", kwargs={"part": "data"}), {"unit": demo_office.pk})
    assert part.status_code == 200
    fragment = part.content.decode()
    assert {r["name"] for r in _data(fragment)["map"]} == codes
    assert 'hx-swap-oob="true"' in fragment and "<html" not in fragment
    # Every chart has its table: the branches' figures are there as text.
    assert all(b.name in fragment for b in Branch.objects.filter(office=demo_office))
    assert client.get(reverse("portal:screen_part", kwargs={"part": "nope"})).status_code == 404


def test_the_map_holds_a_shape_for_every_branch_and_its_grids(client, demo_office):
    client.force_login(User.objects.get(username="demo-leader"))
    geo = client.get(reverse("org:unit_map_geojson", kwargs={"pk": demo_office.pk})).json()
    branches = [f for f in geo["features"] if f["properties"]["kind"] == "branch"]
    grids = [f for f in geo["features"] if f["properties"]["kind"] == "grid"]
    assert sorted(f["properties"]["name"] for f in branches) == sorted(
        Branch.objects.filter(office=demo_office).values_list("code", flat=True)
    )
    # The demo's grids are data (org.Grid), each with its shape inside its branch, named as the grid list has it.
    expected = {g.code: (g.name, g.branch_id) for g in Grid.objects.filter(office=demo_office)}
    assert len(expected) == 28
    assert {f["properties"]["code"]: (f["properties"]["label"], f["properties"]["branch"]) for f in grids} == expected


def test_branch_roles_do_not_get_the_office_screen(client, demo_office):
    for username in ("demo-dept", "demo-secretary"):
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("portal:screen")).status_code == 403
        assert client.get(reverse("portal:screen"), {"unit": demo_office.pk}).status_code == 403


def test_the_district_screen_colours_its_offices(client, demo_office):
    client.force_login(User.objects.get(username="demo-district"))
    html = client.get(reverse("portal:screen")).content.decode()
    assert {r["name"] for r in _data(html)["map"]} == {OFFICE_CODE, *NEIGHBOUR_CODES}
    geo = client.get(reverse("org:unit_map_geojson", kwargs={"pk": demo_office.parent_id})).json()
    assert {f["properties"]["code"] for f in geo["features"]} == {OFFICE_CODE, *NEIGHBOUR_CODES}
    # From the district's screen, an office's own screen.
    assert client.get(reverse("portal:screen"), {"unit": demo_office.pk}).status_code == 200


def test_a_display_pass_opens_the_screen_only_read_only_revocable_and_audited(client, demo_office):
    leader = User.objects.get(username="demo-leader")
    client.force_login(leader)
    response = client.post(reverse("org:unit_displays", kwargs={"pk": demo_office.pk}), {"label": "三楼会议室"})
    html = response.content.decode()
    assert "/screen/kiosk/" in html
    token = KioskToken.objects.get(label="三楼会议室")
    assert AuditLog.objects.filter(action="kiosk.issue").exists()
    text = html.split("/screen/kiosk/")[1].split("/")[0]
    assert token.digest != text and len(text) > 30  # only the digest is kept
    client.logout()
    url = reverse("portal:screen_kiosk", kwargs={"token": text})
    screen = client.get(url)
    assert screen.status_code == 200
    data = _data(screen.content.decode())
    assert len(data["map"]) == 14 and all(r["url"] == "" for r in data["map"])  # no drilling into pages
    assert AuditLog.objects.filter(action="kiosk.open", actor_name=f"system:kiosk:{token.key}").count() == 1
    # Thumbnails on a display: only published ones, from the public site.
    assert "/checklists/evidence/" not in screen.content.decode()
    assert client.get(reverse("portal:screen_kiosk_part", kwargs={"token": text, "part": "data"})).status_code == 200
    assert client.get(reverse("portal:screen_kiosk_map", kwargs={"token": text})).json()["features"]
    # The pass is no session: the rest of the app still asks to sign in; writing is impossible.
    assert client.get(reverse("portal:screen")).status_code == 302
    assert client.post(url).status_code == 405
    kiosk_token_revoke(actor=leader, token=token)
    assert client.get(url).status_code == 404
    assert client.get(reverse("portal:screen_kiosk_part", kwargs={"token": text, "part": "data"})).status_code == 404
    assert client.get(reverse("portal:screen_kiosk", kwargs={"token": "not-a-pass"})).status_code == 404


def test_a_pass_is_issued_only_within_scope(demo_office):
    from django.core.exceptions import PermissionDenied

    from wuxing.org.models import OrgUnit

    staff = User.objects.get(username="demo-staff")
    kiosk_token_issue(actor=staff, unit=demo_office, label="大厅")
    with pytest.raises(PermissionDenied):
        kiosk_token_issue(actor=staff, unit=OrgUnit.objects.get(code=NEIGHBOUR_CODES[0]), label="别人的")
    with pytest.raises(PermissionDenied):
        kiosk_token_issue(actor=User.objects.get(username="demo-secretary"), unit=demo_office, label="x")


def test_a_pass_is_revoked_from_its_page_within_scope(client, demo_office):
    token, _text = kiosk_token_issue(actor=User.objects.get(username="demo-leader"), unit=demo_office, label="大屏")
    url = reverse("org:display_revoke", kwargs={"pk": token.pk})
    client.force_login(User.objects.get(username="demo-secretary"))
    assert client.post(url).status_code == 403
    client.force_login(User.objects.get(username="demo-district-dept"))
    assert client.post(url).status_code in (403, 404)
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(User.objects.get(username="demo-staff"))
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.objects.filter(action="kiosk.revoke").count() == 1


def test_the_screen_refreshing_itself_does_not_keep_a_session_alive(client, demo_office):
    import time

    client.force_login(User.objects.get(username="demo-leader"))
    session = client.session
    seen = time.time() - 10 * 60
    session["_wuxing_last_seen"] = seen
    session.save()
    part = reverse("portal:screen_part", kwargs={"part": "data"})
    assert client.get(part, {"unit": demo_office.pk}, headers={"X-Wuxing-Poll": "1"}).status_code == 200
    assert client.session["_wuxing_last_seen"] == seen
    # A person's own request still slides the window.
    assert client.get(part, {"unit": demo_office.pk}).status_code == 200
    assert client.session["_wuxing_last_seen"] > seen


# --- points, measures and the query count -------------------------------------------------------------------------

PRIVATE = ("phone", "description", "place_text", "address")


def _issues(office, **filters):
    from wuxing.campaigns.selectors import campaign_public
    from wuxing.participation.models import Issue

    return Issue.objects.filter(campaign=campaign_public(office=office), **filters)


def test_sites_and_issues_with_a_place_are_points_the_display_showing_only_public_safe_ones(client, demo_office):
    from wuxing.showcase.models import DemoSite

    placed = _issues(demo_office, lon__isnull=False)
    assert placed.count() == 100
    leader = User.objects.get(username="demo-leader")
    client.force_login(leader)
    points = _data(client.get(reverse("portal:screen")).content.decode())["points"]
    sites = [p for p in points if p["kind"] == "site"]
    issues = [p for p in points if p["kind"] == "issue"]
    assert {p["code"] for p in sites} == set(
        DemoSite.objects.filter(branch__office=demo_office, lon__isnull=False).values_list("branch__code", flat=True)
    )
    assert len(sites) == 2 and all(p["lon"] and p["lat"] and p["detail"] for p in sites)
    assert {p["code"] for p in issues} == set(placed.exclude(state="merged").values_list("tracking_code", flat=True))
    # Nothing personal in a point: the category, the branch and the state, never the words or the phone.
    for issue in placed:
        assert not any(issue.description in (p["label"] + p["detail"]) for p in issues)
    assert not any(key in p for p in points for key in PRIVATE)
    # On a display: only the issues the office accepted, and no tracking code either.
    _token, text = kiosk_token_issue(actor=leader, unit=demo_office, label="大厅")
    client.logout()
    kiosk = _data(client.get(reverse("portal:screen_kiosk", kwargs={"token": text})).content.decode())["points"]
    public = placed.filter(state__in=["dispatched", "answered", "closed"])
    assert 0 < public.count() < placed.count()
    assert len([p for p in kiosk if p["kind"] == "issue"]) == public.count()
    assert all(p["code"] == "" for p in kiosk if p["kind"] == "issue")
    assert len([p for p in kiosk if p["kind"] == "site"]) == 2


def test_open_work_orders_colour_the_map_per_branch_as_counted_directly(client, demo_office):
    from django.db.models import Count

    client.force_login(User.objects.get(username="demo-leader"))
    html = client.get(reverse("portal:screen")).content.decode()
    data = _data(html)
    assert {"key": "orders", "label": "未办结工单"} in data["measures"]
    assert 'data-measure="orders"' in html
    direct = dict(
        _issues(demo_office, state__in=["dispatched", "answered"])
        .values_list("branch__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert sum(direct.values()) > 0
    assert {r["name"]: r["orders"] for r in data["map"]} == {
        code: direct.get(code, 0) for code in Branch.objects.filter(office=demo_office).values_list("code", flat=True)
    }


def test_points_in_the_map_upload_place_sites_and_issues_by_their_codes(client, demo_office):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wuxing.org.demo import demo_map
    from wuxing.showcase.models import DemoSite

    site = DemoSite.objects.filter(branch__office=demo_office).select_related("branch").first()
    issue = _issues(demo_office, lon__isnull=True).first()
    geo = demo_map(demo_office.code)
    geo["features"] += [
        {
            "type": "Feature",
            "properties": {"kind": "site", "code": site.branch.code},
            "geometry": {"type": "Point", "coordinates": [113.91, 34.66]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "issue", "code": issue.tracking_code},
            "geometry": {"type": "Point", "coordinates": [113.92, 34.661]},
        },
    ]
    client.force_login(User.objects.get(username="demo-leader"))
    url = reverse("org:unit_map", kwargs={"pk": demo_office.pk})
    upload = SimpleUploadedFile("m.geojson", json.dumps(geo).encode())
    assert client.post(url, {"file": upload, "crs": "wgs84"}).status_code == 302
    site.refresh_from_db()
    issue.refresh_from_db()
    assert (float(site.lon), float(site.lat)) == (113.91, 34.66)
    assert (float(issue.lon), float(issue.lat)) == (113.92, 34.661)
    # A Point naming an issue the office does not have is refused, naming the feature; nothing moves.
    geo["features"][-1]["properties"].update(code="NOPE000000", name="外来诉求")
    geo["features"][-2]["geometry"]["coordinates"] = [113.0, 34.0]
    upload = SimpleUploadedFile("m.geojson", json.dumps(geo).encode())
    response = client.post(url, {"file": upload, "crs": "wgs84"})
    assert response.status_code == 200 and "外来诉求" in response.content.decode()
    site.refresh_from_db()
    assert (float(site.lon), float(site.lat)) == (113.91, 34.66)


def test_a_place_is_entered_on_the_site_form_and_the_triage_form(client, demo_office):
    from wuxing.participation.models import Issue
    from wuxing.showcase.models import DemoSite

    client.force_login(User.objects.get(username="demo-leader"))
    site = DemoSite.objects.filter(branch__office=demo_office).first()
    url = reverse("showcase:site_edit", kwargs={"pk": site.pk})
    bad = client.post(url, {"feature": site.feature, "plan": site.plan, "lon": "113.9"})
    assert bad.status_code == 200 and "经度和纬度请同时填写" in bad.content.decode()
    ok = client.post(url, {"feature": site.feature, "plan": site.plan, "lon": "113.93", "lat": "34.665"})
    assert ok.status_code == 302
    site.refresh_from_db()
    assert (str(site.lon), str(site.lat)) == ("113.930000", "34.665000")
    issue = _issues(demo_office, state="received", lon__isnull=True).first()
    url = reverse("participation:issue_triage", kwargs={"pk": issue.pk})
    bad = client.post(url, {"decision": "accept", "lon": "213.9", "lat": "34.6"})
    assert bad.status_code == 200 and "超出了该坐标系的范围" in bad.content.decode()
    assert Issue.objects.get(pk=issue.pk).state == "received"
    assert client.post(url, {"decision": "accept", "lon": "113.94", "lat": "34.667"}).status_code == 302
    issue.refresh_from_db()
    assert issue.state == "dispatched" and str(issue.lon) == "113.940000"


def _screen_office(district, standard, n):
    """A new office of `district` with a running campaign and `n` branches, each with an item, an agreed
    target, a grid with its shape and a placed, dispatched resident's issue."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from wuxing.campaigns.models import Campaign, Quota
    from wuxing.checklists.models import ChecklistItem
    from wuxing.org.models import Boundary, OrgUnit
    from wuxing.org.rules import unit_path
    from wuxing.participation.models import Issue, IssueCategory
    from wuxing.standards.models import Star
    from wuxing.targets.models import Target

    code = f"{district.code}77"
    office = OrgUnit.objects.filter(code=code).first() or OrgUnit.objects.create(
        code=code, name="计数街道", level="office", parent=district, path=unit_path(district.path, code)
    )
    campaign = Campaign.objects.filter(office=office).first() or Campaign.objects.create(
        office=office, year=timezone.localdate().year, name="计数", standard=standard, status="running"
    )
    Quota.objects.get_or_create(campaign=campaign, level=3, defaults={"count": 1})
    category = IssueCategory.objects.get_or_create(office=office, code="road", defaults={"name": "道路"})[0]
    today = timezone.localdate()
    for i in range(office.branches.count(), n):
        branch = Branch.objects.create(office=office, code=f"{code}{i:03d}", name=f"计数{i}村", kind="rural_village")
        star = Star.objects.filter(standard=standard, star_set=branch.star_set).order_by("position").first()
        ChecklistItem.objects.create(
            campaign=campaign,
            branch=branch,
            star=star,
            title="计数",
            target_value=Decimal("10"),
            start_date=date(today.year, 1, 1),
            due_date=today - timedelta(days=1),
        )
        Target.objects.create(campaign=campaign, branch=branch, level=3, status="agreed")
        grid = Grid.objects.create(office=office, branch=branch, code=f"{branch.code}-01", name="网格")
        Boundary.objects.create(unit=office, kind="branch", code=branch.code, branch=branch, geometry={})
        Boundary.objects.create(unit=office, kind="grid", code=grid.code, branch=branch, grid=grid, geometry={})
        Issue.objects.create(
            campaign=campaign,
            office=office,
            tracking_code=f"CNT{i:07d}",
            category=category,
            description="计数",
            branch=branch,
            state="dispatched",
            received_at=timezone.now(),
            lon=Decimal("113.9"),
            lat=Decimal("34.66"),
        )
    return office


def _screen_district(city, standard, n):
    """A new district of `city` with `n` offices, each with two branches (as _screen_office builds them)."""
    from wuxing.org.models import OrgUnit
    from wuxing.org.rules import unit_path

    code = f"{city.code}97"
    district = OrgUnit.objects.filter(code=code).first() or OrgUnit.objects.create(
        code=code, name="计数区", level="district", parent=city, path=unit_path(city.path, code)
    )
    for i in range(OrgUnit.objects.filter(parent=district).count(), n):
        sub = f"{code}{i:02d}"
        office = OrgUnit.objects.create(
            code=sub, name=f"计数{i}镇", level="office", parent=district, path=unit_path(district.path, sub)
        )
        _screen_office_into(office, standard)
    return district


def _screen_office_into(office, standard):
    from django.utils import timezone

    from wuxing.campaigns.models import Campaign

    Campaign.objects.create(
        office=office, year=timezone.localdate().year, name="计数", standard=standard, status="running"
    )
    for j in range(2):
        Branch.objects.create(
            office=office, code=f"{office.code}{j:03d}", name=f"{office.name}{j}村", kind="rural_village"
        )


def _count(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm the caches (content types, the session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def test_the_office_screen_query_count_does_not_grow_with_its_branches(client, demo_office):
    from wuxing.campaigns.models import Campaign
    from wuxing.core.roles import Role
    from wuxing.testing import make_user

    standard = Campaign.objects.filter(office=demo_office).first().standard
    office = _screen_office(demo_office.parent, standard, 5)
    client.force_login(make_user("count-staff", Role.CAMPAIGN_STAFF, unit=office))
    url = reverse("portal:screen")
    small, response = _count(client, url, {"unit": office.pk})
    data = _data(response.content.decode())
    assert len(data["map"]) == 5 and len(data["points"]) == 5 and all(r["orders"] == 1 for r in data["map"])
    _screen_office(demo_office.parent, standard, 15)
    large, response = _count(client, url, {"unit": office.pk})
    assert len(_data(response.content.decode())["map"]) == 15
    assert small == large == OFFICE_SCREEN_QUERIES, (small, large)
    # The polled fragment reads the same figures.
    part = reverse("portal:screen_part", kwargs={"part": "data"})
    assert _count(client, part, {"unit": office.pk})[0] <= large


def test_the_district_screen_query_count_does_not_grow_with_its_offices(client, demo_office):
    from wuxing.campaigns.models import Campaign
    from wuxing.core.roles import Role
    from wuxing.testing import make_user

    standard = Campaign.objects.filter(office=demo_office).first().standard
    city = demo_office.parent.parent
    district = _screen_district(city, standard, 5)
    client.force_login(make_user("count-district", Role.CAMPAIGN_STAFF, unit=district))
    url = reverse("portal:screen")
    small, response = _count(client, url, {"unit": district.pk})
    assert len(_data(response.content.decode())["map"]) == 5
    _screen_district(city, standard, 15)
    large, response = _count(client, url, {"unit": district.pk})
    assert len(_data(response.content.decode())["map"]) == 15
    assert small == large == DISTRICT_SCREEN_QUERIES, (small, large)


# Read warm: the office's progress sums come from the cache (checklists.figures), 28 before; 4 fewer since the
# session is written at most once a minute and the account policy cached; one fewer since the roles come with the
# account; one fewer since a standard's stars are kept in the process (campaigns.selectors.STANDARD_STARS).
OFFICE_SCREEN_QUERIES = 21
# Read warm: each office's figures come from the cache (portal.summary_cache); computed, they take seven more.
DISTRICT_SCREEN_QUERIES = 4
