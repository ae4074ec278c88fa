"""Pages of the targets app: the quota board, applications and reviews, the baseline survey.

A service's refusal on an action that redirects becomes a message (core.middleware.RefusalMessageMiddleware); a
page that redisplays its form binds the refusal to the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for, campaign_list
from wuxing.core.exports import export_response
from wuxing.core.extensions import app_panels, app_problems
from wuxing.core.forms import flash_errors
from wuxing.core.lists import paginate
from wuxing.core.uploads import evidence_response
from wuxing.org.models import Branch
from wuxing.standards.models import Indicator, Star

from . import selectors, services
from .choices import TargetStatus
from .exports import baseline_export, targets_export
from .filtersets import TargetBoardFilterSet
from .forms import ApplyForm, BaselineForm, RequireForm, ReviewForm
from .models import Target


def _campaign_in_path(request, campaign_pk: int):
    """The campaign named in the address, within the user's scope (404 otherwise)."""
    return campaign_for(user=request.user, request=request, params={"campaign": str(campaign_pk)})


def _branch(user, pk, campaign):
    """The branch named in the address, in the user's scope and of the campaign's office (404 otherwise)."""
    return get_object_or_404(
        Branch.objects.restrict(user, "view").select_related("office", "secretary"),
        pk=pk,
        office_id=campaign.office_id,
    )


def _branch_stars(campaign, branch):
    return Star.objects.filter(standard=campaign.standard, star_set=branch.star_set).order_by("position")


# ---------------------------------------------------------------------------------------------------------
# The quota board (压担子) and the list of targets
# ---------------------------------------------------------------------------------------------------------


@login_required
@permission_required("targets.view_target", raise_exception=True)
def target_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, targets_export)
    campaign = campaign_for(user=request.user, request=request)
    context = {"campaign": campaign, "campaigns": list(campaign_list(user=request.user))}
    if campaign is not None:
        board = selectors.target_board(user=request.user, campaign=campaign)
        filterset = TargetBoardFilterSet(
            request.GET, selectors.board_branches(user=request.user, campaign=campaign), user=request.user
        )
        page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
        context["board"] = board
        context["page"] = page
        context["rows"] = selectors.board_rows(board, page)
        context["form"] = filterset.form
        context["can_decide"] = request.user.has_perm("targets.decide_target") and campaign.is_open
        context["can_apply"] = request.user.has_perm("targets.apply_target") and campaign.is_open
        # The batch (agree the ticked applications) is offered when this page has one waiting for review.
        context["has_submitted"] = any(
            t is not None and t.status == TargetStatus.SUBMITTED for _b, t in context["rows"]
        )
    return render(request, "targets/target_list.html", context)


@login_required
@permission_required("targets.decide_target", raise_exception=True)
@require_POST
def targets_confirm(request, campaign_pk: int):
    campaign = _campaign_in_path(request, campaign_pk)
    count = services.targets_confirm(actor=request.user, campaign=campaign)
    messages.success(request, _("%(count)d targets were confirmed.") % {"count": count})
    return redirect(f"{reverse('targets:target_list')}?campaign={campaign.pk}")


@login_required
@permission_required("targets.decide_target", raise_exception=True)
@require_POST
def targets_remind(request, campaign_pk: int):
    """The secretaries of the branches that have not applied yet are reminded in one go; then the board."""
    campaign = _campaign_in_path(request, campaign_pk)
    branches, sent, unreachable = services.targets_remind(actor=request.user, campaign=campaign)
    if branches:
        messages.success(
            request,
            _("%(branches)d branches have not applied yet; %(sent)d reminders were sent.")
            % {"branches": branches, "sent": sent},
        )
        if unreachable:
            messages.warning(
                request,
                _("These branches' secretaries have no account to be reminded on; please contact them: %(names)s")
                % {"names": "、".join(unreachable)},
            )
    else:
        messages.info(request, _("Every branch has applied; nobody needed a reminder."))
    return redirect(f"{reverse('targets:target_list')}?campaign={campaign.pk}")


@login_required
@permission_required("targets.decide_target", raise_exception=True)
@require_POST
def targets_agree(request, campaign_pk: int):
    """The applications ticked on the board, agreed in one go (all or none); then the board as it was."""
    campaign = _campaign_in_path(request, campaign_pk)
    back = f"{reverse('targets:target_list')}?campaign={campaign.pk}"
    ids = [int(v) for v in request.POST.getlist("target") if v.isdigit() and len(v) < 19]
    if not ids:
        messages.error(request, _("Tick the applications to agree first."))
        return redirect(back)
    agreed = services.targets_agree(actor=request.user, campaign=campaign, target_ids=ids)
    messages.success(request, _("%(count)d applications were agreed.") % {"count": len(agreed)})
    for target in agreed:
        for warning in app_problems("target_agree_warnings", target=target):
            messages.warning(request, f"{target.branch.name}：{warning}")
    return redirect(back)


