"""Pages made of several apps: sign-in, the home page by role, the office overview and the branch page."""

from collections import Counter

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.context_processors import PermWrapper
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, prefetch_related_objects
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuxing.campaigns.selectors import campaign_for, campaign_stars, campaigns_open
from wuxing.checklists.exports import scope_progress_export
from wuxing.core.exports import ExportSpec, export_response, exporter
from wuxing.core.forms import LoginForm
from wuxing.core.fragments import CSRF_SLOT, fill_csrf
from wuxing.core.links import pk_url
from wuxing.core.routers import reads_from_replica
from wuxing.core.rules import mask_phone
from wuxing.core.todos import todo_total, todos_cached
from wuxing.org import selectors as org_selectors
from wuxing.org import services as org_services
from wuxing.org.choices import BranchKind, StarSet, UnitLevel
from wuxing.org.demo import DEMO_ACCOUNTS
from wuxing.org.figures import (
    OfficePanels,
    cached_fragment,
    cached_value,
    figures_versions,
    kept_across_checkins,
    page_versions,
)
from wuxing.org.forms import AssignmentForm
from wuxing.org.models import OrgUnit
from wuxing.org.scopes import scope_for, viewer_key
from wuxing.org.selectors import with_assignments

from . import screen, summary

OVERVIEW_ROWS = 30


def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            login(request, form.user)
            return redirect(next_url or "home")
    else:
        form = LoginForm(request)
    context = {"form": form, "next": next_url}
    if settings.WUXING_DEMO:
        context["demo_accounts"] = [(spec["username"], spec["label"]) for spec in DEMO_ACCOUNTS]
        context["demo_password"] = settings.WUXING_DEMO_PASSWORD
    return render(request, "portal/login.html", context)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("login")


@login_required
def home(request):
    user = request.user
    if user.has_perm("core.view_auditlog"):
        return redirect("core:audit_list")
    if user.has_perm("org.view_user"):
        return redirect("org:user_list")
    if user.has_perm("core.view_accountpolicy"):
        return redirect("core:policy")
    scope = scope_for(user)
    # Someone whose whole scope is one branch (a secretary) starts on that branch's page.
    if not scope.everything and not scope.unit_paths and len(scope.branch_ids) == 1:
        return redirect("portal:branch_detail", pk=next(iter(scope.branch_ids)))
    return office_overview(request)


def _office_branches(user, campaign) -> list:
    """The branches of the campaign's office that the user may see, retired ones included (a campaign's figures
    keep them), in branch order with their secretary: read once for the overview and its panels."""
    if campaign is None:
        return []
    return org_selectors.office_branches(user=user, office_id=campaign.office_id)


def _branch_table_rows(rows) -> list[tuple]:
    """The overview's branch table (portal/_overview_branch_table.html) as plain values, one tuple per row of
    `branch_rows`: what the compact org/_branch_table.html shows, its links reversed once."""
    detail_url = pk_url("portal:branch_detail")
    retired = _("Retired")
    # The labels of get_kind_display / get_star_set_display, translated once for the table.
    kinds, star_sets = ({value: str(label) for value, label in choices.choices} for choices in (BranchKind, StarSet))
    table = []
    for row in rows:
        b = row["branch"]
        secretary = b.secretary if b.secretary_id else None
        table.append(
            (
                detail_url(b.pk),
                b.name,
                retired if b.retired_at else "",
                b.kind,
                kinds.get(b.kind, b.kind),
                b.star_set,
                star_sets.get(b.star_set, b.star_set),
                secretary.name if secretary is not None else None,
                mask_phone(secretary.phone) if secretary is not None else "",
                row["departments"],
                row["leaders"],
            )
        )
    return table


