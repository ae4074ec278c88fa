"""This app's part of /api/v1/: `assignments` and `assignment-activities`, through the same services as the pages."""

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from wuxing.api.fields import ScopedPrimaryKeyRelatedField
from wuxing.api.permissions import ModelViewPermission

from . import selectors, services
from .models import Activity, CampaignAssignment

urlpatterns = []


_ScopedPK = ScopedPrimaryKeyRelatedField


def _campaigns(user):
    from wuxing.campaigns.selectors import campaign_list

    return campaign_list(user=user)


def _branches(user):
    from wuxing.org.selectors import branch_list

    return branch_list(user=user)


def _departments(user):
    from wuxing.org.selectors import department_list

    return department_list(user=user)


def _leaders(user):
    from wuxing.org.models import Person

    return Person.objects.restrict(user, "view").filter(is_leader=True)


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

    def get_queryset(self):
        qs = selectors.with_kind_counts(selectors.assignment_list(user=self.request.user))
        if self.request.query_params.get("campaign", "").isdigit():
            qs = qs.filter(campaign_id=int(self.request.query_params["campaign"]))
        return qs.order_by("campaign_id", "assignment__branch__sort_order", "assignment__branch__code", "id")

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
        from django.urls import reverse

        return reverse("liaison:evidence_file", args=[obj.pk])


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


class ActivityViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """五个一 activities; evidence files are sent as multipart `evidence` (one or more)."""

    serializer_class = ActivitySerializer
    permission_classes = [ModelViewPermission]
    queryset = Activity.objects.none()  # for the schema; get_queryset scopes the real one
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        qs = selectors.activity_list(user=self.request.user)
        if self.request.query_params.get("assignment", "").isdigit():
            qs = qs.filter(campaign_assignment_id=int(self.request.query_params["assignment"]))
        return qs.order_by("-held_on", "-id")

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


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("assignments", AssignmentViewSet, basename="assignment")
    router.register("assignment-activities", ActivityViewSet, basename="assignment-activity")
