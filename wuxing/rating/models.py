"""评星定级: a branch's rating in a campaign, star by star through the review chain (R14), with the steps taken,
the evidence linked, veto events (R3), public objections and the district's department reviewers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, OrgUnit
from wuxing.org.querysets import RestrictedManager

from .choices import (
    Decision,
    ObjectionDecision,
    ObjectionStatus,
    StarResult,
    StarState,
    Step,
    WarningCause,
    WithdrawalDecision,
    WithdrawalState,
    WithdrawalStep,
)
from .rules import DEFAULT_PUBLICITY_DAYS

STATE_TONES = {
    StarState.CLAIMED: "blue",
    StarState.OFFICE_PASSED: "teal",
    StarState.DISTRICT_PASSED: "teal",
    StarState.PUBLICITY: "amber",
    StarState.NAMED: "green",
    StarState.RETURNED: "amber",
    StarState.FAILED: "red",
    StarState.VETOED: "red",
    StarState.WITHDRAWN: "red",
}


def _branch_q(scope, prefix: str):
    return prefix_q(Branch.scope_filter(scope), prefix)


class Rating(models.Model):
    """One branch's rating in one campaign: its self-evaluation, its publicity period and its naming."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="ratings"
    )
    branch = models.ForeignKey("org.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="ratings")
    # The 两委 decision to submit the self-evaluation, where the standard asks for one.
    committee_decided_on = models.DateField(_("committee decision date"), null=True, blank=True)
    committee_attendance = models.PositiveSmallIntegerField(_("committee members present"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField(_("publicity (working days)"), default=DEFAULT_PUBLICITY_DAYS)
    publicity_start = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_end = models.DateField(_("publicity until"), null=True, blank=True)
    named_on = models.DateField(_("named on"), null=True, blank=True)
    # Set when the level changed after naming (摘星, a veto): the certificate is reissued and says so.
    reissued_on = models.DateField(_("certificate reissued on"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "branch__sort_order", "branch__code"]
        verbose_name = _("star rating")
        verbose_name_plural = _("star ratings")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="rating_one_per_branch")]
        permissions = [
            ("review_office_rating", "Can review ratings for the office"),
            ("review_district_rating", "Can review ratings for a district department"),
            ("name_rating", "Can start publicity and name ratings"),
        ]

    def __str__(self):
        return f"{self.branch} · {self.campaign.year}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "branch__")


class RatingStar(models.Model):
    """One star of a rating: claimed or not, the branch's statement, where it stands and what it came to."""

    rating = models.ForeignKey(Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="stars")
    star = models.ForeignKey("standards.Star", verbose_name=_("star"), on_delete=models.PROTECT, related_name="+")
    claimed = models.BooleanField(_("claimed"), default=False)
    statement = models.TextField(_("statement"), blank=True, max_length=2000)
    state = models.CharField(_("state"), max_length=16, choices=StarState.choices, default=StarState.DRAFT)
    result = models.CharField(_("rating result"), max_length=16, choices=StarResult.choices, default=StarResult.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["rating", "star__position"]
        verbose_name = _("rated star")
        verbose_name_plural = _("rated stars")
        constraints = [models.UniqueConstraint(fields=["rating", "star"], name="rating_star_unique")]
        indexes = [models.Index(fields=["state"], name="rating_star_state_idx")]

    def __str__(self):
        return f"{self.rating} · {self.star}"

    @property
    def tone(self) -> str:
        """The colour its stage is shown in."""
        return STATE_TONES.get(self.state, "grey")

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "rating__branch__")


EVIDENCE_SOURCES = {
    "checkin_evidence": _("Check-in"),
    "deliberation": _("Deliberation"),
    "activity": _("“Five ones” record"),
    "project": _("Site project"),
}


class StarEvidence(models.Model):
    """A record the branch links to a claimed star, by reference, not re-uploaded: a check-in's evidence file, a
    deliberation, a 五个一 record or a demonstration site's project (`source`), opened at `url`."""

    rating_star = models.ForeignKey(
        RatingStar, verbose_name=_("star"), on_delete=models.CASCADE, related_name="evidence_links"
    )
    source = models.CharField(_("source"), max_length=24, default="checkin_evidence")
    ref_id = models.PositiveIntegerField(_("record"))
    label = models.CharField(_("label"), max_length=200)
    url = models.CharField(_("link"), max_length=300, blank=True, default="", db_default="")

    objects = RestrictedManager()

    class Meta:
        ordering = ["rating_star", "id"]
        verbose_name = _("linked evidence")
        verbose_name_plural = _("linked evidence")
        constraints = [
            models.UniqueConstraint(fields=["rating_star", "source", "ref_id"], name="star_evidence_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def source_label(self) -> str:
        return EVIDENCE_SOURCES.get(self.source, self.source)

    @property
    def link(self) -> str:
        if self.url:
            return self.url
        from django.urls import reverse

        return reverse("checklists:evidence_file", args=[self.ref_id]) if self.source == "checkin_evidence" else ""

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "rating_star__rating__branch__")


class ReviewStep(models.Model):
    """A step taken on a star: who, when, what was decided and why (the record of R14)."""

    rating_star = models.ForeignKey(RatingStar, verbose_name=_("star"), on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(pgettext_lazy("rating review", "step"), max_length=16, choices=Step.choices)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    from_state = models.CharField(_("from"), max_length=16, choices=StarState.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=StarState.choices)
    department = models.CharField(_("department"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=100, blank=True)
    acted_at = models.DateTimeField(_("at"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["rating_star", "acted_at", "id"]
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")

    def __str__(self):
        return f"{self.rating_star} · {self.get_step_display()}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "rating_star__rating__branch__")


class VetoEvent(EvidenceFileBase):
    """An event the office recorded that takes a star for the year (R3): a criminal case, an accident with
    casualties, a dispute escalated beyond the village; the standard's veto rule names the indicator."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="veto_events"
    )
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="veto_events"
    )
    indicator_code = models.CharField(_("indicator"), max_length=48)
    star_code = models.CharField(_("star"), max_length=32)
    occurred_on = models.DateField(_("occurred on"))
    description = models.CharField(_("description"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "-occurred_on", "id"]
        verbose_name = _("veto event")
        verbose_name_plural = _("veto events")

    def __str__(self):
        return self.description

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "branch__")


class Objection(models.Model):
    """An objection raised by anyone during publicity. The contact is private (R16): never on a public page."""

    rating = models.ForeignKey(Rating, verbose_name=_("rating"), on_delete=models.CASCADE, related_name="objections")
    rating_star = models.ForeignKey(
        RatingStar,
        verbose_name=_("star"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objections",
    )
    withdrawal = models.ForeignKey(
        "rating.Withdrawal",
        verbose_name=_("withdrawal"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objections",
    )
    text = models.TextField(_("objection"), max_length=2000)
    contact = models.CharField(_("contact (kept private)"), max_length=100, blank=True)
    # A keyed hash of the sender's address and the day, for the rate limit; the address itself is not kept.
    sender_key = models.CharField(_("sender key"), max_length=64, blank=True, db_index=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=8, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    decision = models.CharField(_("decision"), max_length=16, choices=ObjectionDecision.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["rating", "-received_at", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return self.text[:40]

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "rating__branch__")


class DepartmentReviewer(models.Model):
    """A district-level account that reviews, across the district's offices, the stars whose standard names its
    department as responsible (区县联审)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="rating_departments"
    )
    unit = models.ForeignKey(OrgUnit, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    department = models.CharField(_("department"), max_length=100)

    objects = RestrictedManager()

    class Meta:
        ordering = ["unit", "department"]
        verbose_name = _("department reviewer")
        verbose_name_plural = _("department reviewers")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "department"], name="department_reviewer_unique")
        ]

    def __str__(self):
        return f"{self.department} · {self.user}"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "unit__")


class ObjectionEvidence(EvidenceFileBase):
    """A file sent with an objection (optional); served only to the office and district that answer it."""

    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.CASCADE, related_name="files"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["objection", "id"]
        verbose_name = _("objection evidence")
        verbose_name_plural = _("objection evidence")

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "objection__rating__branch__")


class Withdrawal(models.Model):
    """摘星: the district withdraws a named star; the office and the star's department review, it is published for
    objections, and the district decides. Withdrawn, the star leaves the branch's result and the certificate is
    reissued."""

    rating_star = models.ForeignKey(
        RatingStar, verbose_name=_("star"), on_delete=models.CASCADE, related_name="withdrawals"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=WithdrawalState.choices, default=WithdrawalState.STARTED
    )
    reason = models.CharField(_("reason for the withdrawal"), max_length=300)
    warning = models.ForeignKey(
        "rating.StarWarning",
        verbose_name=_("warning"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="withdrawals",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"))
    publicity_days = models.PositiveSmallIntegerField(_("publicity (working days)"), default=DEFAULT_PUBLICITY_DAYS)
    publicity_start = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_end = models.DateField(_("publicity until"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("star withdrawal")
        verbose_name_plural = _("star withdrawals")
        indexes = [models.Index(fields=["state"], name="rating_withdrawal_state_idx")]

    def __str__(self):
        return f"{self.rating_star} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state not in (WithdrawalState.WITHDRAWN, WithdrawalState.DROPPED)

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "rating_star__rating__branch__")


class WithdrawalRecord(models.Model):
    """A step taken on a withdrawal: who, when, what was decided and why."""

    withdrawal = models.ForeignKey(
        Withdrawal, verbose_name=_("withdrawal"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(pgettext_lazy("rating review", "step"), max_length=16, choices=WithdrawalStep.choices)
    decision = models.CharField(_("decision"), max_length=8, choices=WithdrawalDecision.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    from_state = models.CharField(_("from"), max_length=16, choices=WithdrawalState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=WithdrawalState.choices)
    department = models.CharField(_("department"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("by"), max_length=100, blank=True)
    acted_at = models.DateTimeField(_("at"))

    objects = RestrictedManager()

    class Meta:
        ordering = ["withdrawal", "acted_at", "id"]
        verbose_name = _("withdrawal step")
        verbose_name_plural = _("withdrawal steps")

    def __str__(self):
        return f"{self.withdrawal} · {self.get_step_display()}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "withdrawal__rating_star__rating__branch__")


class StarWarning(models.Model):
    """A warning on a star the branch holds (一次创一直成): raised once per campaign, branch, star and cause, and
    sent to the branch and the office as notifications."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    branch = models.ForeignKey("org.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="+")
    star = models.ForeignKey("standards.Star", verbose_name=_("star"), on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(_("cause"), max_length=16, choices=WarningCause.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    raised_on = models.DateField(_("raised on"))
    notified = models.PositiveSmallIntegerField(_("people told"), default=0)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("star warning")
        verbose_name_plural = _("star warnings")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "branch", "star", "cause"], name="rating_warning_unique"),
        ]

    def __str__(self):
        return f"{self.branch} · {self.star} · {self.get_cause_display()}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "branch__")
