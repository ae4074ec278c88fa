"""Choices of supervision: inspection modes, the four checks, severities, rectification states, 问责 decisions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import rules


class InspectionMode(models.TextChoices):
    OFFICE_ON_SITE = "on_site", _("On-site office work")
    FIELD_CHECK = "field_check", _("Field verification")
    VILLAGE_TOUR = "village_tour", _("Branch-by-branch observation")
    UNANNOUNCED = "unannounced", _("Unannounced visit")


class FindingCategory(models.TextChoices):
    """查进度、查效果、查原因、查责任: what an inspection checks."""

    PROGRESS = "progress", _("Check progress")
    EFFECT = "effect", _("Check effect")
    CAUSE = "cause", _("Check causes")
    RESPONSIBILITY = "responsibility", _("Check responsibility")


class Severity(models.TextChoices):
    LOW = "low", _("Minor")
    MEDIUM = "medium", _("Moderate")
    HIGH = "high", _("Serious")


class FindingSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    PUBLIC = "public", _("Public report")


class Triage(models.TextChoices):
    """A finding from the public waits for the office to accept (it becomes a finding to rectify) or dismiss it."""

    PENDING = "pending", _("Awaiting triage")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class RectificationState(models.TextChoices):
    OPEN = rules.OPEN, pgettext_lazy("rectification", "Open")
    IN_PROGRESS = rules.IN_PROGRESS, pgettext_lazy("rectification", "In progress")
    SUBMITTED = rules.SUBMITTED, pgettext_lazy("rectification", "Submitted")
    VERIFIED = rules.VERIFIED, pgettext_lazy("rectification", "Verified and closed")
    RETURNED = rules.RETURNED, pgettext_lazy("rectification", "Returned")


class Decision(models.TextChoices):
    """问责 decisions, mildest first."""

    REMINDER = "reminder", _("Reminder talk")
    INTERVIEW = "interview", _("Interview (约谈)")
    CIRCULAR = "circular", _("Circulated criticism (通报)")
    ADMONITION = "admonition", _("Admonishing talk (诫勉谈话)")
    ORGANISATIONAL = "organisational", _("Organisational measures")
    OTHER = "other", _("Other")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Board(models.TextChoices):
    RED = "red", _("Red list")
    BLACK = "black", _("Black list")
