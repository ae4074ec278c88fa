"""目标申领: baseline survey, targets and their rounds, 一村一策 plans, deliberations, responsibility letters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.querysets import RestrictedManager

from .choices import (
    BaselineRating,
    DeliberationStatus,
    MatterKind,
    MeetingForm,
    PledgeStatus,
    Procedure,
    RoundAction,
    Step,
    TargetStatus,
)


def _branch_scope(scope, prefix="branch__"):
    from wuxing.org.models import Branch

    return prefix_q(Branch.scope_filter(scope), prefix)


class Baseline(models.Model):
    """对表摸排: a branch checked against the campaign's standard before targets are set."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="baselines"
    )
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="baselines"
    )
    surveyed_on = models.DateField(_("surveyed on"))
    branch_consulted = models.BooleanField(_("branch consulted"), default=False, help_text=_("征求支部意见"))
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "branch__sort_order", "branch__code"]
        verbose_name = _("baseline survey")
        verbose_name_plural = _("baseline surveys")
        constraints = [models.UniqueConstraint(fields=["campaign", "branch"], name="baseline_unique_branch")]

    def __str__(self):
        return f"{self.branch} · {self.campaign.year}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope)


class BaselineEntry(models.Model):
    """One indicator of the baseline: met, within reach or far."""

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline survey"), on_delete=models.CASCADE, related_name="entries"
    )
    indicator = models.ForeignKey(
        "standards.Indicator", verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    rating = models.CharField(_("rating"), max_length=8, choices=BaselineRating.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["baseline", "indicator__star__position", "indicator__position"]
        verbose_name = _("baseline entry")
        verbose_name_plural = _("baseline entries")
        constraints = [
            models.UniqueConstraint(fields=["baseline", "indicator"], name="baseline_entry_unique_indicator")
        ]

    def __str__(self):
        return f"{self.indicator} · {self.get_rating_display()}"


class Target(models.Model):
    """A branch's star target for a campaign (做选择); its level is the number of its stars (R4)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets"
    )
    branch = models.ForeignKey("org.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="targets")
    stars = models.ManyToManyField("standards.Star", verbose_name=_("stars"), blank=True, related_name="+")
    required_stars = models.ManyToManyField(
        "standards.Star",
        verbose_name=_("stars required by the office"),
        blank=True,
        related_name="+",
        help_text=_("压担子"),
    )
    level = models.PositiveSmallIntegerField(_("target level"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.DRAFT)
    reason = models.TextField(_("reason"), blank=True)
    office_note = models.TextField(_("office's reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "branch__sort_order", "branch__code"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "branch"], name="target_unique_branch"),
            models.CheckConstraint(condition=models.Q(level__lte=5), name="target_level_0_5"),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="target_campaign_status_idx")]
        permissions = [
            ("apply_target", "Can apply for the branch's target"),
            ("decide_target", "Can agree, return and confirm targets"),
        ]

    def __str__(self):
        return f"{self.branch} · {self.campaign.year} · {self.level}★"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope)


class TargetRound(models.Model):
    """One round of the two-way target setting, kept as history: who did what with which stars."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="rounds")
    action = models.CharField(_("action"), max_length=16, choices=RoundAction.choices)
    level = models.PositiveSmallIntegerField(_("level"))
    star_codes = models.JSONField(_("stars"), default=list)
    star_names = models.JSONField(_("star names"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["target", "at", "id"]
        verbose_name = _("target round")
        verbose_name_plural = _("target rounds")

    def __str__(self):
        return f"{self.target} · {self.get_action_display()}"


class PlanMeasure(models.Model):
    """一村(社区)一策: one measure of the branch's plan for one targeted star."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="measures")
    star = models.ForeignKey("standards.Star", verbose_name=_("star"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("measure"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    resources = models.TextField(_("resources needed"), blank=True)
    responsible = models.ManyToManyField(
        "org.Person", verbose_name=_("responsible persons"), blank=True, related_name="plan_measures"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedManager()

    class Meta:
        ordering = ["target", "star__position", "position", "id"]
        verbose_name = _("plan measure")
        verbose_name_plural = _("plan measures")

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope, "target__branch__")


class PlanMilestone(models.Model):
    """A dated milestone of a plan measure, optionally with a figure to reach."""

    measure = models.ForeignKey(
        PlanMeasure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["measure", "due_on", "id"]
        verbose_name = _("plan milestone")
        verbose_name_plural = _("plan milestones")
        indexes = [models.Index(fields=["due_on"], name="plan_milestone_due_idx")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope, "measure__target__branch__")


class ProcedureSetting(models.Model):
    """An office's choice of procedure, publication period and R7 quorum for one kind of branch."""

    office = models.ForeignKey("org.OrgUnit", verbose_name=_("office"), on_delete=models.CASCADE, related_name="+")
    branch_kind = models.CharField(_("kind of branch"), max_length=24)
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    publication_days = models.PositiveSmallIntegerField(_("publication period (days)"), default=7)
    # R7's quorum of a residents' meeting: attendance ≥ numerator/denominator of those who should attend.
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("quorum denominator"), default=3)

    class Meta:
        verbose_name = _("procedure setting")
        verbose_name_plural = _("procedure settings")
        constraints = [models.UniqueConstraint(fields=["office", "branch_kind"], name="procedure_setting_unique_kind")]

    def __str__(self):
        return f"{self.branch_kind} · {self.procedure}"


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
        Target, verbose_name=_("target"), null=True, blank=True, on_delete=models.SET_NULL, related_name="deliberations"
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


class Pledge(models.Model):
    """责任书 (军令状): generated from a confirmed target, confirmed by the secretary and the office leader."""

    target = models.ForeignKey(Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="pledges")
    number = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.AWAITING)
    content = models.JSONField(_("content"), default=dict)
    content_sha256 = models.CharField(_("content hash"), max_length=64, blank=True)
    office_commitments = models.TextField(_("the office's commitments"), blank=True)
    secretary_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by the secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secretary_confirmed_at = models.DateTimeField(_("secretary confirmed"), null=True, blank=True)
    leader_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by the office leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_confirmed_at = models.DateTimeField(_("leader confirmed"), null=True, blank=True)
    void_reason = models.CharField(_("why void"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["target", "-number"]
        verbose_name = _("responsibility letter")
        verbose_name_plural = _("responsibility letters")
        constraints = [models.UniqueConstraint(fields=["target", "number"], name="pledge_unique_number")]
        permissions = [("sign_pledge", "Can confirm responsibility letters")]

    def __str__(self):
        return f"{self.target.branch} · {self.target.campaign.year}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope, "target__branch__")


class BaselineEvidence(EvidenceFileBase):
    """Evidence for a baseline entry (a photo, a scanned ledger page)."""

    entry = models.ForeignKey(
        BaselineEntry, verbose_name=_("baseline entry"), on_delete=models.CASCADE, related_name="evidence"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["entry", "uploaded_at"]
        verbose_name = _("baseline evidence")
        verbose_name_plural = _("baseline evidence")

    @classmethod
    def scope_filter(cls, scope):
        return _branch_scope(scope, "entry__baseline__branch__")


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
