"""Campaign pages: the list and one campaign's quotas, leadership group and working groups."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wuxing.core.exports import export_response

from .choices import GroupKind
from .exports import campaigns_export
from .filtersets import CampaignFilterSet
from .forms import QuotaForm
from .models import Campaign
from .selectors import campaign_get, campaign_list
from .services import campaign_set_quotas


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_index(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, campaigns_export)
    campaigns = CampaignFilterSet(request.GET, campaign_list(user=request.user), user=request.user).qs
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
        {
            "campaign": campaign,
            "leadership": leadership,
            "working": working,
            "quotas": quotas,
            "quota_total": sum(q.count for q in quotas),
        },
    )


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_quotas(request, pk: int):
    """压担子: the office sets how many branches aim for each level."""
    campaign = get_object_or_404(Campaign.objects.restrict(request.user, "change").select_related("office"), pk=pk)
    if request.method == "POST":
        form = QuotaForm(request.POST)
        if form.is_valid():
            try:
                campaign_set_quotas(actor=request.user, campaign=campaign, quotas=form.quotas())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The quotas were saved."))
                return redirect("campaigns:campaign_detail", pk=campaign.pk)
    else:
        current = campaign.quota_map()
        form = QuotaForm(initial={f"level_{level}": current.get(level, 0) for level in range(1, 6)})
    return render(
        request,
        "campaigns/campaign_quotas.html",
        {"campaign": campaign, "form": form, "branch_count": campaign.office.branches.count()},
    )
