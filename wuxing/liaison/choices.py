"""Choices of the assignments app: the 五个一 activity kinds, findings and their sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    """五个一: the five things every assignment does for its branch (R9)."""

    PARTY_LECTURE = "party_lecture", _("Party lecture")
    HEART_TALK = "heart_talk", _("Heart-to-heart talk")
    WORK_MEETING = "work_meeting", _("Work meeting")
    CHECKIN_LIST = "checkin_list", _("Check-in list drawn up")
    TARGET_ASSESSMENT = "target_assessment", _("Target assessment")


class FindingKind(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    WEAKNESS = "weakness", _("Weak point")


class FindingSource(models.TextChoices):
    RESEARCH = "research", _("Research visit")
    DISCUSSION = "discussion", _("Discussion")
    VISIT = "visit", _("Home visit")
    BRIEFING = "briefing", _("Briefing")
    ONE_TO_ONE = "one_to_one", _("One-to-one talk")
    WORK_MEETING = "work_meeting", _("Work meeting")
