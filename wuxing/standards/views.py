"""Standard pages: the list, one standard's stars and indicators, loading and exporting the data file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from wuxing.core.exports import export_response

from .exports import indicators_export, standards_export
from .fileformat import StandardFileError, standard_export, standard_load
from .forms import StandardUploadForm
from .selectors import standard_get, standard_list, star_sets


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


@login_required
@permission_required("standards.view_standard", raise_exception=True)
def standard_detail(request, pk: int):
    if request.GET.get("export") == "xlsx":
        return export_response(request, indicators_export, {"pk": pk})
    standard = standard_get(user=request.user, pk=pk)
    return render(request, "standards/standard_detail.html", {"standard": standard, "sets": star_sets(standard)})


@login_required
@permission_required("standards.view_standard", raise_exception=True)
def standard_download(request, pk: int):
    standard = standard_get(user=request.user, pk=pk)
    response = HttpResponse(standard_export(standard), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{standard.code}-{standard.version}.yaml"'
    return response
