"""Pages of 各部门认领任务: the 五个一 tracker, an assignment with its activities, findings, evidence files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_chosen
from wuxing.core.exports import ExportSpec, export_response, exporter
from wuxing.org.selectors import branch_list

from . import selectors, services
from .choices import ActivityKind
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    AssignmentCreateForm,
    ContributionForm,
    EvidenceForm,
    FindingFilterForm,
    FindingForm,
    TrackerFilterForm,
)
from .rules import FIVE_KINDS

TRACKER_PER_PAGE = 100
KIND_LABELS = dict(ActivityKind.choices)


def _campaign(user, params):
    return campaign_chosen(user=user, params=params)


def _tracker_filters(user, campaign, params):
    form = TrackerFilterForm(params or None, campaign=campaign)
    return form, (form.cleaned_data if form.is_valid() else {})


def _responsible_label(row) -> str:
    a = row.assignment
    return a.department.name if a.department_id else f"{a.leader.name}（{a.leader.position}）"


@exporter
def tracker_export(user, params) -> ExportSpec:
    campaign = _campaign(user, params)
    rows = []
    if campaign is not None:
        _form, filters = _tracker_filters(user, campaign, params)
        rows = selectors.tracker_rows(selectors.tracker(user=user, campaign=campaign, filters=filters))
    return ExportSpec(
        filename="five-ones-tracker.xlsx",
        title=_("“Five ones” tracker"),
        headers=[
            _("Branch"),
            _("Department or leader"),
            *[KIND_LABELS[k] for k in FIVE_KINDS],
            _("Missing"),
            _("People delivered"),
            _("Funds delivered (10,000 yuan)"),
        ],
        rows=(
            (
                r["assignment"].assignment.branch.name,
                _responsible_label(r["assignment"]),
                *[c["count"] if c["count"] else _("Missing") for c in r["cells"]],
                "、".join(str(KIND_LABELS[k]) for k in r["missing"]) or _("Complete"),
                r["assignment"].delivered_people,
                float(r["assignment"].delivered_funds),
            )
            for r in rows
        ),
        total=len(rows),
    )


@login_required
@permission_required("liaison.view_campaignassignment", raise_exception=True)
def tracker(request):
    """Assignments × the five kinds, missing ones highlighted (R9)."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, tracker_export)
    campaign = _campaign(request.user, request.GET)
    context = {"campaign": campaign, "kinds": [(k, KIND_LABELS[k]) for k in FIVE_KINDS]}
    if campaign is not None:
        form, filters = _tracker_filters(request.user, campaign, request.GET)
        qs = selectors.tracker(user=request.user, campaign=campaign, filters=filters)
        page = Paginator(qs, TRACKER_PER_PAGE).get_page(request.GET.get("page"))
        rows = selectors.tracker_rows(page)
        context.update(
            form=form,
            page=page,
            rows=rows,
            complete=sum(1 for r in rows if r["complete"]),
            own_only=selectors.only_own_assignments(request.user),
        )
        context["can_assign"] = request.user.has_perm("liaison.add_campaignassignment") and campaign.status != "closed"
        if context["can_assign"]:
            context["not_taken"] = services.standing_not_in_campaign(campaign)
    return render(request, "liaison/tracker.html", context)


