"""How the domain apps add to pages they do not own.

`public_links(office)` on an AppConfig returns (label, url) pairs of the app's public pages for an office; the
public board lists them (`app_links`).

A domain app's AppConfig may define `branch_panels(request, branch, campaign)` (sections of the branch page)
and `overview_panels(request, campaign, branches)` (sections of the office overview), each returning a list
of rendered HTML fragments. The pages show them in INSTALLED_APPS order. `branches` is the list of the campaign
office's branches the user may see (retired ones included), in branch order with their secretary loaded, read once
by the overview for all panels: a panel filters it, it does not read it again.
The panels render their templates without the request (no context processors run for each fragment): what a
fragment needs, a permission included, is in its own context. An app whose panels of a hook show nothing that a
check-in changes names the hook in `checkin_free_panels`: the pages keep those panels across check-ins
(`org.figures.OfficePanels`).
"""

from django.apps import apps
from django.utils.safestring import mark_safe


def app_panels(hook: str, request, keep=None, lazy=None, **kwargs) -> list[str]:
    """Each app's panels for `hook`, in INSTALLED_APPS order. `keep(config, compute)`, when given, returns an app's
    panels (as text) from `compute()` or from where it kept them (org.figures.OfficePanels); `lazy()`, when given,
    returns the hook's keyword arguments, asked for only when a panel is computed."""
    panels = []
    for config in apps.get_app_configs():
        method = getattr(config, hook, None)
        if method is None:
            continue

        def compute(method=method):
            return [str(html) for html in method(request, **(lazy() if lazy is not None else kwargs))]

        panels.extend(mark_safe(html) for html in (compute() if keep is None else keep(config, compute)))
    return panels


def send_notice(*, person, kind: str, title: str, url: str = "", key: str | None = None) -> int:
    """Hand a notice for `person` to every app that delivers notices (`AppConfig.deliver_notice`, e.g. the work
    rhythm's notification centre); how many took it. Without such an app, nothing is sent and the caller's own
    record (its audit row, its page) is what remains."""
    taken = 0
    for config in apps.get_app_configs():
        method = getattr(config, "deliver_notice", None)
        if method is not None and method(person=person, kind=kind, title=title, url=url, key=key):
            taken += 1
    return taken


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
