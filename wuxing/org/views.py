"""Organisation pages: units, branches, departments and people (created, edited, retired), accounts and roles."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.core.exports import XLSX, export_response
from wuxing.core.lists import paginate
from wuxing.core.roles import Role
from wuxing.core.tokens import token_list, token_revoke

from . import imports, selectors, services
from .choices import GrantStatus, UnitLevel
from .exports import accounts_export, branches_export, departments_export, people_export
from .filtersets import AccountFilterSet, BranchFilterSet, DepartmentFilterSet, PersonFilterSet
from .forms import (
    AccountCreateForm,
    AssignmentForm,
    BoundaryUploadForm,
    BranchCreateForm,
    BranchForm,
    BranchMoveForm,
    DepartmentForm,
    GridForm,
    ImportUploadForm,
    KioskTokenForm,
    OrgUnitForm,
    PasswordChangeForm,
    PersonForm,
    RoleAssignForm,
)
from .models import Assignment, Branch, Department, OrgImport, OrgUnit, Person, RoleAssignment, RoleGrant, User
from .rules import grant_approver_role

BRANCHES_PER_PAGE = 50


@login_required
@permission_required("org.view_branch", raise_exception=True)
def branch_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, branches_export)
    show_retired = request.GET.get("retired") == "1"
    branches = selectors.branch_list(user=request.user, include_retired=show_retired)
    if show_retired:
        branches = branches.filter(retired_at__isnull=False)
    filterset = BranchFilterSet(request.GET, branches, user=request.user)
    page = paginate(request, filterset.qs, BRANCHES_PER_PAGE)
    # A history restore after a cache miss needs the whole page, not the fragment.
    fragment = request.htmx and not request.htmx.history_restore_request
    response = render(
        request,
        "org/_branch_table.html" if fragment else "org/branch_list.html",
        {
            "form": filterset.display_form(),
            "filterset": filterset,
            "rows": selectors.branch_rows(page),
            "page": page,
            "show_retired": show_retired,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


BRANCH_FIELDS = [
    "name",
    "kind",
    "star_set",
    "secretary",
    "party_members",
    "representatives",
    "households",
    "adult_population",
    "secretary_chairs_committee",
]


@login_required
@permission_required("org.change_branch", raise_exception=True)
def branch_edit(request, pk: int):
    branch = get_object_or_404(Branch.objects.restrict(request.user, "change").select_related("office"), pk=pk)
    if request.method == "POST":
        form = BranchForm(request.POST, branch=branch)
        if form.is_valid():
            try:
                services.branch_update(actor=request.user, branch=branch, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The branch was saved."))
                return redirect("portal:branch_detail", pk=branch.pk)
    else:
        form = BranchForm(initial={f: getattr(branch, f) for f in BRANCH_FIELDS}, branch=branch)
    return render(request, "org/branch_form.html", {"branch": branch, "form": form})


@login_required
@require_POST
def branch_assign(request, pk: int):
    branch = get_object_or_404(Branch.objects.restrict(request.user, "view"), pk=pk)
    form = AssignmentForm(request.POST, branch=branch)
    if form.is_valid():
        try:
            services.assignment_create(actor=request.user, branch=branch, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The assignment was recorded."))
    else:
        for message in form.non_field_errors():
            messages.error(request, message)
    return redirect("portal:branch_detail", pk=branch.pk)


@login_required
@require_POST
def assignment_end(request, pk: int):
    assignment = get_object_or_404(Assignment.objects.restrict(request.user, "view"), pk=pk)
    services.assignment_end(actor=request.user, assignment=assignment)
    messages.success(request, _("The assignment was ended."))
    return redirect("portal:branch_detail", pk=assignment.branch_id)


@login_required
@permission_required("org.view_department", raise_exception=True)
def department_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, departments_export)
    show_retired = request.GET.get("retired") == "1"
    departments = selectors.department_list(user=request.user, include_retired=show_retired)
    if show_retired:
        departments = departments.filter(retired_at__isnull=False)
    filterset = DepartmentFilterSet(request.GET, departments, user=request.user)
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
    return render(
        request,
        "org/department_list.html",
        {
            "rows": selectors.department_rows(user=request.user, departments=page),
            "page": page,
            "form": filterset.display_form(),
            "filterset": filterset,
            "show_retired": show_retired,
        },
    )


@login_required
@permission_required("org.view_person", raise_exception=True)
def person_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, people_export)
    show_retired = request.GET.get("retired") == "1"
    people = selectors.person_list(user=request.user, include_retired=show_retired)
    if show_retired:
        people = people.filter(retired_at__isnull=False)
    people = people.select_related("office").order_by("office__path", "-is_leader", "department__code", "name")
    filterset = PersonFilterSet(request.GET, people, user=request.user)
    page = paginate(request, filterset.qs, 100)
    return render(request, "org/person_list.html", {"page": page, "show_retired": show_retired, "form": filterset.form})


@login_required
@require_POST
def person_reveal(request, pk: int, field: str):
    """Show one unmasked number in place (htmx); the service checks the permission and logs the reveal."""
    person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=pk)
    try:
        value = services.person_reveal(actor=request.user, person=person, field=field)
    except ValidationError as exc:
        raise Http404 from exc
    return HttpResponse(f'<span class="font-monospace">{escape(value)}</span>')


@login_required
@permission_required("org.view_user", raise_exception=True)
def user_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, accounts_export)
    filterset = AccountFilterSet(request.GET, selectors.user_list(user=request.user), user=request.user)
    page = paginate(request, filterset.qs if filterset.is_valid() else filterset.queryset.none())
    return render(
        request,
        "org/user_list.html",
        {"users": page, "page": page, "filters": filterset.form, "form": RoleAssignForm()},
    )


@login_required
@permission_required("org.change_user", raise_exception=True)
def user_create(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("password" if not hasattr(exc, "error_dict") else None, exc)
        else:
            messages.success(request, _("Account %(user)s created. Give it a role below.") % {"user": user.username})
            return redirect("org:user_list")
    return render(request, "org/user_form.html", {"form": form})


@login_required
@require_POST
def user_role_assign(request, pk: int):
    """The security administrator asks for a role; it takes effect when the approver agrees (两人审批)."""
    user = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    form = RoleAssignForm(request.POST)
    if form.is_valid():
        try:
            grant = services.role_grant_request(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Role “%(role)s” for %(user)s is asked for; it takes effect when the %(approver)s approves it.")
                % {
                    "role": grant.get_role_display(),
                    "user": user.username,
                    "approver": Role(grant_approver_role(grant.role)).label,
                },
            )
    else:
        messages.error(request, _("Choose a role."))
    return redirect("org:user_list")


@login_required
def role_grant_list(request):
    if not (request.user.has_perm("org.view_rolegrant") or request.user.has_perm("org.approve_rolegrant")):
        raise PermissionDenied
    grants = list(selectors.role_grant_list(user=request.user)[:200])
    pending = [g for g in grants if g.status == GrantStatus.PENDING]
    decided = [g for g in grants if g.status != GrantStatus.PENDING]
    may_decide = request.user.has_perm("org.approve_rolegrant")
    return render(
        request, "org/role_grant_list.html", {"pending": pending, "decided": decided, "may_decide": may_decide}
    )


def _grant_for_decision(request, pk: int) -> RoleGrant:
    return get_object_or_404(selectors.role_grant_list(user=request.user), pk=pk)


@login_required
@require_POST
def role_grant_approve(request, pk: int):
    grant = _grant_for_decision(request, pk)
    services.role_grant_approve(actor=request.user, grant=grant)
    messages.success(
        request,
        _("Approved: %(user)s now holds “%(role)s”.") % {"user": grant.user.username, "role": grant.get_role_display()},
    )
    return redirect("org:role_grant_list")


@login_required
@require_POST
def role_grant_reject(request, pk: int):
    grant = _grant_for_decision(request, pk)
    note = (request.POST.get("note") or "").strip()[:500]
    services.role_grant_reject(actor=request.user, grant=grant, note=note)
    messages.success(request, _("Rejected the request for %(user)s.") % {"user": grant.user.username})
    return redirect("org:role_grant_list")


@login_required
@require_POST
def user_role_revoke(request, pk: int):
    assignment = get_object_or_404(RoleAssignment, pk=pk)
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("Role removed."))
    return redirect("org:user_list")


@login_required
@require_POST
def user_unlock(request, pk: int):
    user = get_object_or_404(User.objects.restrict(request.user, "change"), pk=pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, _("%(user)s is unlocked.") % {"user": user.username})
    return redirect("org:user_list")


@login_required
def my_account(request):
    """The signed-in user's own account: change the password, see and end their sessions, see and revoke API
    tokens, sign out everywhere."""
    form, done = _password_form(request)
    if done:
        return redirect("org:my_account")
    context = {
        "form": form,
        "tokens": token_list(user=request.user),
        "sessions": selectors.session_list(user=request.user, current_key=request.session.session_key),
    }
    return render(request, "org/account_detail.html", context)


def _password_form(request):
    """The password change form, bound on POST; (form, True) once the password is changed."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            old_key = request.session.session_key
            update_session_auth_hash(request, request.user)  # gives this browser a new session key
            services.session_renamed(old_key=old_key, new_key=request.session.session_key)
            # The other browsers no longer match the password; their rows go too.
            services.sessions_end(actor=request.user, current_key=request.session.session_key)
            messages.success(
                request, _("Your password is changed; your API tokens are revoked and your other sessions ended.")
            )
            return form, True
    return form, False


