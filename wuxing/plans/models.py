"""一村(社区)一策 and 责任书: the measures and milestones of a confirmed target, and the letter that pledges it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch
from wuxing.org.querysets import RestrictedManager

from .choices import PledgeStatus


def _branch_scope(scope, prefix="branch__"):
    return prefix_q(Branch.scope_filter(scope), prefix)


class PlanMeasure(models.Model):
    """一村(社区)一策: one measure of the branch's plan for one targeted star."""

    target = models.ForeignKey(
        "targets.Target", verbose_name=_("target"), on_delete=models.CASCADE, related_name="measures"
    )
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


class Pledge(models.Model):
    """责任书 (军令状): generated from a confirmed target, confirmed by the secretary and the office leader."""

    target = models.ForeignKey(
        "targets.Target", verbose_name=_("target"), on_delete=models.CASCADE, related_name="pledges"
    )
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
