"""The yearly campaign of an office: its standard, quotas, leadership group and 一办四组."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, OrgUnit, Person
from wuxing.org.querysets import RestrictedManager
from wuxing.standards.models import Standard

from .choices import CampaignStatus, GroupKind, MemberRole


class Campaign(models.Model):
    office = models.ForeignKey(OrgUnit, verbose_name=_("office"), on_delete=models.PROTECT, related_name="campaigns")
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    standard = models.ForeignKey(
        Standard, verbose_name=_("standard"), on_delete=models.PROTECT, related_name="campaigns"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PREPARING
    )
    work_plan = models.TextField(_("work plan"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["office", "-year"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="campaign_one_per_office_year")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "office__")

    @property
    def is_open(self) -> bool:
        """Open campaigns take new records; a closed one is the year's record and no longer changes."""
        return self.status != CampaignStatus.CLOSED

    def quota_map(self) -> dict[int, int]:
        return {q.level: q.count for q in self.quotas.all()}


class Quota(models.Model):
    """How many branches the office asks to aim for a level (压担子)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="quotas")
    level = models.PositiveSmallIntegerField(_("level"))
    count = models.PositiveSmallIntegerField(_("number of branches"))

    class Meta:
        ordering = ["campaign", "-level"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "level"], name="quota_unique_level"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="quota_level_1_5"),
        ]

    def __str__(self):
        return f"{self.level}★ × {self.count}"


class CampaignGroup(models.Model):
    """The leadership group or one of the working office's four groups (一办四组)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="groups")
    kind = models.CharField(_("kind"), max_length=16, choices=GroupKind.choices)
    # Blank means the kind's own (translated) name is shown.
    name = models.CharField(_("name"), max_length=100, blank=True)
    duties = models.TextField(_("duties"), blank=True)

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("campaign group")
        verbose_name_plural = _("campaign groups")
        constraints = [models.UniqueConstraint(fields=["campaign", "kind"], name="campaign_group_unique_kind")]

    def __str__(self):
        return self.name or str(self.get_kind_display())


class GroupMembership(models.Model):
    group = models.ForeignKey(
        CampaignGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="group_memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices, default=MemberRole.MEMBER)
    duty = models.CharField(_("duty"), max_length=200, blank=True)

    class Meta:
        ordering = ["group", "role", "id"]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="group_member_unique")]

    def __str__(self):
        return f"{self.group} · {self.person}"


class CampaignResult(models.Model):
    """The level a branch was rated at in a campaign (评星定级); last year's result is the start of 晋位提升."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="results")
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="campaign_results"
    )
    level = models.PositiveSmallIntegerField(_("rated level"))
    stars = models.ManyToManyField("standards.Star", verbose_name=_("stars awarded"), blank=True, related_name="+")
    rated_on = models.DateField(_("rated on"))
    note = models.TextField(_("note"), blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "branch__sort_order", "branch__code"]
        verbose_name = _("campaign result")
        verbose_name_plural = _("campaign results")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "branch"], name="campaign_result_unique_branch"),
            models.CheckConstraint(condition=models.Q(level__lte=5), name="campaign_result_level_0_5"),
        ]

    def __str__(self):
        return f"{self.branch} · {self.level}★"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(Branch.scope_filter(scope), "branch__")


class CampaignAttachment(EvidenceFileBase):
    """A file of the campaign's 工作方案 (the signed plan as a PDF, a scanned notice)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="attachments"
    )

    objects = RestrictedManager()

    class Meta:
        ordering = ["campaign", "uploaded_at"]
        verbose_name = _("work plan attachment")
        verbose_name_plural = _("work plan attachments")

    def __str__(self):
        return self.original_name

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "campaign__office__")
