"""This app's part of /api/v1/: the summary across offices, the same figures as its page and its Excel export."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import summary
from .views import summary_params


class SummaryRowSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    level = serializers.CharField()
    offices = serializers.IntegerField()
    branches = serializers.IntegerField()
    quotas = serializers.IntegerField()
    targets_agreed = serializers.IntegerField()
    targets_confirmed = serializers.IntegerField()
    progress = serializers.FloatField(allow_null=True)
    behind = serializers.IntegerField()
    overdue = serializers.IntegerField()
    five_ones_complete = serializers.IntegerField()
    five_ones_total = serializers.IntegerField()
    rated = serializers.DictField(child=serializers.IntegerField())


class SummaryView(APIView):
    """GET `?level=office|district|city` (optional `unit`, `year`): one row per office, district or city in the
    user's scope — quotas, targets agreed and confirmed, progress (0–1), items behind and overdue, 五个一 complete."""

    @extend_schema(
        parameters=[
            OpenApiParameter("level", str, enum=list(summary.ROW_LEVELS), required=False),
            OpenApiParameter("unit", int, required=False, description="summarise the offices under this unit"),
            OpenApiParameter("year", int, required=False),
        ],
        responses={
            200: inline_serializer(
                "Summary",
                {
                    "level": serializers.CharField(),
                    "year": serializers.IntegerField(),
                    "rows": SummaryRowSerializer(many=True),
                    "total": SummaryRowSerializer(),
                },
            )
        },
    )
    def get(self, request):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("org.view_branch")):
            raise PermissionDenied(_("You do not have permission to do this."))
        data = summary.summary_for(user=user, **summary_params(user, request.query_params))
        return Response(
            {
                "level": data.level,
                "year": data.year,
                "rows": [r.as_api() for r in data.rows],
                "total": data.total.as_api(),
            }
        )


urlpatterns = [path("summary/", SummaryView.as_view(), name="api-summary")]


def register(router):
    pass
