"""This app's part of /api/v1/: targets (+ submit / return / agree), agree-targets, confirm-targets, baseline entries and evidence.

Evidence files are uploaded as multipart through the same services as the pages (`wuxing.core.uploads.store_evidence`)
and downloaded, with the caller's token, from API routes that check scope through the same selectors as the pages.
"""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_for, campaign_list
from wuxing.core.filters import MAX_ID
from wuxing.core.uploads import evidence_response
from wuxing.org.models import Branch

from . import selectors, services
from .filtersets import TargetFilterSet
from .models import BaselineEntry, BaselineEvidence, Target, TargetRound


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request else url


def _branch(user, value):
    qs = Branch.objects.restrict(user, "view")
    value = str(value)
    is_id = value.isdigit() and len(value) < 19  # a longer number is no id (and would overflow the database's)
    branch = qs.filter(code=value).first() or (qs.filter(pk=int(value)).first() if is_id else None)
    if branch is None:
        raise serializers.ValidationError({"branch": [_("Unknown branch, or outside your scope.")]})
    return branch


class RoundSerializer(serializers.ModelSerializer):
    stars = serializers.ListField(source="star_codes", child=serializers.CharField())

    class Meta:
        model = TargetRound
        fields = ["action", "level", "stars", "reason", "actor_name", "at"]


class TargetSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(help_text="Branch code (or id)")
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    campaign = serializers.IntegerField(source="campaign_id", min_value=1, max_value=MAX_ID)
    stars = serializers.ListField(
        child=serializers.CharField(), write_only=True, help_text="Star codes of the branch's star set"
    )
    required_stars = serializers.SerializerMethodField()
    rounds = RoundSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "campaign",
            "branch",
            "branch_name",
            "stars",
            "required_stars",
            "level",
            "status",
            "reason",
            "office_note",
            "submitted_at",
            "agreed_at",
            "confirmed_at",
            "rounds",
        ]
        read_only_fields = ["level", "status", "office_note", "submitted_at", "agreed_at", "confirmed_at"]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["branch"] = obj.branch.code
        data["stars"] = [s.code for s in obj.stars.all()]
        return data

    def get_required_stars(self, obj) -> list[str]:
        return [s.code for s in obj.required_stars.all()]


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    stars = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class TargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Targets within the user's scope. Creating or updating keeps a draft; `submit` sends it to the office."""

    serializer_class = TargetSerializer
    permission_classes = [ModelViewPermission]

    filterset_class = TargetFilterSet

    def get_queryset(self):
        return selectors.target_list(user=self.request.user)

    def _campaign(self, pk):
        campaign = campaign_list(user=self.request.user).filter(pk=pk).first()
        if campaign is None:
            raise serializers.ValidationError({"campaign": [_("Unknown campaign, or outside your scope.")]})
        return campaign

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = services.target_save_draft(
            actor=request.user,
            campaign=self._campaign(data["campaign_id"]),
            branch=_branch(request.user, data["branch"]),
            stars=data["stars"],
            reason=data.get("reason", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        target = self.get_object()
        stars = request.data.get("stars", [s.code for s in target.stars.all()])
        services.target_save_draft(
            actor=request.user,
            campaign=target.campaign,
            branch=target.branch,
            stars=stars,
            reason=request.data.get("reason", target.reason),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        target = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        stars = body.validated_data["stars"] or [s.code for s in target.stars.all()]
        services.target_submit(
            actor=request.user,
            campaign=target.campaign,
            branch=target.branch,
            stars=stars,
            reason=body.validated_data["reason"] or target.reason,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        target = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.target_return(
            actor=request.user,
            target=target,
            reason=body.validated_data["reason"],
            stars=body.validated_data["stars"] or None,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        target = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.target_agree(actor=request.user, target=target, note=body.validated_data["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)


class ConfirmResultSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    campaign = serializers.IntegerField()


class ConfirmTargetsView(APIView):
    """POST /api/v1/campaigns/{id}/confirm-targets/: confirm every agreed target at once, only if R4 holds."""

    @extend_schema(request=None, responses=ConfirmResultSerializer)
    def post(self, request, pk: int):
        campaign = campaign_for(user=request.user, request=request, params={"campaign": str(pk)})
        count = services.targets_confirm(actor=request.user, campaign=campaign)
        return Response({"confirmed": count, "campaign": campaign.pk})


class AgreeTargetsSerializer(serializers.Serializer):
    targets = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), allow_empty=False, max_length=1000
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class AgreeTargetsResultSerializer(serializers.Serializer):
    agreed = serializers.ListField(child=serializers.IntegerField())
    campaign = serializers.IntegerField()


class AgreeTargetsView(APIView):
    """POST /api/v1/campaigns/{id}/agree-targets/: agree several submitted applications at once, all or none (the
    targets board's batch, through the same service)."""

    @extend_schema(request=AgreeTargetsSerializer, responses=AgreeTargetsResultSerializer)
    def post(self, request, pk: int):
        campaign = campaign_for(user=request.user, request=request, params={"campaign": str(pk)})
        body = AgreeTargetsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        agreed = services.targets_agree(
            actor=request.user,
            campaign=campaign,
            target_ids=body.validated_data["targets"],
            note=body.validated_data["note"],
        )
        return Response({"agreed": [t.pk for t in agreed], "campaign": campaign.pk})


class _FileSerializer(serializers.ModelSerializer):
    """A stored file: its name, type, size and checksum, and the API address it downloads from (within scope)."""

    url_name = ""
    name = serializers.CharField(source="original_name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), reverse(self.url_name, args=[obj.pk]))


class BaselineEvidenceSerializer(_FileSerializer):
    url_name = "api-targets-baseline-evidence"

    class Meta(_FileSerializer.Meta):
        model = BaselineEvidence


class BaselineEvidenceDownloadView(APIView):
    """A baseline entry's evidence file, for users who may see the branch's baseline; `?thumb=1` for the thumbnail."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        evidence = selectors.baseline_evidence_get(user=request.user, pk=pk)
        return evidence_response(evidence, thumbnail=request.query_params.get("thumb") == "1")


class BaselineEntrySerializer(serializers.ModelSerializer):
    baseline = serializers.IntegerField(source="baseline_id", read_only=True)
    branch = serializers.CharField(source="baseline.branch.code", read_only=True)
    campaign = serializers.IntegerField(source="baseline.campaign_id", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = BaselineEntry
        fields = ["id", "baseline", "branch", "campaign", "indicator", "rating", "note", "evidence"]
        read_only_fields = fields

    @extend_schema_field(BaselineEvidenceSerializer(many=True))
    def get_evidence(self, obj):
        request = self.context.get("request")
        qs = (
            BaselineEvidence.objects.restrict(request.user, "view").filter(entry=obj) if request else obj.evidence.all()
        )
        return BaselineEvidenceSerializer(qs.order_by("uploaded_at", "id"), many=True, context=self.context).data


class BaselineEvidenceUploadSerializer(serializers.Serializer):
    evidence = serializers.ListField(
        child=serializers.FileField(),
        help_text="Files (JPEG, PNG, WebP or PDF), repeatable; a refused file refuses them all.",
    )


class BaselineEntryEvidenceView(APIView):
    """A baseline entry (对表摸排, one indicator) with its evidence; POST adds evidence files (multipart, field `evidence`)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=BaselineEntrySerializer)
    def get(self, request, pk: int):
        entry = selectors.baseline_entry_get(user=request.user, pk=pk)
        return Response(BaselineEntrySerializer(entry, context={"request": request}).data)

    @extend_schema(
        request={"multipart/form-data": BaselineEvidenceUploadSerializer}, responses={201: BaselineEntrySerializer}
    )
    def post(self, request, pk: int):
        entry = selectors.baseline_entry_get(user=request.user, pk=pk)
        files = request.FILES.getlist("evidence")
        if not files:
            raise serializers.ValidationError({"evidence": [_("Choose at least one file.")]})
        services.baseline_add_evidence(actor=request.user, entry=entry, uploads=files)
        entry = selectors.baseline_entry_get(user=request.user, pk=pk)
        return Response(
            BaselineEntrySerializer(entry, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path("campaigns/<int:pk>/confirm-targets/", ConfirmTargetsView.as_view(), name="campaign-confirm-targets"),
    path("campaigns/<int:pk>/agree-targets/", AgreeTargetsView.as_view(), name="campaign-agree-targets"),
    path(
        "baseline-entries/<int:pk>/evidence/", BaselineEntryEvidenceView.as_view(), name="api-baseline-entry-evidence"
    ),
    path("baseline-evidence/<int:pk>/", BaselineEvidenceDownloadView.as_view(), name="api-targets-baseline-evidence"),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("targets", TargetViewSet, basename="target")
