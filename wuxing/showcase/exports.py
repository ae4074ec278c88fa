"""Excel exports of the demonstration sites' lists: the same campaign, scope and filters as the page they come from."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wuxing.campaigns.selectors import campaign_context, campaign_for
from wuxing.core.exports import ExportSpec, exporter

from . import selectors
from .filtersets import site_filterset


def level_label(value) -> str:
    return "—" if value is None else f"{value}★"


@exporter
def sites_export(user, params) -> ExportSpec:
    campaign = campaign_for(user=user, params=params)
    sites = selectors.decorate_sites(site_filterset(user, campaign, params).qs, campaign) if campaign else []
    return ExportSpec(
        filename="demonstration-sites.xlsx",
        context=campaign_context(campaign),
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
                level_label(s.levels["last"]),
                level_label(s.levels["target"]),
                level_label(s.levels["rated"]),
                s.totals.agreements,
                float(s.totals.volunteer_hours),
                s.totals.incidents_reported,
                s.totals.incidents_closed,
            )
            for s in sites
        ),
        total=len(sites),
    )


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


@exporter
def project_records_export(user, params) -> ExportSpec:
    """The project's structured records, one row each (agreements, members' services, sessions, …)."""
    project = selectors.project_get(user=user, pk=int(params.get("pk", 0)))
    headers, rows = [pgettext("showcase record kind", "Record"), _("Date"), _("Name"), _("Details"), _("Figure")], []
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
