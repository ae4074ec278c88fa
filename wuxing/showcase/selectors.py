"""Reads of demonstration sites, scoped to the user (or, for the public site, to one office)."""

from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone

from wuxing.campaigns.choices import CampaignStatus
from wuxing.campaigns.models import CampaignResult
from wuxing.targets.selectors import target_summaries, target_summary_of

from .models import (
    Agreement,
    DemoSite,
    FeatureProject,
    Grid,
    GridIncident,
    InServiceMember,
    Milestone,
    ProjectEvidence,
    ProjectKind,
    ServiceRecord,
    TeaSession,
    Volunteer,
    VolunteerActivity,
    VolunteerTeam,
)
from .rules import (
    SiteTotals,
    compute_level_change,
    compute_project_progress,
    compute_target_rise,
    is_agreement_in_force,
)


def _projects_prefetch():
    return Prefetch(
        "projects",
        queryset=FeatureProject.objects.select_related("kind").prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("sort_order", "id"))
        ),
    )


def site_list(*, user, campaign=None):
    qs = DemoSite.objects.restrict(user, "view").select_related("campaign", "branch", "leader")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.prefetch_related(_projects_prefetch()).order_by("-campaign__year", "branch__sort_order", "branch__code")


def site_get(*, user, pk: int, action: str = "view") -> DemoSite:
    site = (
        DemoSite.objects.restrict(user, action)
        .select_related("campaign__office", "branch", "leader")
        .prefetch_related(_projects_prefetch())
        .filter(pk=pk)
        .first()
    )
    if site is None:
        raise Http404
    return site


def project_get(*, user, pk: int, action: str = "view") -> FeatureProject:
    project = (
        FeatureProject.objects.restrict(user, action)
        .select_related("kind", "site__branch", "site__campaign", "site__leader")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("sort_order", "id")),
            "evidence",
            "agreements",
            Prefetch("members", queryset=InServiceMember.objects.prefetch_related("services")),
            "sessions",
            Prefetch("teams", queryset=VolunteerTeam.objects.prefetch_related("volunteers", "activities")),
            Prefetch("grids", queryset=Grid.objects.prefetch_related("workers", "incidents")),
        )
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404
    return project


def projects_to_change(*, user):
    """The feature projects whose records the user may keep (the record pages look their parents up in these)."""
    return FeatureProject.objects.restrict(user, "change")


def evidence_get(*, user, pk: int) -> ProjectEvidence:
    """A project's evidence file the user may see (the page and the API serve it alike)."""
    evidence = ProjectEvidence.objects.restrict(user, "view").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence


def project_kinds(*, user, office=None):
    qs = ProjectKind.objects.restrict(user, "view").select_related("office").annotate(project_count=Count("projects"))
    if office is not None:
        qs = qs.filter(office=office)
    return qs.order_by("office__path", "sort_order", "id")


def project_progress(project) -> float:
    """Progress from the (prefetched) milestones."""
    return compute_project_progress((m.weight, m.done_on is not None) for m in project.milestones.all())


def decorate_projects(site) -> list[FeatureProject]:
    projects = list(site.projects.all())
    for p in projects:
        p.progress = project_progress(p)
        milestones = list(p.milestones.all())
        p.milestones_done = sum(1 for m in milestones if m.done_on)
        p.milestones_total = len(milestones)
    return projects


def site_structures(projects) -> set[str]:
    """Which kinds of structured records a site's projects keep (its page shows only those figures)."""
    return {p.kind.structure for p in projects}


