"""This app's part of /api/v1/: targets (+ submit / return / agree), confirm-targets, deliberations with steps, letters.

Files (a step's attachments, a baseline entry's evidence) are uploaded as multipart through the same services as
the pages (`wuxing.core.uploads.store_evidence`) and downloaded from API routes that check scope through the
selectors.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_list
from wuxing.core.uploads import clean_uploads, evidence_response
from wuxing.org.models import Branch

from . import rules, selectors, services
from .choices import MatterKind, MeetingForm, Step
from .models import (
    BaselineEntry,
    BaselineEvidence,
    Deliberation,
    DeliberationStep,
    Pledge,
    StepAttachment,
    Target,
    TargetRound,
)


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request else url


def _branch(user, value):
    qs = Branch.objects.restrict(user, "view")
    branch = qs.filter(code=str(value)).first() or (qs.filter(pk=int(value)).first() if str(value).isdigit() else None)
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
    campaign = serializers.IntegerField(source="campaign_id")
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

    def get_queryset(self):
        qs = (
            Target.objects.restrict(self.request.user, "view")
            .select_related("branch", "campaign")
            .prefetch_related("stars", "required_stars", "rounds")
            .order_by("campaign__year", "branch__sort_order", "branch__code")
        )
        params = self.request.query_params
        if params.get("campaign", "").isdigit():
            qs = qs.filter(campaign_id=int(params["campaign"]))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs

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
        campaign = get_object_or_404(campaign_list(user=request.user), pk=pk)
        count = services.targets_confirm(actor=request.user, campaign=campaign)
        return Response({"confirmed": count, "campaign": campaign.pk})


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


class StepAttachmentSerializer(_FileSerializer):
    url_name = "api-targets-step-attachment"

    class Meta(_FileSerializer.Meta):
        model = StepAttachment


class BaselineEvidenceSerializer(_FileSerializer):
    url_name = "api-targets-baseline-evidence"

    class Meta(_FileSerializer.Meta):
        model = BaselineEvidence


class StepSerializer(serializers.ModelSerializer):
    step = serializers.ChoiceField(choices=Step.choices)
    meeting_form = serializers.ChoiceField(choices=MeetingForm.choices, required=False, allow_blank=True)
    attachments = StepAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = DeliberationStep
        fields = [
            "id",
            "step",
            "position",
            "merged",
            "held_on",
            "place",
            "chair",
            "meeting_form",
            "should_attend",
            "attended",
            "households_represented",
            "yes",
            "no",
            "abstain",
            "minutes",
            "published_until",
            "recorded_at",
            "attachments",
        ]
        read_only_fields = ["position", "published_until", "recorded_at"]


class StepUploadSerializer(StepSerializer):
    """A step recorded as multipart: the step's fields and its files in the repeatable field `attachments`."""

    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        write_only=True,
        help_text="Files of the step (JPEG, PNG, WebP or PDF), repeatable; a refused file refuses the step.",
    )


class DeliberationSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(help_text="Branch code (or id)")
    matter = serializers.ChoiceField(choices=MatterKind.choices, default=MatterKind.TARGET)
    campaign = serializers.IntegerField(source="campaign_id", required=False, allow_null=True)
    steps = StepSerializer(many=True, read_only=True)
    next_step = serializers.SerializerMethodField()

    class Meta:
        model = Deliberation
        fields = [
            "id",
            "branch",
            "subject",
            "matter",
            "campaign",
            "procedure",
            "publication_days",
            "status",
            "implementation",
            "implemented_on",
            "steps",
            "next_step",
            "created_at",
            "closed_at",
        ]
        read_only_fields = [
            "procedure",
            "publication_days",
            "status",
            "implementation",
            "implemented_on",
            "created_at",
            "closed_at",
        ]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["branch"] = obj.branch.code
        return data

    def get_next_step(self, obj) -> str | None:
        return rules.next_step(obj.procedure, [(s.step, s.merged) for s in obj.steps.all()])


class ImplementationSerializer(serializers.Serializer):
    implemented_on = serializers.DateField()
    implementation = serializers.CharField()


class DeliberationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = DeliberationSerializer
    permission_classes = [ModelViewPermission]

    def get_queryset(self):
        return (
            selectors.deliberation_list(user=self.request.user, filters=self.request.query_params)
            .select_related(None)
            .select_related("branch")
            .prefetch_related("steps__attachments")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        branch = _branch(request.user, data["branch"])
        campaign = (
            campaign_list(user=request.user).filter(pk=data.get("campaign_id")).first()
            if data.get("campaign_id")
            else None
        )
        target = (
            Target.objects.filter(campaign=campaign, branch=branch).first()
            if campaign and data["matter"] == MatterKind.TARGET
            else None
        )
        deliberation = services.deliberation_create(
            actor=request.user,
            branch=branch,
            subject=data["subject"],
            matter=data["matter"],
            campaign=campaign,
            target=target,
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=deliberation.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["GET"], responses=StepSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": StepUploadSerializer, "application/json": StepSerializer},
        responses={201: StepSerializer},
        description="Record the next step. As multipart, files go in the repeatable field `attachments`; "
        "a refused file refuses the step (400) and nothing is stored.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
        pagination_class=None,
    )
    def steps(self, request, pk=None):
        deliberation = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(StepSerializer(deliberation.steps.all(), many=True, context=context).data)
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        files = request.FILES.getlist("attachments")
        if files and not request.user.has_perm("targets.record_deliberation"):
            raise PermissionDenied(_("Only the branch records its deliberations."))
        step = services.step_record(actor=request.user, deliberation=deliberation, attachments=files, **data)
        step = DeliberationStep.objects.prefetch_related("attachments").get(pk=step.pk)
        return Response(StepSerializer(step, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ImplementationSerializer, responses=DeliberationSerializer)
    @action(detail=True, methods=["post"])
    def implementation(self, request, pk=None):
        deliberation = self.get_object()
        body = ImplementationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.deliberation_record_implementation(
            actor=request.user, deliberation=deliberation, **body.validated_data
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=deliberation.pk)).data)

    @extend_schema(request=None, responses=DeliberationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        deliberation = self.get_object()
        services.deliberation_close(actor=request.user, deliberation=deliberation)
        return Response(self.get_serializer(self.get_queryset().get(pk=deliberation.pk)).data)


class PledgeSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(source="target_id", read_only=True)
    branch = serializers.CharField(source="target.branch.code", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = [
            "id",
            "target",
            "branch",
            "number",
            "status",
            "content",
            "content_sha256",
            "secretary_confirmed_at",
            "leader_confirmed_at",
            "void_reason",
            "created_at",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str:
        url = reverse("targets:pledge_pdf", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class PledgeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PledgeSerializer
    permission_classes = [ModelViewPermission]

    def get_queryset(self):
        return selectors.pledge_list(user=self.request.user)

    @extend_schema(request=None, responses=PledgeSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        pledge = self.get_object()
        side = request.data.get("side") or None
        pledge = services.pledge_confirm(
            actor=request.user, pledge=pledge, side=side if side in ("secretary", "leader") else None
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pledge.pk)).data)


class StepAttachmentDownloadView(APIView):
    """A deliberation step's attachment, for users who may see the deliberation (token or session); `?thumb=1` for the thumbnail."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        attachment = selectors.step_attachment_get(user=request.user, pk=pk)
        return evidence_response(attachment, thumbnail=request.query_params.get("thumb") == "1")


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
        if not request.user.has_perm("targets.change_baseline"):
            raise PermissionDenied(_("You may not record baseline surveys."))
        files = request.FILES.getlist("evidence")
        if not files:
            raise serializers.ValidationError({"evidence": [_("Choose at least one file.")]})
        files = clean_uploads(files, field="evidence")  # all checked before any is stored
        with transaction.atomic():
            for upload in files:
                services.baseline_add_evidence(actor=request.user, entry=entry, upload=upload)
        entry = selectors.baseline_entry_get(user=request.user, pk=pk)
        return Response(
            BaselineEntrySerializer(entry, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


urlpatterns = [
    path("campaigns/<int:pk>/confirm-targets/", ConfirmTargetsView.as_view(), name="campaign-confirm-targets"),
    path(
        "deliberation-attachments/<int:pk>/", StepAttachmentDownloadView.as_view(), name="api-targets-step-attachment"
    ),
    path(
        "baseline-entries/<int:pk>/evidence/", BaselineEntryEvidenceView.as_view(), name="api-baseline-entry-evidence"
    ),
    path("baseline-evidence/<int:pk>/", BaselineEvidenceDownloadView.as_view(), name="api-targets-baseline-evidence"),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("targets", TargetViewSet, basename="target")
    router.register("deliberations", DeliberationViewSet, basename="deliberation")
    router.register("pledges", PledgeViewSet, basename="pledge")
