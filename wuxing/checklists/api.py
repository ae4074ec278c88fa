"""This app's part of /api/v1/: checklist items, check-ins with evidence, and a branch's progress.

Writes go through the same services as the pages, so the rules, permissions and audit rows are the same.
"""

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.fields import BuiltOnceModelSerializer, ScopedPrimaryKeyRelatedField, restricted
from wuxing.api.permissions import ModelViewPermission
from wuxing.api.views import ValuesListMixin
from wuxing.campaigns.models import Campaign
from wuxing.campaigns.selectors import campaign_for
from wuxing.core.links import pk_url
from wuxing.core.uploads import evidence_response
from wuxing.org.figures import scoped_key
from wuxing.org.models import Branch, Person
from wuxing.org.selectors import branch_get
from wuxing.standards.models import Indicator, Star

from . import rules, selectors, services
from .filtersets import CheckInFilterSet, ChecklistItemFilterSet
from .models import CheckIn, CheckInEvidence, ChecklistItem


def _err(field, message):
    raise serializers.ValidationError({field: [message]})


class ChecklistItemSerializer(serializers.ModelSerializer):
    branch = ScopedPrimaryKeyRelatedField(scoped=restricted(Branch))
    campaign = ScopedPrimaryKeyRelatedField(scoped=restricted(Campaign), required=False, allow_null=True)
    star = serializers.CharField(source="star.code", help_text="Star code, e.g. strong_branch")
    indicator = serializers.CharField(
        source="indicator.code", required=False, allow_null=True, allow_blank=True, default=None
    )
    owner = ScopedPrimaryKeyRelatedField(scoped=restricted(Person), required=False, allow_null=True, default=None)
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    progress = serializers.SerializerMethodField()
    expected = serializers.SerializerMethodField()
    behind = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "branch",
            "campaign",
            "title",
            "star",
            "indicator",
            "kind",
            "start_value",
            "target_value",
            "unit",
            "weight",
            "owner",
            "start_date",
            "due_date",
            "current_value",
            "done",
            "last_checkin_on",
            "source",
            "progress",
            "expected",
            "behind",
            "overdue",
            "retired_at",
            "retire_reason",
        ]
        read_only_fields = ["current_value", "done", "last_checkin_on", "source", "retired_at", "retire_reason"]
        extra_kwargs = {"start_value": {"required": False}, "weight": {"required": False}, "unit": {"required": False}}

    def _status(self, obj) -> rules.ItemStatus:
        cache = self.context.setdefault("_statuses", {})
        if obj.pk not in cache:
            tolerances = self.context.setdefault("_tolerances", {})
            office_id = obj.branch.office_id
            if office_id not in tolerances:
                tolerances[office_id] = selectors.tolerance_for(office_id)
            cache[obj.pk] = rules.item_status(selectors.item_facts(obj), timezone.localdate(), tolerances[office_id])
        return cache[obj.pk]

    def get_progress(self, obj) -> float:
        return round(self._status(obj).progress, 4)

    def get_expected(self, obj) -> float:
        return round(self._status(obj).expected, 4)

    def get_behind(self, obj) -> bool:
        return self._status(obj).behind

    def get_overdue(self, obj) -> bool:
        return self._status(obj).overdue


def _resolve_item_fields(data, *, branch, campaign):
    """Turn the API's codes into objects of the branch's star set and office; 400 with a Chinese message otherwise."""
    fields = {}
    if "star" in data:
        code = data["star"]["code"]
        star = (
            Star.objects.filter(standard_id=campaign.standard_id, star_set=branch.star_set, code=code).first()
            if campaign
            else None
        )
        if star is None:
            _err("star", _("“%(star)s” is not a star of this branch's star set.") % {"star": code})
        fields["star"] = star
    if "indicator" in data:
        code = (data.get("indicator") or {}).get("code") if isinstance(data.get("indicator"), dict) else None
        indicator = None
        if code:
            indicator = Indicator.objects.filter(
                star__standard_id=campaign.standard_id, star__star_set=branch.star_set, code=code
            ).first()
            if indicator is None:
                _err("indicator", _("unknown indicator “%(code)s”") % {"code": code})
        fields["indicator"] = indicator
    for key in ("title", "kind", "start_value", "target_value", "unit", "weight", "owner", "start_date", "due_date"):
        if key in data:
            fields[key] = data[key]
    return fields


class ChecklistItemViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """打卡清单 items. Filters: ?branch=<id>&campaign=<id>&star=<code>."""

    serializer_class = ChecklistItemSerializer
    permission_classes = [ModelViewPermission]
    filterset_class = ChecklistItemFilterSet

    def get_queryset(self):
        return (
            ChecklistItem.objects.restrict(self.request.user, "view")
            .select_related("star", "indicator", "owner", "branch")
            .order_by("branch_id", "star__position", "due_date", "id")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        branch = Branch.objects.restrict(request.user, "view").filter(pk=data["branch"].pk).first()
        if branch is None:
            _err("branch", _("You may not change this branch's check-in list."))
        campaign = data.get("campaign") or campaign_for(user=request.user, params={}, office=branch.office)
        fields = _resolve_item_fields(data, branch=branch, campaign=campaign)
        fields = {k: v for k, v in fields.items() if v is not None or k in ("indicator",)}
        item = services.item_create(actor=request.user, branch=branch, campaign=campaign, **fields)
        return Response(self.get_serializer(item).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = self.get_serializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("branch", "campaign")}
        fields = _resolve_item_fields(data, branch=item.branch, campaign=item.campaign)
        item = services.item_update(actor=request.user, item=item, **fields)
        return Response(self.get_serializer(item).data)

    @extend_schema(
        request=inline_serializer("ItemRetire", {"reason": serializers.CharField(max_length=300)}),
        responses=ChecklistItemSerializer,
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Take the item off the list with a reason (never deleted); `unretire` undoes it within 10 seconds."""
        item = self.get_object()
        body = RetireSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.item_retire(actor=request.user, item=item, reason=body.validated_data["reason"])
        return Response(self.get_serializer(item).data)

    @extend_schema(request=None, responses=ChecklistItemSerializer)
    @action(detail=True, methods=["post"])
    def unretire(self, request, pk=None):
        item = services.item_unretire(actor=request.user, item=self.get_object())
        return Response(self.get_serializer(item).data)


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class EvidenceRowsSerializer(serializers.ListSerializer):
    """A check-in's evidence: the rows the view read for the page in one query (`Prefetch(to_attr=EVIDENCE_ROWS)`,
    a plain list on each check-in, which Django fills without a queryset per row), else the relation."""

    def get_attribute(self, instance):
        rows = instance.__dict__.get(EVIDENCE_ROWS)
        return rows if rows is not None else super().get_attribute(instance)


EVIDENCE_ROWS = "evidence_rows"


class CheckInEvidenceSerializer(BuiltOnceModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = CheckInEvidence
        fields = ["id", "name", "content_type", "size", "sha256", "published", "url"]
        list_serializer_class = EvidenceRowsSerializer

    def get_url(self, obj) -> str:
        """Downloads with the caller's token (or session); `?thumb=1` for an image's thumbnail."""
        return reverse("api-checklists-evidence", args=[obj.pk])


class CheckInItemField(ScopedPrimaryKeyRelatedField):
    """The check-in's item: read in the caller's scope like any related field, except on a write, where only its id
    is taken (`ChecklistItem(pk=…)`): the service reads the item through the caller's scope under its lock, once
    instead of twice, and the view answers an item outside the scope as this field would ("does not exist")."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return ChecklistItem(pk=int(data))
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)

    def does_not_exist(self, pk) -> serializers.ValidationError:
        return serializers.ValidationError(
            {self.field_name: [self.error_messages["does_not_exist"].format(pk_value=pk)]}
        )


class CheckInSerializer(BuiltOnceModelSerializer):
    item = CheckInItemField(scoped=restricted(ChecklistItem))
    corrects = ScopedPrimaryKeyRelatedField(scoped=restricted(CheckIn), required=False, allow_null=True)
    evidence = CheckInEvidenceSerializer(many=True, read_only=True)
    superseded = serializers.SerializerMethodField()
    publish = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "item",
            "value",
            "done",
            "note",
            "effective_on",
            "corrects",
            "reason",
            "superseded",
            "recorded_by_name",
            "recorded_at",
            "evidence",
            "publish",
        ]
        read_only_fields = ["recorded_by_name", "recorded_at"]
        extra_kwargs = {"effective_on": {"required": False}}

    def get_superseded(self, obj) -> bool:
        value = getattr(obj, "is_superseded", None)
        return bool(value) if value is not None else CheckIn.objects.filter(corrects=obj).exists()


# The list's fields, read as values in CheckInSerializer's order (see CheckInViewSet.list_rows): its model fields
# (not the computed `superseded`, the nested `evidence` or the write-only `publish`).
_CHECKIN_VALUES = tuple(f for f in CheckInSerializer.Meta.fields if f not in {"superseded", "evidence", "publish"})


