"""Reads of the audit log: the auditor's only view of the system."""

from .models import AuditLog


def audit_list(*, user):
    """The audit log, newest first, for the auditor; lists filter it with filtersets.AuditLogFilterSet."""
    return AuditLog.objects.restrict(user, "view")
