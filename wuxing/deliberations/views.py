"""Pages of the deliberations app: the list, a deliberation step by step, its attachments, the office's procedures.

A service's refusal on an action that redirects becomes a message (core.middleware.RefusalMessageMiddleware); a
page that redisplays its form binds the refusal to the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for
from wuxing.core.exports import export_response
from wuxing.core.lists import paginate
from wuxing.core.uploads import evidence_response
from wuxing.org.choices import BranchKind, StarSet
from wuxing.org.models import Branch
from wuxing.org.selectors import office_list
from wuxing.targets.selectors import target_summaries

from . import rules, selectors, services
from .choices import DeliberationStatus, MatterKind, Step
from .exports import deliberations_export
from .filtersets import DeliberationFilterSet
from .forms import DeliberationForm, ImplementationForm, ProcedureSettingForm, StepForm
from .models import ProcedureSetting


@login_required
@permission_required("deliberations.view_deliberation", raise_exception=True)
def deliberation_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, deliberations_export)
    filterset = DeliberationFilterSet(request.GET, selectors.deliberation_list(user=request.user), user=request.user)
    page = paginate(request, filterset.qs)
    rows = [(d, rules.next_step(d.procedure, [(s.step, s.merged) for s in d.steps.all()])) for d in page]
    return render(request, "deliberations/deliberation_list.html", {"rows": rows, "filterset": filterset, "page": page})


@login_required
@permission_required("deliberations.add_deliberation", raise_exception=True)
def deliberation_create(request):
    branches = Branch.objects.restrict(request.user, "view").order_by("sort_order", "code")
    if request.method == "POST":
        form = DeliberationForm(request.POST, branches=branches)
        if form.is_valid():
            branch = form.cleaned_data["branch"]
            campaign = target = None
            if form.cleaned_data["matter"] == MatterKind.TARGET:
                # The target decided is the branch's in the campaign chosen (`campaign`), else its current one.
                campaign = campaign_for(user=request.user, request=request, params=request.POST, office=branch.office)
                if campaign is not None:
                    target = target_summaries(campaign=campaign, branch_ids=[branch.pk]).get(branch.pk)
            try:
                deliberation = services.deliberation_create(
                    actor=request.user,
                    branch=branch,
                    subject=form.cleaned_data["subject"],
                    matter=form.cleaned_data["matter"],
                    campaign=campaign,
                    target=target,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The deliberation was opened."))
                return redirect("deliberations:deliberation_detail", pk=deliberation.pk)
    else:
        initial = {"matter": MatterKind.TARGET}
        if branches.count() == 1:
            initial["branch"] = branches.first()
        form = DeliberationForm(initial=initial, branches=branches)
    return render(request, "deliberations/deliberation_form.html", {"form": form})


def _upcoming(deliberation):
    return rules.next_step(deliberation.procedure, [(s.step, s.merged) for s in deliberation.steps.all()])


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


def _can_record(user, deliberation) -> bool:
    campaign_open = deliberation.campaign is None or deliberation.campaign.is_open
    return (
        user.has_perm("deliberations.record_deliberation")
        and deliberation.status == DeliberationStatus.OPEN
        and campaign_open
    )


@login_required
@permission_required("deliberations.view_deliberation", raise_exception=True)
def deliberation_detail(request, pk: int):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    upcoming = _upcoming(deliberation)
    can_record = _can_record(request.user, deliberation)
    context = {
        "deliberation": deliberation,
        "progress": selectors.deliberation_progress(deliberation),
        "upcoming": upcoming,
        "can_record": can_record,
        "can_close": can_record and upcoming is None,
    }
    if can_record and upcoming:
        context["step_form"] = _step_form(deliberation, upcoming)
    if can_record and upcoming == Step.RESULT_PUBLISHED and not deliberation.implemented_on:
        context["implementation_form"] = ImplementationForm()
    return render(request, "deliberations/deliberation_detail.html", context)


@login_required
@permission_required("deliberations.record_deliberation", raise_exception=True)
@require_POST
def deliberation_step(request, pk: int):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    upcoming = _upcoming(deliberation)
    form = _step_form(deliberation, upcoming, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.step_record(actor=request.user, deliberation=deliberation, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The step “%(step)s” was recorded.") % {"step": Step(data["step"]).label})
            return redirect("deliberations:deliberation_detail", pk=deliberation.pk)
    context = {
        "deliberation": deliberation,
        "progress": selectors.deliberation_progress(deliberation),
        "upcoming": upcoming,
        "can_record": True,
        "step_form": form,
    }
    return render(request, "deliberations/deliberation_detail.html", context, status=400)


@login_required
@permission_required("deliberations.record_deliberation", raise_exception=True)
@require_POST
def deliberation_implementation(request, pk: int):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    form = ImplementationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe what was implemented and when."))
        return redirect("deliberations:deliberation_detail", pk=deliberation.pk)
    services.deliberation_record_implementation(actor=request.user, deliberation=deliberation, **form.cleaned_data)
    messages.success(request, _("The implementation was recorded."))
    return redirect("deliberations:deliberation_detail", pk=deliberation.pk)


@login_required
@permission_required("deliberations.record_deliberation", raise_exception=True)
@require_POST
def deliberation_close(request, pk: int):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    services.deliberation_close(actor=request.user, deliberation=deliberation)
    messages.success(request, _("The deliberation was closed."))
    return redirect("deliberations:deliberation_detail", pk=deliberation.pk)


@login_required
@permission_required("deliberations.view_stepattachment", raise_exception=True)
def step_attachment(request, pk: int):
    attachment = selectors.step_attachment_get(user=request.user, pk=pk)
    return evidence_response(attachment, thumbnail=request.GET.get("thumb") == "1")


@login_required
@permission_required("deliberations.change_proceduresetting", raise_exception=True)
def procedure_settings(request):
    """The office's procedure per kind of branch: 四议两公开 or 一征三议两公开, publication period, R7 quorum."""
    office = office_list(user=request.user).order_by("path").first()
    if office is None:
        raise PermissionDenied
    rows = []
    for kind, label in BranchKind.choices:
        star_set = StarSet.URBAN if kind == BranchKind.URBAN_COMMUNITY else StarSet.RURAL
        current = selectors.procedure_for(Branch(office=office, kind=kind, star_set=star_set))
        data = request.POST if request.method == "POST" and request.POST.get("kind") == kind else None
        form = ProcedureSettingForm(
            data,
            prefix=kind,
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
                return redirect("deliberations:procedure_settings")
        rows.append((kind, label, form, ProcedureSetting.objects.filter(office=office, branch_kind=kind).exists()))
    return render(request, "deliberations/procedure_settings.html", {"office": office, "rows": rows})
