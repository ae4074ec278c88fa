"""Pages of 示范点引领: sites, a site's tailored plan and feature projects, their records, and the catalogue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_chosen
from wuxing.core.exports import ExportSpec, export_response, exporter
from wuxing.core.forms import flash_errors
from wuxing.org.selectors import branch_list

from . import forms as f
from . import selectors, services
from .choices import RecordStructure
from .models import (
    FeatureProject,
    Grid,
    GridIncident,
    InServiceMember,
    Milestone,
    ProjectEvidence,
    VolunteerTeam,
)


def _campaign(user, params):
    return campaign_chosen(user=user, params=params)


def _level(value):
    return "—" if value is None else f"{value}★"


def _site_rows(user, params):
    campaign = _campaign(user, params)
    sites = list(selectors.site_list(user=user, campaign=campaign)) if campaign else []
    totals = selectors.site_totals(s.pk for s in sites)
    board = selectors.level_board(campaign, [s.branch_id for s in sites]) if campaign else {}
    for s in sites:
        s.project_list = selectors.decorate_projects(s)
        s.totals = totals[s.pk]
        s.levels = board[s.branch_id]
        s.progress = sum(p.progress for p in s.project_list) / len(s.project_list) if s.project_list else 0
    return campaign, sites


@exporter
def sites_export(user, params) -> ExportSpec:
    _campaign_, sites = _site_rows(user, params)
    return ExportSpec(
        filename="demonstration-sites.xlsx",
        title=_("Demonstration sites"),
        headers=[
            _("Branch"),
            _("Leader"),
            _("Feature"),
            _("Feature projects"),
            _("Average progress"),
            _("Level last year"),
            _("Target this year"),
            _("Rated level this year"),
            _("Co-building agreements"),
            _("Volunteer hours"),
            _("Incidents reported"),
            _("Incidents closed"),
        ],
        rows=(
            (
                s.branch.name,
                f"{s.leader.name}（{s.leader.position}）",
                s.feature,
                len(s.project_list),
                round(s.progress * 100),
                _level(s.levels["last"]),
                _level(s.levels["target"]),
                _level(s.levels["rated"]),
                s.totals.agreements,
                float(s.totals.volunteer_hours),
                s.totals.incidents_reported,
                s.totals.incidents_closed,
            )
            for s in sites
        ),
        total=len(sites),
    )


@login_required
@permission_required("showcase.view_demosite", raise_exception=True)
def site_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, sites_export)
    campaign, sites = _site_rows(request.user, request.GET)
    can_claim = campaign is not None and request.user.has_perm("showcase.add_demosite") and campaign.status != "closed"
    return render(request, "showcase/site_list.html", {"campaign": campaign, "sites": sites, "can_claim": can_claim})


@login_required
@permission_required("showcase.add_demosite", raise_exception=True)
def site_claim(request):
    campaign = _campaign(request.user, request.GET)
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


@exporter
def site_projects_export(user, params) -> ExportSpec:
    site = selectors.site_get(user=user, pk=int(params.get("pk", 0)))
    projects = selectors.decorate_projects(site)
    return ExportSpec(
        filename="feature-projects.xlsx",
        title=_("Feature projects"),
        headers=[
            _("Kind"),
            _("Title"),
            _("Responsible"),
            _("Status"),
            _("Start"),
            _("Due"),
            _("Milestones done"),
            _("Milestone count"),
            _("Progress"),
        ],
        rows=(
            (
                p.kind.name,
                p.title,
                p.lead,
                p.get_status_display(),
                p.started_on,
                p.due_on,
                p.milestones_done,
                p.milestones_total,
                round(p.progress * 100),
            )
            for p in projects
        ),
        total=len(projects),
    )


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
        "can_edit": request.user.has_perm("showcase.change_demosite") and site.campaign.status != "closed",
        "can_add": request.user.has_perm("showcase.add_featureproject") and site.campaign.status != "closed",
    }
    return render(request, "showcase/site_detail.html", context)


@login_required
@permission_required("showcase.change_demosite", raise_exception=True)
def site_edit(request, pk: int):
    site = selectors.site_get(user=request.user, pk=pk, action="change")
    form = f.SiteEditForm(request.POST or None, initial={"feature": site.feature, "plan": site.plan})
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


@exporter
def project_records_export(user, params) -> ExportSpec:
    """The project's structured records, one row each (agreements, members' services, sessions, …)."""
    project = selectors.project_get(user=user, pk=int(params.get("pk", 0)))
    headers, rows = [_("Record"), _("Date"), _("Name"), _("Details"), _("Figure")], []
    for a in project.agreements.all():
        rows.append((_("Co-building agreement"), a.signed_on, a.partner, a.content, str(a.term_end or "")))
    for m in project.members.all():
        rows.append((_("In-service party member"), m.registered_on, m.name, m.employer, ""))
        for s in m.services.all():
            rows.append((_("Service record"), s.served_on, m.name, s.content, float(s.hours)))
    for s in project.sessions.all():
        rows.append((_("Tea-house session"), s.held_on, s.issues, s.answers, s.issue_count))
    for t in project.teams.all():
        for v in t.volunteers.all():
            rows.append((_("Volunteer"), v.joined_on, v.name, t.name, ""))
        for va in t.activities.all():
            rows.append((_("Volunteer activity"), va.held_on, va.title, t.name, float(va.hours)))
    for g in project.grids.all():
        for w in g.workers.all():
            rows.append((_("Grid worker"), None, w.name, f"{g.name} · {w.get_role_display()}", ""))
        for i in g.incidents.all():
            rows.append((_("Grid incident"), i.reported_on, i.category, i.description, str(i.closed_on or _("Open"))))
    for m in project.milestones.all():
        rows.append((_("Milestone"), m.due_on, m.title, str(m.done_on or ""), m.weight))
    return ExportSpec(
        filename="project-records.xlsx", title=project.title[:31], headers=headers, rows=rows, total=len(rows)
    )


@login_required
@permission_required("showcase.view_featureproject", raise_exception=True)
def project_detail(request, pk: int):
    if request.GET.get("export") == "xlsx":
        return export_response(request, project_records_export, {"pk": pk})
    project = selectors.project_get(user=request.user, pk=pk)
    project.progress = selectors.project_progress(project)
    can_change = (
        request.user.has_perm("showcase.change_featureproject")
        and FeatureProject.objects.restrict(request.user, "change").filter(pk=pk).exists()
    )
    can_change = can_change and project.site.campaign.status != "closed"
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
    return get_object_or_404(FeatureProject.objects.restrict(request.user, "change"), pk=pk)


@login_required
@require_POST
def milestone_add(request, pk: int):
    project = _project_to_change(request, pk)
    form = f.MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, project=project, **form.cleaned_data)
            messages.success(request, _("The milestone was added."))
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
    else:
        flash_errors(request, form)
    return redirect("showcase:project_detail", pk=project.pk)


@login_required
@require_POST
def milestone_complete(request, pk: int):
    projects = FeatureProject.objects.restrict(request.user, "change")
    milestone = get_object_or_404(Milestone.objects.filter(project__in=projects).select_related("project"), pk=pk)
    try:
        services.milestone_complete(
            actor=request.user, milestone=milestone, done_on=request.POST.get("done_on") or None
        )
        messages.success(request, _("The milestone is done."))
    except (ValidationError, PermissionDenied) as exc:
        flash_errors(request, exc)
    return redirect("showcase:project_detail", pk=milestone.project_id)


@login_required
@require_POST
def project_evidence_add(request, pk: int):
    project = _project_to_change(request, pk)
    form = f.ProjectEvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.project_add_evidence(actor=request.user, project=project, **form.cleaned_data)
            messages.success(request, _("The evidence was added."))
        except (ValidationError, PermissionDenied) as exc:
            flash_errors(request, exc)
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
    projects = FeatureProject.objects.restrict(request.user, "change")
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
    from wuxing.core.uploads import evidence_response

    evidence = get_object_or_404(ProjectEvidence.objects.restrict(request.user, "view"), pk=pk)
    if thumbnail and not evidence.thumbnail:
        raise Http404
    return evidence_response(evidence, thumbnail=thumbnail)


@exporter
def kinds_export(user, params) -> ExportSpec:
    kinds = list(selectors.project_kinds(user=user))
    return ExportSpec(
        filename="feature-project-kinds.xlsx",
        title=_("Feature project catalogue"),
        headers=[_("Office"), _("Code"), _("Name"), _("Records kept"), _("Number of projects"), _("Description")],
        rows=(
            (k.office.name, k.code, k.name, k.get_structure_display(), k.project_count, k.description) for k in kinds
        ),
        total=len(kinds),
    )


@login_required
@permission_required("showcase.view_projectkind", raise_exception=True)
def kind_list(request):
    """The office's catalogue of feature projects; the office adds its own kinds here."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, kinds_export)
    campaign = _campaign(request.user, request.GET)
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