@login_required
def password_change(request):
    """/accounts/password/: the signed-in user changes their own password."""
    form, done = _password_form(request)
    if done:
        return redirect("org:my_account")
    return render(request, "org/password_change.html", {"form": form})


@login_required
@require_POST
def my_sessions_end(request):
    """End the user's other sessions: the one named by `session`, or all of them."""
    raw = request.POST.get("session", "")
    pk = int(raw) if raw.isdigit() and len(raw) < 12 else None
    if raw and pk is None:
        raise ValidationError(_("That session is not one of your other sessions."))
    ended = services.sessions_end(actor=request.user, current_key=request.session.session_key, pk=pk)
    messages.success(request, _("%(n)d other session(s) signed out.") % {"n": ended})
    return redirect("org:my_account")


@login_required
@require_POST
def my_token_revoke(request, key: str):
    if token_revoke(actor=request.user, token_key=key):
        messages.success(request, _("The token is revoked."))
    return redirect("org:my_account")


@login_required
@require_POST
def my_sign_out_everywhere(request):
    services.account_sign_out_everywhere(actor=request.user)
    logout(request)
    messages.success(request, _("You are signed out everywhere: every API token of your account is revoked."))
    return redirect("login")


# ---------------------------------------------------------------------------------------------------------
# Creating, editing and retiring units, branches, departments and people (never deleted)
# ---------------------------------------------------------------------------------------------------------


