"""This app's part of /api/v1/: `ratings` (with `stars`), their review steps (`advance`), readiness, and
`objections`, through the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_for
from wuxing.core.rules import mask_phone
from wuxing.core.uploads import evidence_response

from . import selectors, services
from .choices import Decision, ObjectionDecision, Step, WithdrawalDecision, WithdrawalStep
from .filtersets import ObjectionFilterSet, RatingFilterSet, readiness_filterset
from .models import Objection, Rating


class RatingStarSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    star = serializers.CharField(source="star.code")
    name = serializers.CharField(source="star.name")
    responsible_department = serializers.CharField(source="star.responsible_department")
    requires_committee_decision = serializers.BooleanField(source="star.requires_committee_decision")
    claimed = serializers.BooleanField()
    state = serializers.CharField()
    result = serializers.CharField()
    reason = serializers.CharField()
    withdrawal = serializers.SerializerMethodField()

    def get_withdrawal(self, obj) -> str | None:
        """The state of the star's latest withdrawal (摘星), if any."""
        rows = sorted(obj.withdrawals.all(), key=lambda w: (w.started_at, w.pk))
        return rows[-1].state if rows else None


class RatingSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    year = serializers.IntegerField(source="campaign.year", read_only=True)
    stars = RatingStarSerializer(many=True, read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "campaign",
            "year",
            "branch",
            "branch_name",
            "level",
            "submitted_at",
            "committee_decided_on",
            "committee_attendance",
            "publicity_start",
            "publicity_end",
            "named_on",
            "stars",
        ]
        read_only_fields = fields


class AdvanceSerializer(serializers.Serializer):
    star = serializers.CharField(max_length=32, help_text="The star's code, e.g. strong_branch.")
    step = serializers.ChoiceField(choices=Step.choices, help_text="veto is recorded as an event, not a step.")
    decision = serializers.ChoiceField(choices=Decision.choices, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    committee_decided_on = serializers.DateField(
        required=False, allow_null=True, help_text="submit: the date of the 两委 decision, where the standard asks."
    )
    committee_attendance = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100, help_text="submit: committee members present."
    )


