"""API representations of core records. Personal numbers are always masked (R16)."""

from rest_framework import serializers

from wuxing.core.models import AuditLog


class AuditLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLog
        fields = [
            "id",
            "at",
            "actor_name",
            "ip_address",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "note",
        ]