@login_required
@permission_required("org.view_branch", raise_exception=True)
def office_overview(request):
    """The office at a glance: branches with their kind, secretary and who is assigned to them, then each app's
    panel for the current campaign."""
    campaign = campaign_for(user=request.user, request=request, params={})
    scope = scope_for(request.user)
    if campaign is not None and scope.within_office(campaign.office):
        # The viewer's scope lies in the campaign's office (its staff, departments, branches): one office, the
        # campaign's, and no list of offices to show.
        one_office, offices = True, []
    else:
        offices = list(
            org_selectors.office_list(user=request.user).annotate(branch_count=Count("branches")).order_by("path")
        )
        one_office = (
            campaign is not None and len(offices) == 1 and offices[0].pk == campaign.office_id and not scope.everything
        )
    office_branches = None

    def branches_of_office():
        nonlocal office_branches
        if office_branches is None:
            if campaign is None:
                office_branches = []
            else:
                # A branch added, edited, moved or retired moves the records version on (a check-in leaves it):
                # the check-in list's panel reads them after a check-in with no query.
                office_branches = kept_across_checkins(
                    campaign,
                    ("portal.overview", "branches", campaign.pk, viewer_key(request.user)),
                    lambda: _office_branches(request.user, campaign),
                )
        return office_branches

    def table_html(rows):
        return render_to_string("portal/_overview_branch_table.html", {"rows": _branch_table_rows(rows)})

    def office_table():
        # One office in scope, the campaign's: every branch the user may see is in the list read for the panels.
        listed = [b for b in branches_of_office() if b.retired_at is None]
        return Counter(b.kind for b in listed), table_html(org_selectors.branch_rows_read(listed[:OVERVIEW_ROWS]))

    def campaign_card():
        # The card lists the quotas and the targets panel counts against them: one read for both.
        prefetch_related_objects([campaign], "quotas")
        return render_to_string("portal/_overview_campaign.html", {"campaign": campaign})

    def panels():
        return "".join(office_panels.slotted())

    if campaign is not None:
        # The campaign card, the apps' panels and (one office in scope) the branch table are kept in the cache under
        # the office's figures version, which every change they show moves on (org.figures: the services' own calls
        # and the audit hook), for the viewer's permissions and scope and the day; the list of offices and the
        # campaign are read for each request. What shows no check-in figure is kept under the records version, which
        # a check-in leaves: the card, the table and the panels' part, whose slots take the check-in list's panels.
        (version, records), viewer = figures_versions(campaign.office_id), viewer_key(request.user)
        page_versions(campaign, (version, records))
        office_panels = OfficePanels(
            "overview_panels",
            request,
            office_id=campaign.office_id,
            parts=("portal.overview", campaign.pk, viewer),
            versions=(version, records),
            arguments=lambda: {"campaign": campaign, "branches": branches_of_office()},
        )

        def kept(name, at):
            return {
                "office_id": campaign.office_id,
                "parts": ("portal.overview", name, campaign.pk, viewer),
                "version": at,
            }

        card = cached_fragment(render=campaign_card, **kept("campaign", records))
        panel_html = office_panels.fill(cached_fragment(render=panels, **kept("panels", records)))
    else:
        card, panel_html = mark_safe(render_to_string("portal/_overview_campaign.html", {"campaign": None})), ""
    if one_office:
        counts, table = cached_value(compute=office_table, **kept("table", records))
        table = mark_safe(table)
    else:
        branches = org_selectors.branch_list(user=request.user)
        counts = dict(branches.order_by().values_list("kind").annotate(n=Count("id", distinct=True)))
        table = mark_safe(table_html(org_selectors.branch_rows(branches[:OVERVIEW_ROWS])))
    total = sum(counts.values())
    context = {
        "offices": offices if len(offices) > 1 else [],
        "branch_table": table,
        "campaign": campaign,
        "campaign_card": card,
        "kind_counts": [(label, counts.get(value, 0)) for value, label in BranchKind.choices],
        "total": total,
        "more": max(0, total - OVERVIEW_ROWS),
        "panels": [panel_html],
    }
    return render(request, "portal/office_overview.html", context)


@login_required
@permission_required("org.view_branch", raise_exception=True)
def branch_detail(request, pk: int):
    """The branch page: its facts and who answers for it, then each app's panel for the office's campaign."""
    user = request.user
    # The office's figures versions come with the branch, before anything is rendered (one statement).
    branch = org_selectors.branch_get(user=user, pk=pk, assignments=False, versions=True)
    campaign = campaign_for(user=user, request=request, params={}, office=branch.office)
    work_first = branch.pk in scope_for(user).branch_ids

    def content():
        with_assignments(branch)
        departments, leaders = org_selectors.branch_responsible(branch)
        # The stars are read once for the page and its panels (campaign_stars keeps them on the request's campaign).
        stars = campaign_stars(campaign, branch.star_set) if campaign else []
        panels = branch_panels.slotted()
        context = {
            "branch": branch,
            "departments": departments,
            "leaders": leaders,
            "campaign": campaign,
            "stars": stars,
            "panels": panels,
            "work_first": work_first,
            "perms": PermWrapper(user),
            "csrf_token": CSRF_SLOT,
        }
        if user.has_perm("org.change_assignment"):
            context["assignment_form"] = AssignmentForm(branch=branch)
        return render_to_string("portal/_branch_content.html", context)

    # The page's content (facts, who answers for it, the stars, the apps' panels) is kept in the cache for the
    # viewer's permissions and scope and the day, under the office's records version, which every change it shows
    # but a check-in moves on (org.figures: the services' own calls and the audit hook); the check-in list's panels
    # go into its slots, kept under the figures version, which a check-in moves on too. Its forms get the request's
    # own token.
    parts = ("portal.branch", branch.pk, campaign.pk if campaign else None, work_first, viewer_key(user))
    versions = branch.office_versions
    if campaign is not None:
        page_versions(campaign, versions)
    branch_panels = OfficePanels(
        "branch_panels",
        request,
        office_id=branch.office_id,
        parts=parts,
        versions=versions,
        arguments=lambda: {"branch": branch, "campaign": campaign},
    )
    html = branch_panels.fill(
        cached_fragment(office_id=branch.office_id, parts=parts, render=content, version=versions[1])
    )
    context = {"branch": branch, "campaign": campaign, "content": fill_csrf(html, request)}
    return render(request, "portal/branch_detail.html", context)


