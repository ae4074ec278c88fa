"""Versioned star standards: star sets, stars, indicators, and the rules between stars (R3)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuxing.org.choices import StarSet
from wuxing.org.querysets import RestrictedManager

from .choices import Comparison, IndicatorKind, RuleKind


class Standard(models.Model):
    """One version of the star standard, loaded from a data file."""

    code = models.CharField(_("code"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    is_example = models.BooleanField(_("example standard"), default=False)
    description = models.TextField(_("description"), blank=True)
    source_sha256 = models.CharField(_("file checksum"), max_length=64, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="standard_code_version_unique")]

    def __str__(self):
        return f"{self.name} ({self.version})"

    @classmethod
    def scope_filter(cls, scope):
        # Standards are reference data: anyone allowed to view standards sees all of them.
        return Q()


class Star(models.Model):
    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.CASCADE, related_name="stars")
    star_set = models.CharField(_("star set"), max_length=8, choices=StarSet.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=50)
    description = models.TextField(_("description"), blank=True)
    responsible_department = models.CharField(_("responsible department"), max_length=100, blank=True)
    requires_committee_decision = models.BooleanField(
        _("committees' decision required"),
        default=False,
        db_default=False,
        help_text=_("Claiming the star needs the decision of the two committees (date and attendance)."),
    )

    class Meta:
        ordering = ["standard", "star_set", "position"]
        verbose_name = _("star")
        verbose_name_plural = _("stars")
        constraints = [
            models.UniqueConstraint(fields=["standard", "star_set", "code"], name="star_code_unique"),
            models.UniqueConstraint(fields=["standard", "star_set", "position"], name="star_position_unique"),
        ]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    star = models.ForeignKey(Star, verbose_name=_("star"), on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=48)
    text = models.CharField(_("text"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=IndicatorKind.choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    comparison = models.CharField(_("comparison"), max_length=4, choices=Comparison.choices, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=2, null=True, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    evidence_required = models.BooleanField(_("evidence required"), default=True)
    responsible_department = models.CharField(_("responsible department"), max_length=100, blank=True)
    veto = models.BooleanField(_("veto"), default=False, help_text=_("Failing it loses the star."))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["star", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["star", "code"], name="indicator_code_unique")]

    def __str__(self):
        return self.text


class StarRule(models.Model):
    """A configurable prerequisite or veto between stars (R3); nothing of the kind is hard-coded."""

    standard = models.ForeignKey(Standard, verbose_name=_("standard"), on_delete=models.CASCADE, related_name="rules")
    star_set = models.CharField(_("star set"), max_length=8, choices=StarSet.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    star_code = models.CharField(_("star"), max_length=32)
    requires_star_code = models.CharField(_("required star"), max_length=32, blank=True)
    indicator_code = models.CharField(_("indicator"), max_length=48, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["standard", "star_set", "id"]
        verbose_name = _("star rule")
        verbose_name_plural = _("star rules")

    def __str__(self):
        return self.description or f"{self.kind} {self.star_code}"


class StandardDraft(models.Model):
    """An uploaded standard file waiting to be published: its comparison with the previous version is shown
    first; publishing loads it as a new version (fileformat.standard_load)."""

    text = models.TextField(_("file text"))
    source_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("checksum"), max_length=64)
    code = models.CharField(_("code"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    uploaded_by = models.ForeignKey(
        "org.User", verbose_name=_("uploaded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("published as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("standard draft")
        verbose_name_plural = _("standard drafts")

    def __str__(self):
        return f"{self.code} {self.version}"
