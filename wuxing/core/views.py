"""Core pages: the audit log, the account policy, export jobs."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .audit_display import present
from .audit_export import audit_export
from .export_jobs import export_failure_message, export_retry, fail_stale_exports
from .exports import XLSX, export_response
from .filtersets import AuditLogFilterSet
from .forms import AccountPolicyForm
from .lists import paginate
from .models import AccountPolicy, ExportJob
from .selectors import audit_list
from .services import account_policy_update


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def audit_log(request):
    filterset = AuditLogFilterSet(request.GET, audit_list(user=request.user), user=request.user)
    form, qs = filterset.form, filterset.qs
    if request.GET.get("export") == "xlsx":
        return export_response(request, audit_export)
    page = paginate(request, qs.select_related("actor"))
    return render(request, "core/audit_list.html", {"form": form, "page": page, "rows": present(page.object_list)})


@login_required
@permission_required("core.view_accountpolicy", raise_exception=True)
def policy(request):
    current = AccountPolicy.current()
    initial = {
        f: getattr(current, f) for f in ("failed_login_limit", "lockout_minutes", "idle_minutes", "password_min_length")
    }
    if request.method == "POST":
        form = AccountPolicyForm(request.POST)
        if form.is_valid():
            try:
                account_policy_update(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The account policy was saved."))
                return redirect("core:policy")
    else:
        form = AccountPolicyForm(initial=initial)
    return render(request, "core/policy.html", {"form": form, "policy": current})


@login_required
def export_detail(request, pk: int):
    """The status page of an export job; htmx polls the status fragment until the file is ready."""
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    if job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING) and fail_stale_exports(job=job):
        job.refresh_from_db()
    template = "core/_export_status.html" if request.htmx else "core/export_detail.html"
    failure = export_failure_message(job) if job.status == ExportJob.Status.FAILED else ""
    return render(request, template, {"job": job, "failure": failure})


@login_required
@require_POST
def export_retry_view(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    export_retry(actor=request.user, job=job)
    messages.success(request, _("The export was queued again."))
    return redirect("core:export_detail", pk=job.pk)


@login_required
def export_download(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJob.Status.DONE)
    return FileResponse(export_file(job), as_attachment=True, filename=job.filename, content_type=XLSX)


def export_file(job):
    """The open file of a finished export, from the file storage (MEDIA_ROOT or the S3 bucket); 404 if it is gone.

    Jobs written before exports moved into the file storage hold an absolute path under MEDIA_ROOT."""
    name = job.file_path
    if Path(name).is_absolute():
        path = Path(name)
        if not path.is_file() or Path(settings.MEDIA_ROOT).resolve() not in path.resolve().parents:
            raise Http404
        return path.open("rb")
    if not name.startswith("exports/") or ".." in name or not default_storage.exists(name):
        raise Http404
    return default_storage.open(name, "rb")
