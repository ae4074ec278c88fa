"""各部门认领任务: an assignment's work for a campaign, its 五个一 activities and evidence, and findings."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch
from wuxing.org.querysets import RestrictedManager

from .choices import ActivityKind, FindingKind, FindingSource
from .querysets import OwnAssignmentManager


class CampaignAssignment(models.Model):
    """联系分包 for one campaign: a department or leader's assignment (org.Assignment) and what it pledges and delivers.

    "有人出人、有力出力": people, funds and projects, pledged at the start and delivered during the campaign.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="liaison_assignments"
    )
    assignment = models.ForeignKey(
        "org.Assignment", verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="campaign_assignments"
    )
    pledged_people = models.PositiveSmallIntegerField(_("people pledged"), default=0)
    pledged_funds = models.DecimalField(
        _("funds pledged (10,000 yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    pledged_projects = models.TextField(_("projects pledged"), blank=True)
    delivered_people = models.PositiveSmallIntegerField(_("people delivered"), default=0)
    delivered_funds = models.DecimalField(
        _("funds delivered (10,000 yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    delivered_projects = models.TextField(_("projects delivered"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OwnAssignmentManager()
    own_prefix = ""

    class Meta:
        ordering = ["campaign", "assignment__branch__sort_order", "assignment__branch__code", "id"]
        verbose_name = _("campaign assignment")
        verbose_name_plural = _("campaign assignments")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "assignment"], name="liaison_assignment_once_per_campaign")
        ]

    def __str__(self):
        return str(self.assignment)

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "assignment__branch__")

    @property
    def branch(self):
        return self.assignment.branch

    @property
    def responsible(self):
        """The department or the leader who took the branch."""
        return self.assignment.department or self.assignment.leader


class Activity(models.Model):
    """One of the 五个一 done for an assignment's branch (R9: it belongs to exactly one assignment)."""

    campaign_assignment = models.ForeignKey(
        CampaignAssignment, verbose_name=_("assignment"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    participants = models.TextField(_("participants"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = OwnAssignmentManager()
    own_prefix = "campaign_assignment__"

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("“Five ones” activity")
        verbose_name_plural = _("“Five ones” activities")
        indexes = [models.Index(fields=["campaign_assignment", "kind"], name="liaison_activity_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.held_on}"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "campaign_assignment__assignment__branch__")


class ActivityEvidence(EvidenceFileBase):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="evidence"
    )

    objects = OwnAssignmentManager()
    own_prefix = "activity__campaign_assignment__"

    class Meta(EvidenceFileBase.Meta):
        ordering = ["activity", "id"]
        verbose_name = _("activity evidence")
        verbose_name_plural = _("activity evidence")

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "activity__campaign_assignment__assignment__branch__")


class Finding(models.Model):
    """A strength or weak point (优势/短板) of a branch found in research, talks or meetings, linked to a star."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="liaison_findings"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="liaison_findings"
    )
    campaign_assignment = models.ForeignKey(
        CampaignAssignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FindingKind.choices)
    star = models.ForeignKey(
        "standards.Star", verbose_name=_("star"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("found through"), max_length=16, choices=FindingSource.choices)
    found_on = models.DateField(_("date"))
    text = models.TextField(_("finding"))
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
        ordering = ["branch", "kind", "-found_on", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [models.Index(fields=["campaign", "branch", "kind"], name="liaison_finding_branch_idx")]

    def __str__(self):
        return f"{self.branch} · {self.get_kind_display()}"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "branch__")
