"""Pages of the check-in lists: a branch's list, items and their check-ins, report cards, the progress table,
the office dashboard, and the panels on the branch page and the office overview."""

import base64
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.campaigns.models import Campaign
from wuxing.core.exports import ExportSpec, export_response, exporter, xlsx_response
from wuxing.core.forms import flash_errors
from wuxing.core.uploads import evidence_response
from wuxing.org.models import Branch
from wuxing.org.selectors import branch_get, department_list

from . import selectors, services
from .choices import ItemKind, ItemState
from .forms import CheckInForm, ImportForm, ItemForm, PeriodForm, PolicyForm, ProgressFilterForm
from .models import CheckIn


def _campaign_for(branch, request=None):
    """The campaign a branch page shows: ?campaign=<pk> of the branch's office, else its current one."""
    pk = request.GET.get("campaign") if request is not None else None
    if pk and str(pk).isdigit():
        campaign = Campaign.objects.filter(pk=pk, office_id=branch.office_id).select_related("standard").first()
        if campaign is not None:
            return campaign
    return services.default_campaign(branch)


def _fmt(value):
    if value is None:
        return ""
    text = f"{value:f}" if hasattr(value, "as_tuple") else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _state_label(status) -> str:
    return str(ItemState(status.state).label)


# -------------------------------------------------------------------------------------------------------
# A branch's list
# -------------------------------------------------------------------------------------------------------


