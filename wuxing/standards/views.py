"""Standard pages: the list, one standard's stars and indicators, loading and exporting the data file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wuxing.core.exports import ExportSpec, export_response, exporter
from wuxing.org.choices import StarSet

from .fileformat import StandardFileError, standard_export, standard_load
from .forms import StandardUploadForm
from .selectors import standard_get, standard_list


@exporter
def standards_export(user, params) -> ExportSpec:
    standards = list(standard_list(user=user))
    return ExportSpec(
        filename="standards.xlsx",
        title=_("Standards"),
        headers=[_("Code"), _("Version"), _("Name"), _("Example"), _("Loaded")],
        rows=((s.code, s.version, s.name, s.is_example, s.loaded_at) for s in standards),
        total=len(standards),
    )


@login_required
@permission_required("standards.view_standard", raise_exception=True)
def standard_index(request):
    if request.method == "GET" and request.GET.get("export") == "xlsx":
        return export_response(request, standards_export)
    form = StandardUploadForm()
    errors = []
    if request.method == "POST":
        # standard_load checks the permission; a refused upload answers 403.
        form = StandardUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                standard = standard_load(actor=request.user, text=form.cleaned_data["file"])
            except StandardFileError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Standard %(name)s loaded.") % {"name": standard})
                return redirect("standards:standard_detail", pk=standard.pk)
    return render(
        request,
        "standards/standard_list.html",
        {"standards": standard_list(user=request.user), "form": form, "errors": errors},
    )


def _star_sets(standard):
    sets = []
    for value, label in StarSet.choices:
        stars = [s for s in standard.stars.all() if s.star_set == value]
        rules = [r for r in standard.rules.all() if r.star_set == value]
        sets.append(
            {"code": value, "label": label, "stars": stars, "rules": rules, "names": {s.code: s.name for s in stars}}
        )
    return sets


@exporter
def indicators_export(user, params) -> ExportSpec:
    standard = standard_get(user=user, pk=int(params["pk"]))
    rows = [
        (
            group["label"],
            s.position,
            s.name,
            s.code,
            i.code,
            i.text,
            i.get_kind_display(),
            i.unit,
            i.get_comparison_display() if i.comparison else "",
            i.threshold,
            i.weight,
            i.responsible_department,
            i.veto,
        )
        for group in _star_sets(standard)
        for s in group["stars"]
        for i in s.indicators.all()
    ]
    return ExportSpec(
        filename=f"{standard.code}-{standard.version}.xlsx",
        title=_("Indicators"),
        headers=[
            _("Star set"),
            _("Order"),
            _("Star"),
            _("Star code"),
            _("Indicator code"),
            _("Indicator"),
            _("Kind"),
            _("Unit"),
            _("Comparison"),
            _("Threshold"),
            _("Weight"),
            _("Responsible department"),
            _("Veto"),
        ],
        rows=rows,
        total=len(rows),
    )


@login_required
@permission_required("standards.view_standard", raise_exception=True)
def standard_detail(request, pk: int):
    if request.GET.get("export") == "xlsx":
        return export_response(request, indicators_export, {"pk": pk})
    standard = standard_get(user=request.user, pk=pk)
    return render(request, "standards/standard_detail.html", {"standard": standard, "sets": _star_sets(standard)})


@login_required
@permission_required("standards.view_standard", raise_exception=True)
def standard_download(request, pk: int):
    standard = standard_get(user=request.user, pk=pk)
    response = HttpResponse(standard_export(standard), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{standard.code}-{standard.version}.yaml"'
    return response