@login_required
@permission_required("liaison.add_campaignassignment", raise_exception=True)
def assignment_create(request):
    campaign = _campaign(request.user, request.GET)
    if campaign is None:
        raise Http404
    branches = branch_list(user=request.user)
    form = AssignmentCreateForm(request.POST or None, campaign=campaign, branches=branches)
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
    campaign = _campaign(request.user, request.GET)
    if campaign is None:
        raise Http404
    try:
        created = services.campaign_assignments_sync(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
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
    can_record = request.user.has_perm("liaison.add_activity") and row.campaign.status != "closed"
    context = {
        "row": row,
        "branch": row.assignment.branch,
        "kinds": [
            {"kind": k, "label": KIND_LABELS[k], "activities": by_kind[k], "missing": k in missing} for k in FIVE_KINDS
        ],
        "missing": missing,
        "findings": findings,
        "checklist_url": _checklist_url(row.assignment.branch),
        "can_record": can_record,
        "can_edit": request.user.has_perm("liaison.change_campaignassignment") and row.campaign.status != "closed",
        "can_find": request.user.has_perm("liaison.add_finding") and row.campaign.status != "closed",
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


def _activity_filters(params):
    form = ActivityFilterForm(params or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@exporter
def activities_export(user, params) -> ExportSpec:
    campaign = _campaign(user, params)
    _form, filters = _activity_filters(params)
    activities = list(selectors.activity_list(user=user, campaign=campaign, filters=filters)) if campaign else []
    return ExportSpec(
        filename="five-ones-activities.xlsx",
        title=_("“Five ones” activities"),
        headers=[
            _("Date"),
            _("Activity"),
            _("Branch"),
            _("Department or leader"),
            _("Participants"),
            _("Notes"),
            _("Evidence files"),
        ],
        rows=(
            (
                a.held_on,
                a.get_kind_display(),
                a.campaign_assignment.assignment.branch.name,
                _responsible_label(a.campaign_assignment),
                a.participants,
                a.notes,
                len(a.evidence.all()),
            )
            for a in activities
        ),
        total=len(activities),
    )


@login_required
@permission_required("liaison.view_activity", raise_exception=True)
def activity_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, activities_export)
    campaign = _campaign(request.user, request.GET)
    form, filters = _activity_filters(request.GET)
    qs = selectors.activity_list(user=request.user, campaign=campaign, filters=filters) if campaign else []
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "liaison/activity_list.html", {"campaign": campaign, "form": form, "page": page})


def _finding_filters(params):
    form = FindingFilterForm(params or None)
    return form, (form.cleaned_data if form.is_valid() else {})


@exporter
def findings_export(user, params) -> ExportSpec:
    campaign = _campaign(user, params)
    _form, filters = _finding_filters(params)
    findings = list(selectors.finding_list(user=user, campaign=campaign, filters=filters)) if campaign else []
    return ExportSpec(
        filename="findings.xlsx",
        title=_("Strengths and weak points"),
        headers=[
            _("Branch"),
            _("Kind"),
            _("Star"),
            _("Found through"),
            _("Date"),
            _("Finding"),
            _("Department or leader"),
        ],
        rows=(
            (
                f.branch.name,
                f.get_kind_display(),
                f.star.name if f.star else "",
                f.get_source_display(),
                f.found_on,
                f.text,
                _responsible_label(f.campaign_assignment) if f.campaign_assignment else "",
            )
            for f in findings
        ),
        total=len(findings),
    )


@login_required
@permission_required("liaison.view_finding", raise_exception=True)
def finding_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, findings_export)
    campaign = _campaign(request.user, request.GET)
    form, filters = _finding_filters(request.GET)
    qs = selectors.finding_list(user=request.user, campaign=campaign, filters=filters) if campaign else []
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "liaison/finding_list.html", {"campaign": campaign, "form": form, "page": page})


@login_required
@permission_required("liaison.add_finding", raise_exception=True)
def finding_create(request, branch_pk: int):
    from wuxing.org.selectors import branch_get

    branch = branch_get(user=request.user, pk=branch_pk)
    campaign = _campaign(request.user, request.GET)
    if campaign is None or campaign.office_id != branch.office_id:
        raise Http404
    form = FindingForm(request.POST or None, campaign=campaign, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_record(actor=request.user, campaign=campaign, branch=branch, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("The finding was recorded."))
            return redirect("portal:branch_detail", pk=branch.pk)
    return render(request, "liaison/finding_form.html", {"form": form, "branch": branch, "campaign": campaign})


@login_required
def evidence_file(request, pk: int, thumbnail: bool = False):
    """An activity's evidence file, after checking the user may see the activity."""
    from wuxing.core.uploads import evidence_response

    evidence = selectors.evidence_get(user=request.user, pk=pk)
    if thumbnail and not evidence.thumbnail:
        raise Http404
    return evidence_response(evidence, thumbnail=thumbnail)