def _save(request, form, call, success: str):
    """Run a service with the form's values; a refusal is bound to the form, success is announced."""
    try:
        result = call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None
    messages.success(request, success)
    return result


def _retired_flag(request) -> bool:
    return request.POST.get("retired") != "0"


@login_required
@permission_required("org.view_orgunit", raise_exception=True)
def unit_list(request):
    show_retired = request.GET.get("retired") == "1"
    units = selectors.unit_list(user=request.user, include_retired=True)
    if not show_retired:
        units = units.filter(retired_at__isnull=True)
    return render(request, "org/unit_list.html", {"units": units, "show_retired": show_retired})


@login_required
@permission_required("org.change_orgunit", raise_exception=True)
def unit_create(request):
    form = OrgUnitForm(request.POST or None, units=selectors.units_editable(user=request.user))
    if request.method == "POST" and form.is_valid():
        unit = _save(
            request,
            form,
            lambda: services.orgunit_create(actor=request.user, **form.cleaned_data),
            _("The unit was created."),
        )
        if unit is not None:
            return redirect("org:unit_list")
    return render(request, "org/object_form.html", {"form": form, "title": _("New unit"), "back": "org:unit_list"})


@login_required
@permission_required("org.change_orgunit", raise_exception=True)
def unit_edit(request, pk: int):
    # Edited by the leaders of the unit above: the parent must be in scope (the service checks it again).
    unit = get_object_or_404(
        OrgUnit.objects.filter(parent__in=selectors.units_editable(user=request.user)).select_related("parent"), pk=pk
    )
    form = OrgUnitForm(request.POST or None, units=None, unit=unit, initial={"name": unit.name})
    if request.method == "POST" and form.is_valid():
        if _save(
            request,
            form,
            lambda: services.orgunit_update(actor=request.user, unit=unit, **form.cleaned_data),
            _("The unit was saved."),
        ):
            return redirect("org:unit_list")
    return render(
        request,
        "org/object_form.html",
        {
            "form": form,
            "title": _("Edit unit"),
            "subtitle": f"{unit.name}（{unit.code}）",
            "back": "org:unit_list",
            "obj": unit,
            "retire_url": reverse("org:unit_retire", args=[unit.pk]),
        },
    )


