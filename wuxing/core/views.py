"""Core pages: sign-in/out, the home page by role, the audit log, the account policy."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .exports import XLSX, ExportSpec, export_response, exporter
from .forms import AccountPolicyForm, AuditFilterForm, LoginForm
from .models import AccountPolicy, ExportJob
from .selectors import audit_list
from .services import account_policy_update


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
        from wuxing.org.demo import DEMO_ACCOUNTS

        context["demo_accounts"] = [(spec["username"], spec["label"]) for spec in DEMO_ACCOUNTS]
        context["demo_password"] = settings.WUXING_DEMO_PASSWORD
    return render(request, "core/login.html", context)


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
    from wuxing.org.scopes import scope_for
    from wuxing.org.views import office_overview

    scope = scope_for(user)
    # Someone whose whole scope is one branch (a secretary) starts on that branch's page.
    if not scope.everything and not scope.unit_paths and len(scope.branch_ids) == 1:
        return redirect("org:branch_detail", pk=next(iter(scope.branch_ids)))
    return office_overview(request)


@exporter
def audit_export(user, params) -> ExportSpec:
    form = AuditFilterForm(params)
    qs = audit_list(user=user, filters=form.cleaned_data if form.is_valid() else {})
    return ExportSpec(
        filename="audit-log.xlsx",
        title=_("Audit log"),
        headers=[
            _("Time"),
            _("User"),
            _("Address"),
            _("Action"),
            _("Object type"),
            _("Object id"),
            _("Object"),
            _("Before"),
            _("After"),
            _("Note"),
        ],
        rows=(
            (
                r.at,
                r.actor_name,
                r.ip_address,
                r.action,
                r.object_type,
                r.object_id,
                r.object_repr,
                r.before,
                r.after,
                r.note,
            )
            for r in qs.iterator(chunk_size=2000)
        ),
        total=qs.count(),
    )


@login_required
@permission_required("core.view_auditlog", raise_exception=True)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = audit_list(user=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return export_response(request, audit_export)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_list.html", {"form": form, "page": page})


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
    template = "core/_export_status.html" if request.htmx else "core/export_detail.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk: int):
    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJob.Status.DONE)
    path = Path(job.file_path)
    if not path.is_file() or Path(settings.MEDIA_ROOT).resolve() not in path.resolve().parents:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX)
