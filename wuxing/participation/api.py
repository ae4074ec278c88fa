"""Residents' issues in /api/v1/: `work-orders` (read, in scope; the resident's phone is not part of it) and
`GET work-orders/figures/?campaign=` (per branch and per department: received, closed, closure_rate,
on_time_rate, median_hours_to_close, satisfaction)."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_for

from . import rules, selectors
from .filtersets import IssueFilterSet
from .models import Issue


class WorkOrderSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Issue
        fields = [
            "id",
            "campaign",
            "tracking_code",
            "state",
            "category",
            "category_name",
            "branch",
            "branch_name",
            "place_text",
            "department",
            "description",
            "received_at",
            "dispatched_at",
            "due_on",
            "answered_at",
            "answer",
            "closed_at",
            "satisfaction",
            "reopened_count",
            "overdue",
        ]

    def get_overdue(self, obj) -> bool:
        return rules.is_overdue(obj.state, obj.due_on, self.context["today"])


class FigureSerializer(serializers.Serializer):
    branch = serializers.IntegerField(allow_null=True, help_text="The branch (null on a department's row).")
    department = serializers.IntegerField(allow_null=True, help_text="The department (null on a branch's row).")
    name = serializers.CharField()
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    closure_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, help_text="办结率, %")
    on_time_rate = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    median_hours_to_close = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    satisfaction = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


def _figure_row(row) -> dict:
    f = row.figures
    return {
        "branch": row.pk if row.kind == "branch" else None,
        "department": row.pk if row.kind == "department" else None,
        "name": row.name,
        "received": f.received,
        "closed": f.closed,
        "closure_rate": f.closure_rate,
        "on_time_rate": f.on_time_rate,
        "median_hours_to_close": f.median_hours_to_close,
        "satisfaction": f.satisfaction,
    }


class WorkOrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Work orders from residents' issues, in the user's scope; filter by `campaign`, `state`, `branch`,
    `category` (id) and `overdue` (yes/no)."""

    serializer_class = WorkOrderSerializer
    permission_classes = [ModelViewPermission]
    queryset = Issue.objects.none()
    filterset_class = IssueFilterSet

    def get_queryset(self):
        return selectors.issue_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(
        parameters=[OpenApiParameter("campaign", int, description="The campaign (default: the user's current one).")],
        responses=FigureSerializer(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def figures(self, request):
        """Per branch (orders it handles) and per department (orders dispatched to it) of the campaign."""
        campaign = campaign_for(user=request.user, request=request)
        if campaign is None:
            raise Http404
        data = selectors.figures(user=request.user, campaign=campaign)
        rows = [_figure_row(r) for r in data["branches"] + data["departments"]]
        return Response(FigureSerializer(rows, many=True).data)


def register(router):
    router.register("work-orders", WorkOrderViewSet, basename="work-order")
