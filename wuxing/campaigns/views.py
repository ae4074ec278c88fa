"""Campaign pages: the list and one campaign's quotas, leadership group and working groups."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.core.exports import export_response
from wuxing.core.lists import paginate
from wuxing.core.uploads import evidence_response
from wuxing.org.models import Assignment, Person
from wuxing.org.selectors import office_list
from wuxing.standards.selectors import standard_list

from . import services
from .choices import CampaignStatus, GroupKind
from .exports import campaigns_export
from .filtersets import CampaignFilterSet
from .forms import (
    CampaignCreateForm,
    CampaignEditForm,
    GroupDutiesForm,
    GroupMemberForm,
    PrepareNextForm,
    QuotaForm,
)
from .models import Campaign, CampaignAttachment, GroupMembership
from .selectors import campaign_get, campaign_list, result_rows
from .services import campaign_set_quotas


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_index(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, campaigns_export)
    filterset = CampaignFilterSet(request.GET, campaign_list(user=request.user), user=request.user)
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": page, "page": page, "form": filterset.display_form(), "filterset": filterset},
    )


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_detail(request, pk: int):
    campaign = campaign_get(user=request.user, pk=pk)
    groups = list(campaign.groups.all())
    leadership = next((g for g in groups if g.kind == GroupKind.LEADERSHIP), None)
    working = [g for g in groups if g.kind != GroupKind.LEADERSHIP]
    quotas = list(campaign.quotas.all())
    results = result_rows(user=request.user, campaign=campaign)
    levels = {}
    for row in results:
        levels[row.level] = levels.get(row.level, 0) + 1
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "leadership": leadership,
            "working": working,
            "quotas": quotas,
            "quota_total": sum(q.count for q in quotas),
            "attachments": list(campaign.attachments.all()),
            "next_steps": _next_steps(campaign),
            "results": results,
            "result_levels": sorted(levels.items(), reverse=True),
        },
    )


def _next_steps(campaign) -> list[tuple[str, str]]:
    """The statuses the campaign may move to from here, with their labels."""
    from .rules import TRANSITIONS

    return [(s, CampaignStatus(s).label) for s in CampaignStatus.values if s in TRANSITIONS[campaign.status]]


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
        {
            "campaign": campaign,
            "form": form,
            "branch_count": campaign.office.branches.filter(retired_at__isnull=True).count(),
        },
    )


# ---------------------------------------------------------------------------------------------------------
# Setting a campaign up and running it: create, edit (work plan, attachments), groups, status, next year
# ---------------------------------------------------------------------------------------------------------


def _editable(request, pk):
    return get_object_or_404(Campaign.objects.restrict(request.user, "change").select_related("office"), pk=pk)


def _bind(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_create(request):
    form = CampaignCreateForm(
        request.POST or None,
        offices=office_list(user=request.user).order_by("path"),
        standards=standard_list(user=request.user),
        initial={"year": timezone.localdate().year + 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _bind(form, exc)
        else:
            messages.success(request, _("The campaign was created. Set its quotas and groups next."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "title": _("New campaign")})


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_edit(request, pk: int):
    campaign = _editable(request, pk)
    form = CampaignEditForm(
        request.POST or None,
        request.FILES or None,
        standards=standard_list(user=request.user),
        initial={"name": campaign.name, "standard": campaign.standard_id, "work_plan": campaign.work_plan},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("files")
        try:
            with transaction.atomic():
                services.campaign_update(actor=request.user, campaign=campaign, **data)
                if files:
                    services.campaign_add_attachments(actor=request.user, campaign=campaign, files=files)
        except ValidationError as exc:
            _bind(form, exc)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaigns:campaign_detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "title": _("Edit campaign"), "campaign": campaign, "multipart": True},
    )


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def attachment_download(request, pk: int):
    attachment = get_object_or_404(CampaignAttachment.objects.restrict(request.user, "view"), pk=pk)
    return evidence_response(attachment)


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_groups(request, pk: int):
    """The leadership group and 一办四组: members with their roles and duties, and each group's duties."""
    campaign = _editable(request, pk)
    people = Person.objects.filter(office=campaign.office, retired_at__isnull=True).order_by("-is_leader", "name")
    member_form = GroupMemberForm(request.POST if request.POST.get("form") == "member" else None, people=people)
    duties_form = GroupDutiesForm(request.POST if request.POST.get("form") == "duties" else None)
    if request.method == "POST":
        try:
            if member_form.is_bound and member_form.is_valid():
                services.group_add_member(actor=request.user, campaign=campaign, **member_form.cleaned_data)
                messages.success(request, _("The member was saved."))
                return redirect("campaigns:campaign_groups", pk=campaign.pk)
            if duties_form.is_bound and duties_form.is_valid():
                services.group_set_duties(actor=request.user, campaign=campaign, **duties_form.cleaned_data)
                messages.success(request, _("The group's duties were saved."))
                return redirect("campaigns:campaign_groups", pk=campaign.pk)
        except ValidationError as exc:
            _bind(member_form if member_form.is_bound else duties_form, exc)
    groups = campaign.groups.prefetch_related("memberships__person").order_by("id")
    return render(
        request,
        "campaigns/campaign_groups.html",
        {"campaign": campaign, "groups": groups, "member_form": member_form, "duties_form": duties_form},
    )


@login_required
@require_POST
@permission_required("campaigns.change_campaign", raise_exception=True)
def group_member_remove(request, pk: int):
    membership = get_object_or_404(
        GroupMembership.objects.filter(
            group__campaign__in=Campaign.objects.restrict(request.user, "change")
        ).select_related("group__campaign__office", "person"),
        pk=pk,
    )
    services.group_remove_member(actor=request.user, membership=membership)
    messages.success(request, _("The member was removed."))
    return redirect("campaigns:campaign_groups", pk=membership.group.campaign_id)


@login_required
@require_POST
@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_status(request, pk: int):
    """Move the campaign one step along its course; a refusal names what is missing."""
    campaign = _editable(request, pk)
    services.campaign_set_status(actor=request.user, campaign=campaign, status=request.POST.get("status", ""))
    messages.success(request, _("The campaign's status was changed."))
    return redirect("campaigns:campaign_detail", pk=campaign.pk)


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_prepare_next(request, pk: int):
    """年度滚动: review what goes into next year's campaign, then confirm."""
    campaign = _editable(request, pk)
    assignments = list(
        Assignment.objects.filter(branch__office=campaign.office, active=True, branch__retired_at__isnull=True)
        .select_related("branch", "department", "leader")
        .order_by("branch__sort_order", "branch__code", "pk")
    )
    form = PrepareNextForm(
        request.POST if request.method == "POST" else None,
        assignments=assignments,
        initial={"assignments": [str(a.pk) for a in assignments]},
    )
    next_exists = Campaign.objects.filter(office=campaign.office, year=campaign.year + 1).first()
    if request.method == "POST" and form.is_valid():
        try:
            new = services.campaign_prepare_next(
                actor=request.user, campaign=campaign, assignment_ids=form.cleaned_data["assignments"]
            )
        except ValidationError as exc:
            _bind(form, exc)
        else:
            messages.success(request, _("Next year's campaign is prepared."))
            return redirect("campaigns:campaign_detail", pk=new.pk)
    groups = campaign.groups.prefetch_related("memberships").order_by("id")
    return render(
        request,
        "campaigns/campaign_next.html",
        {
            "campaign": campaign,
            "form": form,
            "next_exists": next_exists,
            "groups": groups,
            "quotas": list(campaign.quotas.all()),
            "results": campaign.results.count(),
        },
    )
