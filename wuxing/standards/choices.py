from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    QUANTITATIVE = "quantitative", _("Quantitative")


class Comparison(models.TextChoices):
    GTE = "gte", "≥"
    LTE = "lte", "≤"
    EQ = "eq", "="


class RuleKind(models.TextChoices):
    REQUIRES = "requires", _("Star requires another star")
    VETO = "veto", _("Failed indicator loses the star")


STAR_CODES = {
    "rural": ["strong_branch", "industry", "eco_livable", "safety_rule_of_law", "civility"],
    "urban": ["strong_branch", "co_building", "business_friendly", "safety_rule_of_law", "harmony"],
}