@login_required
def todos(request):
    """待办: what the user must do now, from every app, most urgent first. On the home pages it loads by htmx as
    a card (the fragment); without JavaScript the card's link opens this page."""
    items = todos_cached(request.user, lambda: campaigns_open(user=request.user))
    campaign = campaign_for(user=request.user, request=request, params={})
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "portal/_todos.html" if fragment else "portal/todos.html"
    return render(request, template, {"todos": items, "campaign": campaign, "total": todo_total(items)})


@login_required
def todo_badge(request):
    """The menu's count of things to do, loaded after the page so that no page waits for it."""
    total = todo_total(todos_cached(request.user, lambda: campaigns_open(user=request.user)))
    response = render(request, "portal/_todo_badge.html", {"total": total})
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------------------
# 一屏统揽: the command screen, for a signed-in user or a display pass (kiosk)
# ---------------------------------------------------------------------------------------------------------

SCREEN_PARTS = ("data",)
SCREEN_POLL_SECONDS = 45


def _screen_context(unit, *, kiosk: bool) -> dict:
    if unit.level == UnitLevel.OFFICE:
        context = screen.office_screen(office=unit, kiosk=kiosk)
    else:
        offices = OrgUnit.objects.filter(level=UnitLevel.OFFICE, retired_at__isnull=True, path__startswith=unit.path)
        context = screen.area_screen(unit=unit, offices=offices, kiosk=kiosk)
    context["chart"] = screen.chart_data(context)
    context["poll_seconds"] = SCREEN_POLL_SECONDS
    return context


def _screen_unit(request) -> OrgUnit:
    """The unit of `?unit=` (default: the user's highest unit), whose whole the user's roles must cover."""
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isdigit() or len(raw) > 12:
            raise Http404
        unit = org_selectors.unit_get(user=request.user, pk=int(raw))
    else:
        roots = org_selectors.scope_roots(request.user)
        if not roots:
            raise PermissionDenied(_("The command screen shows a whole office, district or city."))
        unit = roots[0]
    if not org_selectors.unit_covered(request.user, unit):
        raise PermissionDenied(_("The command screen shows a whole office, district or city."))
    return unit


@login_required
@permission_required("org.view_branch", raise_exception=True)
def screen_view(request):
    """The command screen of an office (or district, city): full screen, dark, refreshing itself."""
    unit = _screen_unit(request)
    context = _screen_context(unit, kiosk=False)
    context["poll_url"] = f"{reverse('portal:screen_part', kwargs={'part': 'data'})}?unit={unit.pk}"
    context["map_url"] = reverse("org:unit_map_geojson", kwargs={"pk": unit.pk})
    context["can_map"] = request.user.has_perm("org.view_boundary")
    return render(request, "portal/screen.html", context)


@login_required
@permission_required("org.view_branch", raise_exception=True)
def screen_part(request, part: str):
    """A part of the command screen that the page polls (htmx): its figures and tables, swapped in place."""
    if part not in SCREEN_PARTS:
        raise Http404
    unit = _screen_unit(request)
    response = render(request, "portal/_screen_data.html", _screen_context(unit, kiosk=False))
    response["Cache-Control"] = "private, no-store"
    return response


def _kiosk(token: str):
    found = org_selectors.kiosk_token_resolve(token)
    if found is None:
        raise Http404
    return found