@exporter
def checklist_export(user, params) -> ExportSpec:
    branch = branch_get(user=user, pk=int(params.get("branch", 0) or 0))
    campaign = _campaign_for(branch)
    today = timezone.localdate()
    rows = (
        selectors.item_rows(
            selectors.item_list(user=user, branch=branch, campaign=campaign),
            today,
            selectors.tolerance_for(branch.office_id),
        )
        if campaign
        else []
    )
    return ExportSpec(
        filename=f"checklist-{branch.code}.xlsx",
        title=_("Check-in list"),
        headers=[
            _("Star"),
            _("Title"),
            _("Kind"),
            _("Start value"),
            _("Current value"),
            _("Target value"),
            _("Unit"),
            _("Weight"),
            _("Owner"),
            _("Start date"),
            _("Due date"),
            _("Progress"),
            _("Expected"),
            _("State"),
        ],
        rows=(
            (
                r.item.star.name,
                r.item.title,
                r.item.get_kind_display(),
                _fmt(r.item.start_value) if r.item.is_quantitative else "",
                _fmt(r.item.current_value)
                if r.item.is_quantitative
                else (_("Done") if r.item.done else _("Not done yet")),
                _fmt(r.item.target_value),
                r.item.unit,
                _fmt(r.item.weight),
                r.item.owner.name if r.item.owner else "",
                r.item.start_date,
                r.item.due_date,
                f"{round(r.status.progress * 100)}%",
                f"{round(r.status.expected * 100)}%",
                _state_label(r.status),
            )
            for r in rows
        ),
        total=len(rows),
    )


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def branch_checklist(request, pk: int):
    """打卡清单: the branch's items for the current campaign with their progress; check in from here."""
    branch = branch_get(user=request.user, pk=pk)
    if request.GET.get("export") == "xlsx":
        return export_response(request, checklist_export, {"branch": str(branch.pk)})
    campaign = _campaign_for(branch, request)
    today = timezone.localdate()
    rows, progress = [], None
    if campaign is not None:
        tolerance = selectors.tolerance_for(branch.office_id)
        rows = selectors.item_rows(
            selectors.item_list(user=request.user, branch=branch, campaign=campaign), today, tolerance
        )
        progress = selectors.branch_progress(branch=branch, campaign=campaign, today=today, tolerance=tolerance)
    counts = {state: sum(1 for r in rows if r.status.state == state) for state in ItemState.values}
    state = request.GET.get("state")
    if state in ItemState.values:
        rows = [r for r in rows if r.status.state == state]
    else:
        state = ""
    can_edit = request.user.has_perm("checklists.add_checklistitem")
    star_names = {}
    if campaign is not None:
        star_names = dict(campaign.standard.stars.filter(star_set=branch.star_set).values_list("code", "name"))
    return render(
        request,
        "checklists/branch_checklist.html",
        {
            "branch": branch,
            "campaign": campaign,
            "rows": rows,
            "progress": progress,
            "can_edit": can_edit,
            "today": today,
            "state": state,
            "state_filters": [(value, label, counts.get(value, 0)) for value, label in ItemState.choices],
            "can_checkin": request.user.has_perm("checklists.add_checkin"),
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
    branch = branch_get(user=request.user, pk=pk)
    campaign = services.default_campaign(branch)
    if campaign is None:
        raise Http404
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
            form.add_error(None, exc)
        else:
            messages.success(request, _("The item was added."))
            return redirect("checklists:item_detail", pk=item.pk)
    return render(request, "checklists/item_form.html", {"branch": branch, "campaign": campaign, "form": form})


@login_required
@permission_required("checklists.change_checklistitem", raise_exception=True)
def item_edit(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk)
    branch, campaign = item.branch, item.campaign
    initial = {f: getattr(item, f) for f in services.ITEM_FIELDS}
    form = ItemForm(request.POST or None, branch=branch, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
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
    return redirect("checklists:branch_checklist", pk=branch.pk)


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
                return redirect("checklists:branch_checklist", pk=branch.pk)
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
    return xlsx_response("checklist-import-template.xlsx", _("Check-in list"), services.import_headers(), [example])


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
        "can_checkin": request.user.has_perm("checklists.add_checkin"),
        "can_edit": request.user.has_perm("checklists.change_checklistitem"),
    }


@exporter
def history_export(user, params) -> ExportSpec:
    item = selectors.item_get(user=user, pk=int(params.get("item", 0) or 0))
    history = selectors.checkin_history(item)
    return ExportSpec(
        filename=f"checkins-{item.branch.code}-{item.pk}.xlsx",
        title=_("History"),
        headers=[
            _("Date"),
            _("Value") if item.is_quantitative else _("Done?"),
            _("Unit"),
            _("Note"),
            _("Correction"),
            _("Reason for the correction"),
            _("Corrected"),
            _("Current"),
            _("Recorded by"),
            _("Recorded at"),
            _("Evidence"),
        ],
        rows=(
            (
                c.effective_on,
                _fmt(c.value) if c.done is None else (_("Done") if c.done else _("Not done yet")),
                item.unit,
                c.note,
                bool(c.corrects_id),
                c.reason,
                c.superseded,
                c.is_current,
                c.recorded_by_name or _("System"),
                c.recorded_at,
                "、".join(e.original_name for e in c.evidence.all()),
            )
            for c in history
        ),
        total=len(history),
    )


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def item_detail(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk)
    if request.GET.get("export") == "xlsx":
        return export_response(request, history_export, {"item": str(item.pk)})
    return render(request, "checklists/item_detail.html", _item_context(request, item))


@login_required
@require_POST
@permission_required("checklists.add_checkin", raise_exception=True)
def checkin_create(request, pk: int):
    item = selectors.item_get(user=request.user, pk=pk)
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
                if hasattr(exc, "error_dict"):
                    for field, errs in exc.error_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error("evidence" if "evidence" in form.fields else None, exc)
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
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4, dark="#111")


def report_context(request, branch, *, campaign=None, published_only=False):
    """What a report card shows (成绩单): the signed-in page, its print version and the public page alike."""
    campaign = campaign or _campaign_for(branch, request)
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
    from wuxing.core.pdf import pdf_response, render_pdf

    branch = branch_get(user=request.user, pk=pk)
    context = report_context(request, branch)
    context["thumbs"] = [(e, _thumb_data_uri(e)) for e in context["card"].evidence]
    data = render_pdf("checklists/report_card_pdf.html", context, request=request)
    return pdf_response(data, f"{branch.name}-成绩单-{context['card'].as_of:%Y%m%d}.pdf")


# -------------------------------------------------------------------------------------------------------
# 进度表 and the dashboard
# -------------------------------------------------------------------------------------------------------


def _office_campaign(request):
    """The campaign the office pages show: ?campaign=<pk> in scope, else the user's current one."""
    from wuxing.campaigns.selectors import campaign_chosen

    return campaign_chosen(user=request.user, params=request.GET)


def _campaign_choices(request, campaign):
    """Other campaigns in scope to switch to (a district sees several offices; every office has several years)."""
    from wuxing.campaigns.selectors import campaign_list

    campaigns = list(campaign_list(user=request.user).exclude(status="preparing"))
    return campaigns if len(campaigns) > 1 else []


def _progress_filters(user, params):
    form = ProgressFilterForm(params or None, departments=department_list(user=user))
    return form, (form.cleaned_data if form.is_valid() else {})


@exporter
def progress_export(user, params) -> ExportSpec:
    from wuxing.campaigns.selectors import campaign_current, campaign_list

    campaign = None
    if str(params.get("campaign", "")).isdigit():
        campaign = campaign_list(user=user).filter(pk=params["campaign"]).first()
    campaign = campaign or campaign_current(user=user)
    _form, filters = _progress_filters(user, params)
    rows = selectors.progress_table(user=user, campaign=campaign, filters=filters) if campaign else []
    return ExportSpec(
        filename="progress-table.xlsx",
        title=_("Progress table"),
        headers=[
            _("Rank"),
            _("Code"),
            _("Branch"),
            _("Target level"),
            _("Overall progress"),
            _("Progress per star"),
            _("Items"),
            _("Done"),
            _("Behind"),
            _("Overdue"),
            _("Secretary"),
            _("Leaders"),
            _("Departments"),
        ],
        rows=(
            (
                r.rank,
                r.branch.code,
                r.branch.name,
                r.target_level,
                "" if r.progress.overall is None else f"{round(r.progress.overall * 100)}%",
                "；".join(f"{s.name} {'—' if v is None else str(round(v * 100)) + '%'}" for s, v in r.stars),
                r.progress.items,
                r.progress.done,
                r.progress.behind,
                r.progress.overdue,
                r.secretary,
                r.leaders,
                r.departments,
            )
            for r in rows
        ),
        total=len(rows),
    )


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def progress_table(request):
    """进度表: every branch in scope × its targeted stars, ranked; sortable, filterable, exportable."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, progress_export)
    campaign = _office_campaign(request)
    form, filters = _progress_filters(request.user, request.GET)
    rows = selectors.progress_table(user=request.user, campaign=campaign, filters=filters) if campaign else []
    return render(
        request,
        "checklists/progress_table.html",
        {"campaign": campaign, "rows": rows, "form": form, "campaigns": _campaign_choices(request, campaign)},
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


def _flagged(campaign, user):
    branches = list(selectors.branches_of(campaign, Branch.objects.restrict(user, "view")))
    rows = selectors.progress_rows(campaign=campaign, branches=branches, with_items=True)
    flagged = [(row.branch, r) for row in rows for r in row.rows if r.status.behind or r.status.overdue]
    flagged.sort(key=lambda pair: (not pair[1].status.overdue, pair[1].item.due_date, pair[0].sort_order))
    return branches, rows, flagged


@exporter
def flagged_export(user, params) -> ExportSpec:
    from wuxing.campaigns.selectors import campaign_current, campaign_list

    campaign = None
    if str(params.get("campaign", "")).isdigit():
        campaign = campaign_list(user=user).filter(pk=params["campaign"]).first()
    campaign = campaign or campaign_current(user=user)
    flagged = _flagged(campaign, user)[2] if campaign else []
    return ExportSpec(
        filename="behind-and-overdue.xlsx",
        title=_("Behind and overdue"),
        headers=[
            _("Branch"),
            _("Star"),
            _("Item"),
            _("State"),
            _("Progress"),
            _("Expected"),
            _("Due date"),
            _("Owner"),
        ],
        rows=(
            (
                b.name,
                r.item.star.name,
                r.item.title,
                _state_label(r.status),
                f"{round(r.status.progress * 100)}%",
                f"{round(r.status.expected * 100)}%",
                r.item.due_date,
                r.item.owner.name if r.item.owner else "",
            )
            for b, r in flagged
        ),
        total=len(flagged),
    )


@login_required
@permission_required("checklists.view_checklistitem", raise_exception=True)
def dashboard(request):
    """全局一张图: progress by star and by branch, who is behind, what is overdue, the trend over the year."""
    if request.GET.get("export") == "xlsx":
        return export_response(request, flagged_export)
    campaign = _office_campaign(request)
    context = {"campaign": campaign, "campaigns": _campaign_choices(request, campaign)}
    if campaign is not None:
        branches, rows, flagged = _flagged(campaign, request.user)
        overall = [(r.progress.overall, r.weight) for r in rows]
        from .rules import office_progress

        context.update(
            {
                "rows": rows,
                "flagged": flagged[:50],
                "flagged_count": len(flagged),
                "office_overall": office_progress(overall),
                "totals": {
                    k: sum(getattr(r.progress, k) for r in rows) for k in ("items", "done", "behind", "overdue")
                },
                "chart": _chart_data(campaign, rows, selectors.office_trend(campaign=campaign, branches=branches)),
                "policy_form": PolicyForm(initial={"behind_tolerance": selectors.tolerance_for(campaign.office_id)}),
                "can_set_policy": request.user.has_perm("checklists.change_progresspolicy"),
            }
        )
    return render(request, "checklists/dashboard.html", context)


@login_required
@require_POST
@permission_required("checklists.change_progresspolicy", raise_exception=True)
def policy_update(request):
    campaign = _office_campaign(request)
    if campaign is None:
        raise Http404
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            services.policy_set(
                actor=request.user, office=campaign.office, behind_tolerance=form.cleaned_data["behind_tolerance"]
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The tolerance was saved."))
    else:
        flash_errors(request, form)
    return redirect("checklists:dashboard")


# -------------------------------------------------------------------------------------------------------
# Panels on pages other apps own
# -------------------------------------------------------------------------------------------------------


def branch_panel(request, branch, campaign) -> str:
    progress = selectors.branch_progress(branch=branch, campaign=campaign)
    names = dict(campaign.standard.stars.filter(star_set=branch.star_set).values_list("code", "name"))
    return render_to_string(
        "checklists/_branch_panel.html",
        {
            "branch": branch,
            "campaign": campaign,
            "progress": progress,
            "star_progress": [(names.get(code, code), value) for code, value in progress.by_star.items()],
        },
        request=request,
    )


def overview_panel(request, campaign) -> str:
    branches = list(selectors.branches_of(campaign, Branch.objects.restrict(request.user, "view")))
    rows = selectors.progress_rows(campaign=campaign, branches=branches)
    from .rules import office_progress

    ranked = sorted([r for r in rows if r.progress.overall is not None], key=lambda r: r.rank)
    return render_to_string(
        "checklists/_overview_panel.html",
        {
            "campaign": campaign,
            "office_overall": office_progress([(r.progress.overall, r.weight) for r in rows]),
            "top": ranked[:3],
            "bottom": list(reversed(ranked[-3:])) if len(ranked) > 3 else [],
            "behind": sum(r.progress.behind for r in rows),
            "overdue": sum(r.progress.overdue for r in rows),
        },
        request=request,
    )
