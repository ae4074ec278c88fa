"""How the domain apps add to pages they do not own.

`public_links(office)` on an AppConfig returns (label, url) pairs of the app's public pages for an office; the
public board lists them (`app_links`).

A domain app's AppConfig may define `branch_panels(request, branch, campaign)` (sections of the branch page)
and `overview_panels(request, campaign, branches)` (sections of the office overview), each returning a list
of rendered HTML fragments. The pages show them in INSTALLED_APPS order.
"""

from django.apps import apps
from django.utils.safestring import mark_safe


def app_panels(hook: str, request, **kwargs) -> list[str]:
    panels = []
    for config in apps.get_app_configs():
        method = getattr(config, hook, None)
        if method is not None:
            panels.extend(mark_safe(html) for html in method(request, **kwargs))
    return panels


def app_links(hook: str, **kwargs) -> list[tuple[str, str]]:
    """(label, url) pairs that the apps contribute through `hook` on their AppConfig, in INSTALLED_APPS order."""
    links = []
    for config in apps.get_app_configs():
        method = getattr(config, hook, None)
        if method is not None:
            links.extend(method(**kwargs))
    return links


def app_problems(hook: str, **kwargs) -> list[str]:
    """Reasons the apps give through `hook` on their AppConfig why something may not happen yet (e.g.
    `campaign_close_problems(campaign)`: a lower app asks the apps above it without importing them)."""
    problems = []
    for config in apps.get_app_configs():
        method = getattr(config, hook, None)
        if method is not None:
            problems.extend(method(**kwargs))
    return problems
