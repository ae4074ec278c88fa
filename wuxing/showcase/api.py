"""This app's part of /api/v1/: `demo-sites` with their feature projects, levels, totals and evidence files, within
scope, through the same selectors and FilterSet as the pages; and `showcase/records/<kind>/<id>/`, a feature
project's record (agreement, member, service, session, team, volunteer, volunteer activity, grid, grid worker,
incident) read, corrected, deleted with a reason and restored within the undo window, as on the pages."""

import datetime
from dataclasses import asdict
from decimal import Decimal

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.permissions import ModelViewPermission
from wuxing.core.uploads import evidence_response

from . import rules, selectors, services
from .filtersets import DemoSiteFilterSet
from .models import DemoSite, FeatureProject


def evidence_url(evidence) -> str:
    """Downloads with the caller's token (or session); `?thumb=1` for an image's thumbnail."""
    return reverse("api-showcase-evidence", args=[evidence.pk])


class DemoSiteSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    leader = serializers.SerializerMethodField()
    projects = serializers.SerializerMethodField()
    levels = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()

    class Meta:
        model = DemoSite
        fields = [
            "id",
            "campaign",
            "branch",
            "branch_name",
            "leader",
            "feature",
            "plan",
            "claimed_on",
            "levels",
            "totals",
            "projects",
        ]

    def get_leader(self, obj) -> dict:
        return {"name": obj.leader.name, "position": obj.leader.position}

    def get_projects(self, obj) -> list[dict]:
        return [
            {
                "id": p.pk,
                "kind": p.kind.code,
                "kind_name": p.kind.name,
                "title": p.title,
                "status": p.status,
                "progress": round(p.progress, 4),
                "started_on": p.started_on,
                "due_on": p.due_on,
                "milestones": [
                    {"title": m.title, "due_on": m.due_on, "done_on": m.done_on, "weight": m.weight}
                    for m in p.milestones.all()
                ],
                "evidence": [
                    {
                        "id": e.pk,
                        "name": e.original_name,
                        "caption": e.caption,
                        "content_type": e.content_type,
                        "size": e.size,
                        "url": evidence_url(e),
                    }
                    for e in p.evidence.all()
                ],
            }
            for p in selectors.decorate_projects(obj)
        ]

    def get_levels(self, obj) -> dict:
        return self.context["levels"].get(obj.branch_id, {})

    def get_totals(self, obj) -> dict:
        totals = self.context["totals"].get(obj.pk)
        if totals is None:
            return {}
        data = asdict(totals)
        data.update(
            incidents_open=totals.incidents_open,
            service_hours=str(totals.service_hours),
            volunteer_hours=str(totals.volunteer_hours),
        )
        return data


class DemoSiteViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DemoSiteSerializer
    permission_classes = [ModelViewPermission]
    filterset_class = DemoSiteFilterSet

    def get_queryset(self):
        return selectors.site_list(user=self.request.user).prefetch_related("projects__evidence")

    def get_serializer(self, *args, **kwargs):
        if args and not kwargs.get("data"):
            items = args[0] if kwargs.get("many") else [args[0]]
            items = list(items)
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["totals"] = selectors.site_totals(s.pk for s in items)
            levels = {}
            for campaign in {s.campaign for s in items}:
                levels.update(
                    selectors.level_board(campaign, [s.branch_id for s in items if s.campaign_id == campaign.pk])
                )
            kwargs["context"]["levels"] = levels
            args = (items if kwargs.get("many") else items[0],) + args[1:]
        return super().get_serializer(*args, **kwargs)


