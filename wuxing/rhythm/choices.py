"""Choices of the rhythm app: calendar events, daily reports, help requests, meetings, actions, notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    WEEKLY_MEETING = "weekly_meeting", _("Weekly meeting")
    MOBILISATION = "mobilisation", _("Mobilisation meeting")
    PROGRESS = "progress", _("Progress meeting")
    OTHER = "other", _("Other event")


class ReportStatus(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSING = "missing", _("Not reported")


class HelpStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")


class MeetingKind(models.TextChoices):
    WEEKLY = "weekly", _("Weekly meeting")
    MOBILISATION = "mobilisation", _("Mobilisation meeting")
    PROGRESS = "progress", _("Progress meeting")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    DONE = "done", _("Completed")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
