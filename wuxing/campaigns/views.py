"""Campaign pages: the list and one campaign's quotas, leadership group and working groups."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from wuxing.core.exports import ExportSpec, export_response, exporter

from .choices import GroupKind
from .selectors import campaign_get, campaign_list


@exporter
def campaigns_export(user, params) -> ExportSpec:
    campaigns = list(campaign_list(user=user))
    return ExportSpec(
        filename="campaigns.xlsx",
        title=_("Campaigns"),
        headers=[_("Year"), _("Name"), _("Office"), _("Status"), _("Standard"), _("Quotas")],
        rows=((c.year, c.name, c.office.name, c.get_status_display(), str(c.standard), " ".join(f"{q.level}★×{q.count}" for q in c.quotas.all())) for c in campaigns),
        total=len(campaigns),
    )


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_index(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, campaigns_export)
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaign_list(user=request.user)})


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_detail(request, pk: int):
    campaign = campaign_get(user=request.user, pk=pk)
    groups = list(campaign.groups.all())
    leadership = next((g for g in groups if g.kind == GroupKind.LEADERSHIP), None)
    working = [g for g in groups if g.kind != GroupKind.LEADERSHIP]
    quotas = list(campaign.quotas.all())
    return render(
        request,
        "campaigns/campaign_detail.html",
        {"campaign": campaign, "leadership": leadership, "working": working, "quotas": quotas, "quota_total": sum(q.count for q in quotas)},
    )
