"""Pages made of several apps: sign-in, the home page by role, the office overview and the branch page."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from wuxing.campaigns.selectors import campaign_for, campaigns_open
from wuxing.core.extensions import app_panels
from wuxing.core.forms import LoginForm
from wuxing.core.todos import todo_total, todos_for
from wuxing.org import selectors as org_selectors
from wuxing.org.choices import BranchKind
from wuxing.org.demo import DEMO_ACCOUNTS
from wuxing.org.forms import AssignmentForm
from wuxing.org.scopes import scope_for

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


@login_required
@permission_required("org.view_branch", raise_exception=True)
def office_overview(request):
    """The office at a glance: branches with their kind, secretary and who is assigned to them, then each app's
    panel for the current campaign."""
    branches = org_selectors.branch_list(user=request.user)
    counts = dict(branches.order_by().values_list("kind").annotate(n=Count("id", distinct=True)))
    total = sum(counts.values())
    offices = list(
        org_selectors.office_list(user=request.user).annotate(branch_count=Count("branches")).order_by("path")
    )
    campaign = campaign_for(user=request.user, request=request, params={})
    context = {
        "offices": offices if len(offices) > 1 else [],
        "rows": org_selectors.branch_rows(branches[:OVERVIEW_ROWS]),
        "campaign": campaign,
        "kind_counts": [(label, counts.get(value, 0)) for value, label in BranchKind.choices],
        "total": total,
        "more": max(0, total - OVERVIEW_ROWS),
    }
    context["panels"] = app_panels("overview_panels", request, campaign=campaign, branches=branches)
    return render(request, "portal/office_overview.html", context)


@login_required
@permission_required("org.view_branch", raise_exception=True)
def branch_detail(request, pk: int):
    """The branch page: its facts and who answers for it, then each app's panel for the office's campaign."""
    branch = org_selectors.branch_get(user=request.user, pk=pk)
    departments, leaders = org_selectors.branch_responsible(branch)
    campaign = campaign_for(user=request.user, request=request, params={}, office=branch.office)
    stars = campaign.standard.stars.filter(star_set=branch.star_set).order_by("position") if campaign else []
    context = {"branch": branch, "departments": departments, "leaders": leaders, "campaign": campaign, "stars": stars}
    context["panels"] = app_panels("branch_panels", request, branch=branch, campaign=campaign)
    context["work_first"] = branch.pk in scope_for(request.user).branch_ids
    if request.user.has_perm("org.change_assignment"):
        context["assignment_form"] = AssignmentForm(branch=branch)
    return render(request, "portal/branch_detail.html", context)


@login_required
def todos(request):
    """待办: what the user must do now, from every app, most urgent first. On the home pages it loads by htmx as
    a card (the fragment); without JavaScript the card's link opens this page."""
    items = todos_for(request.user, campaigns_open(user=request.user))
    campaign = campaign_for(user=request.user, request=request, params={})
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "portal/_todos.html" if fragment else "portal/todos.html"
    return render(request, template, {"todos": items, "campaign": campaign, "total": todo_total(items)})


@login_required
def todo_badge(request):
    """The menu's count of things to do, loaded after the page so that no page waits for it."""
    total = todo_total(todos_for(request.user, campaigns_open(user=request.user)))
    response = render(request, "portal/_todo_badge.html", {"total": total})
    response["Cache-Control"] = "private, no-store"
    return response