class CheckInViewSet(ValuesListMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Check-ins (R11): never edited; a correction is a new check-in with `corrects` and `reason`.

    Evidence files are uploaded as multipart in the repeatable field `evidence`.
    """

    serializer_class = CheckInSerializer
    permission_classes = [ModelViewPermission]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_class = CheckInFilterSet
    # A plain page of the list is kept under the versions of the offices in scope: a check-in, a correction (which
    # supersedes) and an evidence file shown or taken off move the office's version on.
    list_key = staticmethod(scoped_key)

    def get_queryset(self):
        return (
            CheckIn.objects.restrict(self.request.user, "view")
            .annotate(is_superseded=Exists(CheckIn.objects.filter(corrects=OuterRef("pk"))))
            .prefetch_related(Prefetch("evidence", to_attr=EVIDENCE_ROWS))
            .order_by("-effective_on", "-id")
        )

    def list_values(self, queryset):
        # Without `is_superseded`: in the page's query PostgreSQL may hash every check-in's `corrects` for it
        # before the LIMIT (a scan of the whole table for an office's 100 rows); it is read for the page's rows.
        return queryset.prefetch_related(None).values_list(*_CHECKIN_VALUES)

    def list_rows(self, page) -> list[dict]:
        """CheckInSerializer's dict for each row of values (tested against it row by row); whether each is
        superseded and its evidence come from one more query for the page's check-ins."""
        extras = selectors.checkin_page_extras([row[0] for row in page])
        value_of = CheckInSerializer.field_representation("value")
        day_of = CheckInSerializer.field_representation("effective_on")
        time_of = CheckInSerializer.field_representation("recorded_at")
        url_of = pk_url("api-checklists-evidence")
        rows = []
        for pk, item, value, done, note, effective_on, corrects, reason, recorded_by_name, recorded_at in page:
            superseded, evidence = extras[pk]
            rows.append(
                {
                    "id": pk,
                    "item": item,
                    "value": None if value is None else value_of(value),
                    "done": done,
                    "note": note,
                    "effective_on": day_of(effective_on),
                    "corrects": corrects,
                    "reason": reason,
                    "superseded": superseded,
                    "recorded_by_name": recorded_by_name,
                    "recorded_at": time_of(recorded_at),
                    "evidence": [
                        {
                            "id": ev_id,
                            "name": name,
                            "content_type": content_type,
                            "size": size,
                            "sha256": sha256,
                            "published": published,
                            "url": url_of(ev_id),
                        }
                        for ev_id, name, content_type, size, sha256, published in evidence
                    ],
                }
            )
        return rows

    @extend_schema(request={"multipart/form-data": CheckInSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The item is read once, by the service, through the caller's scope and locked: an item outside the scope
        # (or none) is "does not exist" (400), as the field says it. A yes/no item's `done` counts only when sent
        # (a form's missing checkbox reads False); a quantitative item's is ignored by the service.
        try:
            checkin = services.checkin_record(
                actor=request.user,
                item=data["item"],
                value=data.get("value"),
                done=data.get("done") if "done" in request.data else None,
                note=data.get("note", ""),
                effective_on=data.get("effective_on"),
                corrects=data.get("corrects"),
                reason=data.get("reason", ""),
                evidence=request.FILES.getlist("evidence"),
                publish=data.get("publish", False),
            )
        except services.ItemOutOfScope:
            raise serializer.fields["item"].does_not_exist(data["item"].pk) from None
        # The answer is built from the objects in hand, as the list would show the row: a new check-in is
        # superseded by nothing yet, and its evidence is what was just stored.
        checkin.is_superseded = False
        if request.FILES:
            prefetch_related_objects([checkin], Prefetch("evidence", to_attr=EVIDENCE_ROWS))
        else:
            setattr(checkin, EVIDENCE_ROWS, [])
        serializer.instance = checkin
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class EvidenceDownloadView(APIView):
    """An evidence file, for users who may see its check-in (token or session); `?thumb=1` for the thumbnail.
    The same scoped selector as the page's download."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        if not request.user.has_perm("checklists.view_checkinevidence"):
            raise Http404
        evidence = selectors.evidence_get(user=request.user, pk=pk)
        return evidence_response(evidence, thumbnail=request.query_params.get("thumb") == "1")


class BranchProgressView(APIView):
    """R10 for one branch: overall and by_star (star code → 0..1), with the counts of done, behind and overdue items."""

    @extend_schema(
        responses={
            200: inline_serializer(
                "BranchProgress",
                {
                    "branch": serializers.IntegerField(),
                    "campaign": serializers.IntegerField(),
                    "overall": serializers.FloatField(allow_null=True),
                    "by_star": serializers.DictField(child=serializers.FloatField(allow_null=True)),
                    "expected": serializers.FloatField(allow_null=True),
                    "items": serializers.IntegerField(),
                    "done": serializers.IntegerField(),
                    "behind": serializers.IntegerField(),
                    "overdue": serializers.IntegerField(),
                },
            )
        }
    )
    def get(self, request, pk: int):
        if not request.user.has_perm("checklists.view_checklistitem"):
            return Response(
                {"detail": _("You may not change this branch's check-in list.")}, status=status.HTTP_403_FORBIDDEN
            )
        branch = branch_get(user=request.user, pk=pk)
        campaign = campaign_for(user=request.user, params=request.query_params, office=branch.office)
        if campaign is None:
            raise Http404
        progress = selectors.branch_progress(branch=branch, campaign=campaign)
        return Response({"branch": branch.pk, "campaign": campaign.pk, **progress.as_api()})


urlpatterns = [
    path("branches/<int:pk>/progress/", BranchProgressView.as_view(), name="api-branch-progress"),
    path("checklists/evidence/<int:pk>/", EvidenceDownloadView.as_view(), name="api-checklists-evidence"),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("checklist-items", ChecklistItemViewSet, basename="checklist-item")
    router.register("checkins", CheckInViewSet, basename="checkin")