class WithdrawalAdvanceSerializer(serializers.Serializer):
    star = serializers.CharField(max_length=32, help_text="The star's code, e.g. safety_rule_of_law.")
    step = serializers.ChoiceField(choices=WithdrawalStep.choices)
    decision = serializers.ChoiceField(choices=WithdrawalDecision.choices, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    days = serializers.IntegerField(required=False, min_value=1, max_value=30)


class ReadinessStarSerializer(serializers.Serializer):
    star = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    met = serializers.IntegerField()
    total = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class ReadinessRowSerializer(serializers.Serializer):
    branch = serializers.IntegerField()
    branch_name = serializers.CharField()
    stars = ReadinessStarSerializer(many=True)


class RatingViewSet(viewsets.ReadOnlyModelViewSet):
    """One rating per branch and campaign, with each star's claim, stage (`state`) and `result`."""

    serializer_class = RatingSerializer
    permission_classes = [ModelViewPermission]
    queryset = Rating.objects.none()  # for the schema; get_queryset scopes the real one
    filterset_class = RatingFilterSet

    def get_queryset(self):
        return selectors.rating_list(user=self.request.user).order_by("campaign_id", "branch__sort_order", "id")

    @extend_schema(request=AdvanceSerializer, responses=RatingSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Take the next step on one star (R14): submit, office_review, district_review, publicity, name.

        A step out of order answers 400 with a Chinese message; publicity and naming act on the whole rating."""
        rating = self.get_object()
        body = AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rating_star = rating.stars.filter(star__code=data["star"]).select_related("star", "rating").first()
        if rating_star is None:
            raise ValidationError({"star": "该支部的评定中没有这颗星。"})
        services.star_advance(
            actor=request.user,
            rating_star=rating_star,
            step=data["step"],
            decision=data.get("decision", ""),
            reason=data.get("reason", ""),
            committee_decided_on=data.get("committee_decided_on"),
            committee_attendance=data.get("committee_attendance"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=rating.pk)).data)

    @extend_schema(request=WithdrawalAdvanceSerializer, responses=RatingSerializer)
    @action(detail=True, methods=["post"])
    def withdrawal(self, request, pk=None):
        """摘星 on one named star: start (the district, with a reason), office_review, district_review, publicity,
        decide (agree withdraws the star, disagree keeps it). A step out of order answers 400 with a Chinese message."""
        rating = self.get_object()
        body = WithdrawalAdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rating_star = rating.stars.filter(star__code=data["star"]).select_related("star", "rating").first()
        if rating_star is None:
            raise ValidationError({"star": "该支部的评定中没有这颗星。"})
        services.star_withdrawal(
            actor=request.user,
            rating_star=rating_star,
            step=data["step"],
            decision=data.get("decision", ""),
            reason=data.get("reason", ""),
            days=data.get("days"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=rating.pk)).data)

    @extend_schema(
        parameters=[OpenApiParameter("campaign", int, description="The campaign; the user's current one if absent.")],
        responses=ReadinessRowSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def readiness(self, request):
        """Branches × stars: ready / at_risk / not_ready, indicators met of all, and what is missing."""
        campaign = campaign_for(user=request.user, params=request.query_params)
        if campaign is None:
            raise Http404
        filterset = readiness_filterset(request.user, campaign, request.query_params)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        rows = filterset.rows(campaign)
        data = [
            {
                "branch": row.branch.pk,
                "branch_name": row.branch.name,
                "stars": [
                    {
                        "star": line.star.code,
                        "name": line.star.name,
                        "status": line.readiness.status,
                        "met": line.readiness.met,
                        "total": line.readiness.total,
                        "missing": [list(m) for m in line.readiness.missing],
                    }
                    for line in row.stars
                ],
            }
            for row in rows
        ]
        return Response(ReadinessRowSerializer(data, many=True).data)


class ObjectionSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="rating.branch.name", read_only=True)
    star = serializers.CharField(source="rating_star.star.code", read_only=True, default="")
    contact = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            "id",
            "rating",
            "branch_name",
            "star",
            "text",
            "contact",
            "received_at",
            "status",
            "decision",
            "answer",
            "closed_at",
            "withdrawal",
            "files",
        ]
        read_only_fields = fields

    files = serializers.SerializerMethodField()

    def get_files(self, obj) -> list[str]:
        """The files sent with the objection, each served (to the same token, in scope) at this path."""
        from django.urls import reverse

        return [reverse("api-rating-objection-file", args=[f.pk]) for f in obj.files.all()]

    def get_contact(self, obj) -> str:
        """Private (R16): masked here; the office reads it in full on the objection's page."""
        return mask_phone(obj.contact) if obj.contact else ""


class ObjectionCloseSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ObjectionDecision.choices)
    answer = serializers.CharField(max_length=2000)


class ObjectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Objections raised during publicity, for the office that answers them."""

    serializer_class = ObjectionSerializer
    permission_classes = [ModelViewPermission]
    queryset = Objection.objects.none()
    filterset_class = ObjectionFilterSet

    def get_queryset(self):
        return selectors.objection_list(user=self.request.user).order_by("-received_at", "-id")

    @extend_schema(
        request=ObjectionCloseSerializer,
        responses=ObjectionSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Answer and close the objection with a decision (dismissed, or upheld: its star is failed)."""
        objection = self.get_object()
        body = ObjectionCloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.objection_close(actor=request.user, objection=objection, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=objection.pk)).data)


class ObjectionFileView(APIView):
    """A file sent with an objection, for the office and district that answer objections (token or session)."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        return evidence_response(selectors.objection_file_get(user=request.user, pk=pk))


urlpatterns = [
    path("objection-files/<int:pk>/", ObjectionFileView.as_view(), name="api-rating-objection-file"),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("ratings", RatingViewSet, basename="rating")
    router.register("objections", ObjectionViewSet, basename="objection")
