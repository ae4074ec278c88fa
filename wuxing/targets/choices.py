"""Choices of the targets app: target states, the actions of a round, baseline ratings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    AGREED = "agreed", _("Agreed")
    CONFIRMED = "confirmed", _("Confirmed")


class RoundAction(models.TextChoices):
    REQUIRE = "require", _("Stars required by the office")
    SUBMIT = "submit", _("Applied")
    RETURN = "return", _("Returned")
    AGREE = "agree", _("Agreed")
    CONFIRM = "confirm", _("Confirmed")


class BaselineRating(models.TextChoices):
    MET = "met", _("Met")
    NEAR = "near", _("Within reach")
    FAR = "far", _("Far")
