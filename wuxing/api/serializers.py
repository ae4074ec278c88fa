"""API representations. Personal numbers are always masked here (R16)."""

from rest_framework import serializers

from wuxing.campaigns.models import Campaign
from wuxing.campaigns.rules import quotas_as_api
from wuxing.core.models import AuditLog
from wuxing.core.rules import mask_phone
from wuxing.org.models import Branch, Department
from wuxing.standards.models import Indicator, Standard, Star, StarRule


class BranchSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code", read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)
    secretary = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()
    leaders = serializers.SerializerMethodField()

    class Meta:
        model = Branch
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "star_set",
            "office",
            "office_name",
            "secretary",
            "party_members",
            "representatives",
            "households",
            "adult_population",
            "secretary_chairs_committee",
            "departments",
            "leaders",
        ]

    def get_secretary(self, obj) -> dict | None:
        if obj.secretary is None:
            return None
        return {
            "name": obj.secretary.name,
            "position": obj.secretary.position,
            "phone": mask_phone(obj.secretary.phone),
        }

    def get_departments(self, obj) -> list[str]:
        return [a.department.name for a in getattr(obj, "active_assignments", []) if a.department_id]

    def get_leaders(self, obj) -> list[str]:
        return [a.leader.name for a in getattr(obj, "active_assignments", []) if a.leader_id]


class DepartmentSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "office", "duties"]


class CampaignSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code", read_only=True)
    standard = serializers.SerializerMethodField()
    quotas = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "office", "year", "name", "status", "standard", "quotas"]

    def get_standard(self, obj) -> dict:
        return {"id": obj.standard_id, "code": obj.standard.code, "version": obj.standard.version}

    def get_quotas(self, obj) -> dict[str, int]:
        return quotas_as_api({q.level: q.count for q in obj.quotas.all()})


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "text",
            "kind",
            "unit",
            "comparison",
            "threshold",
            "weight",
            "evidence_required",
            "responsible_department",
            "veto",
        ]


class StarSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Star
        fields = ["code", "star_set", "position", "name", "description", "responsible_department", "indicators"]


class StarRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = StarRule
        fields = ["star_set", "kind", "star_code", "requires_star_code", "indicator_code", "description"]


class StandardSerializer(serializers.ModelSerializer):
    stars = StarSerializer(many=True, read_only=True)
    rules = StarRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Standard
        fields = ["id", "code", "version", "name", "is_example", "description", "stars", "rules"]


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
