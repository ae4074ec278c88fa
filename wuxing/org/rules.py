"""Pure rules of the organisation: the tree's levels, star-set defaults, scope paths, phone and ID numbers."""

import hashlib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from wuxing.core.roles import ADMIN_ROLES, Role

from .choices import LEVEL_ORDER, BranchKind, StarSet


def default_star_set(kind: str) -> str:
    """A community uses the urban stars; villages, resettlement villages included, the rural ones (SPEC §3)."""
    return StarSet.URBAN if kind == BranchKind.URBAN_COMMUNITY else StarSet.RURAL


def can_be_child(parent_level: str | None, child_level: str) -> bool:
    """The tree runs province → city → district → office, one level at a time; any level may be a root."""
    if parent_level is None:
        return True
    return LEVEL_ORDER.index(child_level) == LEVEL_ORDER.index(parent_level) + 1


def unit_path(parent_path: str | None, code: str) -> str:
    return f"{parent_path or '/'}{code}/"


def path_in_subtrees(path: str, roots) -> bool:
    return any(path.startswith(root) for root in roots)


def grant_approver_role(role: str) -> str:
    """Who must approve a role grant asked for by the security administrator (三员分立 across accounts).

    An administrator role (auditor, security or system administrator) is approved by the system administrator;
    a business role by the office leader whose unit covers the grant.
    """
    return Role.SYSTEM_ADMIN if role in ADMIN_ROLES else Role.OFFICE_LEADER


def can_approve_grant(
    *,
    approver_id: int,
    approver_roles: list[tuple[str, str | None]],
    requester_id: int | None,
    grantee_id: int,
    role: str,
    target_path: str | None,
) -> bool:
    """Whether an account may approve a grant: a second person, not the grantee, holding the approving role.

    `approver_roles` are (role, unit path) pairs; `target_path` is the org path the granted role covers (its
    unit, its branch's office, or the grantee's office for a department cadre). A business grant is approved
    only by an office leader whose subtree contains that path.
    """
    if approver_id in (requester_id, grantee_id):
        return False
    needed = grant_approver_role(role)
    for held, path in approver_roles:
        if held != needed:
            continue
        if needed == Role.SYSTEM_ADMIN:
            return True
        if path and target_path and target_path.startswith(path):
            return True
    return False


def star_set_allowed(kind: str, star_set: str) -> bool:
    """A community takes the urban stars, a village the rural ones; a resettlement village may take either."""
    if kind == BranchKind.RESETTLEMENT_VILLAGE:
        return star_set in (StarSet.RURAL, StarSet.URBAN)
    return star_set == default_star_set(kind)


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def phone_valid(phone: str) -> bool:
    """An 11-digit mobile number (1[3-9]…) or a landline with its area code (0371-12345678); blank is allowed."""
    phone = (phone or "").strip()
    return not phone or bool(_MOBILE.match(phone) or _LANDLINE.match(phone))


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """An 18-character resident ID number with a correct check character (GB 11643); blank is allowed."""
    value = (value or "").strip().upper()
    if not value:
        return True
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17]


def unit_can_retire(active_children: int, active_branches: int) -> bool:
    """A unit is retired only once nothing active hangs below it."""
    return active_children == 0 and active_branches == 0


# ---------------------------------------------------------------------------------------------------------
# Maps: an uploaded GeoJSON FeatureCollection, checked feature by feature (no GIS library needed)
# ---------------------------------------------------------------------------------------------------------

MAX_FEATURES = 2_000
MAX_POSITIONS = 500_000
# GCJ-02 is defined only inside China; a WGS-84 shape may lie anywhere on Earth.
CHINA_BOX = (73.0, 3.0, 136.0, 54.0)
_CRS_NAMES = {
    "wgs84": {"wgs84", "wgs-84", "epsg:4326", "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:ogc:1.3:crs84", "crs84"},
    "gcj02": {"gcj02", "gcj-02", "gcj_02"},
}


@dataclass(frozen=True)
class FeatureCheck:
    """A feature that passed: its code, what it outlines, its name as given, its geometry."""

    code: str
    kind: str
    name: str
    geometry: dict


def declared_crs(data) -> str | None:
    """The coordinate system a FeatureCollection declares in its `crs` member (None: not declared, which RFC 7946
    reads as WGS-84); "?" for a declaration that names neither WGS-84 nor GCJ-02."""
    crs = data.get("crs") if isinstance(data, dict) else None
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else crs
    if not isinstance(name, str):
        return "?"
    name = name.strip().lower()
    for code, names in _CRS_NAMES.items():
        if name in names:
            return code
    return "?"


def _number(value) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and value == value
        and abs(value) != float("inf")
    )


def _ring_problem(ring, crs: str, budget: list[int]) -> str | None:
    if not isinstance(ring, list) or len(ring) < 4:
        return _("a ring needs at least 4 positions (a closed triangle)")
    budget[0] -= len(ring)
    if budget[0] < 0:
        return _("the file has too many points")
    west, south, east, north = CHINA_BOX if crs == "gcj02" else (-180.0, -90.0, 180.0, 90.0)
    for position in ring:
        if not isinstance(position, list) or len(position) not in (2, 3) or not all(_number(v) for v in position):
            return _("a position is not a pair of numbers (longitude, latitude)")
        if not (west <= position[0] <= east and south <= position[1] <= north):
            return _("the position %(lon)s, %(lat)s lies outside the range of the coordinate system") % {
                "lon": position[0],
                "lat": position[1],
            }
    if ring[0][:2] != ring[-1][:2]:
        return _("a ring is not closed (its last position must repeat the first)")
    return None


