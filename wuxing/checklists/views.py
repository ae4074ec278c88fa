"""Pages of the check-in lists: a branch's list, items and their check-ins, report cards, the progress table and
the office dashboard. Exports are in exports.py, the sections of other apps' pages in panels.py."""

import base64
from datetime import date
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for, campaign_stars
from wuxing.campaigns.services import ensure_campaign_open
from wuxing.core.exports import download_name, export_response, xlsx_response
from wuxing.core.forms import flash_errors
from wuxing.core.fragments import CSRF_SLOT, fill_csrf
from wuxing.core.history import record_history
from wuxing.core.lists import cache_params
from wuxing.core.pdf import pdf_response, render_pdf
from wuxing.core.routers import reads_from_replica
from wuxing.core.undo import deleted_message
from wuxing.core.uploads import evidence_response
from wuxing.org.figures import cached_fragment
from wuxing.org.models import Branch
from wuxing.org.scopes import scope_for, viewer_key
from wuxing.org.selectors import branch_get

from . import selectors, services
from .choices import ItemKind, ItemState
from .exports import checklist_export, flagged_export, history_export, progress_export
from .filtersets import ChecklistFilterSet, ProgressFilterSet
from .forms import CheckInForm, ImportForm, ItemForm, PeriodForm, PolicyForm
from .models import CheckIn, ChecklistItem
from .rules import group_flagged_by_branch, group_rows, office_progress


def _branch_campaign(request, branch):
    """The campaign a branch's page is about: ?campaign=<pk> of the branch's office (404 for any other), else the
    user's current campaign there."""
    return campaign_for(user=request.user, request=request, office=branch.office)


def _keeping_campaign(request, url: str = "", **params) -> str:
    """`url` with `params` and the campaign the user chose (?campaign=), if they chose one."""
    if request.GET.get("campaign"):
        params["campaign"] = request.GET["campaign"]
    return f"{url}?{urlencode(params)}" if params else url


def _bind_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the redisplayed form: on its field where the form has one, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# -------------------------------------------------------------------------------------------------------
# A branch's list
# -------------------------------------------------------------------------------------------------------


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def branch_checklist(request, pk: int):
    """打卡清单: the branch's items for the campaign with their progress; check in from here."""
    branch = branch_get(user=request.user, pk=pk)
    if request.GET.get("export") == "xlsx":
        return export_response(request, checklist_export, {**request.GET.dict(), "branch": str(branch.pk)})
    campaign = _branch_campaign(request, branch)
    today = timezone.localdate()
    rows, progress, star_names = [], None, {}
    items = ChecklistItem.objects.none()
    if campaign is not None:
        items = selectors.item_list(user=request.user, branch=branch, campaign=campaign)
    filterset = ChecklistFilterSet(request.GET, items, user=request.user)
    if campaign is not None:
        figures = selectors.office_progress_cached(campaign=campaign, today=today)
        rows = selectors.item_rows(filterset.qs, today, figures.tolerance)
        progress = selectors.branch_progress(branch=branch, campaign=campaign, today=today, figures=figures)
        star_names = {s.code: s.name for s in campaign_stars(campaign, branch.star_set)}
    retired = (
        [] if campaign is None else list(selectors.retired_items(user=request.user, branch=branch, campaign=campaign))
    )
    counts = {state: sum(1 for r in rows if r.status.state == state) for state in ItemState.values}
    open_ = campaign is not None and campaign.is_open
    shown = filterset.filter_rows(rows)
    return render(
        request,
        "checklists/branch_checklist.html",
        {
            "branch": branch,
            "campaign": campaign,
            "rows": shown,
            # A long list folds by star, the overdue and behind items first and open (rules.group_rows).
            "groups": group_rows(shown, _("Behind or overdue")),
            "retired": retired,
            "progress": progress,
            "can_edit": open_ and request.user.has_perm("checklists.add_checklistitem"),
            "today": today,
            "state": filterset.value("state"),
            "state_filters": [(value, label, counts.get(value, 0)) for value, label in ItemState.choices],
            "can_checkin": open_ and request.user.has_perm("checklists.add_checkin"),
            "campaign_query": _keeping_campaign(request),
            "star_progress": [
                (star_names.get(code, code), value) for code, value in (progress.by_star.items() if progress else [])
            ],
        },
    )


