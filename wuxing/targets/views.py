"""Pages of the targets app: the quota board, applications and reviews, the baseline, plans, deliberations, letters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_chosen, campaign_current, campaign_list
from wuxing.core.exports import ExportSpec, export_response, exporter
from wuxing.core.forms import flash_errors
from wuxing.org.models import Branch, Person
from wuxing.standards.models import Indicator, Star

from . import rules, selectors, services
from .choices import PledgeStatus, Step, TargetStatus
from .forms import (
    ApplyForm,
    BaselineForm,
    DeliberationForm,
    ImplementationForm,
    MeasureForm,
    MilestoneForm,
    PledgeForm,
    ProcedureSettingForm,
    RequireForm,
    ReviewForm,
    StepForm,
)
from .models import BaselineEvidence, PlanMeasure, PlanMilestone, ProcedureSetting, StepAttachment, Target


def _campaign(user, params):
    return campaign_chosen(user=user, params=params)


def _branch(user, pk):
    return get_object_or_404(Branch.objects.restrict(user, "view").select_related("office", "secretary"), pk=pk)


# ---------------------------------------------------------------------------------------------------------
# The quota board (压担子) and the list of targets
# ---------------------------------------------------------------------------------------------------------


@exporter
def targets_export(user, params) -> ExportSpec:
    campaign = _campaign(user, params)
    board = selectors.target_board(user=user, campaign=campaign) if campaign else selectors.Board()

    def rows():
        for branch, target in board.rows:
            pledge = next(iter(target.pledges.all()), None) if target else None
            yield (
                branch.code,
                branch.name,
                branch.get_kind_display(),
                target.level if target else "",
                "、".join(s.name for s in target.stars.all()) if target else "",
                target.get_status_display() if target else _("Not applied"),
                target.reason if target else "",
                target.office_note if target else "",
                pledge.get_status_display() if pledge else "",
            )

    return ExportSpec(
        filename="targets.xlsx",
        title=_("Targets"),
        headers=[
            _("Code"),
            _("Branch"),
            _("Kind"),
            _("Target level"),
            _("Stars"),
            _("Status"),
            _("Reason"),
            _("Office's reason"),
            _("Responsibility letter"),
        ],
        rows=rows(),
        total=len(board.rows),
    )


@login_required
@permission_required("targets.view_target", raise_exception=True)
def target_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, targets_export)
    campaign = _campaign(request.user, request.GET)
    context = {"campaign": campaign, "campaigns": list(campaign_list(user=request.user))}
    if campaign is not None:
        context["board"] = selectors.target_board(user=request.user, campaign=campaign)
        context["can_decide"] = request.user.has_perm("targets.decide_target") and campaign.status != "closed"
        context["can_apply"] = request.user.has_perm("targets.apply_target") and campaign.status != "closed"
    return render(request, "targets/target_list.html", context)


@login_required
@permission_required("targets.decide_target", raise_exception=True)
@require_POST
def targets_confirm(request, campaign_pk: int):
    campaign = get_object_or_404(campaign_list(user=request.user), pk=campaign_pk)
    try:
        count = services.targets_confirm(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)d targets were confirmed.") % {"count": count})
    return redirect(f"{reverse('targets:target_list')}?campaign={campaign.pk}")


# ---------------------------------------------------------------------------------------------------------
# One target: apply, review, require, history
# ---------------------------------------------------------------------------------------------------------


def _branch_stars(campaign, branch):
    return Star.objects.filter(standard=campaign.standard, star_set=branch.star_set).order_by("position")


@login_required
@permission_required("targets.view_target", raise_exception=True)
def target_detail(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    campaign = target.campaign
    context = {
        "target": target,
        "campaign": campaign,
        "branch": target.branch,
        "progress": [(d, selectors.deliberation_progress(d)) for d in target.deliberations.all()],
        "pledge": next((p for p in target.pledges.all() if p.status != PledgeStatus.VOID), None),
        "void_pledges": [p for p in target.pledges.all() if p.status == PledgeStatus.VOID],
        "open": campaign.status != "closed",
    }
    baseline = selectors.baseline_get(user=request.user, campaign=campaign, branch=target.branch)
    if baseline is not None:
        stars = selectors._stars_with_indicators(campaign.standard).get(target.branch.star_set, [])
        cells, suggested = selectors.classify_baseline(baseline, stars)
        targeted = {s.pk for s in target.stars.all()}
        context.update(baseline=baseline, baseline_cells=[(star, c, star.pk in targeted) for star, c in cells])
    user = request.user
    if context["open"] and user.has_perm("targets.decide_target") and target.status == TargetStatus.SUBMITTED:
        context["review_form"] = ReviewForm(stars=_branch_stars(campaign, target.branch))
    if (
        context["open"]
        and user.has_perm("targets.decide_target")
        and target.status in (TargetStatus.AGREED, TargetStatus.CONFIRMED)
    ):
        context["return_form"] = ReviewForm(
            initial={"decision": "return"}, stars=_branch_stars(campaign, target.branch)
        )
    if (
        context["open"]
        and user.has_perm("targets.change_pledge")
        and target.status == TargetStatus.CONFIRMED
        and not (context["pledge"] and context["pledge"].status == PledgeStatus.FROZEN)
    ):
        context["pledge_form"] = PledgeForm()
    if context["pledge"] and context["pledge"].status == PledgeStatus.AWAITING and user.has_perm("targets.sign_pledge"):
        context["pledge_sides"] = services.pledge_sides(user, context["pledge"])
    return render(request, "targets/target_detail.html", context)


@login_required
@permission_required("targets.apply_target", raise_exception=True)
def target_apply(request, campaign_pk: int, branch_pk: int):
    campaign = get_object_or_404(campaign_list(user=request.user), pk=campaign_pk)
    branch = _branch(request.user, branch_pk)
    target = (
        Target.objects.filter(campaign=campaign, branch=branch)
        .prefetch_related("stars", "required_stars", "rounds")
        .first()
    )
    stars = _branch_stars(campaign, branch)
    if request.method == "POST":
        form = ApplyForm(request.POST, stars=stars)
        if form.is_valid():
            draft = "draft" in request.POST
            save = services.target_save_draft if draft else services.target_submit
            try:
                target = save(
                    actor=request.user,
                    campaign=campaign,
                    branch=branch,
                    stars=list(form.cleaned_data["stars"]),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("The draft was saved.") if draft else _("The application was submitted to the office.")
                )
                return redirect("targets:target_detail", pk=target.pk)
    else:
        initial = {"stars": list(target.stars.all()) if target else [], "reason": target.reason if target else ""}
        form = ApplyForm(initial=initial, stars=stars)
    baseline = selectors.baseline_get(user=request.user, campaign=campaign, branch=branch)
    by_set = selectors._stars_with_indicators(campaign.standard)
    cells, suggested = selectors.classify_baseline(baseline, by_set.get(branch.star_set, []))
    return render(
        request,
        "targets/target_apply.html",
        {
            "campaign": campaign,
            "branch": branch,
            "target": target,
            "form": form,
            "baseline": baseline,
            "cells": cells,
            "suggested": suggested,
            "required": list(target.required_stars.all()) if target else [],
        },
    )


@login_required
@permission_required("targets.decide_target", raise_exception=True)
@require_POST
def target_review(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    form = ReviewForm(request.POST, stars=_branch_stars(target.campaign, target.branch))
    if not form.is_valid():
        flash_errors(request, form)
        return redirect("targets:target_detail", pk=target.pk)
    try:
        if form.cleaned_data["decision"] == "agree":
            services.target_agree(actor=request.user, target=target, note=form.cleaned_data["reason"])
            messages.success(request, _("The target was agreed."))
        else:
            services.target_return(
                actor=request.user,
                target=target,
                reason=form.cleaned_data["reason"],
                stars=list(form.cleaned_data["stars"]) or None,
            )
            messages.success(request, _("The target was sent back to the branch."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("targets:target_detail", pk=target.pk)


@login_required
@permission_required("targets.decide_target", raise_exception=True)
def target_require(request, campaign_pk: int, branch_pk: int):
    campaign = get_object_or_404(campaign_list(user=request.user), pk=campaign_pk)
    branch = _branch(request.user, branch_pk)
    target = Target.objects.filter(campaign=campaign, branch=branch).first()
    stars = _branch_stars(campaign, branch)
    if request.method == "POST":
        form = RequireForm(request.POST, stars=stars)
        if form.is_valid():
            try:
                services.target_require_stars(
                    actor=request.user,
                    campaign=campaign,
                    branch=branch,
                    stars=list(form.cleaned_data["stars"]),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The required stars were saved."))
                return redirect(f"{reverse('targets:target_list')}?campaign={campaign.pk}")
    else:
        form = RequireForm(initial={"stars": list(target.required_stars.all()) if target else []}, stars=stars)
    return render(request, "targets/target_require.html", {"campaign": campaign, "branch": branch, "form": form})


# ---------------------------------------------------------------------------------------------------------
# Baseline (对表摸排)
# ---------------------------------------------------------------------------------------------------------


@exporter
def baseline_export(user, params) -> ExportSpec:
    campaign = _campaign(user, params)
    matrix = selectors.baseline_matrix(user=user, campaign=campaign) if campaign else selectors.BaselineMatrix({}, [])
    labels = {rules.SUGGEST_MET: _("Met"), rules.SUGGEST_REALISTIC: _("Realistic"), rules.SUGGEST_STRETCH: _("Stretch")}

    def rows():
        for row in matrix.rows:
            yield (
                row.branch.code,
                row.branch.name,
                row.branch.get_star_set_display(),
                row.baseline.surveyed_on if row.baseline else "",
                *[f"{star.name}：{labels.get(c, '—')}" for star, c in row.cells],
                "、".join(star.name for star, _c in row.cells if star.code in row.suggested),
            )

    return ExportSpec(
        filename="baseline.xlsx",
        title=_("Baseline survey"),
        headers=[
            _("Code"),
            _("Branch"),
            _("Star set"),
            _("Surveyed on"),
            "1",
            "2",
            "3",
            "4",
            "5",
            _("Suggested stars"),
        ],
        rows=rows(),
        total=len(matrix.rows),
    )


@login_required
@permission_required("targets.view_baseline", raise_exception=True)
def baseline_matrix(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, baseline_export)
    campaign = _campaign(request.user, request.GET)
    matrix = selectors.baseline_matrix(user=request.user, campaign=campaign) if campaign else None
    return render(
        request,
        "targets/baseline_matrix.html",
        {"campaign": campaign, "campaigns": list(campaign_list(user=request.user)), "matrix": matrix},
    )


@login_required
@permission_required("targets.change_baseline", raise_exception=True)
def baseline_edit(request, campaign_pk: int, branch_pk: int):
    campaign = get_object_or_404(campaign_list(user=request.user), pk=campaign_pk)
    branch = _branch(request.user, branch_pk)
    indicators = list(
        Indicator.objects.filter(star__standard=campaign.standard, star__star_set=branch.star_set)
        .select_related("star")
        .order_by("star__position", "position")
    )
    baseline = selectors.baseline_get(user=request.user, campaign=campaign, branch=branch)
    entries = {e.indicator_id: e for e in baseline.entries.all()} if baseline else {}
    if request.method == "POST":
        form = BaselineForm(request.POST, request.FILES, indicators=indicators, entries=entries)
        if form.is_valid():
            try:
                with transaction.atomic():
                    baseline = services.baseline_save(
                        actor=request.user,
                        campaign=campaign,
                        branch=branch,
                        surveyed_on=form.cleaned_data["surveyed_on"],
                        ratings=form.ratings(),
                        branch_consulted=form.cleaned_data["branch_consulted"],
                        note=form.cleaned_data["note"],
                    )
                    saved = {e.indicator_id: e for e in baseline.entries.all()}
                    for indicator_id, upload in form.uploads().items():
                        if indicator_id not in saved:
                            raise ValidationError(_("Rate the indicator before adding evidence to it."))
                        services.baseline_add_evidence(actor=request.user, entry=saved[indicator_id], upload=upload)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The baseline survey was saved."))
                return redirect(f"{reverse('targets:baseline_matrix')}?campaign={campaign.pk}")
    else:
        form = BaselineForm(
            initial={
                "surveyed_on": baseline.surveyed_on if baseline else None,
                "branch_consulted": baseline.branch_consulted if baseline else False,
                "note": baseline.note if baseline else "",
            },
            indicators=indicators,
            entries=entries,
        )
    return render(
        request,
        "targets/baseline_form.html",
        {"campaign": campaign, "branch": branch, "form": form, "baseline": baseline},
    )


@login_required
@permission_required("targets.view_baselineevidence", raise_exception=True)
def baseline_evidence(request, pk: int):
    from wuxing.core.uploads import evidence_response

    evidence = get_object_or_404(BaselineEvidence.objects.restrict(request.user, "view"), pk=pk)
    return evidence_response(evidence, thumbnail=request.GET.get("thumb") == "1")


# ---------------------------------------------------------------------------------------------------------
# 一村(社区)一策
# ---------------------------------------------------------------------------------------------------------


@exporter
def plan_export(user, params) -> ExportSpec:
    campaign = _campaign(user, params)
    qs = (
        PlanMilestone.objects.restrict(user, "view")
        .select_related("measure", "measure__star", "measure__target__branch")
        .order_by("measure__target__branch__sort_order", "measure__star__position", "measure__position", "due_on")
    )
    if campaign is not None:
        qs = qs.filter(measure__target__campaign=campaign)
    if str(params.get("target", "")).isdigit():
        qs = qs.filter(measure__target_id=int(params["target"]))
    milestones = list(qs)
    return ExportSpec(
        filename="plans.xlsx",
        title=_("One plan per village (community)"),
        headers=[
            _("Branch"),
            _("Star"),
            _("Measure"),
            _("Resources needed"),
            _("Milestone"),
            _("Due on"),
            _("Target value"),
            _("Unit"),
        ],
        rows=(
            (
                m.measure.target.branch.name,
                m.measure.star.name,
                m.measure.title,
                m.measure.resources,
                m.title,
                m.due_on,
                m.target_value,
                m.unit,
            )
            for m in milestones
        ),
        total=len(milestones),
    )


@login_required
@permission_required("targets.view_planmeasure", raise_exception=True)
def plan_detail(request, pk: int):
    if request.GET.get("export") == "xlsx":
        return export_response(request, plan_export, {"target": str(pk), "campaign": request.GET.get("campaign", "")})
    target = selectors.target_get(user=request.user, pk=pk)
    can_edit = request.user.has_perm("targets.change_planmeasure") and target.campaign.status != "closed"
    context = {"target": target, "branch": target.branch, "campaign": target.campaign, "can_edit": can_edit}
    if can_edit:
        context["measure_form"] = MeasureForm(
            stars=target.stars.all(),
            people=Person.objects.filter(office_id=target.branch.office_id).order_by("-is_leader", "name"),
        )
        context["milestone_form"] = MilestoneForm()
    return render(request, "targets/plan_detail.html", context)


@login_required
@permission_required("targets.change_planmeasure", raise_exception=True)
@require_POST
def plan_measure_add(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    form = MeasureForm(
        request.POST, stars=target.stars.all(), people=Person.objects.filter(office_id=target.branch.office_id)
    )
    if form.is_valid():
        try:
            services.measure_save(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The measure was added."))
    else:
        flash_errors(request, form)
    return redirect("targets:plan_detail", pk=target.pk)


@login_required
@permission_required("targets.change_planmeasure", raise_exception=True)
@require_POST
def plan_measure_delete(request, pk: int):
    measure = get_object_or_404(
        PlanMeasure.objects.restrict(request.user, "view").select_related("target__branch"), pk=pk
    )
    services.measure_delete(actor=request.user, measure=measure)
    messages.success(request, _("The measure was removed."))
    return redirect("targets:plan_detail", pk=measure.target_id)


@login_required
@permission_required("targets.change_planmeasure", raise_exception=True)
@require_POST
def plan_milestone_add(request, pk: int):
    measure = get_object_or_404(
        PlanMeasure.objects.restrict(request.user, "view").select_related("target__branch", "target__campaign"), pk=pk
    )
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, measure=measure, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The milestone was added."))
    else:
        flash_errors(request, form)
    return redirect("targets:plan_detail", pk=measure.target_id)


@login_required
@permission_required("targets.change_planmeasure", raise_exception=True)
@require_POST
def plan_milestone_delete(request, pk: int):
    milestone = get_object_or_404(
        PlanMilestone.objects.restrict(request.user, "view").select_related("measure__target__branch"), pk=pk
    )
    services.milestone_delete(actor=request.user, milestone=milestone)
    messages.success(request, _("The milestone was removed."))
    return redirect("targets:plan_detail", pk=milestone.measure.target_id)


# ---------------------------------------------------------------------------------------------------------
# Deliberations
# ---------------------------------------------------------------------------------------------------------


@exporter
def deliberations_export(user, params) -> ExportSpec:
    items = list(selectors.deliberation_list(user=user, filters=params))

    def rows():
        for d in items:
            steps = {s.step: s for s in d.steps.all()}
            yield (
                d.branch.name,
                d.subject,
                d.get_matter_display(),
                d.get_procedure_display(),
                d.get_status_display(),
                "、".join(str(Step(s).label) for s in steps),
                d.implemented_on or "",
                d.created_at.date(),
            )

    return ExportSpec(
        filename="deliberations.xlsx",
        title=_("Deliberations"),
        headers=[
            _("Branch"),
            _("Subject"),
            _("Kind of matter"),
            _("Procedure"),
            _("Status"),
            _("Steps recorded"),
            _("Implemented on"),
            _("Created"),
        ],
        rows=rows(),
        total=len(items),
    )


@login_required
@permission_required("targets.view_deliberation", raise_exception=True)
def deliberation_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, deliberations_export)
    items = list(selectors.deliberation_list(user=request.user, filters=request.GET))
    rows = [(d, rules.next_step(d.procedure, [(s.step, s.merged) for s in d.steps.all()])) for d in items]
    branches = list(Branch.objects.restrict(request.user, "view").order_by("sort_order", "code").only("id", "name"))
    return render(
        request,
        "targets/deliberation_list.html",
        {
            "rows": rows,
            "branches": branches if len(branches) > 1 else [],
            "status": request.GET.get("status", ""),
            "branch": request.GET.get("branch", ""),
        },
    )


@login_required
@permission_required("targets.add_deliberation", raise_exception=True)
def deliberation_create(request):
    branches = Branch.objects.restrict(request.user, "view").order_by("sort_order", "code")
    if request.method == "POST":
        form = DeliberationForm(request.POST, branches=branches)
        if form.is_valid():
            branch = form.cleaned_data["branch"]
            campaign = campaign_current(user=request.user, office=branch.office)
            target = None
            if form.cleaned_data["matter"] == "target" and str(request.POST.get("campaign", "")).isdigit():
                campaign = campaign_list(user=request.user).filter(pk=int(request.POST["campaign"])).first() or campaign
            if form.cleaned_data["matter"] == "target" and campaign is not None:
                target = Target.objects.filter(campaign=campaign, branch=branch).first()
            try:
                deliberation = services.deliberation_create(
                    actor=request.user,
                    branch=branch,
                    subject=form.cleaned_data["subject"],
                    matter=form.cleaned_data["matter"],
                    campaign=campaign if form.cleaned_data["matter"] == "target" else None,
                    target=target,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The deliberation was opened."))
                return redirect("targets:deliberation_detail", pk=deliberation.pk)
    else:
        initial = {"matter": "target"}
        if branches.count() == 1:
            initial["branch"] = branches.first()
        form = DeliberationForm(initial=initial, branches=branches)
    return render(request, "targets/deliberation_form.html", {"form": form})


def _step_context(deliberation):
    recorded = [(s.step, s.merged) for s in deliberation.steps.all()]
    upcoming = rules.next_step(deliberation.procedure, recorded)
    return upcoming


@login_required
@permission_required("targets.view_deliberation", raise_exception=True)
def deliberation_detail(request, pk: int):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    upcoming = _step_context(deliberation)
    context = {
        "deliberation": deliberation,
        "progress": selectors.deliberation_progress(deliberation),
        "upcoming": upcoming,
    }
    can_record = request.user.has_perm("targets.record_deliberation") and deliberation.status == "open"
    context["can_record"] = can_record
    if can_record and upcoming:
        context["step_form"] = _step_form(deliberation, upcoming)
    if can_record and upcoming == Step.RESULT_PUBLISHED and not deliberation.implemented_on:
        context["implementation_form"] = ImplementationForm()
    context["can_close"] = can_record and upcoming is None
    return render(request, "targets/deliberation_detail.html", context)


def _step_form(deliberation, upcoming, data=None, files=None):
    branch = deliberation.branch
    initial = {"step": upcoming}
    if upcoming == Step.PARTY_MEETING_REVIEW:
        initial["should_attend"] = branch.party_members
    elif upcoming in rules.RESOLVE_STEPS:
        initial["should_attend"] = branch.representatives
        initial["meeting_form"] = "representatives"
    form = StepForm(data, files, initial=initial)
    form.voting = upcoming in rules.VOTING_STEPS
    form.resolve = upcoming in rules.RESOLVE_STEPS
    form.mergeable = upcoming == Step.PROPOSE and branch.secretary_chairs_committee
    form.publication = upcoming in rules.PUBLICATION_STEPS
    return form


@login_required
@permission_required("targets.record_deliberation", raise_exception=True)
@require_POST
def deliberation_step(request, pk: int):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    upcoming = _step_context(deliberation)
    form = _step_form(deliberation, upcoming, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        upload = data.pop("attachment", None)
        try:
            services.step_record(
                actor=request.user, deliberation=deliberation, attachments=[upload] if upload else [], **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The step “%(step)s” was recorded.") % {"step": Step(data["step"]).label})
            return redirect("targets:deliberation_detail", pk=deliberation.pk)
    context = {
        "deliberation": deliberation,
        "progress": selectors.deliberation_progress(deliberation),
        "upcoming": upcoming,
        "can_record": True,
        "step_form": form,
    }
    return render(request, "targets/deliberation_detail.html", context, status=400)


@login_required
@permission_required("targets.record_deliberation", raise_exception=True)
@require_POST
def deliberation_implementation(request, pk: int):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    form = ImplementationForm(request.POST)
    if form.is_valid():
        try:
            services.deliberation_record_implementation(
                actor=request.user, deliberation=deliberation, **form.cleaned_data
            )
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The implementation was recorded."))
    else:
        messages.error(request, _("Describe what was implemented and when."))
    return redirect("targets:deliberation_detail", pk=deliberation.pk)


@login_required
@permission_required("targets.record_deliberation", raise_exception=True)
@require_POST
def deliberation_close(request, pk: int):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    try:
        services.deliberation_close(actor=request.user, deliberation=deliberation)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The deliberation was closed."))
    return redirect("targets:deliberation_detail", pk=deliberation.pk)


@login_required
@permission_required("targets.view_stepattachment", raise_exception=True)
def step_attachment(request, pk: int):
    from wuxing.core.uploads import evidence_response

    attachment = get_object_or_404(StepAttachment.objects.restrict(request.user, "view"), pk=pk)
    return evidence_response(attachment, thumbnail=request.GET.get("thumb") == "1")


@login_required
@permission_required("targets.decide_target", raise_exception=True)
def procedure_settings(request):
    """The office's procedure per kind of branch: 四议两公开 or 一征三议两公开, publication period, R7 quorum."""
    from wuxing.org.choices import BranchKind
    from wuxing.org.selectors import office_list

    office = office_list(user=request.user).filter(level="office").order_by("path").first()
    if office is None:
        raise PermissionDenied
    rows = []
    for kind, label in BranchKind.choices:
        sample = Branch(office=office, kind=kind, star_set="urban" if kind == BranchKind.URBAN_COMMUNITY else "rural")
        current = services.procedure_for(sample)
        prefix = kind
        data = request.POST if request.method == "POST" and request.POST.get("kind") == kind else None
        form = ProcedureSettingForm(
            data,
            prefix=prefix,
            initial={
                "procedure": current.procedure,
                "publication_days": current.publication_days,
                "quorum_numerator": current.quorum_numerator,
                "quorum_denominator": current.quorum_denominator,
            },
        )
        if data is not None and form.is_valid():
            try:
                services.procedure_setting_save(
                    actor=request.user, office=office, branch_kind=kind, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The procedure was saved."))
                return redirect("targets:procedure_settings")
        rows.append((kind, label, form, ProcedureSetting.objects.filter(office=office, branch_kind=kind).exists()))
    return render(request, "targets/procedure_settings.html", {"office": office, "rows": rows})


# ---------------------------------------------------------------------------------------------------------
# Responsibility letters (责任书)
# ---------------------------------------------------------------------------------------------------------


@exporter
def pledges_export(user, params) -> ExportSpec:
    campaign = _campaign(user, params)
    items = list(selectors.pledge_list(user=user, campaign=campaign))
    return ExportSpec(
        filename="responsibility-letters.xlsx",
        title=_("Responsibility letters"),
        headers=[
            _("Branch"),
            _("Year"),
            _("Version"),
            _("Target level"),
            _("Stars"),
            _("Status"),
            _("Secretary confirmed"),
            _("Leader confirmed"),
            _("Content hash"),
        ],
        rows=(
            (
                p.target.branch.name,
                p.target.campaign.year,
                p.number,
                p.content.get("level"),
                "、".join(p.content.get("stars", [])),
                p.get_status_display(),
                p.secretary_confirmed_at,
                p.leader_confirmed_at,
                p.content_sha256,
            )
            for p in items
        ),
        total=len(items),
    )


@login_required
@permission_required("targets.view_pledge", raise_exception=True)
def pledge_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, pledges_export)
    campaign = _campaign(request.user, request.GET)
    return render(
        request,
        "targets/pledge_list.html",
        {
            "campaign": campaign,
            "campaigns": list(campaign_list(user=request.user)),
            "pledges": selectors.pledge_list(user=request.user, campaign=campaign) if campaign else [],
        },
    )


