"""Standard pages: the list, one standard's stars and indicators, loading and exporting the data file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from wuxing.core.exports import XLSX, content_disposition, download_name, export_response
from wuxing.core.lists import paginate

from .exports import indicators_export, standards_export
from .fileformat import (
    StandardFileError,
    draft_comparison,
    standard_draft_create,
    standard_draft_publish,
    standard_export,
    standard_xlsx,
)
from .filtersets import StandardFilterSet
from .forms import StandardUploadForm
from .models import StandardDraft
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
                draft = standard_draft_create(
                    actor=request.user, text=form.cleaned_data["file"], name=request.FILES["file"].name
                )
            except StandardFileError as exc:
                errors = exc.errors
            else:
                return redirect("standards:draft_detail", pk=draft.pk)
    filterset = StandardFilterSet(request.GET, standard_list(user=request.user), user=request.user)
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
    return render(
        request,
        "standards/standard_list.html",
        {"standards": page, "page": page, "filters": filterset.form, "form": form, "errors": errors},
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


@login_required
@permission_required("standards.view_standard", raise_exception=True)
def standard_download_xlsx(request, pk: int):
    """The standard on the Excel form, for offices that do not write YAML."""
    standard = standard_get(user=request.user, pk=pk)
    response = HttpResponse(standard_xlsx(standard), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(download_name(standard.name, [standard.version]))
    return response


@login_required
@permission_required("standards.change_standard", raise_exception=True)
def draft_detail(request, pk: int):
    """An uploaded file compared with the previous version (indicators added, removed, changed), then published."""
    draft = get_object_or_404(StandardDraft.objects.filter(uploaded_by=request.user), pk=pk)
    errors = []
    if request.method == "POST":
        try:
            standard = standard_draft_publish(actor=request.user, draft=draft)
        except StandardFileError as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Standard %(name)s loaded.") % {"name": standard})
            return redirect("standards:standard_detail", pk=standard.pk)
    previous, diff = draft_comparison(draft)
    return render(
        request,
        "standards/draft_detail.html",
        {"draft": draft, "previous": previous, "diff": diff, "errors": errors},
    )
