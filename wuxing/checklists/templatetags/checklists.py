"""Template filters of the check-in lists: item states as badges, figures without trailing zeros."""

from django import template
from django.utils.translation import gettext as _

from wuxing.core.formatting import plain_number

from ..choices import ItemState

register = template.Library()

TONES = {"done": "green", "on_track": "blue", "behind": "amber", "overdue": "red"}


@register.filter
def state_tone(status) -> str:
    return TONES.get(getattr(status, "state", status), "grey")


@register.filter
def state_label(status) -> str:
    try:
        return str(ItemState(getattr(status, "state", status)).label)
    except ValueError:
        return ""


@register.filter
def figure(value) -> str:
    """12.50 → 12.5, 4.00 → 4; None → —."""
    if value is None or value == "":
        return "—"
    return plain_number(value)


@register.filter
def yes_no_done(value) -> str:
    return _("Done") if value else _("Not done yet")
