"""This app's part of /api/v1/: campaigns with their standard and quotas, read-only and scoped."""

from rest_framework import serializers

from wuxing.api.views import ScopedReadViewSet

from .filtersets import CampaignFilterSet
from .models import Campaign
from .rules import quotas_as_api
from .selectors import campaign_list


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


class CampaignViewSet(ScopedReadViewSet):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilterSet

    def get_queryset(self):
        return campaign_list(user=self.request.user)


def register(router):
    router.register("campaigns", CampaignViewSet, basename="campaign")
