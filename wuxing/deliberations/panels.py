"""The sections this app adds to other apps' pages (see wuxing.core.extensions): on the branch page, the
deliberations in progress; on a target's page, its deliberations."""

from django.template.loader import render_to_string
from django.urls import reverse

from .selectors import branch_open_deliberations, target_deliberations


def target_panel(request, target) -> list[str]:
    if not request.user.has_perm("deliberations.view_deliberation"):
        return []
    context = {"target": target, "deliberations": target_deliberations(user=request.user, target=target)}
    return [render_to_string("deliberations/_target_panel.html", context, request=request)]


def branch_panel(request, branch, campaign) -> list[str]:
    if not request.user.has_perm("deliberations.view_deliberation"):
        return []
    rows = branch_open_deliberations(user=request.user, branch=branch)
    if not rows:
        return []
    list_url = f"{reverse('deliberations:deliberation_list')}?branch={branch.pk}"
    context = {"branch": branch, "rows": rows, "list_url": list_url}
    return [render_to_string("deliberations/_branch_panel.html", context)]