def site_totals(site_ids) -> dict[int, SiteTotals]:
    """The figures of each site's structured records, a fixed number of grouped queries for any number of sites."""
    site_ids = list(site_ids)
    today = timezone.localdate()
    data: dict[int, dict] = {pk: {} for pk in site_ids}

    def add(rows, key):
        for site_id, value in rows:
            data[site_id][key] = value or 0

    agreements = Agreement.objects.filter(project__site_id__in=site_ids).values_list(
        "project__site_id", "signed_on", "term_end"
    )
    for site_id, signed_on, term_end in agreements:
        d = data[site_id]
        d["agreements"] = d.get("agreements", 0) + 1
        if is_agreement_in_force(signed_on, term_end, today):
            d["agreements_in_force"] = d.get("agreements_in_force", 0) + 1
    add(
        InServiceMember.objects.filter(project__site_id__in=site_ids)
        .values("project__site_id")
        .annotate(n=Count("id"))
        .values_list("project__site_id", "n"),
        "in_service_members",
    )
    for site_id, n, hours in (
        ServiceRecord.objects.filter(member__project__site_id__in=site_ids)
        .values("member__project__site_id")
        .annotate(n=Count("id"), h=Sum("hours"))
        .values_list("member__project__site_id", "n", "h")
    ):
        data[site_id]["service_records"], data[site_id]["service_hours"] = n, hours or Decimal("0")
    for site_id, n, issues in (
        TeaSession.objects.filter(project__site_id__in=site_ids)
        .values("project__site_id")
        .annotate(n=Count("id"), i=Sum("issue_count"))
        .values_list("project__site_id", "n", "i")
    ):
        data[site_id]["tea_sessions"], data[site_id]["tea_issues"] = n, issues or 0
    add(
        VolunteerTeam.objects.filter(project__site_id__in=site_ids)
        .values("project__site_id")
        .annotate(n=Count("id"))
        .values_list("project__site_id", "n"),
        "volunteer_teams",
    )
    add(
        Volunteer.objects.filter(team__project__site_id__in=site_ids)
        .values("team__project__site_id")
        .annotate(n=Count("id"))
        .values_list("team__project__site_id", "n"),
        "volunteers",
    )
    for site_id, n, hours in (
        VolunteerActivity.objects.filter(team__project__site_id__in=site_ids)
        .values("team__project__site_id")
        .annotate(n=Count("id"), h=Sum("hours"))
        .values_list("team__project__site_id", "n", "h")
    ):
        data[site_id]["volunteer_activities"], data[site_id]["volunteer_hours"] = n, hours or Decimal("0")
    for site_id, n, workers in (
        Grid.objects.filter(project__site_id__in=site_ids)
        .values("project__site_id")
        .annotate(n=Count("id", distinct=True), w=Count("workers", distinct=True))
        .values_list("project__site_id", "n", "w")
    ):
        data[site_id]["grids"], data[site_id]["grid_workers"] = n, workers
    for site_id, reported, closed in (
        GridIncident.objects.filter(grid__project__site_id__in=site_ids)
        .values("grid__project__site_id")
        .annotate(r=Count("id"), c=Count("id", filter=Q(closed_on__isnull=False)))
        .values_list("grid__project__site_id", "r", "c")
    ):
        data[site_id]["incidents_reported"], data[site_id]["incidents_closed"] = reported, closed
    return {pk: SiteTotals(**values) for pk, values in data.items()}


def level_board(campaign, branch_ids, targets: dict[int, int] | None = None) -> dict[int, dict]:
    """晋位提升 per branch: last year's rated level, this year's target (targets app) and this year's rated level.

    `targets`: branch id → this year's target level when the caller has it (see _target_levels)."""
    branch_ids = list(branch_ids)
    # Last year's results and this year's in one query (an office has one campaign a year).
    last: dict[int, int] = {}
    rated: dict[int, int] = {}
    for pk, level, year in CampaignResult.objects.filter(
        campaign__office_id=campaign.office_id,
        campaign__year__in=(campaign.year - 1, campaign.year),
        branch_id__in=branch_ids,
    ).values_list("branch_id", "level", "campaign__year"):
        (rated if year == campaign.year else last)[pk] = level
    if targets is None:
        targets = _target_levels(campaign, branch_ids)
    board = {}
    for pk in branch_ids:
        target = targets.get(pk)
        board[pk] = {
            "last": last.get(pk),
            "target": target,
            "rated": rated.get(pk),
            "target_rise": compute_target_rise(last.get(pk), target),
            "change": compute_level_change(last.get(pk), rated.get(pk)),
        }
    return board


def _target_levels(campaign, branch_ids) -> dict[int, int]:
    """This year's target levels. Only a target both sides agreed on counts: a draft or returned application is
    not yet the year's target."""
    summaries = target_summaries(campaign=campaign, branch_ids=branch_ids)
    return {pk: t.level for pk, t in summaries.items() if _counts(t)}


def _counts(target) -> bool:
    return target is not None and target.agreed and target.level > 0


