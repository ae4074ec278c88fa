"""目标申领: the baseline survey with its evidence, a branch's star target for a campaign and its rounds."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch
from wuxing.org.querysets import RestrictedManager

from .choices import BaselineRating, RoundAction, TargetStatus


def _branch_scope(scope, prefix="branch__"):
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
    rating = models.CharField(pgettext_lazy("baseline", "rating"), max_length=8, choices=BaselineRating.choices)
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
