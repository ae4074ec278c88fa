"""Supervision's part of /api/v1/: `observations` (with their sheets and rankings), `evaluations` (ranking rows with
`rank`), `inspections`, `inspection-findings` and `rectifications` with `POST …/{id}/transition/`; the same scoped
selectors, FilterSets and services as the pages."""

from django.db.models import F, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wuxing.api.permissions import ModelViewPermission

from . import rules, selectors, services
from .filtersets import (
    EvaluationFilterSet,
    FindingFilterSet,
    InspectionFilterSet,
    ObservationFilterSet,
    RectificationFilterSet,
)
from .models import Evaluation, EvaluationRow, Finding, Inspection, Observation, Rectification


class CriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    max_points = serializers.IntegerField()
    guidance = serializers.CharField()


class SheetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    version = serializers.IntegerField()
    criteria = CriterionSerializer(source="criteria.all", many=True)


class RankingRowSerializer(serializers.Serializer):
    branch = serializers.IntegerField(source="branch.pk")
    branch_name = serializers.CharField(source="branch.name")
    position = serializers.IntegerField(help_text="Place on the route.")
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    submitted = serializers.IntegerField(help_text="Observers who submitted a card for the branch.")
    expected = serializers.IntegerField()


class ObservationSerializer(serializers.ModelSerializer):
    cards = serializers.IntegerField(source="n_cards", read_only=True)
    submitted = serializers.IntegerField(source="n_submitted", read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "campaign",
            "title",
            "held_on",
            "sheet",
            "drop_extremes",
            "drop_from",
            "public",
            "cards",
            "submitted",
        ]


class ObservationDetailSerializer(ObservationSerializer):
    sheet = SheetSerializer()
    ranking = serializers.SerializerMethodField()

    class Meta(ObservationSerializer.Meta):
        fields = [*ObservationSerializer.Meta.fields, "ranking"]

    def get_ranking(self, obj) -> list[dict]:
        return RankingRowSerializer(selectors.observation_ranking(obj), many=True).data


class ObservationViewSet(viewsets.ReadOnlyModelViewSet):
    """Monthly observations; one observation carries its scoring sheet and its ranking (R12, shared ranks)."""

    permission_classes = [ModelViewPermission]
    queryset = Observation.objects.none()  # for the schema; get_queryset scopes the real one
    filterset_class = ObservationFilterSet

    def get_serializer_class(self):
        return ObservationDetailSerializer if self.action == "retrieve" else ObservationSerializer

    def get_queryset(self):
        return selectors.observation_list(user=self.request.user).prefetch_related("sheet__criteria")


class EvaluationRowSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)

    class Meta:
        model = EvaluationRow
        fields = [
            "branch",
            "branch_name",
            "rank",
            "score",
            "board",
            "observation",
            "checklist",
            "punctuality",
            "rectification",
            "satisfaction",
            "missing",
        ]


class EvaluationSerializer(serializers.ModelSerializer):
    rows = EvaluationRowSerializer(many=True, read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "campaign",
            "quarter",
            "title",
            "status",
            "weights",
            "top_n",
            "bottom_n",
            "tags",
            "published_at",
            "content_hash",
            "rows",
        ]


class EvaluationViewSet(viewsets.ReadOnlyModelViewSet):
    """Quarterly evaluations (R13) with their ranking rows (`rank`: ties share a rank; `board`: red/black list;
    `missing`: inputs not measured for the branch, whose weight went to the others)."""

    serializer_class = EvaluationSerializer
    permission_classes = [ModelViewPermission]
    queryset = Evaluation.objects.none()
    filterset_class = EvaluationFilterSet

    def get_queryset(self):
        rows = EvaluationRow.objects.select_related("branch").order_by(
            F("rank").asc(nulls_last=True), "branch__sort_order", "branch__code"
        )
        return selectors.evaluation_list(user=self.request.user).prefetch_related(Prefetch("rows", queryset=rows))


class InspectionSerializer(serializers.ModelSerializer):
    inspectors = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    findings = serializers.IntegerField(source="n_findings", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "campaign", "mode", "held_on", "title", "inspectors", "branches", "tags", "notes", "findings"]


class InspectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InspectionSerializer
    permission_classes = [ModelViewPermission]
    queryset = Inspection.objects.none()
    filterset_class = InspectionFilterSet

    def get_queryset(self):
        return selectors.inspection_list(user=self.request.user)


class FindingSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "campaign",
            "inspection",
            "branch",
            "branch_name",
            "source",
            "triage",
            "category",
            "severity",
            "star",
            "indicator",
            "description",
            "responsible_person",
            "responsible_department",
            "found_on",
            "photos",
        ]

    def get_photos(self, obj) -> int:
        return len(obj.photos.all())


class FindingViewSet(viewsets.ReadOnlyModelViewSet):
    """Inspection findings, and the public's reports (`source: public`); the reporter's contact is not part of it."""

    serializer_class = FindingSerializer
    permission_classes = [ModelViewPermission]
    queryset = Finding.objects.none()
    filterset_class = FindingFilterSet

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user)


class RectificationSerializer(serializers.ModelSerializer):
    branch = serializers.IntegerField(source="finding.branch_id", read_only=True)
    branch_name = serializers.CharField(source="finding.branch.name", read_only=True)
    overdue = serializers.SerializerMethodField()
    allowed = serializers.SerializerMethodField()

    class Meta:
        model = Rectification
        fields = [
            "id",
            "finding",
            "branch",
            "branch_name",
            "task",
            "responsible_person",
            "responsible_department",
            "leader",
            "due_on",
            "state",
            "returned_count",
            "closed_at",
            "overdue",
            "allowed",
        ]

    def get_overdue(self, obj) -> bool:
        return rules.is_overdue(obj.state, obj.due_on, self.context["today"])

    def get_allowed(self, obj) -> list[str]:
        """The states it can move to next (R15)."""
        return sorted(rules.TRANSITIONS.get(obj.state, ()))


class TransitionSerializer(serializers.Serializer):
    to = serializers.CharField(max_length=20, help_text="open, in_progress, submitted, verified or returned")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class RectificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Rectifications (R15); `POST {id}/transition/` with `{"to": …, "note": …}` moves one a step, and answers
    400 with the reason (in Chinese) for a step that is not allowed."""

    serializer_class = RectificationSerializer
    permission_classes = [ModelViewPermission]
    queryset = Rectification.objects.none()
    filterset_class = RectificationFilterSet

    def get_queryset(self):
        return selectors.rectification_list(user=self.request.user)

    def get_serializer_context(self):
        from django.utils import timezone

        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=TransitionSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        row = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.rectification_transition(
            actor=request.user, rectification=row, to=body.validated_data["to"], note=body.validated_data["note"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("observations", ObservationViewSet, basename="observation")
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("inspection-findings", FindingViewSet, basename="inspection-finding")
    router.register("rectifications", RectificationViewSet, basename="rectification")
