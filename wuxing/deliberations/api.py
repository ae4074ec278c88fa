"""This app's part of /api/v1/: deliberations with their steps (+ implementation / close), the steps' attachments,
and `deliberation-steps`: the last recorded step corrected (PUT/PATCH), deleted with a reason (DELETE) and the
deletion undone within the undo window (`restore`), through the same services as the pages.

Attachments are uploaded as multipart with a step, through the same service as the page
(`wuxing.core.uploads.store_evidence`), and downloaded, with the caller's token, from an API route that checks scope
through the same selector as the page.
"""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_list
from wuxing.core.filters import MAX_ID
from wuxing.core.uploads import evidence_response
from wuxing.org.models import Branch
from wuxing.targets.selectors import target_summaries

from . import rules, selectors, services
from .choices import MatterKind, MeetingForm, Step
from .filtersets import DeliberationFilterSet
from .models import Deliberation, DeliberationStep, StepAttachment


def _branch(user, value):
    qs = Branch.objects.restrict(user, "view")
    value = str(value)
    is_id = value.isdigit() and len(value) < 19  # a longer number is no id (and would overflow the database's)
    branch = qs.filter(code=value).first() or (qs.filter(pk=int(value)).first() if is_id else None)
    if branch is None:
        raise serializers.ValidationError({"branch": [_("Unknown branch, or outside your scope.")]})
    return branch


class StepAttachmentSerializer(serializers.ModelSerializer):
    """A stored attachment: its name, type, size and checksum, and the API address it downloads from (in scope)."""

    name = serializers.CharField(source="original_name", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = StepAttachment
        fields = ["id", "name", "content_type", "size", "sha256", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        url = reverse("api-deliberations-step-attachment", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


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
            "should_attend_reason",
            "attendance_flagged",
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
        read_only_fields = ["position", "published_until", "recorded_at", "attendance_flagged"]


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
    campaign = serializers.IntegerField(
        source="campaign_id", required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
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

    filterset_class = DeliberationFilterSet

    def get_queryset(self):
        return (
            selectors.deliberation_list(user=self.request.user)
            .select_related(None)
            .select_related("branch")
            .prefetch_related("steps__attachments")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        branch = _branch(request.user, data["branch"])
        campaign = None
        if data.get("campaign_id"):
            campaign = campaign_list(user=request.user).filter(pk=data["campaign_id"]).first()
            if campaign is None:
                raise serializers.ValidationError({"campaign": [_("Unknown campaign, or outside your scope.")]})
        target = (
            target_summaries(campaign=campaign, branch_ids=[branch.pk]).get(branch.pk)
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


class StepAttachmentDownloadView(APIView):
    """A deliberation step's attachment, for users who may see the deliberation (token or session); `?thumb=1` for the thumbnail."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        attachment = selectors.step_attachment_get(user=request.user, pk=pk)
        return evidence_response(attachment, thumbnail=request.query_params.get("thumb") == "1")


class StepChangeSerializer(serializers.Serializer):
    """A correction of the last recorded step: its kind and attachments stay; the checks of recording it run again."""

    held_on = serializers.DateField()
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    chair = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    meeting_form = serializers.ChoiceField(choices=MeetingForm.choices, required=False, allow_blank=True, default="")
    should_attend = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    should_attend_reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    attended = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    households_represented = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    yes = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    no = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    abstain = serializers.IntegerField(min_value=0, max_value=100000, required=False, allow_null=True)
    minutes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


STEP_CHANGE_FIELDS = list(StepChangeSerializer().fields)


class StepDeleteSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="Why the step is deleted (kept in the audit log).")


def _may_record(user):
    if not user.has_perm("deliberations.record_deliberation"):
        raise PermissionDenied(_("Only the branch records its deliberations."))


class StepViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The recorded steps, in scope. Only the last step of an open deliberation is corrected (PUT: every field as
    on the page's form; PATCH: the fields sent) or deleted (with a `reason`), and `restore` undoes a deletion for a
    few seconds, as on the pages; a refused change is a 400 with the page's Chinese message and writes nothing."""

    serializer_class = StepSerializer
    permission_classes = [ModelViewPermission]
    queryset = DeliberationStep.objects.none()  # for the schema; get_queryset scopes the real one

    def get_queryset(self):
        return selectors.step_list(user=self.request.user)

    def _change(self, request, *, partial: bool):
        step = self.get_object()
        _may_record(request.user)
        body = StepChangeSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        values = {name: getattr(step, name) for name in STEP_CHANGE_FIELDS} if partial else {}
        values.update(body.validated_data)
        services.step_update(actor=request.user, step=step, **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=step.pk)).data)

    @extend_schema(request=StepChangeSerializer, responses=StepSerializer)
    def update(self, request, *args, **kwargs):
        return self._change(request, partial=False)

    @extend_schema(request=StepChangeSerializer, responses=StepSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self._change(request, partial=True)

    @extend_schema(request=StepDeleteSerializer, responses={204: None})
    def destroy(self, request, *args, **kwargs):
        step = self.get_object()
        _may_record(request.user)
        body = StepDeleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.step_delete(actor=request.user, step=step, reason=body.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=StepSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        if not str(pk).isdigit() or len(str(pk)) > 18:
            raise NotFound
        _may_record(request.user)
        step = services.step_restore(actor=request.user, pk=int(pk))
        return Response(self.get_serializer(self.get_queryset().get(pk=step.pk)).data)


urlpatterns = [
    path(
        "deliberation-attachments/<int:pk>/",
        StepAttachmentDownloadView.as_view(),
        name="api-deliberations-step-attachment",
    ),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("deliberations", DeliberationViewSet, basename="deliberation")
    router.register("deliberation-steps", StepViewSet, basename="deliberation-step")
