"""打卡清单: checklist items, check-ins with evidence, and the office's progress policy."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuxing.core.models import EvidenceFileBase
from wuxing.core.querysets import prefix_q
from wuxing.org.models import Branch, OrgUnit
from wuxing.org.querysets import RestrictedManager

from .choices import ItemKind, ItemSource


def _branch_q(scope, prefix: str):
    return prefix_q(Branch.scope_filter(scope), prefix)


class ChecklistItem(models.Model):
    """One measurable thing a branch promises to do in a campaign (an entry of its 打卡清单)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="checklist_items"
    )
    branch = models.ForeignKey(
        "org.Branch", verbose_name=_("branch"), on_delete=models.CASCADE, related_name="checklist_items"
    )
    star = models.ForeignKey("standards.Star", verbose_name=_("star"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(
        "standards.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices, default=ItemKind.QUANTITATIVE)
    start_value = models.DecimalField(_("start value"), max_digits=14, decimal_places=2, default=Decimal("0"))
    target_value = models.DecimalField(_("target value"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=Decimal("1"))
    owner = models.ForeignKey(
        "org.Person", verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    source = models.CharField(_("source"), max_length=16, choices=ItemSource.choices, default=ItemSource.MANUAL)
    # What the item was generated from ("indicator:<code>", "milestone:<pk>"), so generating twice adds nothing.
    source_key = models.CharField(_("source key"), max_length=64, blank=True)
    # The figure of the latest effective check-in, kept by checkin_record so lists need no extra query.
    # The check-ins themselves are the record (R11); this is a cache of them.
    current_value = models.DecimalField(_("current value"), max_digits=14, decimal_places=2, null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    last_checkin_on = models.DateField(_("last check-in"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Retired: taken off the list (never deleted, its check-ins are the record); out of every progress figure.
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retired by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    retire_reason = models.CharField(_("reason for retiring"), max_length=300, blank=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["branch", "star__position", "due_date", "id"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        indexes = [
            models.Index(fields=["campaign", "branch"], name="checklist_item_camp_branch_idx"),
            models.Index(fields=["campaign", "due_date"], name="checklist_item_camp_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="checklist_item_weight_positive"),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("start_date")), name="checklist_item_due_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "branch__")

    @property
    def is_quantitative(self) -> bool:
        return self.kind == ItemKind.QUANTITATIVE


class CheckIn(models.Model):
    """A figure reported for an item (R11). Never edited: a correction is a new check-in that supersedes one."""

    item = models.ForeignKey(ChecklistItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="checkins")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    done = models.BooleanField(_("done"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # The day the figure is for; a correction keeps the day of the check-in it corrects.
    effective_on = models.DateField(_("date"))
    corrects = models.OneToOneField(
        "self", verbose_name=_("corrects"), null=True, blank=True, on_delete=models.PROTECT, related_name="corrected_by"
    )
    reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by_name = models.CharField(_("recorded by"), max_length=50, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["item", "effective_on", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            models.Index(fields=["item", "effective_on"], name="checkin_item_date_idx"),
            # The newest first across a district or a province (the API's list): EXPLAIN ANALYZE at the district
            # preset went from a sort of every check-in in scope to reading 100 index entries (docs/scale.md).
            models.Index(fields=["-effective_on", "-id"], name="checkin_recent_idx"),
        ]

    def __str__(self):
        return f"{self.item} · {self.effective_on}"

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "item__branch__")

    @property
    def figure(self):
        """The value, or done / not done for a yes/no item."""
        return self.value if self.done is None else self.done


class CheckInEvidence(EvidenceFileBase):
    checkin = models.ForeignKey(CheckIn, verbose_name=_("check-in"), on_delete=models.CASCADE, related_name="evidence")
    # Only published evidence appears on the public board and report cards.
    published = models.BooleanField(_("shown on the public board"), default=False)

    objects = RestrictedManager()

    class Meta:
        ordering = ["checkin", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    @classmethod
    def scope_filter(cls, scope):
        return _branch_q(scope, "checkin__item__branch__")


class ProgressPolicy(models.Model):
    """How far below the straight line an item may fall before it is flagged as behind (R10), per office."""

    office = models.OneToOneField(
        "org.OrgUnit", verbose_name=_("office"), on_delete=models.CASCADE, related_name="progress_policy"
    )
    behind_tolerance = models.DecimalField(
        _("tolerance before “behind”"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.10"),
        help_text=_("Fraction of the target, e.g. 0.10 = 10 percentage points below the expected progress."),
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("progress policy")
        verbose_name_plural = _("progress policies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(behind_tolerance__gte=0, behind_tolerance__lte=1),
                name="progress_policy_tolerance_0_1",
            ),
        ]

    def __str__(self):
        return f"{self.office} · {self.behind_tolerance}"

    @classmethod
    def scope_filter(cls, scope):
        return prefix_q(OrgUnit.scope_filter(scope), "office__")