class EvidenceDownloadView(APIView):
    """A feature project's evidence file, for users who may see the project (token or session); `?thumb=1` for the
    thumbnail. The same scoped selector as the page's download."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        evidence = selectors.evidence_get(user=request.user, pk=pk)
        return evidence_response(evidence, thumbnail=request.query_params.get("thumb") == "1")


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


RecordSerializer = inline_serializer(
    "ShowcaseRecord",
    {
        "kind": serializers.CharField(),
        "id": serializers.IntegerField(),
        "project": serializers.IntegerField(),
        "values": serializers.DictField(help_text="The record's fields a user corrects, by name."),
        "deletable": serializers.BooleanField(help_text="False while other records depend on this one."),
    },
)
KIND = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=list(services.RECORD_KINDS), description="The kind of record."
)


class RecordView(generics.GenericAPIView):
    """A record of a feature project. GET reads it (projects in the user's scope); PUT corrects it (every field of
    its kind, as on the page's form), PATCH the fields sent; DELETE (with a `reason`) deletes it when no other record
    depends on it, and POST to `restore/` undoes that for a few seconds. The same services as the pages: a refused
    change is a 400 with the page's Chinese message and writes nothing."""

    permission_classes = [ModelViewPermission]
    queryset = FeatureProject.objects.none()  # for the schema and the permission; the rows are scoped below

    def get_queryset(self):
        return FeatureProject.objects.restrict(self.request.user, "view")

    def _record(self, kind: str, pk: int, *, change: bool):
        if kind not in services.RECORD_KINDS:
            raise Http404
        if change and not self.request.user.has_perm("showcase.change_featureproject"):
            raise PermissionDenied(_("You may not change this feature project."))
        model, path, _structure, _fields = services.RECORD_KINDS[kind]
        projects = selectors.projects_to_change(user=self.request.user) if change else self.get_queryset()
        row = model.objects.filter(**{f"{path}__in": projects}, pk=pk).first()
        if row is None:
            raise Http404
        return row

    @staticmethod
    def _data(kind: str, row) -> dict:
        fields = services.RECORD_KINDS[kind][3]
        return {
            "kind": kind,
            "id": row.pk,
            "project": services.record_project(row).pk,
            "values": {name: _jsonable(getattr(row, name)) for name in fields},
            "deletable": not any(getattr(row, r).exists() for r in rules.RECORD_DEPENDANTS.get(kind, ())),
        }

    def _body(self):
        if not isinstance(self.request.data, dict):
            raise serializers.ValidationError({"detail": [_("Send the record's fields as an object.")]})
        return self.request.data

    @extend_schema(parameters=[KIND], responses=RecordSerializer)
    def get(self, request, kind: str, pk: int):
        return Response(self._data(kind, self._record(kind, pk, change=False)))

    @extend_schema(parameters=[KIND], request=OpenApiTypes.OBJECT, responses=RecordSerializer)
    def put(self, request, kind: str, pk: int):
        row = self._record(kind, pk, change=True)
        fields = services.RECORD_KINDS[kind][3]
        body = self._body()
        row = services.record_update(
            actor=request.user, kind=kind, record=row, **{name: body.get(name) for name in fields}
        )
        return Response(self._data(kind, row))

    @extend_schema(parameters=[KIND], request=OpenApiTypes.OBJECT, responses=RecordSerializer)
    def patch(self, request, kind: str, pk: int):
        row = self._record(kind, pk, change=True)
        fields = services.RECORD_KINDS[kind][3]
        body = self._body()
        values = {name: body[name] if name in body else getattr(row, name) for name in fields}
        row = services.record_update(actor=request.user, kind=kind, record=row, **values)
        return Response(self._data(kind, row))

    @extend_schema(
        parameters=[KIND],
        request=inline_serializer("ShowcaseRecordDelete", {"reason": serializers.CharField(max_length=300)}),
        responses={204: None},
    )
    def delete(self, request, kind: str, pk: int):
        row = self._record(kind, pk, change=True)
        reason = self._body().get("reason", "")
        services.record_delete(actor=request.user, kind=kind, record=row, reason=str(reason or "")[:300])
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecordRestoreView(generics.GenericAPIView):
    """Undo the deletion of a feature project's record made moments ago (core.rules.UNDO_SECONDS)."""

    permission_classes = [ModelViewPermission]
    queryset = FeatureProject.objects.none()

    def get_queryset(self):
        return FeatureProject.objects.restrict(self.request.user, "view")

    @extend_schema(parameters=[KIND], request=None, responses=RecordSerializer)
    def post(self, request, kind: str, pk: int):
        if kind not in services.RECORD_KINDS:
            raise Http404
        if not request.user.has_perm("showcase.change_featureproject"):
            raise PermissionDenied(_("You may not change this feature project."))
        row = services.record_restore(actor=request.user, kind=kind, pk=pk)
        return Response(RecordView._data(kind, row))


urlpatterns = [
    path("showcase/evidence/<int:pk>/", EvidenceDownloadView.as_view(), name="api-showcase-evidence"),
    path("showcase/records/<str:kind>/<int:pk>/", RecordView.as_view(), name="api-showcase-record"),
    path(
        "showcase/records/<str:kind>/<int:pk>/restore/", RecordRestoreView.as_view(), name="api-showcase-record-restore"
    ),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("demo-sites", DemoSiteViewSet, basename="demo-site")
