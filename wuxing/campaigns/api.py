"""This app's part of /api/v1/: campaigns with their standard and quotas, scoped; created and changed through the
same services as the pages."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from wuxing.api.views import ScopedReadViewSet
from wuxing.org.selectors import office_list
from wuxing.standards.selectors import standard_list

from . import services
from .choices import CampaignStatus
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


class CampaignWriteSerializer(serializers.Serializer):
    office = serializers.CharField(max_length=32, required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    standard = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    work_plan = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    status = serializers.ChoiceField(choices=CampaignStatus.choices, required=False)
    quotas = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=10_000), required=False)


def _standard(user, pk):
    standard = standard_list(user=user).filter(pk=pk).first()
    if standard is None:
        raise serializers.ValidationError({"standard": [_("Unknown standard.")]})
    return standard


class CampaignWriteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, CampaignViewSet):
    """Campaigns. POST {office (code), year, standard (id), [name, work_plan, quotas {"5": 2, …}]};
    PATCH name, work_plan, standard (in preparation), quotas, status (one step, with the page's checks)."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return CampaignWriteSerializer if self.request.method in ("POST", "PATCH") else CampaignSerializer

    def _data(self, request, required=()):
        serializer = CampaignWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        missing = [k for k in required if k not in data]
        if missing:
            raise serializers.ValidationError({k: [_("This field is required.")] for k in missing})
        if "standard" in data:
            data["standard"] = _standard(request.user, data["standard"])
        if "quotas" in data:
            try:
                data["quotas"] = {int(k): v for k, v in data["quotas"].items()}
            except ValueError:
                raise serializers.ValidationError(
                    {"quotas": [_("A quota level must be between 1 and 5 stars.")]}
                ) from None
        return data

    def _read(self, campaign):
        return CampaignSerializer(campaign_list(user=self.request.user).get(pk=campaign.pk)).data

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        data = self._data(request, required=("office", "year", "standard"))
        office = office_list(user=request.user).filter(code=data.pop("office")).first()
        if office is None:
            raise serializers.ValidationError({"office": [_("Unknown office or outside your scope.")]})
        quotas = data.pop("quotas", None)
        data.pop("status", None)
        campaign = services.campaign_create(actor=request.user, office=office, **data)
        if quotas is not None:
            services.campaign_set_quotas(actor=request.user, campaign=campaign, quotas=quotas)
        return Response(self._read(campaign), status=201)

    @transaction.atomic
    def partial_update(self, request, *args, **kwargs):
        campaign = Campaign.objects.restrict(request.user, "change").filter(pk=kwargs["pk"]).first()
        if campaign is None:
            raise NotFound()
        data = self._data(request)
        if "office" in data or "year" in data:
            raise serializers.ValidationError({"year": [_("This field cannot be changed here.")]})
        quotas, status = data.pop("quotas", None), data.pop("status", None)
        if data:
            services.campaign_update(actor=request.user, campaign=campaign, **data)
        if quotas is not None:
            services.campaign_set_quotas(actor=request.user, campaign=campaign, quotas=quotas)
        if status is not None:
            services.campaign_set_status(actor=request.user, campaign=campaign, status=status)
        return Response(self._read(campaign))


def register(router):
    router.register("campaigns", CampaignWriteViewSet, basename="campaign")
