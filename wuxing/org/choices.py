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
