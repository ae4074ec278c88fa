"""民主决策: a decision taken by 四议两公开 / 一征三议两公开, its recorded steps and their attachments, and the
office's choice of procedure per kind of branch."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, OrgUnit
from wuxing.org.querysets import RestrictedManager

from .choices import DeliberationStatus, MatterKind, MeetingForm, Procedure, Step


def _branch_scope(scope, prefix="branch__"):
    return prefix_q(Branch.scope_filter(scope), prefix)


class ProcedureSetting(models.Model):
    """An office's choice of procedure, publication period and R7 quorum for one kind of branch."""

    office = models.ForeignKey("org.OrgUnit", verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    branch_kind = models.CharField(_("kind of branch"), max_length=24)
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    publication_days = models.PositiveSmallIntegerField(_("publication period (days)"), default=7)
    # R7's quorum of a residents' meeting: attendance ≥ numerator/denominator of those who should attend.
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("procedure setting")
        verbose_name_plural = _("procedure settings")
        constraints = [models.UniqueConstraint(fields=["office", "branch_kind"], name="procedure_setting_unique_kind")]

    def __str__(self):
        return f"{self.branch_kind} · {self.procedure}"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "office__")


class Deliberation(models.Model):
    """A decision taken by 四议两公开 / 一征三议两公开: the target decision, a project, a use of funds."""

    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="deliberations"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliberations",
    )
    target = models.ForeignKey(
        "targets.Target",
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliberations",
    )
    subject = models.CharField(_("subject"), max_length=200)
    matter = models.CharField(_("kind of matter"), max_length=20, choices=MatterKind.choices, default=MatterKind.TARGET)
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    publication_days = models.PositiveSmallIntegerField(_("publication period (days)"), default=7)
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)
    status = models.CharField(
        _("status"), max_length=8, choices=DeliberationStatus.choices, default=DeliberationStatus.OPEN
    )
    implementation = models.TextField(_("implementation"), blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deliberation")
        verbose_name_plural = _("deliberations")
        indexes = [models.Index(fields=["branch", "status"], name="deliberation_branch_status_idx")]
        permissions = [("record_deliberation", "Can record deliberation steps")]

    def __str__(self):
        return self.subject

    @property
    def attendance_flagged(self) -> bool:
        """R6: a step's "should attend" differs from the branch's records (reads prefetched steps)."""
        return any(step.attendance_flagged for step in self.steps.all())

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope)


class DeliberationStep(models.Model):
    """One recorded step of a deliberation, with its attendance and votes (R5–R8)."""

    deliberation = models.ForeignKey(
        Deliberation, verbose_name=_("deliberation"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=24, choices=Step.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    # 一肩挑: the proposal and the two committees' consultation recorded as one meeting.
    merged = models.BooleanField(_("merged with the two committees' consultation"), default=False)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    chair = models.CharField(_("chair"), max_length=50, blank=True)
    meeting_form = models.CharField(_("meeting form"), max_length=16, choices=MeetingForm.choices, blank=True)
    should_attend = models.PositiveIntegerField(_("should attend"), null=True, blank=True)
    # R6: the figure comes from the branch's records; a different one carries its reason and is flagged.
    should_attend_reason = models.CharField(_("reason for the number who should attend"), max_length=200, blank=True)
    attendance_flagged = models.BooleanField(_("differs from the branch's records"), default=False)
    attended = models.PositiveIntegerField(_("attended"), null=True, blank=True)
    households_represented = models.PositiveIntegerField(_("households represented"), null=True, blank=True)
    yes = models.PositiveIntegerField(_("yes"), null=True, blank=True)
    no = models.PositiveIntegerField(_("no"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("abstain"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    published_until = models.DateField(_("published until"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["deliberation", "position"]
        verbose_name = _("deliberation step")
        verbose_name_plural = _("deliberation steps")
        constraints = [models.UniqueConstraint(fields=["deliberation", "step"], name="deliberation_step_unique")]
        indexes = [models.Index(fields=["step", "held_on"], name="deliberation_step_pub_idx")]

    def __str__(self):
        return f"{self.deliberation} · {self.get_step_display()}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope, "deliberation__branch__")


class StepAttachment(EvidenceFileBase):
    """An attachment of a deliberation step: the minutes' scan, a sign-in sheet, a photo of the notice board."""

    step = models.ForeignKey(
        DeliberationStep, verbose_name=_("deliberation step"), on_delete=models.CASCADE, related_name="attachments"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["step", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope, "step__deliberation__branch__")
