"""Reads of the audit log: the auditor's only view of the system."""

import datetime

from django.utils import timezone

from .models import AuditLog


def audit_list(*, user, filters: dict | None = None):
    filters = filters or {}
    qs = AuditLog.objects.restrict(user, "view")
    if filters.get("user"):
        qs = qs.filter(actor_name__icontains=filters["user"])
    if filters.get("action"):
        qs = qs.filter(action__icontains=filters["action"])
    if filters.get("object_type"):
        qs = qs.filter(object_type=filters["object_type"])
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(at__gte=datetime.datetime.combine(filters["date_from"], datetime.time.min, tzinfo=tz))
    if filters.get("date_to"):
        qs = qs.filter(
            at__lt=datetime.datetime.combine(
                filters["date_to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
            )
        )
    return qs