@login_required
@require_POST
@permission_required("org.change_orgunit", raise_exception=True)
def unit_retire(request, pk: int):
    unit = get_object_or_404(OrgUnit.objects.filter(parent__in=selectors.units_editable(user=request.user)), pk=pk)
    retired = _retired_flag(request)
    services.orgunit_set_retired(actor=request.user, unit=unit, retired=retired)
    messages.success(request, _("The unit was retired.") if retired else _("The unit is active again."))
    return redirect("org:unit_list")


@login_required
@permission_required("org.change_branch", raise_exception=True)
def branch_create(request):
    offices = selectors.units_editable(user=request.user, level="office")
    form = BranchCreateForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        branch = _save(
            request,
            form,
            lambda: services.branch_create(actor=request.user, **data),
            _("The branch was created."),
        )
        if branch is not None:
            return redirect("portal:branch_detail", pk=branch.pk)
    return render(request, "org/object_form.html", {"form": form, "title": _("New branch"), "back": "org:branch_list"})


@login_required
@permission_required("org.change_branch", raise_exception=True)
def branch_move(request, pk: int):
    branch = get_object_or_404(Branch.objects.restrict(request.user, "change").select_related("office"), pk=pk)
    offices = selectors.units_editable(user=request.user, level="office").exclude(pk=branch.office_id)
    form = BranchMoveForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        if _save(
            request,
            form,
            lambda: services.branch_move(actor=request.user, branch=branch, office=form.cleaned_data["office"]),
            _("The branch was moved; its history goes with it."),
        ):
            return redirect("portal:branch_detail", pk=branch.pk)
    return render(
        request,
        "org/object_form.html",
        {
            "form": form,
            "title": _("Move branch to another office"),
            "subtitle": f"{branch.office.name} · {branch.name}",
            "back": "org:branch_list",
            "note": _("Its assignments to the old office's departments and leaders end; its history stays with it."),
        },
    )


@login_required
@require_POST
@permission_required("org.change_branch", raise_exception=True)
def branch_retire(request, pk: int):
    branch = get_object_or_404(Branch.objects.restrict(request.user, "change").select_related("office"), pk=pk)
    retired = _retired_flag(request)
    services.branch_set_retired(actor=request.user, branch=branch, retired=retired)
    messages.success(request, _("The branch was retired.") if retired else _("The branch is active again."))
    return redirect("org:branch_list")


@login_required
@permission_required("org.change_department", raise_exception=True)
def department_create(request):
    form = DepartmentForm(request.POST or None, offices=selectors.units_editable(user=request.user, level="office"))
    if request.method == "POST" and form.is_valid():
        if _save(
            request,
            form,
            lambda: services.department_create(actor=request.user, **form.cleaned_data),
            _("The department was created."),
        ):
            return redirect("org:department_list")
    return render(
        request, "org/object_form.html", {"form": form, "title": _("New department"), "back": "org:department_list"}
    )


@login_required
@permission_required("org.change_department", raise_exception=True)
def department_edit(request, pk: int):
    department = get_object_or_404(Department.objects.restrict(request.user, "change").select_related("office"), pk=pk)
    form = DepartmentForm(
        request.POST or None, department=department, initial={"name": department.name, "duties": department.duties}
    )
    if request.method == "POST" and form.is_valid():
        if _save(
            request,
            form,
            lambda: services.department_update(actor=request.user, department=department, **form.cleaned_data),
            _("The department was saved."),
        ):
            return redirect("org:department_list")
    return render(
        request,
        "org/object_form.html",
        {
            "form": form,
            "title": _("Edit department"),
            "subtitle": f"{department.office.name} · {department.code}",
            "back": "org:department_list",
            "obj": department,
            "retire_url": reverse("org:department_retire", args=[department.pk]),
        },
    )


