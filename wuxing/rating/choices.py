"""Choices of the rating app: where a claimed star stands in the review chain (R14), and what it came to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StarState(models.TextChoices):
    """The stage of one star of a branch's rating; the review chain of R14, star by star."""

    DRAFT = "draft", _("Not submitted")
    CLAIMED = "claimed", _("Awaiting office review")
    OFFICE_PASSED = "office_passed", _("Awaiting district review")
    DISTRICT_PASSED = "district_passed", _("Awaiting publicity")
    PUBLICITY = "publicity", _("In publicity")
    NAMED = "named", _("Named")
    RETURNED = "returned", _("Returned to the branch")
    FAILED = "failed", _("Not passed")
    VETOED = "vetoed", _("Lost by a veto")
    WITHDRAWN = "withdrawn", _("Withdrawn after naming")


class Step(models.TextChoices):
    """A step taken on a star: the branch's submission, the two reviews, publicity and naming."""

    SUBMIT = "submit", _("Self-evaluation submitted")
    OFFICE_REVIEW = "office_review", _("Office review")
    DISTRICT_REVIEW = "district_review", _("District review")
    PUBLICITY = "publicity", _("Publicity")
    NAME = "name", _("Naming")
    VETO = "veto", _("Veto")


class Decision(models.TextChoices):
    PASS = "pass", _("Pass")
    RETURN = "return", _("Return to the branch")
    FAIL = "fail", _("Fail")


class StarResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    NOT_CLAIMED = "not_claimed", _("Not claimed")
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    CLOSED = "closed", _("Answered and closed")


class ObjectionDecision(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the star is withdrawn")
    DISMISSED = "dismissed", _("Dismissed after checking")


class Readiness(models.TextChoices):
    READY = "ready", _("Ready")
    AT_RISK = "at_risk", _("At risk")
    NOT_READY = "not_ready", _("Not ready")


class WithdrawalState(models.TextChoices):
    """摘星: where the withdrawal of a named star stands; the same reviews and publicity as naming (R14)."""

    STARTED = "started", _("Awaiting office review")
    OFFICE_AGREED = "office_agreed", _("Awaiting district review")
    DISTRICT_AGREED = "district_agreed", _("Awaiting publicity")
    PUBLICITY = "publicity", _("In publicity")
    WITHDRAWN = "withdrawn", _("Star withdrawn")
    DROPPED = "dropped", _("Withdrawal dropped: the star is kept")


class WithdrawalStep(models.TextChoices):
    START = "start", _("Withdrawal started")
    OFFICE_REVIEW = "office_review", _("Office review")
    DISTRICT_REVIEW = "district_review", _("District review")
    PUBLICITY = "publicity", _("Publicity")
    DECIDE = "decide", _("District decision")


class WithdrawalDecision(models.TextChoices):
    AGREE = "agree", _("Agree: withdraw the star")
    DISAGREE = "disagree", _("Disagree: keep the star")


class WarningCause(models.TextChoices):
    """Why a star held (一次创一直成) is flagged: its indicators slipped below their thresholds, or a veto event."""

    SLIPPED = "slipped", _("Indicators below their thresholds")
    VETO = "veto", _("Veto event")
