"""The sections this app adds to other apps' pages (see wuxing.core.extensions): a target's deliberations."""

from django.template.loader import render_to_string

from .selectors import target_deliberations


def target_panel(request, target) -> list[str]:
    if not request.user.has_perm("deliberations.view_deliberation"):
        return []
    context = {"target": target, "deliberations": target_deliberations(user=request.user, target=target)}
    return [render_to_string("deliberations/_target_panel.html", context, request=request)]
