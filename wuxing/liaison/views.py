"""Pages of 各部门认领任务: the 五个一 tracker, an assignment with its activities, findings, evidence files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for
from wuxing.core.exports import export_response
from wuxing.core.lists import paginate
from wuxing.core.uploads import evidence_response
from wuxing.org.selectors import branch_get, branch_list

from . import selectors, services
from .exports import KIND_LABELS, activities_export, findings_export, tracker_export
from .filtersets import activity_filterset, finding_filterset, tracker_filterset
from .forms import ActivityForm, AssignmentCreateForm, ContributionForm, EvidenceForm, FindingForm
from .querysets import only_own_assignments
from .rules import FIVE_KINDS

TRACKER_PER_PAGE = 100
LIST_PER_PAGE = 50


@login_required
@permission_required("liaison.view_campaignassignment", raise_exception=True)
def tracker(request):
    """Assignments × the five kinds, missing ones highlighted (R9)."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, tracker_export)
    campaign = campaign_for(user=request.user, request=request)
    context = {"campaign": campaign, "kinds": [(k, KIND_LABELS[k]) for k in FIVE_KINDS]}
    if campaign is not None:
        filterset = tracker_filterset(request.user, campaign, request.GET)
        page = paginate(request, filterset.qs, TRACKER_PER_PAGE)
        rows = selectors.tracker_rows(page)
        can_assign = request.user.has_perm("liaison.add_campaignassignment") and campaign.is_open
        context.update(
            form=filterset.form,
            filterset=filterset,
            page=page,
            rows=rows,
            complete=sum(1 for r in rows if r["complete"]),
            own_only=only_own_assignments(request.user),
            can_assign=can_assign,
            not_taken=services.standing_not_in_campaign(campaign) if can_assign else 0,
        )
    return render(request, "liaison/tracker.html", context)


def _campaign_or_404(request, **kwargs):
    campaign = campaign_for(user=request.user, request=request, **kwargs)
    if campaign is None:
        raise Http404
    return campaign


@login_required
@permission_required("liaison.add_campaignassignment", raise_exception=True)
def assignment_create(request):
    campaign = _campaign_or_404(request)
    form = AssignmentCreateForm(request.POST or None, campaign=campaign, branches=branch_list(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            row = services.campaign_assignment_create(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The assignment was recorded."))
            return redirect("liaison:assignment_detail", pk=row.pk)
    return render(request, "liaison/assignment_form.html", {"form": form, "campaign": campaign})


@login_required
@permission_required("liaison.add_campaignassignment", raise_exception=True)
@require_POST
def assignment_sync(request):
    """Bring the office's standing 联系分包 made since the campaign started into it."""
    campaign = _campaign_or_404(request)
    created = services.campaign_assignments_sync(actor=request.user, campaign=campaign)
    messages.success(request, _("%(n)d assignments were taken into the campaign.") % {"n": len(created)})
    return redirect(f"{reverse('liaison:tracker')}?campaign={campaign.pk}")


def _checklist_url(branch):
    try:
        return reverse("checklists:branch_checklist", args=[branch.pk])
    except NoReverseMatch:
        return ""


@login_required
@permission_required("liaison.view_campaignassignment", raise_exception=True)
def assignment_detail(request, pk: int):
    row = selectors.assignment_get(user=request.user, pk=pk)
    activities = list(selectors.activity_list(user=request.user, assignment=row))
    by_kind = {k: [a for a in activities if a.kind == k] for k in FIVE_KINDS}
    missing = selectors.missing_kinds_of(row)
    findings = list(selectors.finding_list(user=request.user, campaign=row.campaign, branch=row.assignment.branch))
    is_open = row.campaign.is_open
    context = {
        "row": row,
        "branch": row.assignment.branch,
        "kinds": [
            {"kind": k, "label": KIND_LABELS[k], "activities": by_kind[k], "missing": k in missing} for k in FIVE_KINDS
        ],
        "missing": missing,
        "findings": findings,
        "checklist_url": _checklist_url(row.assignment.branch),
        "can_record": request.user.has_perm("liaison.add_activity") and is_open,
        "can_edit": request.user.has_perm("liaison.change_campaignassignment") and is_open,
        "can_find": request.user.has_perm("liaison.add_finding") and is_open,
    }
    return render(request, "liaison/assignment_detail.html", context)


@login_required
@permission_required("liaison.change_campaignassignment", raise_exception=True)
def assignment_edit(request, pk: int):
    row = selectors.assignment_get(user=request.user, pk=pk, action="change")
    fields = list(ContributionForm.base_fields)
    form = ContributionForm(request.POST or None, initial={f: getattr(row, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_assignment_update(actor=request.user, campaign_assignment=row, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The contributions were saved."))
            return redirect("liaison:assignment_detail", pk=row.pk)
    return render(request, "liaison/assignment_edit.html", {"form": form, "row": row})


@login_required
@permission_required("liaison.add_activity", raise_exception=True)
def activity_create(request, pk: int):
    """Record one of the 五个一 with its evidence (a page of its own, usable on a phone)."""
    row = selectors.assignment_get(user=request.user, pk=pk)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in FIVE_KINDS else {}
    form = ActivityForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record(actor=request.user, campaign_assignment=row, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The activity was recorded."))
            return redirect("liaison:assignment_detail", pk=row.pk)
    return render(
        request,
        "liaison/activity_form.html",
        {"form": form, "row": row, "missing": selectors.missing_kinds_of(row), "labels": KIND_LABELS},
    )


@login_required
@permission_required("liaison.add_activity", raise_exception=True)
def activity_evidence_add(request, pk: int):
    activity = get_object_or_404(selectors.activity_list(user=request.user), pk=pk)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_add_evidence(
                actor=request.user, activity=activity, evidence=form.cleaned_data["evidence"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The evidence was added."))
            return redirect("liaison:assignment_detail", pk=activity.campaign_assignment_id)
    return render(request, "liaison/evidence_form.html", {"form": form, "activity": activity})


@login_required
@permission_required("liaison.view_activity", raise_exception=True)
def activity_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, activities_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = activity_filterset(request.user, campaign, request.GET)
    qs = filterset.qs if campaign is not None else []
    page = paginate(request, qs, LIST_PER_PAGE)
    return render(request, "liaison/activity_list.html", {"campaign": campaign, "form": filterset.form, "page": page})


@login_required
@permission_required("liaison.view_finding", raise_exception=True)
def finding_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, findings_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = finding_filterset(request.user, campaign, request.GET)
    qs = filterset.qs if campaign is not None else []
    page = paginate(request, qs, LIST_PER_PAGE)
    return render(request, "liaison/finding_list.html", {"campaign": campaign, "form": filterset.form, "page": page})


@login_required
@permission_required("liaison.add_finding", raise_exception=True)
def finding_create(request, branch_pk: int):
    branch = branch_get(user=request.user, pk=branch_pk)
    campaign = _campaign_or_404(request, office=branch.office)
    form = FindingForm(request.POST or None, campaign=campaign, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_record(actor=request.user, campaign=campaign, branch=branch, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            # A cadre whose assignment of this branch is not in the campaign: say so on the form.
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The finding was recorded."))
            return redirect("portal:branch_detail", pk=branch.pk)
    return render(request, "liaison/finding_form.html", {"form": form, "branch": branch, "campaign": campaign})


@login_required
def evidence_file(request, pk: int, thumbnail: bool = False):
    """An activity's evidence file, after checking the user may see the activity."""
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    if thumbnail and not evidence.thumbnail:
        raise Http404
    return evidence_response(evidence, thumbnail=thumbnail)