@login_required
@permission_required("targets.view_pledge", raise_exception=True)
def pledge_detail(request, pk: int):
    pledge = selectors.pledge_get(user=request.user, pk=pk)
    sides = (
        services.pledge_sides(request.user, pledge)
        if pledge.status == PledgeStatus.AWAITING and request.user.has_perm("targets.sign_pledge")
        else set()
    )
    return render(request, "targets/pledge_detail.html", {"pledge": pledge, "c": pledge.content, "sides": sides})


@login_required
@permission_required("targets.view_pledge", raise_exception=True)
def pledge_pdf(request, pk: int):
    from wuxing.core.pdf import pdf_response, render_pdf

    pledge = selectors.pledge_get(user=request.user, pk=pk)
    data = render_pdf("targets/pledge_pdf.html", {"pledge": pledge, "c": pledge.content}, request=request)
    return pdf_response(data, f"责任书-{pledge.target.branch.name}-{pledge.target.campaign.year}-{pledge.number}.pdf")


@login_required
@permission_required("targets.change_pledge", raise_exception=True)
@require_POST
def pledge_generate(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    form = PledgeForm(request.POST)
    form.is_valid()
    try:
        pledge = services.pledge_generate(
            actor=request.user, target=target, office_commitments=form.cleaned_data.get("office_commitments", "")
        )
    except ValidationError as exc:
        flash_errors(request, exc)
        return redirect("targets:target_detail", pk=target.pk)
    messages.success(request, _("The responsibility letter was generated."))
    return redirect("targets:pledge_detail", pk=pledge.pk)


@login_required
@permission_required("targets.sign_pledge", raise_exception=True)
@require_POST
def pledge_confirm(request, pk: int):
    pledge = selectors.pledge_get(user=request.user, pk=pk)
    side = request.POST.get("side") or None
    try:
        services.pledge_confirm(
            actor=request.user, pledge=pledge, side=side if side in ("secretary", "leader") else None
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("You confirmed the responsibility letter."))
    return redirect("targets:pledge_detail", pk=pledge.pk)
