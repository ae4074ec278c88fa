"""Campaign pages: the list and one campaign's quotas, leadership group and working groups."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from wuxing.core.exports import xlsx_response

from .choices import GroupKind
from .selectors import campaign_get, campaign_list


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_index(request):
    campaigns = campaign_list(user=request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "campaigns.xlsx",
            _("Campaigns"),
            [_("Year"), _("Name"), _("Office"), _("Status"), _("Standard"), _("Quotas")],
            ((c.year, c.name, c.office.name, c.get_status_display(), str(c.standard), " ".join(f"{q.level}★×{q.count}" for q in c.quotas.all())) for c in campaigns),
        )
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns})


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
