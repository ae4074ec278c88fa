from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IssueState(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting triage")
    DISPATCHED = "dispatched", _("Being handled")
    ANSWERED = "answered", _("Answered, awaiting the resident")
    CLOSED = "closed", pgettext_lazy("issue", "Closed")
    MERGED = "merged", _("Merged as a duplicate")
    REJECTED = "rejected", _("Not accepted")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class Triage(models.TextChoices):
    ACCEPT = "accept", _("Accept and dispatch")
    MERGE = "merge", _("Merge as a duplicate")
    REJECT = "reject", _("Reject with a public reason")


# The categories an office starts with (code, name, working days to answer); the office may change them.
DEFAULT_CATEGORIES = [
    ("environment", _("Environment and sanitation"), 3),
    ("safety", _("Safety hazards"), 2),
    ("services", _("Public services"), 5),
    ("disputes", _("Neighbourhood disputes"), 5),
    ("creation", _("The branch's creation work"), 5),
    ("other", _("Other"), 5),
]


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", pgettext_lazy("survey", "Closed")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale of 1 to 5")
    CHOICE = "choice", _("One choice")


class CodeHolder(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    MEMBER = "member", _("Party member")


class Stance(models.TextChoices):
    SUPPORT = "support", _("I agree")
    OBJECT = "object", _("I disagree")
    SUGGEST = "suggest", _("I have a suggestion")


class TopicStatus(models.TextChoices):
    """民情茶馆: a resident's topic shows on the branch's board only once the office or the branch approves it."""

    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("On the board")
    REJECTED = "rejected", _("Not published")


class TopicOutcome(models.TextChoices):
    """What a cadre turned a topic into, with one action."""

    WORK_ORDER = "work_order", _("Work order")
    CHECKLIST_ITEM = "checklist_item", _("Check-in item")
    FINDING = "finding", _("Supervision finding")
