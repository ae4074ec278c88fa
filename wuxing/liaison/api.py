"""This app's part of /api/v1/: `assignments`, `assignment-activities` and their evidence files, through the same
selectors, services and FilterSets as the pages."""

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.fields import ScopedPrimaryKeyRelatedField
from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_list
from wuxing.core.uploads import evidence_response
from wuxing.org.selectors import branch_list, department_list, person_list

from . import selectors, services
from .filtersets import ActivityFilterSet, AssignmentFilterSet
from .models import Activity, CampaignAssignment

_ScopedPK = ScopedPrimaryKeyRelatedField


def _campaigns(user):
    return campaign_list(user=user)


def _branches(user):
    return branch_list(user=user)


def _departments(user):
    return department_list(user=user)


def _leaders(user):
    return person_list(user=user).filter(is_leader=True)


class AssignmentSerializer(serializers.ModelSerializer):
    campaign = _ScopedPK(scoped=_campaigns)
    branch = _ScopedPK(scoped=_branches, source="assignment.branch")
    department = _ScopedPK(scoped=_departments, source="assignment.department", required=False, allow_null=True)
    leader = _ScopedPK(scoped=_leaders, source="assignment.leader", required=False, allow_null=True)
    branch_name = serializers.CharField(source="assignment.branch.name", read_only=True)
    responsible = serializers.SerializerMethodField()
    missing_kinds = serializers.SerializerMethodField()
    complete = serializers.SerializerMethodField()

    class Meta:
        model = CampaignAssignment
        fields = [
            "id",
            "campaign",
            "branch",
            "branch_name",
            "department",
            "leader",
            "responsible",
            "missing_kinds",
            "complete",
            "pledged_people",
            "pledged_funds",
            "pledged_projects",
            "delivered_people",
            "delivered_funds",
            "delivered_projects",
            "note",
        ]

    def get_responsible(self, obj) -> str:
        return str(obj.responsible)

    def get_missing_kinds(self, obj) -> list[str]:
        return selectors.missing_kinds_of(obj)

    def get_complete(self, obj) -> bool:
        return not selectors.missing_kinds_of(obj)


class AssignmentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Campaign assignments (联系分包) with the 五个一 kinds still missing (R9)."""

    serializer_class = AssignmentSerializer
    permission_classes = [ModelViewPermission]
    queryset = CampaignAssignment.objects.none()  # for the schema; get_queryset scopes the real one
    http_method_names = ["get", "post", "patch", "head", "options"]

    filterset_class = AssignmentFilterSet

    def get_queryset(self):
        return selectors.tracker(user=self.request.user).order_by(
            "campaign_id", "assignment__branch__sort_order", "assignment__branch__code", "id"
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        assignment = data.pop("assignment")
        row = services.campaign_assignment_create(
            actor=request.user,
            branch=assignment["branch"],
            department=assignment.get("department"),
            leader=assignment.get("leader"),
            **{
                k: v
                for k, v in data.items()
                if k in {"campaign", "pledged_people", "pledged_funds", "pledged_projects", "note"}
            },
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        row = self.get_object()
        fields = {k: request.data[k] for k in services.CONTRIBUTION_FIELDS if k in request.data}
        services.campaign_assignment_update(actor=request.user, campaign_assignment=row, **fields)
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        """Downloads with the caller's token (or session); `?thumb=1` for an image's thumbnail."""
        return reverse("api-liaison-evidence", args=[obj.pk])


class ActivitySerializer(serializers.ModelSerializer):
    assignment = _ScopedPK(scoped=lambda user: selectors.assignment_list(user=user), source="campaign_assignment")
    kind = serializers.CharField(max_length=24)
    evidence = serializers.ListField(child=serializers.FileField(), write_only=True, required=False)
    evidence_files = EvidenceSerializer(source="evidence.all", many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "assignment",
            "kind",
            "held_on",
            "participants",
            "notes",
            "evidence",
            "evidence_files",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class ActivityChangeSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=24)
    held_on = serializers.DateField()
    participants = serializers.CharField(max_length=2000)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class DeleteSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ActivityViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """五个一 activities; evidence files are sent as multipart `evidence` (one or more). PUT corrects one, DELETE
    (with a `reason`) removes it, and `restore` undoes the deletion within 10 seconds, as on the pages."""

    serializer_class = ActivitySerializer
    permission_classes = [ModelViewPermission]
    queryset = Activity.objects.none()  # for the schema; get_queryset scopes the real one
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_class = ActivityFilterSet

    def get_queryset(self):
        return selectors.activity_list(user=self.request.user).order_by("-held_on", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        files = request.FILES.getlist("evidence") if hasattr(request, "FILES") else []
        activity = services.activity_record(
            actor=request.user,
            campaign_assignment=data["campaign_assignment"],
            kind=data["kind"],
            held_on=data["held_on"],
            participants=data["participants"],
            notes=data.get("notes", ""),
            evidence=files,
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=activity.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=ActivityChangeSerializer, responses=ActivitySerializer)
    def update(self, request, *args, **kwargs):
        activity = self.get_object()
        body = ActivityChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.activity_update(actor=request.user, activity=activity, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data)

    @extend_schema(request=DeleteSerializer, responses={204: None})
    def destroy(self, request, *args, **kwargs):
        activity = self.get_object()
        body = DeleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.activity_delete(actor=request.user, activity=activity, reason=body.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ActivitySerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        if not str(pk).isdigit():
            raise NotFound
        activity = services.activity_restore(actor=request.user, pk=int(pk))
        return Response(self.get_serializer(self.get_queryset().get(pk=activity.pk)).data)


class EvidenceDownloadView(APIView):
    """An activity's evidence file, for users who may see the activity (token or session); `?thumb=1` for the
    thumbnail. The same scoped selector as the page's download."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        evidence = selectors.evidence_get(user=request.user, pk=pk)
        return evidence_response(evidence, thumbnail=request.query_params.get("thumb") == "1")


urlpatterns = [
    path("liaison/evidence/<int:pk>/", EvidenceDownloadView.as_view(), name="api-liaison-evidence"),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("assignments", AssignmentViewSet, basename="assignment")
    router.register("assignment-activities", ActivityViewSet, basename="assignment-activity")
