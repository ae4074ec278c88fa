"""This app's part of /api/v1/: `demo-sites` with their feature projects, levels, totals and evidence files, within
scope, through the same selectors and FilterSet as the pages."""

from dataclasses import asdict

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.views import APIView

from wuxing.api.permissions import ModelViewPermission
from wuxing.core.uploads import evidence_response

from . import selectors
from .filtersets import DemoSiteFilterSet
from .models import DemoSite


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


urlpatterns = [
    path("showcase/evidence/<int:pk>/", EvidenceDownloadView.as_view(), name="api-showcase-evidence"),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("demo-sites", DemoSiteViewSet, basename="demo-site")
