"""Grids as data (org.Grid): listed and added on the office's set-up page, named by code in the map upload
(validated against the office's grids, the refusal naming the feature), the old "<branch>-N" grid shapes
migrated to grids; and the places of things on an office's map (Point features, form entries) checked."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.roles import Role
from wuxing.org.models import Boundary, Grid
from wuxing.org.rules import check_boundaries
from wuxing.org.services import boundaries_upload, grid_create, place_check
from wuxing.testing import make_user

SQUARE = [[[113.70, 34.70], [113.71, 34.70], [113.71, 34.71], [113.70, 34.71], [113.70, 34.70]]]
INNER = [[[113.702, 34.702], [113.705, 34.702], [113.705, 34.705], [113.702, 34.705], [113.702, 34.702]]]


def feature(code, coordinates=SQUARE, geometry="Polygon", **properties):
    return {
        "type": "Feature",
        "properties": {"code": code, **properties},
        "geometry": {"type": geometry, "coordinates": coordinates},
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def upload(data):
    return SimpleUploadedFile("map.geojson", json.dumps(data, ensure_ascii=False).encode())


# --- rules (no database) ------------------------------------------------------------------------------------------


def test_a_grid_is_named_by_its_own_code_not_by_a_branch_code_and_a_number():
    known = {"b1": "branch", "g-east": "grid"}
    checked, problems = check_boundaries(collection(feature("b1"), feature("g-east", INNER)), crs="wgs84", known=known)
    assert problems == [] and [(c.code, c.kind) for c in checked] == [("b1", "branch"), ("g-east", "grid")]
    # The old convention ("<branch code>-<number>" with kind "grid") no longer makes a grid by itself.
    _c, problems = check_boundaries(
        collection(feature("b1-01", INNER, kind="grid", name="东片")), crs="wgs84", known=known
    )
    assert len(problems) == 1 and "第 1 个要素（东片）" in problems[0] and "b1-01" in problems[0]


def test_points_place_sites_and_issues_named_by_their_codes():
    points = {"site": {"b1"}, "issue": {"ABCDEFGH23"}}
    good = collection(
        feature("b1"),
        feature("b1", [113.705, 34.705], geometry="Point", kind="site"),
        feature("ABCDEFGH23", [113.706, 34.704], geometry="Point", kind="issue"),
    )
    checked, problems = check_boundaries(good, crs="wgs84", known={"b1": "branch"}, points=points)
    assert problems == []
    assert [(c.kind, c.code, c.geometry["type"]) for c in checked] == [
        ("branch", "b1", "Polygon"),
        ("site", "b1", "Point"),
        ("issue", "ABCDEFGH23", "Point"),
    ]
    bad = collection(
        feature("b1"),
        feature("ZZZZ", [113.7, 34.7], geometry="Point", kind="issue", name="未知诉求"),
        feature("b1", [213.7, 34.7], geometry="Point", kind="site", name="远处"),
        feature("b2", [113.7, 34.7], geometry="Point", name="无类型"),
    )
    _c, problems = check_boundaries(bad, crs="wgs84", known={"b1": "branch", "b2": "branch"}, points=points)
    assert len(problems) == 3
    assert "第 2 个要素（未知诉求）" in problems[0] and "ZZZZ" in problems[0] and "示范点或群众诉求" in problems[0]
    assert "第 3 个要素（远处）" in problems[1] and "超出了该坐标系的范围" in problems[1]
    assert "第 4 个要素（无类型）" in problems[2] and "Point" in problems[2]


# --- the migration of the old convention ----------------------------------------------------------------------


def test_grid_shapes_of_the_old_convention_become_grids(org):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("wuxing.org.migrations.0008_grid")
    branch = org.office_a.branches.order_by("code").first()
    shape = Boundary.objects.create(
        unit=org.office_a, kind="grid", code=f"{branch.code}-03", branch=branch, geometry={"type": "Polygon"}
    )
    migration.grids_from_codes(apps, None)
    shape.refresh_from_db()
    grid = Grid.objects.get(office=org.office_a, code=f"{branch.code}-03")
    assert shape.grid == grid and grid.branch == branch and grid.order == 3 and grid.name == f"{branch.name}03网格"


# --- the service --------------------------------------------------------------------------------------------------


def test_grids_are_added_with_a_unique_code_in_scope_and_audited(org):
    leader = make_user("grid-leader", Role.OFFICE_LEADER, unit=org.office_a)
    a1 = org.branches["a1"]
    grid = grid_create(actor=leader, branch=a1, code="a1-01", name="甲一村第一网格", order=1)
    assert (grid.office, grid.branch, grid.code) == (org.office_a, a1, "a1-01")
    assert AuditLog.objects.filter(action="grid.create").count() == 1
    for code, message in [("a1-01", "已被使用"), (a1.code, "已被使用"), ("", "请填写网格编码"), ("网格一", "字母")]:
        with pytest.raises(ValidationError) as exc:
            grid_create(actor=leader, branch=a1, code=code, name="重复")
        assert message in " ".join(exc.value.messages), code
    # The same code in another office is fine: unique per office.
    assert grid_create(actor=SYSTEM, branch=org.branches["b1"], code="a1-01", name="乙一社区网格").pk
    with pytest.raises(PermissionDenied):
        grid_create(actor=leader, branch=org.branches["b1"], code="x-1", name="别人的")
    with pytest.raises(PermissionDenied):
        grid_create(actor=make_user("grid-sec", Role.BRANCH_SECRETARY, branch=a1), branch=a1, code="x-2", name="x")
    assert Grid.objects.count() == 2


def test_a_map_shape_names_an_existing_grid_of_the_office(org):
    a1 = org.branches["a1"]
    grid = grid_create(actor=SYSTEM, branch=a1, code="a1-01", name="甲一村第一网格")
    codes = [b.code for b in org.office_a.branches.order_by("code")]
    shapes = [feature(c) for c in codes]
    boundaries_upload(actor=SYSTEM, unit=org.office_a, upload=upload(collection(*shapes, feature("a1-01", INNER))))
    row = Boundary.objects.get(unit=org.office_a, code="a1-01")
    assert (row.kind, row.grid, row.branch) == ("grid", grid, a1)
    # A grid of another office, or none, is refused naming the feature; the map is unchanged.
    grid_create(actor=SYSTEM, branch=org.branches["b1"], code="b1-01", name="乙一社区网格")
    with pytest.raises(ValidationError) as exc:
        boundaries_upload(
            actor=SYSTEM, unit=org.office_a, upload=upload(collection(*shapes, feature("b1-01", INNER, name="乙网格")))
        )
    assert "第 4 个要素（乙网格）" in exc.value.messages[0] and "b1-01" in exc.value.messages[0]
    assert Boundary.objects.filter(unit=org.office_a, code="a1-01").exists()


def test_a_place_is_both_or_neither_and_in_the_range_of_the_offices_map(org):
    assert place_check(office=org.office_a, lon=None, lat="") == (None, None)
    assert place_check(office=org.office_a, lon="113.7051234", lat=34.7) == (
        Decimal("113.705123"),
        Decimal("34.700000"),
    )
    for lon, lat, message in [
        (113.7, None, "同时填写"),
        ("东经", 34.7, "必须是数字"),
        (181, 34.7, "超出了该坐标系的范围"),
        (113.7, "nan", "不是一对数字"),
    ]:
        with pytest.raises(ValidationError) as exc:
            place_check(office=org.office_a, lon=lon, lat=lat)
        assert message in " ".join(exc.value.messages), (lon, lat)
    # An office whose map declares GCJ-02 takes places inside China only.
    Boundary.objects.create(unit=org.office_b, kind="branch", code="x", geometry={}, crs="gcj02")
    assert place_check(office=org.office_a, lon=10.0, lat=1.0) == (Decimal("10.000000"), Decimal("1.000000"))
    with pytest.raises(ValidationError):
        place_check(office=org.office_b, lon=10.0, lat=1.0)


# --- the set-up page --------------------------------------------------------------------------------------------


def test_the_grid_page_for_anonymous_out_of_scope_and_in_scope_users(client, org):
    url = reverse("org:unit_grids", kwargs={"pk": org.office_a.pk})
    a1 = org.branches["a1"]
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(make_user("grid-other", Role.OFFICE_LEADER, unit=org.office_b))
    assert client.get(url).status_code == 404
    assert client.post(url, {"branch": a1.pk, "code": "a1-01", "name": "网格"}).status_code == 404
    secretary = make_user("grid-sec", Role.BRANCH_SECRETARY, branch=a1)
    client.force_login(secretary)
    assert client.get(url).status_code == 200  # reads the grids of its branch
    assert client.post(url, {"branch": a1.pk, "code": "a1-01", "name": "网格"}).status_code == 403
    assert not Grid.objects.exists()
    client.force_login(make_user("grid-staff", Role.CAMPAIGN_STAFF, unit=org.office_a))
    response = client.post(url, {"branch": a1.pk, "code": "a1-01", "name": "甲一村第一网格", "order": 1})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "甲一村第一网格" in page and "a1-01" in page and "尚无边界" in page
    bad = client.post(url, {"branch": a1.pk, "code": "a1-01", "name": "又一个"})
    assert bad.status_code == 200 and "a1-01在本办事处已被使用" in bad.content.decode()
    other = client.post(url, {"branch": org.branches["b1"].pk, "code": "b-9", "name": "别处"})
    assert other.status_code == 200 and "有效的选项" in other.content.decode()
    assert Grid.objects.count() == 1
    # The district's page is not an office's: no grids there.
    assert client.get(reverse("org:unit_grids", kwargs={"pk": org.district.pk})).status_code == 404
    # The secretary sees only the grids of its own branch.
    grid_create(actor=SYSTEM, branch=org.branches["a2"], code="a2-01", name="甲二社区网格")
    client.force_login(secretary)
    page = client.get(url).content.decode()
    assert "甲一村第一网格" in page and "甲二社区网格" not in page
