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


class TokenRequestSerializer(serializers.Serializer):
    """The token endpoint's input: two strings, of a length a user name and a password can have."""

    username = serializers.CharField(max_length=150, allow_blank=True, trim_whitespace=False)
    password = serializers.CharField(max_length=1024, allow_blank=True, trim_whitespace=False)