def geometry_problem(geometry, crs: str, budget: list[int] | None = None) -> str | None:
    """Why a geometry cannot be drawn as an area (None: it can): Polygon or MultiPolygon, closed rings of at
    least four positions, coordinates inside the declared system's range."""
    budget = budget if budget is not None else [MAX_POSITIONS]
    if not isinstance(geometry, dict):
        return _("it has no geometry")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates if isinstance(coordinates, list) else None
    else:
        return _("its geometry is %(type)s; only Polygon and MultiPolygon outline an area") % {"type": str(kind)[:30]}
    if not polygons:
        return _("its geometry has no coordinates")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return _("its geometry has no coordinates")
        for ring in polygon:
            problem = _ring_problem(ring, crs, budget)
            if problem:
                return problem
    return None


def point_problem(position, crs: str) -> str | None:
    """Why a place (longitude, latitude) cannot be put on a map in `crs` (None: it can): two numbers inside the
    range of the coordinate system (GCJ-02 only inside China)."""
    if not isinstance(position, (list, tuple)) or len(position) not in (2, 3) or not all(_number(v) for v in position):
        return _("a position is not a pair of numbers (longitude, latitude)")
    west, south, east, north = CHINA_BOX if crs == "gcj02" else (-180.0, -90.0, 180.0, 90.0)
    if not (west <= position[0] <= east and south <= position[1] <= north):
        return _("the position %(lon)s, %(lat)s lies outside the range of the coordinate system") % {
            "lon": position[0],
            "lat": position[1],
        }
    return None


def check_boundaries(
    data, *, crs: str, known: dict[str, str], points: dict[str, set[str]] | None = None
) -> tuple[list[FeatureCheck], list[str]]:
    """Check an uploaded FeatureCollection against the unit's codes (`known`: code → "branch", "grid" or "unit").

    A feature names its branch, grid or office by the `code` property (a grid by its own code, kept in the
    office's grid list). A Point feature places something else on the map: its `kind` names what (a key of
    `points`, e.g. "site", "issue") and its `code` which one (a member of that key's set). Every problem is
    reported, naming the feature (its position, and its name or code as given); features are returned only when
    there is none."""
    points = points or {}
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        return [], [_("The file is not a GeoJSON FeatureCollection.")]
    declared = declared_crs(data)
    if declared == "?":
        return [], [_("The file declares a coordinate system other than WGS-84 or GCJ-02.")]
    if declared is not None and declared != crs:
        return [], [_("The file declares a different coordinate system from the one chosen.")]
    features = data["features"]
    if not features:
        return [], [_("The file holds no features.")]
    if len(features) > MAX_FEATURES:
        return [], [_("The file holds more than %(max)s features.") % {"max": MAX_FEATURES}]
    problems: list[str] = []
    checked: list[FeatureCheck] = []
    seen: set[tuple[str, str]] = set()
    budget = [MAX_POSITIONS]
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        code = str(properties.get("code") or "").strip()[:48]
        name = str(properties.get("name") or "").strip()[:100]
        label = _("Feature %(number)s (%(name)s)") % {"number": number, "name": name or code or "—"}
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(_("%(feature)s: it is not a GeoJSON Feature.") % {"feature": label})
            continue
        if not code:
            problems.append(_("%(feature)s: it has no code property.") % {"feature": label})
            continue
        geometry = feature.get("geometry")
        kind = str(properties.get("kind") or "")[:16]
        if isinstance(geometry, dict) and geometry.get("type") == "Point" and kind in points:
            if code not in points[kind]:
                problems.append(
                    _("%(feature)s: the code %(code)s is not a demonstration site or resident issue of this unit.")
                    % {"feature": label, "code": code}
                )
                continue
            problem = point_problem(geometry.get("coordinates"), crs)
            if problem:
                problems.append(_("%(feature)s: %(problem)s.") % {"feature": label, "problem": problem})
                continue
            if (kind, code) in seen:
                problems.append(_("%(feature)s: the code %(code)s appears twice.") % {"feature": label, "code": code})
                continue
            seen.add((kind, code))
            position = [geometry["coordinates"][0], geometry["coordinates"][1]]
            checked.append(
                FeatureCheck(code=code, kind=kind, name=name, geometry={"type": "Point", "coordinates": position})
            )
            continue
        kind = known.get(code)
        if kind is None:
            problems.append(
                _("%(feature)s: the code %(code)s is not a branch, grid or office of this unit.")
                % {"feature": label, "code": code}
            )
            continue
        if ("", code) in seen:
            problems.append(_("%(feature)s: the code %(code)s appears twice.") % {"feature": label, "code": code})
            continue
        seen.add(("", code))
        problem = geometry_problem(geometry, crs, budget)
        if problem:
            problems.append(_("%(feature)s: %(problem)s.") % {"feature": label, "problem": problem})
            if budget[0] < 0:
                break
            continue
        shape = {"type": geometry["type"], "coordinates": geometry["coordinates"]}
        checked.append(FeatureCheck(code=code, kind=kind, name=name, geometry=shape))
    return ([], problems) if problems else (checked, [])


def grid_code_problem(code: str) -> str | None:
    """Why a grid code cannot be used (None: it can): letters, digits and hyphens, at most 48."""
    if not code:
        return _("Give the grid a code.")
    if len(code) > 48 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        return _("A grid code is at most 48 letters, digits or hyphens.")
    return None


def kiosk_digest(text: str) -> str:
    """What is stored of a display pass: its SHA-256 digest."""
    return hashlib.sha256(text.encode()).hexdigest()