def _item_form_initial(branch, campaign):
    return {
        "start_date": date(campaign.year, 1, 1),
        "due_date": date(campaign.year, 12, 31),
        "weight": 1,
        "start_value": 0,
        "owner": branch.secretary_id,
    }


def _editable_branch(request, pk):
    """The branch and the campaign its items are added to; a closed campaign is refused with a message."""
    branch = branch_get(user=request.user, pk=pk)
    campaign = _branch_campaign(request, branch)
    if campaign is None:
        raise Http404
    ensure_campaign_open(campaign)
    return branch, campaign


@login_required
@permission_required("checklists.add_checklistitem", raise_exception=True)
def item_create(request, pk: int):
    branch, campaign = _editable_branch(request, pk)
    form = ItemForm(
        request.POST or None, branch=branch, campaign=campaign, initial=_item_form_initial(branch, campaign)
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(actor=request.user, branch=branch, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            _bind_errors(form, exc)
        else:
            messages.success(request, _("The item was added."))
            return redirect("checklists:item_detail", pk=item.pk)
    return render(request, "checklists/item_form.html", {"branch": branch, "campaign": campaign, "form": form})


@login_required
@permission_required("checklists.change_checklistitem", raise_exception=True)
def item_edit(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk)
    branch, campaign = item.branch, item.campaign
    ensure_campaign_open(campaign)
    initial = {f: getattr(item, f) for f in services.ITEM_FIELDS}
    form = ItemForm(request.POST or None, branch=branch, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            _bind_errors(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("checklists:item_detail", pk=item.pk)
    return render(
        request, "checklists/item_form.html", {"branch": branch, "campaign": campaign, "form": form, "item": item}
    )


@login_required
@require_POST
@permission_required("checklists.add_checklistitem", raise_exception=True)
def items_generate(request, pk: int):
    branch, campaign = _editable_branch(request, pk)
    created = services.items_generate(actor=request.user, branch=branch, campaign=campaign)
    if created:
        messages.success(
            request, _("%(count)d items were added from the plan and the standard.") % {"count": len(created)}
        )
    else:
        messages.info(request, _("Nothing new to add: every indicator and milestone already has an item."))
    return _to_checklist(request, branch)


def _to_checklist(request, branch):
    return redirect(_keeping_campaign(request, reverse("checklists:branch_checklist", args=[branch.pk])))


@login_required
@permission_required("checklists.add_checklistitem", raise_exception=True)
def items_import(request, pk: int):
    """Excel import: all rows or none; each wrong row is named with what is wrong."""
    branch, campaign = _editable_branch(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            errors = [_("The file is larger than 5 MB.")]
        else:
            try:
                created = services.items_import(
                    actor=request.user, branch=branch, campaign=campaign, data=upload.read()
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("%(count)d items were imported.") % {"count": len(created)})
                return _to_checklist(request, branch)
    return render(
        request, "checklists/item_import.html", {"branch": branch, "campaign": campaign, "form": form, "errors": errors}
    )


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def import_template(request):
    """The Excel template for importing items, with one example row."""
    example = [
        _("Hold party member meetings"),
        "strong_branch",
        "",
        ItemKind.QUANTITATIVE.value,
        0,
        4,
        _("times"),
        2,
        "",
        f"{timezone.localdate().year}-01-01",
        f"{timezone.localdate().year}-12-31",
    ]
    name = download_name(_("Check-in list"), [_("Import template")])
    return xlsx_response(name, _("Check-in list"), services.import_headers(), [example])


# -------------------------------------------------------------------------------------------------------
# An item and its check-ins (R11)
# -------------------------------------------------------------------------------------------------------


def _item_context(request, item, form=None):
    today = timezone.localdate()
    status = selectors.item_rows([item], today, selectors.tolerance_for(item.branch.office_id))[0].status
    history = selectors.checkin_history(item)
    corrects = None
    pk = request.GET.get("corrects") or (request.POST.get("corrects") if request.method == "POST" else None)
    if pk and str(pk).isdigit():
        corrects = next((c for c in history if c.pk == int(pk) and not c.superseded), None)
    active = item.campaign.is_open and item.retired_at is None
    if form is None:
        initial = {"corrects": corrects.pk if corrects else None}
        if corrects is not None:
            initial.update(
                {"value": corrects.value, "done": "1" if corrects.done else ("0" if corrects.done is False else "")}
            )
        form = CheckInForm(item=item, initial=initial)
    return {
        "item": item,
        "branch": item.branch,
        "status": status,
        "history": list(reversed(history)),
        "form": form,
        "corrects": corrects,
        "can_checkin": active and request.user.has_perm("checklists.add_checkin"),
        "can_edit": active and request.user.has_perm("checklists.change_checklistitem"),
        "changes": record_history(ChecklistItem, item.pk, actions=ITEM_ACTIONS),
        "can_publish": request.user.has_perm("checklists.change_checklistitem"),
        "campaign_open": item.campaign.is_open,
    }


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def item_detail(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk)
    if request.GET.get("export") == "xlsx":
        return export_response(request, history_export, {"item": str(item.pk)})
    return render(request, "checklists/item_detail.html", _item_context(request, item))


ITEM_ACTIONS = {
    "checklist.item_create": pgettext_lazy("history", "Added"),
    "checklist.item_update": pgettext_lazy("history", "Edited"),
    "checklist.item_retire": pgettext_lazy("history", "Retired"),
    "checklist.item_unretire": pgettext_lazy("history", "Retirement undone"),
}


@login_required
@require_POST
@permission_required("checklists.change_checklistitem", raise_exception=True)
def item_retire(request, pk: int):
    """Take an item off the list, with a reason; the message offers to undo it for a few seconds."""
    item = selectors.item_get(user=request.user, pk=pk)
    services.item_retire(actor=request.user, item=item, reason=request.POST.get("reason", ""))
    deleted_message(
        request,
        _("The item “%(item)s” was retired: it no longer counts in the progress.") % {"item": item.title},
        reverse("checklists:item_unretire", args=[item.pk]),
    )
    return redirect("checklists:branch_checklist", pk=item.branch_id)


@login_required
@require_POST
@permission_required("checklists.change_checklistitem", raise_exception=True)
def item_unretire(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk)
    services.item_unretire(actor=request.user, item=item)
    messages.success(request, _("The item is back on the list."))
    return redirect("checklists:item_detail", pk=item.pk)


@login_required
@require_POST
@permission_required("checklists.add_checkin", raise_exception=True)
def checkin_create(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk)
    ensure_campaign_open(item.campaign)
    form = CheckInForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        data = form.cleaned_data
        corrects = None
        if data.get("corrects"):
            corrects = CheckIn.objects.filter(pk=data["corrects"], item=item).first()
            if corrects is None:
                form.add_error(None, _("The check-in to correct belongs to another item."))
        if not form.errors:
            try:
                services.checkin_record(
                    actor=request.user,
                    item=item,
                    value=data.get("value"),
                    done=data.get("done"),
                    note=data.get("note", ""),
                    effective_on=data.get("effective_on"),
                    corrects=corrects,
                    reason=data.get("reason", ""),
                    evidence=data.get("evidence") or [],
                    publish=data.get("publish", False),
                )
            except ValidationError as exc:
                _bind_errors(form, exc)
            else:
                messages.success(request, _("The check-in was recorded."))
                return redirect("checklists:item_detail", pk=item.pk)
    return render(request, "checklists/item_detail.html", _item_context(request, item, form), status=400)


# -------------------------------------------------------------------------------------------------------
# Evidence files: served only to users who may see the check-in
# -------------------------------------------------------------------------------------------------------


@login_required
@permission_required("checklists.view_checkinevidence", raise_exception=True)
def evidence_file(request, pk: int):
    return evidence_response(selectors.evidence_get(user=request.user, pk=pk))


@login_required
@permission_required("checklists.view_checkinevidence", raise_exception=True)
def evidence_thumb(request, pk: int):
    return evidence_response(selectors.evidence_get(user=request.user, pk=pk), thumbnail=True)


@login_required
@require_POST
@permission_required("checklists.change_checklistitem", raise_exception=True)
def evidence_publish(request, pk: int):
    evidence = selectors.evidence_get(user=request.user, pk=pk)
    published = request.POST.get("published") == "1"
    services.evidence_set_published(actor=request.user, evidence=evidence, published=published)
    messages.success(
        request,
        _("The file is shown on the public board.")
        if published
        else _("The file is no longer shown on the public board."),
    )
    return redirect("checklists:item_detail", pk=evidence.checkin.item_id)


@login_required
@require_POST
@permission_required("checklists.change_checklistitem", raise_exception=True)
def evidence_publish_batch(request, pk: int):
    """The files ticked on an item's page, shown on the public board (or taken off) in one go."""
    item = selectors.item_get(user=request.user, pk=pk)
    ids = [int(v) for v in request.POST.getlist("evidence") if v.isdigit() and len(v) < 19]
    if not ids:
        messages.error(request, _("Tick the files to show or to take off first."))
        return redirect("checklists:item_detail", pk=item.pk)
    published = request.POST.get("published") == "1"
    changed = services.evidence_publish_many(actor=request.user, item=item, evidence_ids=ids, published=published)
    messages.success(
        request,
        (
            _("%(count)d files are shown on the public board.")
            if published
            else _("%(count)d files were taken off the public board.")
        )
        % {"count": changed},
    )
    return redirect("checklists:item_detail", pk=item.pk)


# -------------------------------------------------------------------------------------------------------
# 成绩单: report cards
# -------------------------------------------------------------------------------------------------------


def period_choices(year: int, today: date) -> list[tuple[str, str]]:
    choices = [("year", _("The whole year %(year)d") % {"year": year})]
    for q in range(1, 5):
        if date(year, 3 * q - 2, 1) <= today:
            choices.append((f"q{q}", _("Quarter %(q)d") % {"q": q}))
    for m in range(1, 13):
        if date(year, m, 1) <= today:
            choices.append((f"m{m:02d}", _("Month %(month)d") % {"month": m}))
    return choices


def public_report_url(request, branch) -> str:
    return request.build_absolute_uri(reverse("checklists_public:report_card", args=[branch.office.code, branch.code]))


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, dark="#111")


def report_context(request, branch, *, campaign=None, published_only=False):
    """What a report card shows (成绩单): the signed-in page, its print version and the public page alike."""
    campaign = campaign or _branch_campaign(request, branch)
    if campaign is None:
        raise Http404
    today = timezone.localdate()
    choices = period_choices(campaign.year, today)
    period = request.GET.get("period") or "year"
    if period not in dict(choices):
        period = "year"
    card = selectors.report_card(
        branch=branch, campaign=campaign, period=period, today=today, published_only=published_only
    )
    url = public_report_url(request, branch)
    return {
        "branch": branch,
        "campaign": campaign,
        "card": card,
        "period": period,
        "period_label": dict(choices)[period],
        "period_form": PeriodForm(initial={"period": period}, choices=choices),
        "public_url": url,
        "qr": qr_svg_data_uri(url),
    }


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def report_card(request, pk: int):
    branch = branch_get(user=request.user, pk=pk)
    return render(request, "checklists/report_card.html", report_context(request, branch))


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def report_card_print(request, pk: int):
    """The report card on one A4 page, for printing from the browser."""
    branch = branch_get(user=request.user, pk=pk)
    return render(request, "checklists/report_card_print.html", report_context(request, branch))


def _thumb_data_uri(evidence) -> str | None:
    if not evidence.thumbnail:
        return None
    with evidence.thumbnail.open("rb") as f:
        return "data:image/jpeg;base64," + base64.b64encode(f.read()).decode("ascii")


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def report_card_pdf(request, pk: int):
    branch = branch_get(user=request.user, pk=pk)
    context = report_context(request, branch)
    context["thumbs"] = [(e, _thumb_data_uri(e)) for e in context["card"].evidence]
    data = render_pdf("checklists/report_card_pdf.html", context, request=request)
    return pdf_response(data, f"{branch.name}-成绩单-{context['card'].as_of:%Y%m%d}.pdf")


# -------------------------------------------------------------------------------------------------------
# 进度表 and the dashboard
# -------------------------------------------------------------------------------------------------------


def _campaign_choices(request, campaign):
    """Other campaigns in scope to switch to (a district sees several offices; every office has several years):
    (id, name, office name) each."""
    campaigns = selectors.campaign_choices(user=request.user)
    return campaigns if len(campaigns) > 1 else []


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
@reads_from_replica
def progress_table(request):
    """进度表: every branch in scope × its targeted stars, ranked; sortable, filterable, exportable."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, progress_export)
    campaign = campaign_for(user=request.user, request=request)
    # Built when first used: the table as it first opens, read again from the cache, needs no filters.
    filterset = SimpleLazyObject(lambda: ProgressFilterSet(request.GET, Branch.objects.all(), user=request.user))

    def render_card():
        rows = []
        if campaign is not None:
            rows = filterset.filter_rows(
                selectors.progress_table_rows(user=request.user, campaign=campaign, branches=filterset.qs)
            )
        # The request for the column headers' sort links; the card needs nothing of the context processors.
        return render_to_string(
            "checklists/_progress_card.html", {"campaign": campaign, "rows": rows, "request": request}
        )

    def render_content(card):
        context = {
            "campaign": campaign,
            "card": card,
            "form": filterset.display_form(),
            "filterset": filterset,
            "campaigns": _campaign_choices(request, campaign),
            "csrf_token": CSRF_SLOT,
        }
        # With the request: the toolbar's {% querystring %} reads it (the context processors run on a miss only).
        return render_to_string("checklists/_progress_content.html", context, request=request)

    # Kept in the cache under the office's figures version, for each set of filters and each viewer's permissions
    # and scope (a search is rendered afresh): the whole content when the viewer's scope lies in the campaign's
    # office (the campaigns and departments of the filters are then the office's own), else the table's card.
    parts = cache_params(request.GET, filterset, {"campaign": campaign.pk}) if campaign else None
    if parts is None:
        content = render_content(render_card())
    else:
        whole = scope_for(request.user).within_office(campaign.office)
        kept = ("checklists.progress_table", request.path, whole, viewer_key(request.user), *parts)
        if whole:
            content = cached_fragment(
                office_id=campaign.office_id, parts=kept, render=lambda: render_content(render_card())
            )
        else:
            content = render_content(cached_fragment(office_id=campaign.office_id, parts=kept, render=render_card))
    return render(
        request,
        "checklists/progress_table.html",
        {"campaign": campaign, "content": fill_csrf(content, request)},
    )


def _chart_data(campaign, rows, trend):
    by_star: dict[str, list] = {}
    for row in rows:
        for star, value in row.stars:
            if value is not None:
                by_star.setdefault(star.name, []).append(value)
    return {
        "labels": {"progress": _("Progress"), "expected": _("Expected"), "trend": _("Office progress")},
        "stars": {"names": list(by_star), "values": [round(sum(v) / len(v), 4) for v in by_star.values()]},
        "branches": {
            "names": [r.branch.name for r in rows],
            "values": [None if r.progress.overall is None else round(r.progress.overall, 4) for r in rows],
            "expected": [None if r.progress.expected is None else round(r.progress.expected, 4) for r in rows],
        },
        "trend": trend,
    }


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
@reads_from_replica
def dashboard(request):
    """全局一张图: progress by star and by branch, who is behind, what is overdue, the trend over the year."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, flagged_export)
    campaign = campaign_for(user=request.user, request=request)
    context = {
        "campaign": campaign,
        "campaigns": _campaign_choices(request, campaign),
        "export_url": _keeping_campaign(request, export="xlsx"),
    }
    if campaign is not None:
        found = selectors.dashboard_page(user=request.user, campaign=campaign)
        rows, flagged = found.rows, found.flagged
        overall = [(r.progress.overall, r.weight) for r in rows]
        context.update(
            {
                "rows": rows,
                "flagged": flagged,
                "flagged_groups": group_flagged_by_branch(flagged),
                "flagged_count": len(flagged),
                "office_overall": office_progress(overall),
                "totals": {
                    k: sum(getattr(r.progress, k) for r in rows) for k in ("items", "done", "behind", "overdue")
                },
                "chart": _chart_data(campaign, rows, found.trend),
                "policy_form": PolicyForm.for_tolerance(found.tolerance),
                "can_set_policy": request.user.has_perm("checklists.change_progresspolicy"),
            }
        )
    return render(request, "checklists/dashboard.html", context)


@login_required
@require_POST
@permission_required("checklists.change_progresspolicy", raise_exception=True)
def policy_update(request):
    """The office's tolerance before an item counts as behind; the office is the campaign's (?campaign=)."""
    campaign = campaign_for(user=request.user, request=request)
    if campaign is None:
        raise Http404
    form = PolicyForm(request.POST)
    if form.is_valid():
        services.policy_set(
            actor=request.user, office=campaign.office, behind_tolerance=form.cleaned_data["behind_tolerance"]
        )
        messages.success(request, _("The tolerance was saved."))
    else:
        flash_errors(request, form)
    return redirect(_keeping_campaign(request, reverse("checklists:dashboard")))
