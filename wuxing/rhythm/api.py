"""This app's part of /api/v1/: daily reports, help requests, meetings, actions, calendar events and the caller's
notifications, through the same selectors, services and FilterSets as the pages."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wuxing.api.fields import ScopedPrimaryKeyRelatedField
from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_list
from wuxing.org.selectors import branch_list, department_list, person_list

from . import selectors, services
from .choices import EventKind, MeetingKind
from .filtersets import (
    ActionFilterSet,
    EventFilterSet,
    HelpFilterSet,
    MeetingFilterSet,
    NotificationFilterSet,
    ReportFilterSet,
)
from .models import Action, CalendarEvent, DailyReport, HelpRequest, Meeting, Notification

_ScopedPK = ScopedPrimaryKeyRelatedField


def _campaigns(user):
    return campaign_list(user=user)


def _branches(user):
    return branch_list(user=user)


class ReportSerializer(serializers.ModelSerializer):
    branch = _ScopedPK(scoped=_branches)
    date = serializers.DateField(source="day")
    text = serializers.CharField(read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    help_text = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=5000)
    progress = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    class Meta:
        model = DailyReport
        fields = [
            "id",
            "branch",
            "branch_name",
            "date",
            "status",
            "text",
            "progress",
            "problems",
            "help_text",
            "auto_summary",
            "submitted_at",
            "updated_at",
            "revision",
        ]
        read_only_fields = ["status", "auto_summary", "submitted_at", "updated_at", "revision"]


class ReportViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Daily reports (日报告): `status` is `on_time` or `late`; a branch without a report of a working day is
    `missing` on the digest. POST writes the day's report, or edits it (the earlier text kept) until the day is
    locked."""

    serializer_class = ReportSerializer
    permission_classes = [ModelViewPermission]
    queryset = DailyReport.objects.none()  # for the schema; get_queryset scopes the real one
    filterset_class = ReportFilterSet

    def get_queryset(self):
        return selectors.report_list(user=self.request.user).order_by("-day", "branch__code", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.report_submit(
            actor=request.user,
            branch=data["branch"],
            day=data["day"],
            progress=data.get("progress", ""),
            problems=data.get("problems", ""),
            help_text=data.get("help_text", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data, status=status.HTTP_201_CREATED)


class HelpSerializer(serializers.ModelSerializer):
    branch = _ScopedPK(scoped=_branches)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    routed_to = serializers.CharField(read_only=True)
    text = serializers.CharField(max_length=5000)

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "branch",
            "branch_name",
            "report",
            "text",
            "routed_to",
            "status",
            "answer",
            "answered_at",
            "created_at",
        ]
        read_only_fields = ["report", "status", "answer", "answered_at", "created_at"]


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=5000)


class HelpViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Help requests (求助), routed to the branch's liaison department or leader; `answer` replies to one."""

    serializer_class = HelpSerializer
    permission_classes = [ModelViewPermission]
    queryset = HelpRequest.objects.none()
    filterset_class = HelpFilterSet

    def get_queryset(self):
        return selectors.help_list(user=self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.help_ask(
            actor=request.user, branch=serializer.validated_data["branch"], text=serializer.validated_data["text"]
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=HelpSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        row = self.get_object()
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.help_answer(actor=request.user, help_request=row, answer=serializer.validated_data["answer"])
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)


class EventSerializer(serializers.ModelSerializer):
    campaign = _ScopedPK(scoped=_campaigns)
    kind = serializers.ChoiceField(choices=EventKind.choices)
    date = serializers.DateField(source="day")

    class Meta:
        model = CalendarEvent
        fields = ["id", "campaign", "kind", "title", "date", "start", "location", "note", "moved_from"]
        read_only_fields = ["moved_from"]


class EventViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Calendar events: the generated weekly meetings and the office's own events; PATCH `date`/`start` moves one."""

    serializer_class = EventSerializer
    permission_classes = [ModelViewPermission]
    queryset = CalendarEvent.objects.none()
    filterset_class = EventFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.event_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        event = services.event_create(
            actor=request.user,
            campaign=data["campaign"],
            kind=data["kind"],
            title=data.get("title", ""),
            day=data["day"],
            start=data.get("start"),
            location=data.get("location", ""),
            note=data.get("note", ""),
        )
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        event = self.get_object()
        serializer = self.get_serializer(event, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        event = services.event_move(
            actor=request.user, event=event, day=data.get("day", event.day), start=data.get("start")
        )
        return Response(self.get_serializer(event).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


class MeetingSerializer(serializers.ModelSerializer):
    campaign = _ScopedPK(scoped=_campaigns)
    kind = serializers.ChoiceField(choices=MeetingKind.choices)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "campaign",
            "kind",
            "title",
            "held_on",
            "attendees",
            "absentees",
            "participants",
            "documents",
            "minutes",
            "held",
        ]
        read_only_fields = ["held"]


class MeetingViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings: 周例会, 动员部署会 and 工作推进会; PATCH records attendance, minutes, participants, documents."""

    serializer_class = MeetingSerializer
    permission_classes = [ModelViewPermission]
    queryset = Meeting.objects.none()
    filterset_class = MeetingFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.meeting_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.meeting_create(
            actor=request.user,
            campaign=data["campaign"],
            kind=data["kind"],
            held_on=data["held_on"],
            title=data.get("title", ""),
            participants=data.get("participants", ""),
            documents=data.get("documents", ""),
        )
        return Response(self.get_serializer(meeting).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        meeting = self.get_object()
        fields = {k: request.data[k] for k in services.MEETING_FIELDS if k in request.data}
        meeting = services.meeting_record(actor=request.user, meeting=meeting, **fields)
        return Response(self.get_serializer(meeting).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


class ActionSerializer(serializers.ModelSerializer):
    meeting = _ScopedPK(scoped=lambda user: selectors.meeting_list(user=user))
    owner_department = _ScopedPK(scoped=lambda user: department_list(user=user), required=False, allow_null=True)
    owner_person = _ScopedPK(scoped=lambda user: person_list(user=user), required=False, allow_null=True)
    branch = _ScopedPK(scoped=_branches, required=False, allow_null=True)
    owner = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "meeting",
            "title",
            "owner_department",
            "owner_person",
            "owner",
            "branch",
            "due_on",
            "status",
            "overdue",
            "evidence",
            "done_at",
        ]
        read_only_fields = ["status", "evidence", "done_at"]

    def get_overdue(self, obj) -> bool:
        from django.utils import timezone

        from .rules import is_action_overdue

        return is_action_overdue(due_on=obj.due_on, done=obj.status == "done", today=timezone.localdate())


class CloseSerializer(serializers.Serializer):
    evidence = serializers.CharField(max_length=5000)


class ActionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Actions (督办事项) decided at meetings; `close` records the evidence of completion."""

    serializer_class = ActionSerializer
    permission_classes = [ModelViewPermission]
    queryset = Action.objects.none()
    filterset_class = ActionFilterSet

    def get_queryset(self):
        return selectors.action_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        row = services.action_create(
            actor=request.user,
            meeting=data["meeting"],
            title=data["title"],
            due_on=data["due_on"],
            owner_department=data.get("owner_department"),
            owner_person=data.get("owner_person"),
            branch=data.get("branch"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseSerializer, responses=ActionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        row = self.get_object()
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.action_close(actor=request.user, action=row, evidence=serializer.validated_data["evidence"])
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)


class NotificationSerializer(serializers.ModelSerializer):
    # The page the notification is about (a page of the app, not a file the token downloads).
    link = serializers.CharField(source="url", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own notifications; `read` marks one read, `read-all` all of them."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_class = NotificationFilterSet

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        row = self.get_object()
        services.notification_mark_read(actor=request.user, notification_ids=[row.pk])
        row.refresh_from_db()
        return Response(self.get_serializer(row).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_read(actor=request.user)})


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("daily-reports", ReportViewSet, basename="daily-report")
    router.register("help-requests", HelpViewSet, basename="help-request")
    router.register("calendar-events", EventViewSet, basename="calendar-event")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("actions", ActionViewSet, basename="action")
    router.register("notifications", NotificationViewSet, basename="notification")
