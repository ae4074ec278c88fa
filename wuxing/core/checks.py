"""System checks of the core: the audit retention may not be set below the 180-day minimum (等保 2.0)."""

from django.conf import settings
from django.core.checks import Error, register

from .models import AUDIT_RETENTION_MIN_DAYS


@register()
def audit_retention_check(app_configs, **kwargs):
    days = getattr(settings, "WUXING_AUDIT_RETENTION_DAYS", AUDIT_RETENTION_MIN_DAYS)
    if not isinstance(days, int) or days < AUDIT_RETENTION_MIN_DAYS:
        return [
            Error(
                f"WUXING_AUDIT_RETENTION_DAYS is {days!r}; audit records must be kept at least "
                f"{AUDIT_RETENTION_MIN_DAYS} days.",
                id="core.E180",
            )
        ]
    return []
