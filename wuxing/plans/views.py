"""Pages of the plans app: a target's plan (一村一策) with its measures and milestones, and the responsibility letters.

A service's refusal on an action that redirects becomes a message (core.middleware.RefusalMessageMiddleware).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for, campaign_list, campaign_params
from wuxing.core.exports import export_response
from wuxing.core.forms import flash_errors
from wuxing.core.lists import paginate
from wuxing.core.pdf import pdf_response, render_pdf
from wuxing.org.models import Person
from wuxing.targets.selectors import target_get

from . import selectors, services
from .choices import PledgeStatus
from .exports import plan_export, pledges_export
from .filtersets import PledgeFilterSet
from .forms import MeasureForm, MilestoneForm, PledgeForm


def letter_pdf_response(request, pledge):
    """The letter as an A4 PDF (the page's download and the API's `pdf_url` alike)."""
    data = render_pdf("plans/pledge_pdf.html", {"pledge": pledge, "c": pledge.content}, request=request)
    return pdf_response(data, f"责任书-{pledge.target.branch.name}-{pledge.target.campaign.year}-{pledge.number}.pdf")


# ---------------------------------------------------------------------------------------------------------
# 一村(社区)一策
# ---------------------------------------------------------------------------------------------------------


def _office_people(target):
    """Whom a measure may name as responsible: the people of the branch's office."""
    return Person.objects.filter(office_id=target.branch.office_id).order_by("-is_leader", "name")


@login_required
@permission_required("plans.view_planmeasure", raise_exception=True)
def plan_detail(request, pk: int):
    if request.GET.get("export") == "xlsx":
        return export_response(request, plan_export, {"target": str(pk)})
    target = target_get(user=request.user, pk=pk)
    can_edit = request.user.has_perm("plans.change_planmeasure") and target.campaign.is_open
    context = {
        "target": target,
        "branch": target.branch,
        "campaign": target.campaign,
        "measures": selectors.plan_measures(user=request.user, target=target),
        "can_edit": can_edit,
    }
    if can_edit:
        context["measure_form"] = MeasureForm(stars=target.stars.all(), people=_office_people(target))
        context["milestone_form"] = MilestoneForm()
    return render(request, "plans/plan_detail.html", context)


@login_required
@permission_required("plans.change_planmeasure", raise_exception=True)
@require_POST
def plan_measure_add(request, pk: int):
    target = target_get(user=request.user, pk=pk)
    form = MeasureForm(request.POST, stars=target.stars.all(), people=_office_people(target))
    if form.is_valid():
        services.measure_save(actor=request.user, target=target, **form.cleaned_data)
        messages.success(request, _("The measure was added."))
    else:
        flash_errors(request, form)
    return redirect("plans:plan_detail", pk=target.pk)


@login_required
@permission_required("plans.change_planmeasure", raise_exception=True)
@require_POST
def plan_measure_delete(request, pk: int):
    measure = selectors.measure_get(user=request.user, pk=pk)
    services.measure_delete(actor=request.user, measure=measure)
    messages.success(request, _("The measure was removed."))
    return redirect("plans:plan_detail", pk=measure.target_id)


@login_required
@permission_required("plans.change_planmeasure", raise_exception=True)
@require_POST
def plan_milestone_add(request, pk: int):
    measure = selectors.measure_get(user=request.user, pk=pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_add(actor=request.user, measure=measure, **form.cleaned_data)
        messages.success(request, _("The milestone was added."))
    else:
        flash_errors(request, form)
    return redirect("plans:plan_detail", pk=measure.target_id)


@login_required
@permission_required("plans.change_planmeasure", raise_exception=True)
@require_POST
def plan_milestone_delete(request, pk: int):
    milestone = selectors.milestone_get(user=request.user, pk=pk)
    services.milestone_delete(actor=request.user, milestone=milestone)
    messages.success(request, _("The milestone was removed."))
    return redirect("plans:plan_detail", pk=milestone.measure.target_id)


# ---------------------------------------------------------------------------------------------------------
# Responsibility letters (责任书)
# ---------------------------------------------------------------------------------------------------------


@login_required
@permission_required("plans.view_pledge", raise_exception=True)
def pledge_list(request):
    """The letters of one campaign with the list toolbar (search, status, still to confirm, sort, page size, Excel
    of the same filters) and, for the office, a reminder to whoever still has to confirm the ticked letters."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, pledges_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = PledgeFilterSet(
        campaign_params(request.GET, campaign), selectors.pledge_list(user=request.user), user=request.user
    )
    rows = filterset.qs if campaign is not None and filterset.is_valid() else filterset.queryset.none()
    page = paginate(request, rows)
    return render(
        request,
        "plans/pledge_list.html",
        {
            "campaign": campaign,
            "campaigns": list(campaign_list(user=request.user)),
            "page": page,
            "form": filterset.form,
            "can_remind": campaign is not None and campaign.is_open and request.user.has_perm("plans.change_pledge"),
        },
    )


@login_required
@permission_required("plans.change_pledge", raise_exception=True)
@require_POST
def pledges_remind(request):
    """The letters ticked on the list: whoever still has to confirm them is reminded in one go."""
    campaign = campaign_for(user=request.user, request=request)
    back = reverse("plans:pledge_list") + (f"?campaign={campaign.pk}" if campaign else "")
    ids = [int(v) for v in request.POST.getlist("pledge") if v.isdigit() and len(v) < 19]
    if campaign is None or not ids:
        messages.error(request, _("Tick the letters whose signatories should be reminded first."))
        return redirect(back)
    sent = services.pledges_remind(actor=request.user, campaign=campaign, pledge_ids=ids)
    messages.success(request, _("%(n)d reminders were sent.") % {"n": sent})
    return redirect(back)


@login_required
@permission_required("plans.view_pledge", raise_exception=True)
def pledge_detail(request, pk: int):
    pledge = selectors.pledge_get(user=request.user, pk=pk)
    sides = (
        services.pledge_sides(request.user, pledge)
        if pledge.status == PledgeStatus.AWAITING
        and pledge.target.campaign.is_open
        and request.user.has_perm("plans.sign_pledge")
        else set()
    )
    return render(request, "plans/pledge_detail.html", {"pledge": pledge, "c": pledge.content, "sides": sides})


@login_required
@permission_required("plans.view_pledge", raise_exception=True)
def pledge_pdf(request, pk: int):
    return letter_pdf_response(request, selectors.pledge_get(user=request.user, pk=pk))


@login_required
@permission_required("plans.change_pledge", raise_exception=True)
@require_POST
def pledge_generate(request, pk: int):
    target = target_get(user=request.user, pk=pk)
    form = PledgeForm(request.POST)
    form.is_valid()
    pledge = services.pledge_generate(
        actor=request.user, target=target, office_commitments=form.cleaned_data.get("office_commitments", "")
    )
    messages.success(request, _("The responsibility letter was generated."))
    return redirect("plans:pledge_detail", pk=pledge.pk)


@login_required
@permission_required("plans.sign_pledge", raise_exception=True)
@require_POST
def pledge_confirm(request, pk: int):
    pledge = selectors.pledge_get(user=request.user, pk=pk)
    side = request.POST.get("side") or None
    services.pledge_confirm(actor=request.user, pledge=pledge, side=side if side in ("secretary", "leader") else None)
    messages.success(request, _("You confirmed the responsibility letter."))
    return redirect("plans:pledge_detail", pk=pledge.pk)