def _branch_target_level(campaign, branch_id: int) -> dict[int, int]:
    target = target_summary_of(campaign=campaign, branch_id=branch_id)
    return {branch_id: target.level} if _counts(target) else {}


def branch_panel_context(*, user, branch, campaign) -> dict:
    site = None
    if user.has_perm("showcase.view_demosite"):
        # At most one site per campaign and branch: its link, feature and leader's name as values.
        site = (
            DemoSite.objects.restrict(user, "view")
            .filter(campaign=campaign, branch=branch)
            .order_by()
            .values("pk", "feature", leader_name=F("leader__name"))
            .first()
        )
    return {
        "branch": branch,
        "campaign": campaign,
        # One branch: its target alone, shared with the targets panel (read once for the request).
        "levels": level_board(campaign, [branch.pk], targets=_branch_target_level(campaign, branch.pk))[branch.pk],
        "site": site,
    }


def decorate_sites(sites, campaign) -> list[DemoSite]:
    """The campaign's sites with their projects' progress, record totals and levels, in a fixed number of queries."""
    sites = list(sites)
    totals = site_totals(s.pk for s in sites)
    board = level_board(campaign, [s.branch_id for s in sites]) if sites else {}
    for s in sites:
        s.project_list = decorate_projects(s)
        s.totals = totals[s.pk]
        s.levels = board[s.branch_id]
        s.progress = sum(p.progress for p in s.project_list) / len(s.project_list) if s.project_list else 0
    return sites


def overview_sites(*, user, campaign) -> list[DemoSite]:
    """The campaign's sites in scope, in branch order, with their projects' progress (`project_list`): what the
    office overview lists, without the record totals and levels of `decorate_sites` that it does not show."""
    sites = list(
        DemoSite.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .select_related("branch", "leader")
        .prefetch_related(_projects_prefetch())
        .order_by("branch__sort_order", "branch__code")
    )
    for s in sites:
        s.project_list = decorate_projects(s)
    return sites


def overview_context(*, user, campaign) -> dict:
    return {"campaign": campaign, "sites": decorate_sites(site_list(user=user, campaign=campaign), campaign)}


def public_sites(*, office):
    """Sites of an office's running or closed campaigns, for the public site (no sign-in)."""
    return (
        DemoSite.objects.filter(campaign__office=office)
        .exclude(campaign__status=CampaignStatus.PREPARING)
        .select_related("campaign", "branch", "leader")
        .prefetch_related(_projects_prefetch())
        .order_by("-campaign__year", "branch__sort_order", "branch__code")
    )


def site_rows(*, campaign, branch_ids=None) -> list[dict]:
    """The campaign's demonstration sites as plain rows (branch and feature), for another app's annual summary."""
    qs = DemoSite.objects.filter(campaign=campaign).select_related("branch", "leader")
    if branch_ids is not None:
        qs = qs.filter(branch_id__in=list(branch_ids))
    return [
        {"branch": s.branch.name, "feature": s.feature, "leader": s.leader.name}
        for s in qs.order_by("branch__sort_order", "branch__code")
    ]


def site_points(*, campaign) -> list[dict]:
    """The campaign's demonstration sites that have a place, as points for the command screen's map: the branch
    and the site's feature (what the public site shows too), no one's name."""
    qs = (
        DemoSite.objects.filter(campaign=campaign, lon__isnull=False, lat__isnull=False)
        .select_related("branch")
        .order_by("branch__sort_order", "branch__code")
    )
    return [
        {"code": s.branch.code, "label": s.branch.name, "detail": s.feature, "lon": float(s.lon), "lat": float(s.lat)}
        for s in qs
    ]


def evidence_record_rows(*, user, branch, campaign) -> list[dict]:
    """The feature projects of the branch's demonstration site in the campaign that `user` may see (all for
    `user=None`, the system), as plain rows {id, label, url} for linking to a rated star."""
    from django.urls import reverse

    qs = FeatureProject.objects.all() if user is None else FeatureProject.objects.restrict(user, "view")
    qs = (
        qs.filter(site__branch=branch, site__campaign=campaign)
        .select_related("kind")
        .order_by("kind__sort_order", "id")
    )
    return [
        {
            "id": p.pk,
            "label": f"{p.kind.name} · {p.title} · {p.get_status_display()}"[:200],
            "url": reverse("showcase:project_detail", args=[p.pk]),
        }
        for p in qs
    ]
