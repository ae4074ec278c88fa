"""Supervision's part of /api/v1/: `score-sheets` and `activity-tags` (list, add), `observations` (with their
sheets and rankings; planned by `POST`, `POST {id}/score/` for an observer's card, `public/`), `evaluations`
(ranking rows with `rank`; create, `compute/`, `publish/`), `inspections` (create, change), `inspection-findings`
(record, change, delete with an undo, triage, 问责) and `rectifications` (assign, `POST …/{id}/transition/`,
`reschedule/`); the same scoped selectors, FilterSets and services as the pages. A refusal answers 400 (bad input,
with the reason in Chinese), 403 (not allowed) or 404 (outside the caller's scope) and changes nothing."""

import json

from django.db import transaction
from django.db.models import F, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from wuxing.api.fields import ScopedPrimaryKeyRelatedField
from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_list
from wuxing.org.models import OrgUnit
from wuxing.org.selectors import branch_list, department_list, person_list
from wuxing.standards.models import Indicator, Star

from . import rules, selectors, services
from .choices import Decision, FindingCategory, InspectionMode, Severity
from .filtersets import (
    EvaluationFilterSet,
    FindingFilterSet,
    InspectionFilterSet,
    ObservationFilterSet,
    RectificationFilterSet,
)
from .models import (
    ActivityTag,
    Evaluation,
    EvaluationRow,
    Finding,
    Inspection,
    Observation,
    Rectification,
    ScoreSheet,
)


@extend_schema_field(OpenApiTypes.INT)
class _ScopedPK(ScopedPrimaryKeyRelatedField):
    """An id among the objects the caller may see (the write serializers have no model to derive the type from)."""


def _require(request, perm: str) -> None:
    """Refuse (403) before reading the body when the caller may not do this at all; the service checks again."""
    if not request.user.has_perm(perm):
        raise PermissionDenied()


def _campaigns(user):
    return campaign_list(user=user)


def _people(user):
    return person_list(user=user)


def _branches(user):
    return branch_list(user=user)


def _departments(user):
    return department_list(user=user)


def _tags(user):
    return ActivityTag.objects.restrict(user, "view")


def _any_star(user):
    return Star.objects.all()  # checked against the campaign's standard and the branch by the service


def _any_indicator(user):
    return Indicator.objects.all()


class CriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    text = serializers.CharField()
    max_points = serializers.IntegerField()
    guidance = serializers.CharField()


class CriterionWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200)
    max_points = serializers.IntegerField(min_value=1, max_value=100)
    guidance = serializers.CharField(max_length=300, allow_blank=True, default="")


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


@extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
class PointsField(serializers.Field):
    """Criterion id → points, as a JSON object (or, in a multipart body, its JSON text)."""

    default_error_messages = {"invalid": gettext_lazy("Send the points as an object: criterion id → points.")}

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if not isinstance(data, dict) or len(data) > 100:
            self.fail("invalid")
        out = {}
        for key, value in data.items():
            if not str(key).isdigit() or len(str(key)) > 12:
                self.fail("invalid")
            if value is not None and not isinstance(value, (int, float, str)):
                self.fail("invalid")
            out[int(key)] = value
        return out

    def to_representation(self, value):
        return value


class CardWriteSerializer(serializers.Serializer):
    branch = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    points = PointsField()
    comment = serializers.CharField(allow_blank=True, max_length=2000, default="")
    submit = serializers.BooleanField(default=False)


class CardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    observation = serializers.IntegerField(source="observation_id")
    branch = serializers.IntegerField(source="branch_id")
    total = serializers.DecimalField(max_digits=6, decimal_places=2)
    comment = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    points = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()

    def get_points(self, obj) -> dict[str, str]:
        return {str(s.criterion_id): str(s.points) for s in obj.scores.all()}

    def get_photos(self, obj) -> int:
        return len(obj.photos.all())


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


class ObservationWriteSerializer(serializers.Serializer):
    campaign = _ScopedPK(scoped=_campaigns)
    title = serializers.CharField(max_length=100)
    held_on = serializers.DateField()
    route = _ScopedPK(scoped=_branches, many=True, help_text="The branches in visiting order.")
    observers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        max_length=50,
        help_text="Accounts (user ids) of the office's people who observe.",
    )
    drop_extremes = serializers.BooleanField(default=True)
    drop_from = serializers.IntegerField(min_value=3, max_value=50, default=rules.DEFAULT_DROP_FROM)
    public = serializers.BooleanField(default=False)