# ---------------------------------------------------------------------------------------------------------
# One target: apply, review, require, history
# ---------------------------------------------------------------------------------------------------------


@login_required
@permission_required("targets.view_target", raise_exception=True)
def target_detail(request, pk: int):
    target = selectors.target_get(user=request.user, pk=pk)
    campaign = target.campaign
    user = request.user
    context = {
        "target": target,
        "campaign": campaign,
        "branch": target.branch,
        "open": campaign.is_open,
        # The plan, the letter and the deliberations of this target come from the apps that hold them.
        "panels": app_panels("target_panels", request, target=target),
    }
    baseline = selectors.baseline_get(user=user, campaign=campaign, branch=target.branch)
    if baseline is not None:
        stars = selectors.stars_with_indicators(campaign.standard).get(target.branch.star_set, [])
        cells, _suggested = selectors.classify_baseline(baseline, stars)
        targeted = {s.pk for s in target.stars.all()}
        context.update(baseline=baseline, baseline_cells=[(star, c, star.pk in targeted) for star, c in cells])
    decides = campaign.is_open and user.has_perm("targets.decide_target")
    if decides and target.status == TargetStatus.SUBMITTED:
        context["review_form"] = ReviewForm(stars=_branch_stars(campaign, target.branch))
        # The apps above say what the reviewer should know before agreeing (an unfinished deliberation).
        context["agree_warnings"] = app_problems("target_agree_warnings", target=target)
    if decides and target.status in (TargetStatus.AGREED, TargetStatus.CONFIRMED):
        context["return_form"] = ReviewForm(
            initial={"decision": "return"}, stars=_branch_stars(campaign, target.branch)
        )
    return render(request, "targets/target_detail.html", context)


@login_required
@permission_required("targets.apply_target", raise_exception=True)
def target_apply(request, campaign_pk: int, branch_pk: int):
    campaign = _campaign_in_path(request, campaign_pk)
    branch = _branch(request.user, branch_pk, campaign)
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
    by_set = selectors.stars_with_indicators(campaign.standard)
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
    if form.cleaned_data["decision"] == "agree":
        services.target_agree(actor=request.user, target=target, note=form.cleaned_data["reason"])
        messages.success(request, _("The target was agreed."))
        for warning in app_problems("target_agree_warnings", target=target):
            messages.warning(request, warning)
    else:
        services.target_return(
            actor=request.user,
            target=target,
            reason=form.cleaned_data["reason"],
            stars=list(form.cleaned_data["stars"]) or None,
        )
        messages.success(request, _("The target was sent back to the branch."))
    return redirect("targets:target_detail", pk=target.pk)


@login_required
@permission_required("targets.decide_target", raise_exception=True)
def target_require(request, campaign_pk: int, branch_pk: int):
    campaign = _campaign_in_path(request, campaign_pk)
    branch = _branch(request.user, branch_pk, campaign)
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


@login_required
@permission_required("targets.view_baseline", raise_exception=True)
def baseline_matrix(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, baseline_export)
    campaign = campaign_for(user=request.user, request=request)
    matrix = selectors.baseline_matrix(user=request.user, campaign=campaign) if campaign else None
    return render(
        request,
        "targets/baseline_matrix.html",
        {"campaign": campaign, "campaigns": list(campaign_list(user=request.user)), "matrix": matrix},
    )


@login_required
@permission_required("targets.change_baseline", raise_exception=True)
def baseline_edit(request, campaign_pk: int, branch_pk: int):
    campaign = _campaign_in_path(request, campaign_pk)
    branch = _branch(request.user, branch_pk, campaign)
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
                        services.baseline_add_evidence(actor=request.user, entry=saved[indicator_id], uploads=[upload])
            except ValidationError as exc:
                # The refusals of the survey and of its evidence are about the whole form, not one of its fields.
                form.add_error(None, exc.messages)
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
    evidence = selectors.baseline_evidence_get(user=request.user, pk=pk)
    return evidence_response(evidence, thumbnail=request.GET.get("thumb") == "1")
