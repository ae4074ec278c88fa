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

from . import rules, selectors, services
from .filtersets import IssueFilterSet, TopicFilterSet
from .models import Issue, IssueCategory, TeaSession, TeaTopic


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


# ---------------------------------------------------------------------------------------------------------------
# 民情茶馆: the topics (moderate, answer, turn into work through the same services as the pages) and the sessions
# ---------------------------------------------------------------------------------------------------------------


class TeaTopicSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    work_order = serializers.IntegerField(source="issue_id", read_only=True, allow_null=True)

    class Meta:
        model = TeaTopic
        fields = [
            "id",
            "campaign",
            "branch",
            "branch_name",
            "title",
            "text",
            "submitted_at",
            "status",
            "moderation_reason",
            "moderated_at",
            "answer",
            "answered_at",
            "outcome",
            "work_order",
            "checklist_item",
            "finding",
            "converted_at",
        ]


class ModerateSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[rules.APPROVE, rules.REJECT])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TopicAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=rules.TOPIC_TEXT_MAX)


class ConvertSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=list(rules.OUTCOMES))
    category = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Work order: an issue category of the office."
    )
    star = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Check-in item: a star of the branch's star set."
    )
    finding_category = serializers.CharField(required=False, allow_blank=True, default="", max_length=16)
    severity = serializers.CharField(required=False, allow_blank=True, default="", max_length=8)


class TeaTopicViewSet(viewsets.ReadOnlyModelViewSet):
    """Tea-house topics of the branches' boards in the user's scope (never the resident's phone); filter by
    `campaign`, `status`, `branch`, `answered` (yes/no) and `outcome`."""

    serializer_class = TeaTopicSerializer
    permission_classes = [ModelViewPermission]
    queryset = TeaTopic.objects.none()
    filterset_class = TopicFilterSet

    def get_queryset(self):
        return selectors.topic_list(user=self.request.user).select_related("campaign", "office")

    @extend_schema(request=ModerateSerializer, responses=TeaTopicSerializer)
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        """Approve a pending topic for the board, or reject it with a reason."""
        topic = self.get_object()
        body = ModerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        topic = services.topic_moderate(actor=request.user, topic=topic, **body.validated_data)
        return Response(self.get_serializer(topic).data)

    @extend_schema(request=TopicAnswerSerializer, responses=TeaTopicSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """The branch's answer, published on the board."""
        topic = self.get_object()
        body = TopicAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        topic = services.topic_answer(actor=request.user, topic=topic, **body.validated_data)
        return Response(self.get_serializer(topic).data)

    @extend_schema(request=ConvertSerializer, responses=TeaTopicSerializer)
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        """Turn the topic into a work order (`category`), a check-in item (`star`) or a supervision finding
        (`finding_category`, `severity`)."""
        topic = self.get_object()
        body = ConvertSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        category = star = None
        if data.get("category"):
            category = IssueCategory.objects.filter(office_id=topic.office_id, pk=data["category"]).first()
        if data.get("star"):
            star = services.topic_stars(topic).filter(pk=data["star"]).first()
        topic = services.topic_convert(
            actor=request.user,
            topic=topic,
            outcome=data["outcome"],
            category=category,
            star=star,
            finding_category=data["finding_category"],
            severity=data["severity"],
        )
        return Response(self.get_serializer(topic).data)


class TeaSessionSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    topics = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = TeaSession
        fields = [
            "id",
            "campaign",
            "branch",
            "branch_name",
            "held_on",
            "place",
            "topics",
            "other_topics",
            "attendees",
            "outcomes",
        ]


class TeaSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sessions of the branches' physical tea houses in the user's scope."""

    serializer_class = TeaSessionSerializer
    permission_classes = [ModelViewPermission]
    queryset = TeaSession.objects.none()

    def get_queryset(self):
        return selectors.session_list(user=self.request.user).prefetch_related("topics").order_by("-held_on", "-id")


def register(router):
    router.register("work-orders", WorkOrderViewSet, basename="work-order")
    router.register("tea-topics", TeaTopicViewSet, basename="tea-topic")
    router.register("tea-sessions", TeaSessionViewSet, basename="tea-session")
