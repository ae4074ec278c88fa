"""Organisation pages: branches, departments, accounts and roles."""

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wuxing.core.exports import export_response
from wuxing.core.roles import Role
from wuxing.core.tokens import token_list, token_revoke

from . import selectors, services
from .choices import GrantStatus
from .exports import accounts_export, branches_export, departments_export, people_export
from .filtersets import BranchFilterSet
from .forms import AccountCreateForm, AssignmentForm, BranchForm, PasswordChangeForm, RoleAssignForm
from .models import Assignment, Branch, Person, RoleAssignment, RoleGrant, User
from .rules import grant_approver_role

BRANCHES_PER_PAGE = 50


@login_required
@permission_required("org.view_branch", raise_exception=True)
def branch_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, branches_export)
    filterset = BranchFilterSet(request.GET, selectors.branch_list(user=request.user), user=request.user)
    page = Paginator(filterset.qs, BRANCHES_PER_PAGE).get_page(request.GET.get("page"))
    # A history restore after a cache miss needs the whole page, not the fragment.
    fragment = request.htmx and not request.htmx.history_restore_request
    response = render(
        request,
        "org/_branch_table.html" if fragment else "org/branch_list.html",
        {"form": filterset.display_form(), "filterset": filterset, "rows": selectors.branch_rows(page), "page": page},
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
    return render(request, "org/department_list.html", {"rows": selectors.department_rows(user=request.user)})


@login_required
@permission_required("org.view_person", raise_exception=True)
def person_list(request):
    if request.GET.get("export") == "xlsx":
        return export_response(request, people_export)
    people = (
        selectors.person_list(user=request.user)
        .select_related("office")
        .order_by("office__path", "-is_leader", "department__code", "name")
    )
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    return render(request, "org/person_list.html", {"page": page})


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
    return render(
        request, "org/user_list.html", {"users": selectors.user_list(user=request.user), "form": RoleAssignForm()}
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
    """The signed-in user's own account: change the password, see and revoke API tokens, sign out everywhere."""
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
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed; your API tokens are revoked."))
            return redirect("org:my_account")
    context = {"form": form, "tokens": token_list(user=request.user)}
    return render(request, "org/account_detail.html", context)


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
