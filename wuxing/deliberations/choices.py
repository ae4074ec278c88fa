"""Choices of the deliberations app: the two procedures, their steps, meeting forms, kinds of matter, states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Procedure(models.TextChoices):
    FOUR_TWO = "four_two", _("Four deliberations, two disclosures")
    ONE_THREE_TWO = "one_three_two", _("One solicitation, three deliberations, two disclosures")


class Step(models.TextChoices):
    SOLICIT_OPINIONS = "solicit_opinions", _("Solicit residents' opinions")
    PROPOSE = "propose", _("Party organisation proposes")
    COMMITTEES_CONSULT = "committees_consult", _("Two committees consult")
    PARTY_MEETING_REVIEW = "party_meeting_review", _("Party members' meeting reviews")
    VILLAGERS_RESOLVE = "villagers_resolve", _("Villagers (representatives) resolve")
    RESIDENTS_RESOLVE = "residents_resolve", _("Residents (representatives) resolve")
    RESOLUTION_PUBLISHED = "resolution_published", _("Resolution published")
    RESULT_PUBLISHED = "result_published", _("Implementation result published")


class MeetingForm(models.TextChoices):
    REPRESENTATIVES = "representatives", _("Representatives' meeting")
    ASSEMBLY = "assembly", _("Meeting of all villagers / residents")


class MatterKind(models.TextChoices):
    TARGET = "target", _("Star target")
    PROJECT = "project", _("Project")
    COLLECTIVE_FUNDS = "collective_funds", _("Use of collective funds")
    OTHER = "other", _("Other major matter")


class DeliberationStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    CLOSED = "closed", _("Closed")
