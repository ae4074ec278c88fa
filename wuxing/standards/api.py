"""This app's part of /api/v1/: standards with their stars, indicators and rules, read-only."""

from django.db.models import Prefetch
from rest_framework import serializers

from wuxing.api.views import ScopedReadViewSet

from .filtersets import StandardFilterSet
from .models import Indicator, Standard, Star, StarRule
from .selectors import standard_list


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
        fields = [
            "code",
            "star_set",
            "position",
            "name",
            "description",
            "responsible_department",
            "requires_committee_decision",
            "indicators",
        ]


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


class StandardViewSet(ScopedReadViewSet):
    serializer_class = StandardSerializer
    filterset_class = StandardFilterSet

    def get_queryset(self):
        stars = Star.objects.order_by("star_set", "position").prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("position"))
        )
        return standard_list(user=self.request.user).prefetch_related(Prefetch("stars", queryset=stars), "rules")


def register(router):
    router.register("standards", StandardViewSet, basename="standard")
