"""Template filters of the pages: masked personal data, star strings, percentages and progress widths."""

from django import template
from django.utils import timezone

from wuxing.core import rules

register = template.Library()

MAX_STARS = 5


@register.filter
def mask_phone(value):
    """138****1234 — lists and pages never show a full number (R16)."""
    return rules.mask_phone(value)


@register.filter
def mask_id(value):
    """First 6 + 8 stars + last 4 of an ID number (R16)."""
    return rules.mask_id_number(value)


def _level(value) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return 0
    return max(0, min(MAX_STARS, level))


@register.filter
def stars(value):
    """A level as filled and empty stars: 3 → ★★★☆☆."""
    level = _level(value)
    return "★" * level + "☆" * (MAX_STARS - level)


def _fraction(value) -> float:
    try:
        fraction = float(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, min(1.0, fraction))


@register.filter
def pct(value):
    """A fraction 0..1 as a whole percentage: 0.634 → 63%."""
    return f"{round(_fraction(value) * 100)}%"


@register.filter
def pct_class(value):
    """The width class of a progress bar, rounded to 5 %: 0.634 → w-pct-65 (inline styles are barred by CSP)."""
    return f"w-pct-{round(_fraction(value) * 20) * 5}"


@register.filter
def is_locked(locked_until):
    """Whether an account's lock-out is still in force."""
    return rules.is_locked(locked_until, timezone.now())