@require_GET
def screen_kiosk(request, token: str):
    """The command screen on a meeting-room display: a display pass instead of an account; read-only."""
    kiosk = _kiosk(token)
    org_services.kiosk_token_opened(token=kiosk)
    context = _screen_context(kiosk.unit, kiosk=True)
    context["poll_url"] = reverse("portal:screen_kiosk_part", kwargs={"token": token, "part": "data"})
    context["map_url"] = reverse("portal:screen_kiosk_map", kwargs={"token": token})
    response = render(request, "portal/screen.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def screen_kiosk_part(request, token: str, part: str):
    if part not in SCREEN_PARTS:
        raise Http404
    kiosk = _kiosk(token)
    response = render(request, "portal/_screen_data.html", _screen_context(kiosk.unit, kiosk=True))
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def screen_kiosk_map(request, token: str):
    kiosk = _kiosk(token)
    response = JsonResponse(org_selectors.map_collection(kiosk.unit))
    response["Cache-Control"] = "private, max-age=300"
    return response


# ---------------------------------------------------------------------------------------------------------
# Across offices: the summary of a district, city or province
# ---------------------------------------------------------------------------------------------------------


def summary_params(user, params) -> dict:
    """`level`, `unit` (the unit summarised) and `year` of a summary request, checked."""
    level = params.get("level") or None
    if level is not None and level not in summary.ROW_LEVELS:
        raise ValidationError(_("Choose the rows by office, district or city."))
    within = None
    raw = str(params.get("unit") or "")
    if raw:
        if not raw.isdigit() or len(raw) > 12:
            raise ValidationError(_("Give the unit as a number."))
        within = org_selectors.unit_get(user=user, pk=int(raw))
    raw_year = str(params.get("year") or "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    return {"level": level, "within": within, "year": year}


@login_required
@permission_required("org.view_branch", raise_exception=True)
@reads_from_replica
def summary_view(request):
    """Offices (or districts, or cities) side by side: quotas, targets, progress, behind and overdue, 五个一,
    rating results; each row drills down one level, an office to its command screen."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, summary_export)
    if request.GET.get("export") == "branches":
        # Every branch under the unit summarised, with its progress (a task and a status page beyond a few
        # thousand rows; written a chunk at a time).
        return export_response(request, scope_progress_export)
    data = summary.summary_for(user=request.user, **summary_params(request.user, request.GET))
    sort = request.GET.get("sort") or "name"
    rows = summary.sort_rows(data.rows, sort)

    def rated(row):
        return [(lv, n) for lv, n in sorted(row.rated.items(), reverse=True) if lv > 0 and n]

    table = [
        {
            "row": r,
            "rated": rated(r),
            "url": (
                f"{reverse('portal:screen')}?unit={r.unit.pk}"
                if r.unit.level == UnitLevel.OFFICE
                else f"{reverse('portal:summary')}?unit={r.unit.pk}&year={data.year}"
            ),
        }
        for r in rows
    ]
    context = {
        "data": data,
        "table": table,
        "total_rated": rated(data.total),
        "sort": sort,
        "query": request.GET.urlencode(),
        "columns": [
            ("name", _("Unit")),
            ("", _("Branches")),
            ("quotas", _("Quota (branches)")),
            ("targets", _("Targets agreed / confirmed")),
            ("progress", _("Overall progress")),
            ("behind", _("Items behind")),
            ("overdue", _("Items overdue")),
            ("five_ones", _("五个一 complete")),
            ("", _("Rated")),
        ],
        "level_choices": [(lv, label) for lv, label in UnitLevel.choices if lv in summary.ROW_LEVELS],
    }
    return render(request, "portal/summary.html", context)


@exporter
def summary_export(user, params) -> ExportSpec:
    data = summary.summary_for(user=user, **summary_params(user, params))
    headers = [
        _("Unit"),
        _("Offices"),
        _("Branches"),
        _("Quota (branches)"),
        _("Targets agreed"),
        _("Targets confirmed"),
        _("Overall progress (%)"),
        _("Items behind"),
        _("Items overdue"),
        _("五个一 complete"),
        _("Assignments"),
        _("Rated"),
    ]
    rows = [
        [
            r.unit.name,
            r.offices,
            r.branches,
            r.quotas,
            r.targets_agreed,
            r.targets_confirmed,
            None if r.progress is None else round(r.progress * 100, 1),
            r.behind,
            r.overdue,
            r.five_ones_complete,
            r.five_ones_total,
            r.rated_total,
        ]
        for r in [*data.rows, data.total]
    ]
    return ExportSpec(
        filename=f"创建情况汇总-{data.year}.xlsx",
        title=_("Summary across offices"),
        headers=headers,
        rows=rows,
        total=len(rows),
    )
