"""This app's part of /api/v1/: `demo-sites` with their feature projects, levels and totals, within scope."""

from dataclasses import asdict

from rest_framework import serializers, viewsets

from wuxing.api.permissions import ModelViewPermission

from . import selectors
from .models import DemoSite

urlpatterns = []


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

    def get_queryset(self):
        qs = selectors.site_list(user=self.request.user)
        if self.request.query_params.get("campaign", "").isdigit():
            qs = qs.filter(campaign_id=int(self.request.query_params["campaign"]))
        return qs

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


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("demo-sites", DemoSiteViewSet, basename="demo-site")
