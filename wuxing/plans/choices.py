"""Choices of the plans app: the states of a responsibility letter."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PledgeStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting confirmation")
    FROZEN = "frozen", _("Confirmed by both sides")
    VOID = "void", _("Void")
