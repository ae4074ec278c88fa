"""Template filters of the check-in lists: item states as badges, figures without trailing zeros."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()

TONES = {"done": "green", "on_track": "blue", "behind": "amber", "overdue": "red"}


@register.filter
def state_tone(status) -> str:
    return TONES.get(getattr(status, "state", status), "grey")


@register.filter
def state_label(status) -> str:
    from ..choices import ItemState

    try:
        return str(ItemState(getattr(status, "state", status)).label)
    except ValueError:
        return ""


@register.filter
def figure(value) -> str:
    """12.50 → 12.5, 4.00 → 4; None → —."""
    if value is None or value == "":
        return "—"
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def yes_no_done(value) -> str:
    return _("Done") if value else _("Not done yet")
