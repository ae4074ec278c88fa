"""Choices of the check-in lists."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("Quantitative")
    YES_NO = "yes_no", _("Yes / no")


class ItemSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    INDICATOR = "indicator", _("From the standard's indicators")
    PLAN = "plan", _("From the branch's plan")
    IMPORT = "import", _("Imported from Excel")


class ItemState(models.TextChoices):
    """What the progress rules (R10) say about an item; computed, never stored."""

    DONE = "done", _("Done")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    OVERDUE = "overdue", _("Overdue")