@login_required
@require_POST
@permission_required("org.change_department", raise_exception=True)
def department_retire(request, pk: int):
    department = get_object_or_404(Department.objects.restrict(request.user, "change"), pk=pk)
    retired = _retired_flag(request)
    services.department_set_retired(actor=request.user, department=department, retired=retired)
    messages.success(request, _("The department was retired.") if retired else _("The department is active again."))
    return redirect("org:department_list")


@login_required
@permission_required("org.change_person", raise_exception=True)
def person_create(request):
    form = PersonForm(request.POST or None, offices=selectors.units_editable(user=request.user, level="office"))
    if request.method == "POST" and form.is_valid():
        office = form.cleaned_data["office"]
        if _save(
            request,
            form,
            lambda: services.person_create(actor=request.user, office=office, **form.values()),
            _("The person was added."),
        ):
            return redirect("org:person_list")
    return render(request, "org/object_form.html", {"form": form, "title": _("New person"), "back": "org:person_list"})


@login_required
@permission_required("org.change_person", raise_exception=True)
def person_edit(request, pk: int):
    person = get_object_or_404(Person.objects.restrict(request.user, "change").select_related("office"), pk=pk)
    initial = {f: getattr(person, f) for f in ("name", "position", "department", "branch", "party_member", "is_leader")}
    form = PersonForm(request.POST or None, offices=None, person=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _save(
            request,
            form,
            lambda: services.person_update(actor=request.user, person=person, **form.values()),
            _("The person was saved."),
        ):
            return redirect("org:person_list")
    return render(
        request,
        "org/object_form.html",
        {
            "form": form,
            "title": _("Edit person"),
            "subtitle": f"{person.office.name} · {person.name}",
            "back": "org:person_list",
            "obj": person,
            "retire_url": reverse("org:person_retire", args=[person.pk]),
        },
    )


@login_required
@require_POST
@permission_required("org.change_person", raise_exception=True)
def person_retire(request, pk: int):
    person = get_object_or_404(Person.objects.restrict(request.user, "change"), pk=pk)
    retired = _retired_flag(request)
    services.person_set_retired(actor=request.user, person=person, retired=retired)
    messages.success(request, _("The person was retired.") if retired else _("The person is active again."))
    return redirect("org:person_list")


# ---------------------------------------------------------------------------------------------------------
# Importing the organisation from a workbook: upload (kept, previewed), then confirm
# ---------------------------------------------------------------------------------------------------------


@login_required
@permission_required("org.change_branch", raise_exception=True)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > imports.IMPORT_MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            try:
                record, _plan = imports.import_upload(actor=request.user, data=upload.read(), name=upload.name)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect("org:import_preview", pk=record.pk)
    recent = OrgImport.objects.filter(uploaded_by=request.user)[:10]
    return render(
        request, "org/import_upload.html", {"form": form, "recent": recent, "max_rows": imports.IMPORT_MAX_ROWS}
    )


@login_required
@permission_required("org.change_branch", raise_exception=True)
def import_template(request):
    response = HttpResponse(imports.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + quote("组织机构导入模板.xlsx")
    return response


def _my_import(request, pk):
    return get_object_or_404(OrgImport.objects.filter(uploaded_by=request.user), pk=pk)


@login_required
@permission_required("org.change_branch", raise_exception=True)
def import_preview(request, pk: int):
    record = _my_import(request, pk)
    plan = imports.import_plan_for(actor=request.user, record=record)
    counts = plan.counts()
    sheets = [(imports.SHEET_LABELS[key], counts[key]) for key in imports.SHEETS]
    headers = {key: dict(columns) for key, (_names, columns) in imports.SHEETS.items()}
    rows = [
        {
            "row": r,
            "sheet": imports.SHEET_TITLES[r.sheet],
            "changes": "、".join(headers[r.sheet].get(c, _("brought back")) for c in r.changes),
        }
        for r in plan.rows
        if r.action != "unchanged"
    ][:500]
    return render(
        request,
        "org/import_preview.html",
        {
            "record": record,
            "plan": plan,
            "sheets": sheets,
            "rows": rows,
            "errors": [str(e) for e in plan.errors[:200]],
            "more_errors": max(0, len(plan.errors) - 200),
        },
    )


@login_required
@require_POST
@permission_required("org.change_branch", raise_exception=True)
def import_confirm(request, pk: int):
    record = _my_import(request, pk)
    try:
        plan = imports.import_apply(actor=request.user, record=record)
    except ValidationError as exc:
        for message in exc.messages[:10]:
            messages.error(request, message)
        return redirect("org:import_preview", pk=record.pk)
    total = sum(c["create"] + c["change"] for c in plan.counts().values())
    messages.success(request, _("The import is done: %(count)d rows created or changed.") % {"count": total})
    return redirect("org:unit_list")


# ---------------------------------------------------------------------------------------------------------
# A unit's map (GeoJSON boundaries) and the display passes of its command screen
# ---------------------------------------------------------------------------------------------------------


@login_required
@permission_required("org.view_boundary", raise_exception=True)
def unit_map(request, pk: int):
    """The shapes of the unit's map; those who keep it upload a new GeoJSON file here (it replaces the map)."""
    unit = selectors.unit_get(user=request.user, pk=pk)
    can_upload = request.user.has_perm("org.change_boundary")
    form = BoundaryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        if form.is_valid():
            try:
                created = services.boundaries_upload(
                    actor=request.user, unit=unit, upload=form.cleaned_data["file"], crs=form.cleaned_data["crs"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The map is saved: %(n)s shapes.") % {"n": len(created)})
                return redirect("org:unit_map", pk=unit.pk)
    boundaries = list(selectors.boundary_list(user=request.user, unit=unit))
    context = {
        "unit": unit,
        "boundaries": boundaries,
        "form": form if can_upload else None,
        "max_mb": settings.WUXING_BOUNDARY_MAX_MB,
    }
    return render(request, "org/unit_map.html", context)


@login_required
@permission_required("org.view_boundary", raise_exception=True)
def unit_map_geojson(request, pk: int):
    """The unit's map as GeoJSON (what the command screen draws)."""
    unit = selectors.unit_get(user=request.user, pk=pk)
    response = JsonResponse(selectors.map_collection(unit))
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@permission_required("org.view_grid", raise_exception=True)
def unit_grids(request, pk: int):
    """The office's grids (网格) of its branches: listed; added by those who keep the map. A grid's shape is
    uploaded with the map, naming the grid by its code."""
    office = selectors.unit_get(user=request.user, pk=pk)
    if office.level != UnitLevel.OFFICE:
        raise Http404
    can_add = request.user.has_perm("org.add_grid") and selectors.unit_covered(request.user, office)
    form = GridForm(request.POST or None, office=office)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                grid = services.grid_create(
                    actor=request.user,
                    branch=data["branch"],
                    code=data["code"],
                    name=data["name"],
                    order=data.get("order") or 0,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The grid %(name)s is added.") % {"name": grid.name})
                return redirect("org:unit_grids", pk=office.pk)
    grids = list(selectors.grid_list(user=request.user, office=office))
    return render(request, "org/unit_grids.html", {"unit": office, "grids": grids, "form": form if can_add else None})


@login_required
@permission_required("org.view_kiosktoken", raise_exception=True)
def unit_displays(request, pk: int):
    """Display passes of the unit's command screen: issued (the address shown once), listed, revoked."""
    unit = selectors.unit_get(user=request.user, pk=pk)
    form = KioskTokenForm(request.POST or None)
    issued_url = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, text = services.kiosk_token_issue(actor=request.user, unit=unit, label=form.cleaned_data["label"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            issued_url = request.build_absolute_uri(reverse("portal:screen_kiosk", kwargs={"token": text}))
            form = KioskTokenForm()
    tokens = selectors.kiosk_token_list(user=request.user, unit=unit)
    response = render(
        request, "org/unit_displays.html", {"unit": unit, "form": form, "tokens": tokens, "issued_url": issued_url}
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("org.change_kiosktoken", raise_exception=True)
@require_POST
def display_revoke(request, pk: int):
    token = selectors.kiosk_token_get(user=request.user, pk=pk)
    services.kiosk_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The display pass is revoked; the screen signs off at its next refresh."))
    return redirect("org:unit_displays", pk=token.unit_id)
