from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    OFFICE = "office", _("Township / sub-district office")


LEVEL_ORDER = [UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.DISTRICT, UnitLevel.OFFICE]


class BranchKind(models.TextChoices):
    URBAN_COMMUNITY = "urban_community", _("Urban community")
    RURAL_VILLAGE = "rural_village", _("Rural village")
    RESETTLEMENT_VILLAGE = "resettlement_village", _("Resettlement village")


class StarSet(models.TextChoices):
    RURAL = "rural", _("Rural village stars")
    URBAN = "urban", _("Urban community stars")


class GrantStatus(models.TextChoices):
    """A role grant asked for by the security administrator waits for a second person (两人审批)."""

    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class BoundaryKind(models.TextChoices):
    """What a shape of a map outlines: a unit below the map's unit (an office on a district's map), a branch, or a
    grid of a branch."""

    UNIT = "unit", _("Unit")
    BRANCH = "branch", _("Branch")
    GRID = "grid", _("Grid")


class Crs(models.TextChoices):
    """The coordinate system an uploaded map declares: WGS-84 (GPS, GIS exports) or GCJ-02 (Chinese web maps)."""

    WGS84 = "wgs84", _("WGS-84")
    GCJ02 = "gcj02", _("GCJ-02")
