"""Navigation by role: the menu collects each app's `nav_items(user)`, in layer order, after the home page, and
the tools beside the user's name (`nav_tools(user)`, the notification bell)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .registry import project_apps

# Set-up pages used now and then: shown under one "Management" menu so the daily pages fit on one line.
MANAGEMENT_KEYS = ("screen", "summary", "campaigns", "standards", "units", "departments", "people", "role_grants")


def _items(user):
    items = []
    if user.has_perm("org.view_branch"):
        items.append(("home", _("Overview"), reverse("home")))
        items.append(("todos", _("To-do"), reverse("portal:todos")))
    for config in project_apps():
        if hasattr(config, "nav_items"):
            items.extend(config.nav_items(user))
    return items


def _tools(user):
    """Each app's `nav_tools(user)`: (key, label, url, badge url) shown beside the user's name; the badge (a count)
    is loaded by htmx after the page, so the navbar costs no query."""
    tools = []
    for config in project_apps():
        if hasattr(config, "nav_tools"):
            tools.extend(config.nav_tools(user))
    return tools


def navigation(request):
    user = getattr(request, "user", None)
    # Until an initial password is changed, nothing but the change is reachable: no menu, no badges.
    if user is None or not user.is_authenticated or getattr(user, "must_change_password", False):
        return {"nav_items": [], "nav_more": [], "nav_tools": []}
    items = _items(user)
    more = sorted((item for item in items if item[0] in MANAGEMENT_KEYS), key=lambda i: MANAGEMENT_KEYS.index(i[0]))
    main = [item for item in items if item[0] not in MANAGEMENT_KEYS]
    if len(more) == 1:
        main, more = items, []
    return {"nav_items": main, "nav_more": more, "nav_tools": _tools(user)}
