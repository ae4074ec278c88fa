"""Pages of 示范点引领: sites, a site's tailored plan and feature projects, their records, and the catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for
from wuxing.core.exports import export_response
from wuxing.core.forms import flash_errors
from wuxing.core.history import record_history
from wuxing.core.lists import paginate
from wuxing.core.undo import deleted_message
from wuxing.core.uploads import evidence_response
from wuxing.org.selectors import branch_list

from . import forms as f
from . import rules, selectors, services
from .choices import RecordStructure
from .exports import kinds_export, project_records_export, site_projects_export, sites_export
from .filtersets import site_filterset
from .models import (
    FeatureProject,
    Grid,
    GridIncident,
    InServiceMember,
    Milestone,
    VolunteerTeam,
)


@login_required
@permission_required("showcase.view_demosite", raise_exception=True)
def site_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, sites_export)
    campaign = campaign_for(user=request.user, request=request)
    sites = []
    filterset = site_filterset(request.user, campaign, request.GET)
    page = paginate(
        request, filterset.qs if campaign is not None and filterset.is_valid() else filterset.queryset.none()
    )
    if campaign is not None:
        sites = selectors.decorate_sites(page, campaign)
    can_claim = campaign is not None and request.user.has_perm("showcase.add_demosite") and campaign.is_open
    # None in the user's scope, no filter set (a secretary whose branch is not a site): say which sites the office
    # has (they are on its public site anyway) rather than "none claimed yet".
    filtered = any(request.GET.get(name) for name in filterset.form.fields)
    office_sites = selectors.site_rows(campaign=campaign) if campaign is not None and not sites and not filtered else []
    return render(
        request,
        "showcase/site_list.html",
        {
            "campaign": campaign,
            "sites": sites,
            "page": page,
            "can_claim": can_claim,
            "form": filterset.form,
            "office_sites": office_sites,
        },
    )


@login_required
@permission_required("showcase.add_demosite", raise_exception=True)
def site_claim(request):
    campaign = campaign_for(user=request.user, request=request)
    if campaign is None:
        raise Http404
    form = f.SiteClaimForm(request.POST or None, campaign=campaign, branches=branch_list(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_claim(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The demonstration site was claimed."))
            return redirect("showcase:site_detail", pk=site.pk)
    return render(request, "showcase/site_claim.html", {"form": form, "campaign": campaign})


@login_required
@permission_required("showcase.view_demosite", raise_exception=True)
def site_detail(request, pk: int):
    if request.GET.get("export") == "xlsx":
        return export_response(request, site_projects_export, {"pk": pk})
    site = selectors.site_get(user=request.user, pk=pk)
    context = {
        "site": site,
        "projects": selectors.decorate_projects(site),
        "structures": selectors.site_structures(site.projects.all()),
        "totals": selectors.site_totals([site.pk])[site.pk],
        "levels": selectors.level_board(site.campaign, [site.branch_id])[site.branch_id],
        "can_edit": request.user.has_perm("showcase.change_demosite") and site.campaign.is_open,
        "can_add": request.user.has_perm("showcase.add_featureproject") and site.campaign.is_open,
    }
    return render(request, "showcase/site_detail.html", context)


@login_required
@permission_required("showcase.change_demosite", raise_exception=True)
def site_edit(request, pk: int):
    site = selectors.site_get(user=request.user, pk=pk, action="change")
    form = f.SiteEditForm(
        request.POST or None, initial={"feature": site.feature, "plan": site.plan, "lon": site.lon, "lat": site.lat}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.site_update(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The tailored plan was saved."))
            return redirect("showcase:site_detail", pk=site.pk)
    return render(request, "showcase/site_edit.html", {"form": form, "site": site})


@login_required
@permission_required("showcase.add_featureproject", raise_exception=True)
def project_create(request, pk: int):
    site = selectors.site_get(user=request.user, pk=pk)
    form = f.ProjectForm(request.POST or None, office=site.campaign.office)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The feature project was added."))
            return redirect("showcase:project_detail", pk=project.pk)
    return render(request, "showcase/project_form.html", {"form": form, "site": site})


@login_required
@permission_required("showcase.view_featureproject", raise_exception=True)
def project_detail(request, pk: int):
    if request.GET.get("export") == "xlsx":
        return export_response(request, project_records_export, {"pk": pk})
    project = selectors.project_get(user=request.user, pk=pk)
    project.progress = selectors.project_progress(project)
    can_change = (
        request.user.has_perm("showcase.change_featureproject")
        and selectors.projects_to_change(user=request.user).filter(pk=pk).exists()
    )
    can_change = can_change and project.site.campaign.is_open
    context = {
        "project": project,
        "site": project.site,
        "structure": project.kind.structure,
        "can_change": can_change,
        "milestone_form": f.MilestoneForm() if can_change else None,
        "evidence_form": f.ProjectEvidenceForm() if can_change else None,
    }
    return render(request, "showcase/project_detail.html", context)


def _project_to_change(request, pk):
    return get_object_or_404(selectors.projects_to_change(user=request.user), pk=pk)


@login_required
@require_POST
def milestone_add(request, pk: int):
    project = _project_to_change(request, pk)
    form = f.MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_add(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, _("The milestone was added."))
    else:
        flash_errors(request, form)
    return redirect("showcase:project_detail", pk=project.pk)


@login_required
@require_POST
def milestone_complete(request, pk: int):
    projects = selectors.projects_to_change(user=request.user)
    milestone = get_object_or_404(Milestone.objects.filter(project__in=projects).select_related("project"), pk=pk)
    services.milestone_complete(actor=request.user, milestone=milestone, done_on=request.POST.get("done_on") or None)
    messages.success(request, _("The milestone is done."))
    return redirect("showcase:project_detail", pk=milestone.project_id)


@login_required
@require_POST
def project_evidence_add(request, pk: int):
    project = _project_to_change(request, pk)
    form = f.ProjectEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        services.project_add_evidence(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, _("The evidence was added."))
    else:
        flash_errors(request, form)
    return redirect("showcase:project_detail", pk=project.pk)


# record → (form, parent model, path from the parent to its project, service keyword for the parent, service, title)
RECORDS = {
    "agreement": (
        f.AgreementForm,
        FeatureProject,
        "",
        "project",
        services.agreement_add,
        gettext_lazy("Add a co-building agreement"),
    ),
    "member": (
        f.MemberForm,
        FeatureProject,
        "",
        "project",
        services.member_register,
        gettext_lazy("Register an in-service party member"),
    ),
    "service": (
        f.ServiceRecordForm,
        InServiceMember,
        "project",
        "member",
        services.service_record_add,
        gettext_lazy("Record a service"),
    ),
    "session": (
        f.TeaSessionForm,
        FeatureProject,
        "",
        "project",
        services.tea_session_add,
        gettext_lazy("Record a tea-house session"),
    ),
    "team": (f.TeamForm, FeatureProject, "", "project", services.team_add, gettext_lazy("Add a volunteer team")),
    "volunteer": (
        f.VolunteerForm,
        VolunteerTeam,
        "project",
        "team",
        services.volunteer_add,
        gettext_lazy("Add a volunteer"),
    ),
    "volunteer_activity": (
        f.VolunteerActivityForm,
        VolunteerTeam,
        "project",
        "team",
        services.volunteer_activity_add,
        gettext_lazy("Record a volunteer activity"),
    ),
    "grid": (f.GridForm, FeatureProject, "", "project", services.grid_add, gettext_lazy("Add a grid")),
    "grid_worker": (
        f.GridWorkerForm,
        Grid,
        "project",
        "grid",
        services.grid_worker_add,
        gettext_lazy("Add a grid worker"),
    ),
    "incident": (f.IncidentForm, Grid, "project", "grid", services.incident_report, gettext_lazy("Report an incident")),
    "incident_close": (
        f.IncidentCloseForm,
        GridIncident,
        "grid__project",
        "incident",
        services.incident_close,
        gettext_lazy("Close an incident"),
    ),
}


@login_required
@permission_required("showcase.change_featureproject", raise_exception=True)
def record_add(request, record: str, parent: int):
    """Add one structured record (an agreement, a session, a volunteer activity, an incident, …) to a project."""
    if record not in RECORDS:
        raise Http404
    form_cls, model, path, keyword, service, title = RECORDS[record]
    projects = selectors.projects_to_change(user=request.user)
    qs = model.objects.filter(pk__in=projects) if not path else model.objects.filter(**{f"{path}__in": projects})
    obj = get_object_or_404(qs, pk=parent)
    project = obj if model is FeatureProject else (obj.project if path == "project" else obj.grid.project)
    form = form_cls(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=request.user, **{keyword: obj}, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("showcase:project_detail", pk=project.pk)
    return render(
        request, "showcase/record_form.html", {"form": form, "project": project, "title": title, "parent": obj}
    )


@login_required
def evidence_file(request, pk: int, thumbnail: bool = False):
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    if thumbnail and not evidence.thumbnail:
        raise Http404
    return evidence_response(evidence, thumbnail=thumbnail)


@login_required
@permission_required("showcase.view_projectkind", raise_exception=True)
def kind_list(request):
    """The office's catalogue of feature projects; the office adds its own kinds here."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, kinds_export)
    campaign = campaign_for(user=request.user, request=request)
    can_add = campaign is not None and request.user.has_perm("showcase.add_projectkind")
    form = f.KindForm(request.POST or None) if can_add else None
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.project_kind_create(actor=request.user, office=campaign.office, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The kind was added to the catalogue."))
                return redirect("showcase:kind_list")
    return render(
        request,
        "showcase/kind_list.html",
        {
            "kinds": selectors.project_kinds(user=request.user),
            "form": form,
            "campaign": campaign,
            "structures": RecordStructure,
        },
    )


RECORD_ACTIONS = {
    "showcase.record_update": pgettext_lazy("history", "Corrected"),
    "showcase.record_delete": pgettext_lazy("history", "Deleted"),
    "showcase.record_restore": pgettext_lazy("history", "Deletion undone"),
}


def _record_to_change(request, record: str, pk: int):
    """A record (of kind `record`) of a feature project the user may change, or 404."""
    if record not in services.RECORD_KINDS:
        raise Http404
    model, path, _structure, _fields = services.RECORD_KINDS[record]
    projects = selectors.projects_to_change(user=request.user)
    return get_object_or_404(model.objects.filter(**{f"{path}__in": projects}), pk=pk)


@login_required
@permission_required("showcase.change_featureproject", raise_exception=True)
def record_edit(request, record: str, pk: int):
    """Correct a record of a feature project, or delete it; its history of corrections."""
    row = _record_to_change(request, record, pk)
    project = services.record_project(row)
    fields = services.RECORD_KINDS[record][3]
    form = RECORDS[record][0](request.POST or None, initial={name: getattr(row, name) for name in fields})
    for field in form.fields.values():
        if getattr(field.widget, "input_type", "") == "date":
            field.widget.format = "%Y-%m-%d"
    if request.method == "POST" and form.is_valid():
        try:
            services.record_update(actor=request.user, kind=record, record=row, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The record was saved."))
            return redirect("showcase:project_detail", pk=project.pk)
    context = {
        "form": form,
        "project": project,
        "row": row,
        "record": record,
        "history": record_history(type(row), row.pk, actions=RECORD_ACTIONS),
        "deletable": not any(getattr(row, r).exists() for r in rules.RECORD_DEPENDANTS.get(record, ())),
    }
    return render(request, "showcase/record_edit.html", context)


@login_required
@permission_required("showcase.change_featureproject", raise_exception=True)
@require_POST
def record_delete(request, record: str, pk: int):
    row = _record_to_change(request, record, pk)
    project = services.record_delete(actor=request.user, kind=record, record=row, reason=request.POST.get("reason", ""))
    deleted_message(
        request,
        _("The record “%(record)s” was deleted.") % {"record": row},
        reverse("showcase:record_restore", args=[record, pk]),
    )
    return redirect("showcase:project_detail", pk=project.pk)


@login_required
@permission_required("showcase.change_featureproject", raise_exception=True)
@require_POST
def record_restore(request, record: str, pk: int):
    if record not in services.RECORD_KINDS:
        raise Http404
    row = services.record_restore(actor=request.user, kind=record, pk=pk)
    messages.success(request, _("The deletion was undone."))
    return redirect("showcase:project_detail", pk=services.record_project(row).pk)
