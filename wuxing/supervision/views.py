"""Pages of 观摩评比 and 督导检查: observations and the phone scoring sheet, rankings, quarterly evaluations with
红黑榜, inspections, findings, rectifications, boards, 问责 and the public's reports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for
from wuxing.core.audit import audit_record
from wuxing.core.exports import export_response
from wuxing.core.lists import paginate
from wuxing.core.rules import mask_phone
from wuxing.core.uploads import evidence_response
from wuxing.org.selectors import branch_list, person_list

from . import rules, selectors, services
from .choices import FindingCategory, FindingSource, RectificationState, Triage
from .exports import (
    accountability_export,
    boards_export,
    evaluation_export,
    findings_export,
    inspections_export,
    observation_export,
    public_reports_export,
    rectifications_export,
)
from .filtersets import (
    evaluation_filterset,
    finding_filterset,
    inspection_filterset,
    observation_filterset,
    rectification_filterset,
)
from .forms import (
    AccountabilityForm,
    CardForm,
    EvaluationForm,
    FindingDeleteForm,
    FindingEditForm,
    FindingForm,
    InspectionForm,
    ObservationForm,
    RectificationForm,
    RescheduleForm,
    SatisfactionForm,
    SheetForm,
    TagForm,
    TransitionForm,
    TriageForm,
)

PER_PAGE = 50


def input_labels() -> dict[str, str]:
    return {
        "observation": _("Observation score"),
        "checklist": _("Checklist progress"),
        "punctuality": _("Daily report punctuality"),
        "rectification": _("Rectification closure rate"),
        "satisfaction": _("Resident satisfaction"),
    }


def _campaign_or_404(request, **kwargs):
    campaign = campaign_for(user=request.user, request=request, **kwargs)
    if campaign is None:
        raise Http404
    return campaign


def _page(request, qs):
    return paginate(request, qs, PER_PAGE)


# ---------------------------------------------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------------------------------------------


@login_required
def home(request):
    """The observer's cards still to score, and the office's counts; anyone named as an observer reaches it."""
    my_observations = selectors.my_open_observations(user=request.user)
    if not request.user.has_perm("supervision.view_observation") and not my_observations:
        raise PermissionDenied
    campaign = campaign_for(user=request.user, request=request)
    counts = None
    if campaign is not None and request.user.has_perm("supervision.view_rectification"):
        counts = selectors.overview_counts(user=request.user, campaign=campaign)
    return render(
        request,
        "supervision/home.html",
        {"campaign": campaign, "my_observations": my_observations, "counts": counts},
    )


# ---------------------------------------------------------------------------------------------------------------
# Sheets and observations
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("supervision.view_scoresheet", raise_exception=True)
def sheet_list(request):
    campaign = campaign_for(user=request.user, request=request)
    sheets = selectors.sheet_list(user=request.user, office=campaign.office if campaign else None)
    return render(request, "supervision/sheet_list.html", {"campaign": campaign, "sheets": list(sheets[:20])})


@login_required
@permission_required("supervision.add_scoresheet", raise_exception=True)
def sheet_create(request):
    campaign = _campaign_or_404(request)
    current = selectors.sheet_current(user=request.user, office=campaign.office)
    form = SheetForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = services.sheet_create(
                actor=request.user, office=campaign.office, name=form.cleaned_data["name"], criteria=form.criteria()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Version %(v)d of the scoring sheet was saved.") % {"v": sheet.version})
            return redirect("supervision:sheet_list")
    return render(request, "supervision/sheet_form.html", {"form": form, "campaign": campaign, "current": current})


@login_required
@permission_required("supervision.view_observation", raise_exception=True)
def observation_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, observation_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = observation_filterset(request.user, campaign, request.GET)
    page = _page(request, filterset.qs if campaign is not None else [])
    return render(
        request,
        "supervision/observation_list.html",
        {
            "campaign": campaign,
            "form": filterset.form,
            "page": page,
            "can_plan": campaign is not None
            and campaign.is_open
            and request.user.has_perm("supervision.add_observation"),
        },
    )


@login_required
@permission_required("supervision.add_observation", raise_exception=True)
def observation_create(request):
    campaign = _campaign_or_404(request)
    sheet = selectors.sheet_current(user=request.user, office=campaign.office)
    if sheet is None:
        messages.error(request, _("Make the office's scoring sheet first."))
        return redirect("supervision:sheet_create")
    form = ObservationForm(
        request.POST or None,
        branches=branch_list(user=request.user).filter(office=campaign.office).order_by("sort_order", "code"),
        observers=selectors.observer_choices(campaign.office),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation = services.observation_create(
                actor=request.user,
                campaign=campaign,
                title=data["title"],
                held_on=data["held_on"],
                sheet=sheet,
                branches=form.ordered_branches(),
                observers=list(data["observers"]),
                drop_extremes=data["drop_extremes"],
                drop_from=data["drop_from"],
                public=data["public"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The observation was planned."))
            return redirect("supervision:observation_detail", pk=observation.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Plan an observation"),
            "subtitle": f"{campaign.name} · {sheet}",
            "cancel": reverse("supervision:observation_list"),
            "wide": True,
        },
    )


@login_required
def observation_detail(request, pk: int):
    """The visit plan, the submissions so far, the ranking (R12) and, for an observer, their own cards."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, observation_export, params={"observation": str(pk)})
    observation = selectors.observation_for_observer(user=request.user, pk=pk)
    can_see_all = request.user.has_perm("supervision.view_observation") and (
        selectors.observation_list(user=request.user).filter(pk=pk).exists()
    )
    cards = selectors.my_cards(user=request.user, observation=observation)
    context = {
        "observation": observation,
        "stops": selectors.route(observation),
        "observers": selectors.observers_of(observation),
        "cards": cards,
        "can_see_all": can_see_all,
        "ranking": selectors.observation_ranking(observation) if can_see_all else [],
        "can_change": can_see_all
        and observation.campaign.is_open
        and request.user.has_perm("supervision.change_observation"),
        "criteria": list(observation.sheet.criteria.all()),
    }
    return render(request, "supervision/observation_detail.html", context)


