"""Maps as data: an uploaded GeoJSON file is checked feature by feature (Polygon / MultiPolygon, closed rings,
coordinates in range, codes of the unit's branches, grids or units, the declared coordinate system, the size),
refused whole with a message naming the feature, and served back as the command screen draws it."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuxing.core.actors import SYSTEM
from wuxing.core.models import AuditLog
from wuxing.core.roles import Role
from wuxing.org.models import Boundary
from wuxing.org.rules import check_boundaries, declared_crs
from wuxing.org.services import boundaries_upload
from wuxing.testing import make_user

SQUARE = [[[113.70, 34.70], [113.71, 34.70], [113.71, 34.71], [113.70, 34.71], [113.70, 34.70]]]


def feature(code, coordinates=SQUARE, geometry="Polygon", **properties):
    return {
        "type": "Feature",
        "properties": {"code": code, **properties},
        "geometry": {"type": geometry, "coordinates": coordinates},
    }


def collection(*features, **extra):
    return {"type": "FeatureCollection", "features": list(features), **extra}


KNOWN = {"b1": "branch", "b2": "branch"}


# --- the rules, without a database ---------------------------------------------------------------------------


def test_a_valid_map_passes_with_polygons_multipolygons_and_grids():
    checked, problems = check_boundaries(
        collection(
            feature("b1", name="甲一村"),
            feature("b2", [SQUARE, SQUARE], geometry="MultiPolygon"),
            feature("b1-01"),
        ),
        crs="wgs84",
        known={**KNOWN, "b1-01": "grid"},  # the office's grids (org.Grid) by their codes
    )
    assert problems == []
    assert [(c.code, c.kind) for c in checked] == [("b1", "branch"), ("b2", "branch"), ("b1-01", "grid")]


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        ({"type": "Point", "coordinates": [113.7, 34.7]}, "Point"),
        (
            {"type": "Polygon", "coordinates": [[[113.7, 34.7], [113.71, 34.7], [113.71, 34.71], [113.7, 34.72]]]},
            "未闭合",
        ),
        ({"type": "Polygon", "coordinates": [[[113.7, 34.7], [113.71, 34.7], [113.7, 34.7]]]}, "至少需要 4 个"),
        (
            {"type": "Polygon", "coordinates": [[[113.7, 34.7], ["x", 34.7], [113.71, 34.71], [113.7, 34.7]]]},
            "不是一对数字",
        ),
        (
            {"type": "Polygon", "coordinates": [[[213.7, 34.7], [113.71, 34.7], [113.71, 34.71], [213.7, 34.7]]]},
            "超出了该坐标系的范围",
        ),
        ({"type": "Polygon", "coordinates": []}, "没有坐标"),
        (None, "缺少几何图形"),
    ],
)
def test_broken_geometry_is_refused_naming_the_feature(geometry, expected):
    bad = {"type": "Feature", "properties": {"code": "b2", "name": "乙二村"}, "geometry": geometry}
    checked, problems = check_boundaries(collection(feature("b1"), bad), crs="wgs84", known=KNOWN)
    assert checked == []
    assert len(problems) == 1
    assert "第 2 个要素（乙二村）" in problems[0]
    assert expected in problems[0]


def test_an_unknown_code_is_refused_naming_the_feature_and_the_code():
    checked, problems = check_boundaries(collection(feature("zz9", name="外村")), crs="wgs84", known=KNOWN)
    assert checked == []
    assert "第 1 个要素（外村）" in problems[0] and "zz9" in problems[0]


def test_the_declared_coordinate_system_must_be_wgs84_or_gcj02_and_the_one_chosen():
    crs84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert declared_crs(collection(crs=crs84)) == "wgs84"
    assert declared_crs(collection(crs={"type": "name", "properties": {"name": "GCJ-02"}})) == "gcj02"
    assert declared_crs(collection(crs={"type": "name", "properties": {"name": "EPSG:3857"}})) == "?"
    _c, problems = check_boundaries(collection(feature("b1"), crs=crs84), crs="gcj02", known=KNOWN)
    assert "与所选坐标系不一致" in problems[0]
    # GCJ-02 exists only inside China: a shape off the coast of Africa cannot be GCJ-02.
    far = [[[10.0, 1.0], [10.1, 1.0], [10.1, 1.1], [10.0, 1.0]]]
    _c, problems = check_boundaries(collection(feature("b1", far)), crs="gcj02", known=KNOWN)
    assert "超出了该坐标系的范围" in problems[0]


def test_a_code_twice_and_a_missing_code_are_refused():
    _c, problems = check_boundaries(collection(feature("b1"), feature("b1"), feature("")), crs="wgs84", known=KNOWN)
    assert any("重复出现" in p for p in problems)
    assert any("缺少 code 属性" in p for p in problems)


# --- the service and the pages ---------------------------------------------------------------------------------


def upload(data, name="map.geojson"):
    raw = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, raw, content_type="application/geo+json")


@pytest.fixture
def mapped(org):
    codes = [b.code for b in org.office_a.branches.order_by("code")]
    boundaries_upload(actor=SYSTEM, unit=org.office_a, upload=upload(collection(*[feature(c) for c in codes])))
    return org


def test_an_upload_replaces_the_map_and_is_audited(mapped):
    office = mapped.office_a
    assert set(Boundary.objects.filter(unit=office).values_list("code", flat=True)) == set(
        office.branches.values_list("code", flat=True)
    )
    assert AuditLog.objects.filter(action="boundary.upload").count() == 1


def test_a_20_mb_file_is_refused_and_nothing_changes(mapped, settings):
    before = list(Boundary.objects.values_list("pk", flat=True))
    big = b'{"type": "FeatureCollection", "features": [' + b" " * (20 * 1024 * 1024) + b"]}"
    with pytest.raises(ValidationError) as exc:
        boundaries_upload(actor=SYSTEM, unit=mapped.office_a, upload=upload(big))
    assert f"{settings.WUXING_BOUNDARY_MAX_MB} MB" in " ".join(exc.value.messages)
    assert list(Boundary.objects.values_list("pk", flat=True)) == before


def test_a_refused_file_changes_nothing(mapped):
    before = list(Boundary.objects.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        boundaries_upload(actor=SYSTEM, unit=mapped.office_a, upload=upload(collection(feature("nope"))))
    with pytest.raises(ValidationError) as exc:
        boundaries_upload(actor=SYSTEM, unit=mapped.office_a, upload=upload(b"{not json"))
    assert "不是有效的 JSON" in exc.value.messages[0]
    assert list(Boundary.objects.values_list("pk", flat=True)) == before


def test_script_in_a_property_is_shown_escaped_and_never_served(client, org):
    leader = make_user("map-leader", Role.OFFICE_LEADER, unit=org.office_a)
    client.force_login(leader)
    code = org.office_a.branches.order_by("code").first().code
    evil = "<script>alert(1)</script>"
    url = reverse("org:unit_map", kwargs={"pk": org.office_a.pk})
    response = client.post(url, {"file": upload(collection(feature(code, name=evil))), "crs": "wgs84"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    served = client.get(reverse("org:unit_map_geojson", kwargs={"pk": org.office_a.pk})).json()
    # What the screen draws names the branch as the tree has it; the file's text is not served.
    assert [f["properties"]["label"] for f in served["features"]] == [org.office_a.branches.get(code=code).name]
    assert evil not in json.dumps(served)


def test_the_page_shows_the_refusal_naming_the_feature(client, org):
    leader = make_user("map-leader", Role.OFFICE_LEADER, unit=org.office_a)
    client.force_login(leader)
    url = reverse("org:unit_map", kwargs={"pk": org.office_a.pk})
    response = client.post(url, {"file": upload(collection(feature("zz9", name="外村"))), "crs": "wgs84"})
    assert response.status_code == 200
    assert "外村" in response.content.decode() and "zz9" in response.content.decode()
    assert not Boundary.objects.exists()


def test_other_offices_and_branch_roles_cannot_upload(client, org):
    other = make_user("map-b", Role.OFFICE_LEADER, unit=org.office_b)
    secretary = make_user("map-sec", Role.BRANCH_SECRETARY, branch=org.office_a.branches.first())
    url = reverse("org:unit_map", kwargs={"pk": org.office_a.pk})
    code = org.office_a.branches.first().code
    client.force_login(other)
    assert client.post(url, {"file": upload(collection(feature(code))), "crs": "wgs84"}).status_code == 404
    client.force_login(secretary)
    assert client.post(url, {"file": upload(collection(feature(code))), "crs": "wgs84"}).status_code == 403
    assert not Boundary.objects.exists()


def test_api_serves_the_map_as_a_feature_collection_in_scope(api_client, mapped):
    leader = make_user("map-leader", Role.OFFICE_LEADER, unit=mapped.office_a)
    api_client.force_authenticate(leader)
    body = api_client.get(f"/api/v1/boundaries/?unit={mapped.office_a.pk}").json()
    assert body["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in body["features"]} == set(
        mapped.office_a.branches.values_list("code", flat=True)
    )
    assert api_client.get(f"/api/v1/boundaries/?unit={mapped.office_b.pk}").status_code == 404
    assert api_client.get("/api/v1/boundaries/?unit=x").status_code == 400
