"""Choices of the demonstration sites app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordStructure(models.TextChoices):
    """Which structured records a feature-project kind keeps besides milestones and evidence."""

    GENERIC = "generic", _("Milestones and evidence only")
    AGREEMENTS = "agreements", _("Co-building agreements")
    MEMBERS = "members", _("In-service party members and service records")
    SESSIONS = "sessions", _("Tea-house sessions")
    VOLUNTEERS = "volunteers", _("Volunteer teams, volunteers and activities")
    GRID = "grid", _("Grids, grid workers and incidents")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class GridWorkerRole(models.TextChoices):
    HEAD = "head", _("Grid head")
    WORKER = "worker", _("Grid worker")
    VOLUNTEER = "volunteer", _("Grid volunteer")


# The catalogue every office starts with (一社区(村)一特色): code, English name (translated), structure.
DEFAULT_PROJECT_KINDS = [
    ("co_building", _("Co-building agreements with resident units"), RecordStructure.AGREEMENTS),
    ("in_service_members", _("In-service party members in the community"), RecordStructure.MEMBERS),
    ("tea_house", _("People's tea house"), RecordStructure.SESSIONS),
    ("service_center", _("Party and public service centre functions"), RecordStructure.GENERIC),
    ("volunteers", _("Volunteer service teams"), RecordStructure.VOLUNTEERS),
    ("grid", _("Visual grid management"), RecordStructure.GRID),
    ("old_young_adult", _("Services for the elderly, children and young adults"), RecordStructure.GENERIC),
    ("environment", _("Comprehensive environment improvement"), RecordStructure.GENERIC),
    ("smart_community", _("Smart residential compound"), RecordStructure.GENERIC),
]