@login_required
@permission_required("supervision.change_observation", raise_exception=True)
@require_POST
def observation_public(request, pk: int):
    observation = selectors.observation_get(user=request.user, pk=pk)
    public = request.POST.get("public") == "1"
    services.observation_set_public(actor=request.user, observation=observation, public=public)
    messages.success(
        request, _("The ranking is shown on the public site.") if public else _("The ranking is no longer public.")
    )
    return redirect("supervision:observation_detail", pk=pk)


@login_required
def card_score(request, pk: int):
    """The phone scoring sheet: one criterion per row, a photo from the camera; "Save" keeps a draft, "Submit"
    locks it. The page keeps typed values in the browser (score.js) so a reload on a weak connection loses nothing."""
    card = selectors.card_for_observer(user=request.user, pk=pk)
    criteria = list(card.observation.sheet.criteria.all())
    scores = {s.criterion_id: s.points for s in card.scores.all()}
    form = CardForm(
        request.POST or None, request.FILES or None, criteria=criteria, scores=scores, initial={"comment": card.comment}
    )
    if request.method == "POST" and not card.locked and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.card_save(
                actor=request.user,
                card=card,
                points=form.points(),
                comment=form.cleaned_data["comment"],
                photos=form.cleaned_data["photos"],
                submit=submit,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.error_dict.items():
                    form.add_error(key if key in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            if submit:
                messages.success(request, _("The score card was submitted and is now locked."))
                return redirect("supervision:observation_detail", pk=card.observation_id)
            messages.success(request, _("The scores were saved."))
            return redirect("supervision:card_score", pk=card.pk)
    cards = selectors.my_cards(user=request.user, observation=card.observation)
    index = next((i for i, c in enumerate(cards) if c.pk == card.pk), 0)
    return render(
        request,
        "supervision/card_score.html",
        {
            "card": card,
            "form": form,
            "rows": form.rows(),
            "max_total": sum(c.max_points for c in criteria),
            "next_card": cards[index + 1] if index + 1 < len(cards) else None,
            "photos": list(card.photos.all()),
        },
    )


@login_required
def photo_file(request, pk: int, thumbnail: bool = False):
    photo = selectors.photo_get(user=request.user, pk=pk)
    if thumbnail and not photo.thumbnail:
        raise Http404
    return evidence_response(photo, thumbnail=thumbnail)


# ---------------------------------------------------------------------------------------------------------------
# Quarterly evaluations
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("supervision.view_evaluation", raise_exception=True)
def evaluation_list(request):
    campaign = campaign_for(user=request.user, request=request)
    filterset = evaluation_filterset(request.user, campaign, request.GET)
    page = _page(request, filterset.qs if campaign is not None else [])
    return render(
        request,
        "supervision/evaluation_list.html",
        {
            "campaign": campaign,
            "form": filterset.form,
            "page": page,
            "can_add": campaign is not None
            and campaign.is_open
            and request.user.has_perm("supervision.add_evaluation"),
        },
    )


@login_required
@permission_required("supervision.add_evaluation", raise_exception=True)
def evaluation_create(request):
    campaign = _campaign_or_404(request)
    form = EvaluationForm(request.POST or None, tags=selectors.tag_list(office_id=campaign.office_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # Created and computed together: a refusal of either leaves nothing behind.
            with transaction.atomic():
                evaluation = services.evaluation_create(
                    actor=request.user,
                    campaign=campaign,
                    quarter=data["quarter"],
                    title=data["title"],
                    weights=form.weights(),
                    top_n=data["top_n"],
                    bottom_n=data["bottom_n"],
                    tags=list(data["tags"]),
                    public=data["public"],
                )
                services.evaluation_compute(actor=request.user, evaluation=evaluation)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The evaluation was computed; check it and publish it."))
            return redirect("supervision:evaluation_detail", pk=evaluation.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("New quarterly evaluation"),
            "subtitle": campaign.name,
            "hint": _(
                "Weights are shares of the score; an input that is not measured for a branch is left out and its weight goes to the others."
            ),
            "cancel": reverse("supervision:evaluation_list"),
            "wide": True,
        },
    )


def evaluation_context(evaluation) -> dict:
    rows = selectors.evaluation_rows(evaluation)
    labels = input_labels()
    missing = selectors.any_reweighted(rows)
    return {
        "evaluation": evaluation,
        "rows": rows,
        "red": [r for r in rows if r.board == "red"],
        "black": [r for r in rows if r.board == "black"],
        "inputs": [(k, labels[k], evaluation.weights.get(k, "0")) for k in rules.INPUTS],
        "missing": [labels[k] for k in missing],
        "intact": selectors.evaluation_intact(evaluation),
    }


@login_required
@permission_required("supervision.view_evaluation", raise_exception=True)
def evaluation_detail(request, pk: int):
    if request.GET.get("export") == "xlsx":
        return export_response(request, evaluation_export, params={"evaluation": str(pk)})
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    context = evaluation_context(evaluation)
    context["can_change"] = (
        not evaluation.is_published
        and evaluation.campaign.is_open
        and request.user.has_perm("supervision.change_evaluation")
    )
    return render(request, "supervision/evaluation_detail.html", context)


@login_required
@permission_required("supervision.change_evaluation", raise_exception=True)
def evaluation_compute(request, pk: int):
    """Enter resident satisfaction (when measured) and compute the ranking again."""
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    rows = selectors.evaluation_rows(evaluation)
    branches = sorted((r.branch for r in rows), key=lambda b: (b.sort_order, b.code))
    form = SatisfactionForm(
        request.POST if request.method == "POST" else None,
        branches=branches,
        current={r.branch_id: r.satisfaction for r in rows},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_compute(actor=request.user, evaluation=evaluation, satisfaction=form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The ranking was computed again."))
            return redirect("supervision:evaluation_detail", pk=pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Resident satisfaction and computing again"),
            "subtitle": evaluation.title,
            "hint": _("Satisfaction (0–100) where it was measured; leave a branch empty when it was not."),
            "cancel": reverse("supervision:evaluation_detail", args=[evaluation.pk]),
            "submit": _("Compute again"),
        },
    )


@login_required
@permission_required("supervision.change_evaluation", raise_exception=True)
@require_POST
def evaluation_publish(request, pk: int):
    evaluation = selectors.evaluation_get(user=request.user, pk=pk)
    services.evaluation_publish(actor=request.user, evaluation=evaluation)
    messages.success(request, _("The evaluation was published and frozen."))
    return redirect("supervision:evaluation_detail", pk=pk)


@login_required
@permission_required("supervision.add_evaluation", raise_exception=True)
def tag_create(request):
    campaign = _campaign_or_404(request)
    form = TagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tag_create(actor=request.user, office=campaign.office, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The activity was added."))
            return redirect("supervision:evaluation_list")
    return render(
        request,
        "supervision/tag_form.html",
        {"form": form, "campaign": campaign, "tags": list(selectors.tag_list(office_id=campaign.office_id))},
    )


# ---------------------------------------------------------------------------------------------------------------
# Inspections and findings
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("supervision.view_inspection", raise_exception=True)
def inspection_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, inspections_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = inspection_filterset(request.user, campaign, request.GET)
    page = _page(request, filterset.qs if campaign is not None else [])
    return render(
        request,
        "supervision/inspection_list.html",
        {
            "campaign": campaign,
            "form": filterset.form,
            "page": page,
            "can_add": campaign is not None
            and campaign.is_open
            and request.user.has_perm("supervision.add_inspection"),
        },
    )


def _ids(values) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 12]


@login_required
@permission_required("supervision.add_inspection", raise_exception=True)
def inspection_plan(request):
    """The behind/overdue list (R10) per branch: tick branches or items and plan an inspection of them."""
    campaign = _campaign_or_404(request)
    groups = selectors.behind_branches(user=request.user, campaign=campaign)
    return render(
        request,
        "supervision/inspection_plan.html",
        {"campaign": campaign, "groups": groups, "can_plan": campaign.is_open},
    )


def _inspection_form(request, campaign, *, items=(), **kwargs) -> InspectionForm:
    return InspectionForm(
        request.POST or None,
        people=person_list(user=request.user)
        .filter(office=campaign.office)
        .order_by("-is_leader", "department_id", "id"),
        branches=branch_list(user=request.user).filter(office=campaign.office).order_by("sort_order", "code"),
        tags=selectors.tag_list(office_id=campaign.office_id),
        items=items,
        **kwargs,
    )


def _inspection_values(data) -> dict:
    return {
        "mode": data["mode"],
        "held_on": data["held_on"],
        "title": data["title"],
        "inspectors": list(data["inspectors"]),
        "branches": list(data["branches"]),
        "tags": list(data["tags"]),
        "notes": data["notes"],
    }


@login_required
@permission_required("supervision.add_inspection", raise_exception=True)
def inspection_create(request):
    """Plan an inspection. From the behind/overdue list, `?branch=` ticks branches and `?item=` offers the chosen
    checklist items (ticked) as 查进度 findings, and ticks their branches."""
    campaign = _campaign_or_404(request)
    source = request.POST if request.method == "POST" else request.GET
    item_ids = set(_ids(source.getlist("items" if request.method == "POST" else "item")))
    items = []
    if item_ids:
        groups = selectors.behind_branches(user=request.user, campaign=campaign)
        items = [i for g in groups for i in g.items if i.item_id in item_ids]
    branch_ids = set(_ids(request.GET.getlist("branch"))) | {i.branch_id for i in items}
    form = _inspection_form(
        request,
        campaign,
        items=items,
        initial={"branches": sorted(branch_ids), "items": [i.item_id for i in items]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_create(
                actor=request.user,
                campaign=campaign,
                progress_items=data.get("items") or [],
                **_inspection_values(data),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The inspection was recorded."))
            return redirect("supervision:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Record an inspection"),
            "subtitle": campaign.name,
            "cancel": reverse("supervision:inspection_list"),
            "wide": True,
        },
    )


@login_required
@permission_required("supervision.change_inspection", raise_exception=True)
def inspection_update(request, pk: int):
    inspection = selectors.inspection_get(user=request.user, pk=pk, action="change")
    form = _inspection_form(
        request,
        inspection.campaign,
        initial={
            "title": inspection.title,
            "mode": inspection.mode,
            "held_on": inspection.held_on,
            "inspectors": [p.pk for p in inspection.inspectors.all()],
            "branches": [b.pk for b in inspection.branches.all()],
            "tags": [t.pk for t in inspection.tags.all()],
            "notes": inspection.notes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_update(
                actor=request.user, inspection=inspection, **_inspection_values(form.cleaned_data)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The inspection was saved."))
            return redirect("supervision:inspection_detail", pk=pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Change the inspection"),
            "subtitle": str(inspection),
            "cancel": reverse("supervision:inspection_detail", args=[pk]),
            "wide": True,
        },
    )


@login_required
@permission_required("supervision.view_inspection", raise_exception=True)
def inspection_detail(request, pk: int):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    findings = list(selectors.finding_list(user=request.user).filter(inspection=inspection))
    return render(
        request,
        "supervision/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "can_find": inspection.campaign.is_open and request.user.has_perm("supervision.add_finding"),
            "can_change": inspection.campaign.is_open and request.user.has_perm("supervision.change_inspection"),
        },
    )


@login_required
@permission_required("supervision.add_finding", raise_exception=True)
def finding_create(request, pk: int):
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    form = FindingForm(request.POST or None, request.FILES or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_record(actor=request.user, inspection=inspection, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The problem was recorded."))
            return redirect("supervision:finding_detail", pk=finding.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Record a problem"),
            "subtitle": str(inspection),
            "cancel": reverse("supervision:inspection_detail", args=[inspection.pk]),
            "multipart": True,
        },
    )


@login_required
@permission_required("supervision.view_finding", raise_exception=True)
def finding_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, findings_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = finding_filterset(request.user, campaign, request.GET)
    page = _page(request, filterset.qs if campaign is not None else [])
    return render(
        request, "supervision/finding_list.html", {"campaign": campaign, "form": filterset.form, "page": page}
    )


@login_required
@permission_required("supervision.view_finding", raise_exception=True)
def finding_detail(request, pk: int):
    finding = selectors.finding_get(user=request.user, pk=pk)
    is_open = finding.campaign.is_open
    can_edit = (
        is_open
        and finding.triage == Triage.ACCEPTED
        and request.user.has_perm("supervision.change_finding")
        and selectors.finding_list(user=request.user, action="change").filter(pk=pk).exists()
    )
    report = getattr(finding, "public_report", None) if request.user.has_perm("supervision.view_publicreport") else None
    accountabilities = (
        list(selectors.accountability_list(user=request.user).filter(finding=finding))
        if request.user.has_perm("supervision.view_accountability")
        else []
    )
    return render(
        request,
        "supervision/finding_detail.html",
        {
            "finding": finding,
            "report": report,
            "rectifications": list(finding.rectifications.all()),
            "accountabilities": accountabilities,
            "can_triage": is_open
            and finding.triage == Triage.PENDING
            and request.user.has_perm("supervision.change_finding"),
            "can_rectify": is_open
            and finding.triage == Triage.ACCEPTED
            and request.user.has_perm("supervision.add_rectification"),
            "can_hold": is_open
            and finding.category == FindingCategory.RESPONSIBILITY
            and request.user.has_perm("supervision.add_accountability"),
            "can_edit": can_edit,
            "can_delete": can_edit
            and finding.source != FindingSource.PUBLIC
            and not finding.rectifications.all()
            and not finding.accountabilities.exists(),
            "history": selectors.finding_history(finding),
        },
    )


@login_required
@permission_required("supervision.change_finding", raise_exception=True)
def finding_update(request, pk: int):
    finding = selectors.finding_get(user=request.user, pk=pk, action="change")
    form = FindingEditForm(
        request.POST or None,
        campaign=finding.campaign,
        initial={
            "category": finding.category,
            "severity": finding.severity,
            "star": finding.star_id,
            "indicator": finding.indicator_id,
            "description": finding.description,
            "responsible_person": finding.responsible_person,
            "responsible_department": finding.responsible_department_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_update(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The finding was saved; the change is in its history."))
            return redirect("supervision:finding_detail", pk=pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Change the finding"),
            "subtitle": finding.branch.name,
            "cancel": reverse("supervision:finding_detail", args=[pk]),
        },
    )


@login_required
@permission_required("supervision.change_finding", raise_exception=True)
def finding_delete(request, pk: int):
    """Delete a finding nothing depends on, with the reason; the message offers an undo for a few seconds."""
    finding = selectors.finding_get(user=request.user, pk=pk, action="change")
    form = FindingDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_delete(actor=request.user, finding=finding, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                format_html(
                    '{} <form method="post" action="{}" class="d-inline">'
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<button type="submit" class="btn btn-sm btn-link p-0 align-baseline" id="undo-delete">{}</button>'
                    "</form>",
                    _("The finding was deleted; you can undo this within %(n)d seconds.") % {"n": rules.UNDO_SECONDS},
                    reverse("supervision:finding_restore", args=[pk]),
                    get_token(request),
                    _("Undo"),
                ),
            )
            if finding.inspection_id:
                return redirect("supervision:inspection_detail", pk=finding.inspection_id)
            return redirect("supervision:finding_list")
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Delete the finding"),
            "subtitle": finding.branch.name,
            "quote": finding.description,
            "cancel": reverse("supervision:finding_detail", args=[pk]),
            "submit": _("Delete"),
        },
    )


@login_required
@permission_required("supervision.change_finding", raise_exception=True)
@require_POST
def finding_restore(request, pk: int):
    """The undo of a delete, by the one who deleted it, within rules.UNDO_SECONDS."""
    if selectors.deleted_finding(user=request.user, pk=pk) is None:
        raise Http404
    services.finding_restore(actor=request.user, finding_id=pk)
    messages.success(request, _("The finding was restored."))
    return redirect("supervision:finding_detail", pk=pk)


@login_required
@permission_required("supervision.change_finding", raise_exception=True)
def finding_triage(request, pk: int):
    finding = selectors.finding_get(user=request.user, pk=pk, action="change")
    form = TriageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_triage(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The report was triaged."))
            return redirect("supervision:finding_detail", pk=pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Triage a report"),
            "subtitle": finding.branch.name,
            "quote": finding.description,
            "cancel": reverse("supervision:finding_detail", args=[finding.pk]),
        },
    )


@login_required
def finding_photo(request, pk: int, thumbnail: bool = False):
    photo = selectors.finding_photo_get(user=request.user, pk=pk)
    if thumbnail and not photo.thumbnail:
        raise Http404
    return evidence_response(photo, thumbnail=thumbnail)


# ---------------------------------------------------------------------------------------------------------------
# Rectifications, boards, 问责
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("supervision.add_rectification", raise_exception=True)
def rectification_create(request, pk: int):
    finding = selectors.finding_get(user=request.user, pk=pk)
    form = RectificationForm(
        request.POST or None,
        office_id=finding.campaign.office_id,
        initial={
            "responsible_person": finding.responsible_person,
            "responsible_department": finding.responsible_department_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            row = services.rectification_create(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The rectification was assigned."))
            return redirect("supervision:rectification_detail", pk=row.pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Assign a rectification"),
            "subtitle": finding.branch.name,
            "quote": finding.description,
            "cancel": reverse("supervision:finding_detail", args=[finding.pk]),
        },
    )


@login_required
@permission_required("supervision.view_rectification", raise_exception=True)
def rectification_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, rectifications_export)
    campaign = campaign_for(user=request.user, request=request)
    filterset = rectification_filterset(request.user, campaign, request.GET)
    page = _page(request, filterset.qs if campaign is not None else [])
    return render(
        request,
        "supervision/rectification_list.html",
        {"campaign": campaign, "form": filterset.form, "page": page, "today": timezone.localdate()},
    )


def _next_states(row, user) -> list[tuple[str, str]]:
    """The states the user may move the rectification to (the office's steps only for the office)."""
    out = []
    for state in rules.STATES:
        if not rules.can_transition(row.state, state):
            continue
        if (row.state, state) in rules.OFFICE_TRANSITIONS and not user.has_perm("supervision.verify_rectification"):
            continue
        out.append((state, RectificationState(state).label))
    return out


@login_required
@permission_required("supervision.view_rectification", raise_exception=True)
def rectification_detail(request, pk: int):
    row = selectors.rectification_get(user=request.user, pk=pk)
    is_open = row.finding.campaign.is_open
    can_move = (
        is_open
        and request.user.has_perm("supervision.change_rectification")
        and (selectors.rectification_list(user=request.user, action="change").filter(pk=pk).exists())
    )
    next_states = _next_states(row, request.user) if can_move else []
    form = TransitionForm(initial={"to": next_states[0][0] if next_states else ""})
    form.fields["to"].choices = next_states
    return render(
        request,
        "supervision/rectification_detail.html",
        {
            "row": row,
            "form": form,
            "next_states": next_states,
            "overdue": rules.is_overdue(row.state, row.due_on, timezone.localdate()),
            "can_reschedule": is_open
            and row.state != RectificationState.VERIFIED
            and request.user.has_perm("supervision.verify_rectification"),
        },
    )


@login_required
@permission_required("supervision.change_rectification", raise_exception=True)
@require_POST
def rectification_transition(request, pk: int):
    row = selectors.rectification_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST, request.FILES)
    form.fields["to"].choices = [(s, s) for s in rules.STATES]
    if not form.is_valid():
        raise ValidationError(_("Choose the new state."))
    services.rectification_transition(
        actor=request.user,
        rectification=row,
        to=form.cleaned_data["to"],
        note=form.cleaned_data["note"],
        evidence=form.cleaned_data["evidence"],
    )
    messages.success(
        request, _("The rectification is now “%(state)s”.") % {"state": rules.state_label(form.cleaned_data["to"])}
    )
    return redirect("supervision:rectification_detail", pk=pk)


@login_required
@permission_required("supervision.verify_rectification", raise_exception=True)
def rectification_reschedule(request, pk: int):
    row = selectors.rectification_get(user=request.user, pk=pk)
    form = RescheduleForm(request.POST or None, initial={"due_on": row.due_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_reschedule(actor=request.user, rectification=row, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The due date was changed."))
            return redirect("supervision:rectification_detail", pk=pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Change the due date"),
            "subtitle": row.finding.branch.name,
            "quote": row.task,
            "cancel": reverse("supervision:rectification_detail", args=[row.pk]),
        },
    )


@login_required
def rectification_evidence(request, pk: int, thumbnail: bool = False):
    evidence = selectors.rectification_evidence_get(user=request.user, pk=pk)
    if thumbnail and not evidence.thumbnail:
        raise Http404
    return evidence_response(evidence, thumbnail=thumbnail)


@login_required
@permission_required("supervision.view_rectification", raise_exception=True)
def board(request):
    """Findings and rectifications per branch, per inspector or per check."""
    by = request.GET.get("by") if request.GET.get("by") in selectors.BOARDS else "branch"
    if request.GET.get("export") == "xlsx":
        return export_response(request, boards_export, params={**request.GET.dict(), "by": by})
    campaign = campaign_for(user=request.user, request=request)
    rows = selectors.boards(user=request.user, campaign=campaign, by=by) if campaign is not None else []
    labels = {"branch": _("Per branch"), "inspector": _("Per inspector"), "category": _("Per check")}
    return render(
        request,
        "supervision/board.html",
        {"campaign": campaign, "rows": rows, "by": by, "tabs": list(labels.items()), "title": labels[by]},
    )


@login_required
@permission_required("supervision.view_rectification", raise_exception=True)
def overdue_board(request):
    """Every rectification past its due date and not verified, the longest overdue first."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, rectifications_export, params={**request.GET.dict(), "overdue": "yes"})
    campaign = campaign_for(user=request.user, request=request)
    today = timezone.localdate()
    rows = []
    if campaign is not None:
        qs = selectors.rectification_list(user=request.user, campaign=campaign).filter(selectors.overdue_q(today))
        rows = [(r, rules.days_overdue(r.due_on, today)) for r in qs.order_by("due_on", "id")[:500]]
    return render(request, "supervision/overdue_board.html", {"campaign": campaign, "rows": rows, "today": today})


@login_required
@permission_required("supervision.add_accountability", raise_exception=True)
def accountability_create(request, pk: int):
    finding = selectors.finding_get(user=request.user, pk=pk)
    form = AccountabilityForm(request.POST or None, initial={"person_name": finding.responsible_person})
    if request.method == "POST" and form.is_valid():
        try:
            services.accountability_record(actor=request.user, finding=finding, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The accountability decision was recorded."))
            return redirect("supervision:finding_detail", pk=pk)
    return render(
        request,
        "supervision/form.html",
        {
            "form": form,
            "title": _("Record accountability"),
            "subtitle": finding.branch.name,
            "quote": finding.description,
            "cancel": reverse("supervision:finding_detail", args=[finding.pk]),
        },
    )


@login_required
@permission_required("supervision.view_accountability", raise_exception=True)
def accountability_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, accountability_export)
    campaign = campaign_for(user=request.user, request=request)
    rows = selectors.accountability_list(user=request.user, campaign=campaign) if campaign else []
    return render(request, "supervision/accountability_list.html", {"campaign": campaign, "page": _page(request, rows)})


# ---------------------------------------------------------------------------------------------------------------
# The public's reports, as the office sees them
# ---------------------------------------------------------------------------------------------------------------


@login_required
@permission_required("supervision.view_publicreport", raise_exception=True)
def public_report_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, public_reports_export)
    campaign = campaign_for(user=request.user, request=request)
    rows = selectors.public_report_list(user=request.user, campaign=campaign) if campaign else []
    return render(request, "supervision/public_report_list.html", {"campaign": campaign, "page": _page(request, rows)})


@login_required
@permission_required("supervision.reveal_contact", raise_exception=True)
@require_POST
def public_report_reveal(request, pk: int):
    """R16: the reporter's phone number in full, for the reveal permission only; each reveal is logged."""
    report = selectors.public_report_list(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    audit_record(
        actor=request.user,
        action="supervision.public_report_reveal",
        obj=report,
        after={"field": "phone", "masked": mask_phone(report.phone)},
    )
    return HttpResponse(format_html('<span class="wx-mono">{}</span>', report.phone or "—"))