class PublicSerializer(serializers.Serializer):
    public = serializers.BooleanField()


class ObservationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly observations; one observation carries its scoring sheet and its ranking (R12, shared ranks).
    `POST` plans one with the office's current scoring sheet; `POST {id}/public/` shows or hides its ranking on
    the public site."""

    permission_classes = [ModelViewPermission]
    queryset = Observation.objects.none()  # for the schema; get_queryset scopes the real one
    filterset_class = ObservationFilterSet

    def get_serializer_class(self):
        return ObservationDetailSerializer if self.action == "retrieve" else ObservationSerializer

    def get_queryset(self):
        return selectors.observation_list(user=self.request.user).prefetch_related("sheet__criteria")

    @extend_schema(request=ObservationWriteSerializer, responses=ObservationDetailSerializer)
    def create(self, request, *args, **kwargs):
        _require(request, "supervision.add_observation")
        body = ObservationWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        campaign = data.pop("campaign")
        sheet = selectors.sheet_current(user=request.user, office=campaign.office)
        if sheet is None:
            raise serializers.ValidationError({"campaign": [_("Make the office's scoring sheet first.")]})
        ids = data.pop("observers")
        observers = list(selectors.observer_choices(campaign.office).filter(pk__in=ids))
        if len(observers) != len(set(ids)):
            raise serializers.ValidationError({"observers": [_("Choose observers among the office's people.")]})
        observation = services.observation_create(
            actor=request.user,
            campaign=campaign,
            sheet=sheet,
            branches=data.pop("route"),
            observers=observers,
            **data,
        )
        answer = (
            selectors.observation_list(user=request.user).prefetch_related("sheet__criteria").get(pk=observation.pk)
        )
        return Response(ObservationDetailSerializer(answer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublicSerializer, responses=ObservationSerializer)
    @action(detail=True, methods=["post"])
    def public(self, request, pk=None):
        _require(request, "supervision.change_observation")
        observation = self.get_object()
        body = PublicSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.observation_set_public(
            actor=request.user, observation=observation, public=body.validated_data["public"]
        )
        return Response(ObservationSerializer(self.get_queryset().get(pk=observation.pk)).data)

    @extend_schema(request=CardWriteSerializer, responses=CardSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def score(self, request, pk=None):
        """An observer's scores for one branch of the visit (`points`: criterion id → points; `submit: true` locks
        the card, every criterion scored); photos as multipart `photos`, with `points` as a JSON text."""
        observation = selectors.observation_for_observer(user=request.user, pk=pk)
        body = CardWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        card = next(
            (
                c
                for c in selectors.my_cards(user=request.user, observation=observation)
                if c.branch_id == data["branch"]
            ),
            None,
        )
        if card is None:
            raise serializers.ValidationError({"branch": [_("You have no score card for this branch.")]})
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        services.card_save(
            actor=request.user,
            card=card,
            points=data["points"],
            comment=data.get("comment", ""),
            photos=photos,
            submit=data.get("submit", False),
        )
        card = selectors.card_for_observer(user=request.user, pk=card.pk)
        return Response(CardSerializer(card).data)


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


class WeightsField(serializers.DictField):
    child = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, max_value=100)


class EvaluationWriteSerializer(serializers.Serializer):
    campaign = _ScopedPK(scoped=_campaigns)
    quarter = serializers.IntegerField(min_value=1, max_value=4)
    title = serializers.CharField(max_length=100)
    weights = WeightsField(help_text="observation, checklist, punctuality, rectification, satisfaction → weight")
    top_n = serializers.IntegerField(min_value=0, max_value=50, default=3)
    bottom_n = serializers.IntegerField(min_value=0, max_value=50, default=3)
    tags = _ScopedPK(scoped=_tags, many=True, required=False)
    public = serializers.BooleanField(default=True)


class SatisfactionSerializer(serializers.Serializer):
    satisfaction = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, max_value=100, allow_null=True),
        required=False,
        default=dict,
        help_text="branch id → resident satisfaction 0–100, where measured",
    )


class EvaluationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Quarterly evaluations (R13) with their ranking rows (`rank`: ties share a rank; `board`: red/black list;
    `missing`: inputs not measured for the branch, whose weight went to the others). `POST` creates and computes
    one; `POST {id}/compute/` computes a draft again (with resident satisfaction); `POST {id}/publish/` freezes it."""

    serializer_class = EvaluationSerializer
    permission_classes = [ModelViewPermission]
    queryset = Evaluation.objects.none()
    filterset_class = EvaluationFilterSet

    def get_queryset(self):
        rows = EvaluationRow.objects.select_related("branch").order_by(
            F("rank").asc(nulls_last=True), "branch__sort_order", "branch__code"
        )
        return selectors.evaluation_list(user=self.request.user).prefetch_related(Prefetch("rows", queryset=rows))

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(request=EvaluationWriteSerializer, responses=EvaluationSerializer)
    def create(self, request, *args, **kwargs):
        _require(request, "supervision.add_evaluation")
        body = EvaluationWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        with transaction.atomic():  # created and computed together, as on the page
            evaluation = services.evaluation_create(actor=request.user, **{**data, "tags": data.get("tags", [])})
            services.evaluation_compute(actor=request.user, evaluation=evaluation)
        return self._answer(evaluation.pk, status.HTTP_201_CREATED)

    @extend_schema(request=SatisfactionSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None):
        _require(request, "supervision.change_evaluation")
        evaluation = self.get_object()
        body = SatisfactionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data["satisfaction"]
        if any(not str(k).isdigit() for k in values):
            raise serializers.ValidationError({"satisfaction": [_("Name each branch by its id.")]})
        known = {r.branch_id for r in evaluation.rows.all()}
        if any(int(k) not in known for k in values):
            raise serializers.ValidationError({"satisfaction": [_("A branch that is not in this evaluation.")]})
        services.evaluation_compute(actor=request.user, evaluation=evaluation, satisfaction=values)
        return self._answer(evaluation.pk)

    @extend_schema(request=None, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        _require(request, "supervision.change_evaluation")
        evaluation = self.get_object()
        services.evaluation_publish(actor=request.user, evaluation=evaluation)
        return self._answer(evaluation.pk)


class InspectionSerializer(serializers.ModelSerializer):
    inspectors = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    branches = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    findings = serializers.IntegerField(source="n_findings", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "campaign", "mode", "held_on", "title", "inspectors", "branches", "tags", "notes", "findings"]


class InspectionWriteSerializer(serializers.Serializer):
    campaign = _ScopedPK(scoped=_campaigns)
    mode = serializers.ChoiceField(choices=InspectionMode.choices)
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=100)
    inspectors = _ScopedPK(scoped=_people, many=True)
    branches = _ScopedPK(scoped=_branches, many=True)
    tags = _ScopedPK(scoped=_tags, many=True, required=False)
    notes = serializers.CharField(allow_blank=True, max_length=2000, default="")
    progress_items = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=500,
        help_text="Checklist items behind or overdue, recorded as 查进度 findings (on creation only).",
    )


class InspectionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections (督导检查). `POST` records one (with `progress_items`: checklist items behind or overdue, made
    into 查进度 findings); `PATCH`/`PUT` change it (the fields sent; `campaign` cannot change)."""

    serializer_class = InspectionSerializer
    permission_classes = [ModelViewPermission]
    queryset = Inspection.objects.none()
    filterset_class = InspectionFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.inspection_list(user=self.request.user)

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(request=InspectionWriteSerializer, responses=InspectionSerializer)
    def create(self, request, *args, **kwargs):
        _require(request, "supervision.add_inspection")
        body = InspectionWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        inspection = services.inspection_create(
            actor=request.user,
            campaign=data["campaign"],
            mode=data["mode"],
            held_on=data["held_on"],
            title=data["title"],
            inspectors=data["inspectors"],
            branches=data["branches"],
            tags=data.get("tags", []),
            notes=data.get("notes", ""),
            progress_items=data.get("progress_items", []),
        )
        return self._answer(inspection.pk, status.HTTP_201_CREATED)

    @extend_schema(request=InspectionWriteSerializer, responses=InspectionSerializer)
    def update(self, request, *args, **kwargs):
        _require(request, "supervision.change_inspection")
        inspection = selectors.inspection_get(user=request.user, pk=kwargs["pk"], action="change")
        body = InspectionWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "campaign" in data and data["campaign"].pk != inspection.campaign_id:
            raise serializers.ValidationError({"campaign": [_("An inspection stays in its campaign.")]})
        if "progress_items" in data:
            raise serializers.ValidationError({"progress_items": [_("Record further findings one by one.")]})
        services.inspection_update(
            actor=request.user,
            inspection=inspection,
            mode=data.get("mode", inspection.mode),
            held_on=data.get("held_on", inspection.held_on),
            title=data.get("title", inspection.title),
            inspectors=data.get("inspectors", list(inspection.inspectors.all())),
            branches=data.get("branches", list(inspection.branches.all())),
            tags=data.get("tags", list(inspection.tags.all())),
            notes=data.get("notes", inspection.notes),
        )
        return self._answer(inspection.pk)

    @extend_schema(request=InspectionWriteSerializer, responses=InspectionSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)


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


class FindingWriteSerializer(serializers.Serializer):
    inspection = _ScopedPK(scoped=lambda user: selectors.inspection_list(user=user))
    branch = _ScopedPK(scoped=_branches)
    category = serializers.ChoiceField(choices=FindingCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = serializers.CharField(max_length=2000)
    star = _ScopedPK(scoped=_any_star, allow_null=True, default=None)
    indicator = _ScopedPK(scoped=_any_indicator, allow_null=True, default=None)
    responsible_person = serializers.CharField(allow_blank=True, max_length=50, default="")
    responsible_department = _ScopedPK(scoped=_departments, allow_null=True, default=None)


class FindingEditSerializer(FindingWriteSerializer):
    inspection = None
    branch = None


class TriageSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    category = serializers.ChoiceField(choices=FindingCategory.choices, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices, allow_blank=True, default="")
    note = serializers.CharField(allow_blank=True, max_length=500, default="")


class AccountabilitySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    person_name = serializers.CharField(max_length=50)
    position = serializers.CharField(max_length=100, allow_blank=True, default="")
    decision = serializers.ChoiceField(choices=Decision.choices)
    decided_on = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


class DeleteSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class FindingViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspection findings, and the public's reports (`source: public`); the reporter's contact is not part of it.

    `POST` records a finding of an inspection; `PATCH`/`PUT` change it (kept in its history); `POST {id}/delete/`
    with a `reason` deletes one nothing depends on yet, `POST {id}/restore/` undoes that within 10 seconds;
    `POST {id}/triage/` accepts a public report as a finding (with its check and severity) or dismisses it."""

    serializer_class = FindingSerializer
    permission_classes = [ModelViewPermission]
    queryset = Finding.objects.none()
    filterset_class = FindingFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.finding_list(user=self.request.user)

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(request=FindingWriteSerializer, responses=FindingSerializer)
    def create(self, request, *args, **kwargs):
        _require(request, "supervision.add_finding")
        body = FindingWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        finding = services.finding_record(actor=request.user, **body.validated_data)
        return self._answer(finding.pk, status.HTTP_201_CREATED)

    @extend_schema(request=FindingEditSerializer, responses=FindingSerializer)
    def update(self, request, *args, **kwargs):
        _require(request, "supervision.change_finding")
        finding = selectors.finding_get(user=request.user, pk=kwargs["pk"], action="change")
        body = FindingEditSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        current = {
            "category": finding.category,
            "severity": finding.severity,
            "description": finding.description,
            "star": finding.star,
            "indicator": finding.indicator,
            "responsible_person": finding.responsible_person,
            "responsible_department": finding.responsible_department,
        }
        services.finding_update(actor=request.user, finding=finding, **{**current, **body.validated_data})
        return self._answer(finding.pk)

    @extend_schema(request=FindingEditSerializer, responses=FindingSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=DeleteSerializer, responses={204: None})
    @action(detail=True, methods=["post"], url_path="delete")
    def delete_finding(self, request, pk=None):
        _require(request, "supervision.change_finding")
        finding = selectors.finding_get(user=request.user, pk=pk, action="change")
        body = DeleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.finding_delete(actor=request.user, finding=finding, reason=body.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        _require(request, "supervision.change_finding")
        if not str(pk).isdigit() or selectors.deleted_finding(user=request.user, pk=int(pk)) is None:
            raise Http404
        services.finding_restore(actor=request.user, finding_id=int(pk))
        return self._answer(int(pk))

    @extend_schema(request=AccountabilitySerializer, responses=AccountabilitySerializer)
    @action(detail=True, methods=["post"])
    def accountability(self, request, pk=None):
        """问责 on a 查责任 finding, by the office's leaders."""
        _require(request, "supervision.add_accountability")
        finding = selectors.finding_get(user=request.user, pk=pk)
        body = AccountabilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.accountability_record(actor=request.user, finding=finding, **body.validated_data)
        return Response(AccountabilitySerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TriageSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        _require(request, "supervision.change_finding")
        finding = selectors.finding_get(user=request.user, pk=pk, action="change")
        body = TriageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.finding_triage(actor=request.user, finding=finding, **body.validated_data)
        return self._answer(finding.pk)


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
    note = serializers.CharField(allow_blank=True, max_length=2000, default="")


class RectificationWriteSerializer(serializers.Serializer):
    finding = _ScopedPK(scoped=lambda user: selectors.finding_list(user=user))
    task = serializers.CharField(max_length=2000)
    due_on = serializers.DateField()
    responsible_person = serializers.CharField(allow_blank=True, max_length=50, default="")
    responsible_department = _ScopedPK(scoped=_departments, allow_null=True, default=None)
    leader = _ScopedPK(scoped=lambda user: person_list(user=user).filter(is_leader=True), allow_null=True, default=None)


class RescheduleSerializer(serializers.Serializer):
    due_on = serializers.DateField()
    note = serializers.CharField(max_length=500)


class RectificationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
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

    def _answer(self, pk, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(request=RectificationWriteSerializer, responses=RectificationSerializer)
    def create(self, request, *args, **kwargs):
        """Assign a rectification to a finding (R15: it starts open)."""
        _require(request, "supervision.add_rectification")
        body = RectificationWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        row = services.rectification_create(actor=request.user, **body.validated_data)
        return self._answer(row.pk, status.HTTP_201_CREATED)

    @extend_schema(request=RescheduleSerializer, responses=RectificationSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """The office moves the due date, with the reason."""
        _require(request, "supervision.verify_rectification")
        row = self.get_object()
        body = RescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.rectification_reschedule(actor=request.user, rectification=row, **body.validated_data)
        return self._answer(row.pk)

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


class SheetWriteSerializer(serializers.Serializer):
    office = _ScopedPK(scoped=lambda user: OrgUnit.objects.restrict(user, "view"))
    name = serializers.CharField(max_length=100)
    criteria = serializers.ListField(
        child=CriterionWriteSerializer(), min_length=1, max_length=30, help_text="In the sheet's order."
    )


class SheetListSerializer(SheetSerializer):
    office = serializers.IntegerField(source="office_id")


class ScoreSheetViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The offices' observation scoring sheets, newest version first; `POST` makes the office's next version (the
    sheets of past observations never change)."""

    serializer_class = SheetListSerializer
    permission_classes = [ModelViewPermission]
    queryset = ScoreSheet.objects.none()

    def get_queryset(self):
        return selectors.sheet_list(user=self.request.user)

    @extend_schema(request=SheetWriteSerializer, responses=SheetListSerializer)
    def create(self, request, *args, **kwargs):
        _require(request, "supervision.add_scoresheet")
        body = SheetWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        sheet = services.sheet_create(
            actor=request.user, office=data["office"], name=data["name"], criteria=[dict(c) for c in data["criteria"]]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=sheet.pk)).data, status=status.HTTP_201_CREATED)


class TagSerializer(serializers.ModelSerializer):
    office = _ScopedPK(scoped=lambda user: OrgUnit.objects.restrict(user, "view"), write_only=True)

    class Meta:
        model = ActivityTag
        fields = ["id", "name", "office"]


class ActivityTagViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Activities an evaluation or inspection is tagged with (能力作风建设年, 三标, 亮赛比 and the office's own);
    `POST` adds one for an office."""

    serializer_class = TagSerializer
    permission_classes = [ModelViewPermission]
    queryset = ActivityTag.objects.none()

    def get_queryset(self):
        return ActivityTag.objects.restrict(self.request.user, "view").order_by("office_id", "name")

    def create(self, request, *args, **kwargs):
        _require(request, "supervision.add_evaluation")
        body = TagSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        tag = services.tag_create(
            actor=request.user, office=body.validated_data["office"], name=body.validated_data["name"]
        )
        return Response(TagSerializer(tag).data, status=status.HTTP_201_CREATED)


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("score-sheets", ScoreSheetViewSet, basename="score-sheet")
    router.register("activity-tags", ActivityTagViewSet, basename="activity-tag")
    router.register("observations", ObservationViewSet, basename="observation")
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("inspection-findings", FindingViewSet, basename="inspection-finding")
    router.register("rectifications", RectificationViewSet, basename="rectification")
