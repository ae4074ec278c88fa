"""Navigation by role: the sidebar collects each app's `nav_items(user)` (`core.nav.NavItem`: key, label, url, group,
icon), in layer order, after the home page and the to-dos, and shows them in the sections of `core.nav.NAV_GROUPS`;
the tools beside the user's name (`nav_tools(user)`, the notification bell); the breadcrumb (the section and the
entry the page lies under); and the campaign the page is about, when the view has picked one. None of it costs a
query: permissions and scope are memoised on the user, the campaign on the request (`campaign_for`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wuxing.core.nav import NAV_GROUPS, NavItem, nav_item

from .registry import project_apps


def _items(user) -> list[NavItem]:
    items = []
    if user.has_perm("org.view_branch"):
        items.append(NavItem("home", _("Overview"), reverse("home"), "desk", "house"))
        items.append(NavItem("todos", _("To-do"), reverse("portal:todos"), "desk", "list-check"))
    for config in project_apps():
        if hasattr(config, "nav_items"):
            items.extend(nav_item(entry) for entry in config.nav_items(user))
    return items


def _tools(user):
    """Each app's `nav_tools(user)`: (key, label, url, badge url) shown beside the user's name; the badge (a count)
    is loaded by htmx after the page, so the navbar costs no query."""
    tools = []
    for config in project_apps():
        if hasattr(config, "nav_tools"):
            tools.extend(config.nav_tools(user))
    return tools


def _section(url: str) -> str:
    return url.strip("/").split("/", 1)[0]


def _active(path: str, items: list[NavItem]) -> NavItem | None:
    """The entry the page lies under: the longest URL the path starts with (the home URL matches only itself),
    else the entry of the same app (the progress table lies under the dashboard's entry)."""
    best = None
    for item in items:
        hit = path == item.url if item.url == "/" else path.startswith(item.url)
        if hit and (best is None or len(item.url) > len(best.url)):
            best = item
    if best is None and _section(path):
        best = next((item for item in items if _section(item.url) == _section(path)), None)
    return best


def _groups(items: list[NavItem]) -> list[dict]:
    groups = []
    for key, label in NAV_GROUPS:
        members = [item for item in items if item.group == key]
        if members:
            groups.append({"key": key, "label": label, "items": members})
    return groups


def _page_campaign(request):
    """The campaign this page's view picked with `campaign_for` (already loaded, office included), else None."""
    memo = getattr(request, "_wuxing_memo", None) or {}
    for key, value in memo.items():
        if isinstance(key, tuple) and key and key[0] == "campaign_for" and value is not None:
            return value
    return None


def navigation(request):
    user = getattr(request, "user", None)
    # Until an initial password is changed, nothing but the change is reachable: no menu, no badges.
    if user is None or not user.is_authenticated or getattr(user, "must_change_password", False):
        return {"nav_groups": [], "nav_tools": [], "nav_active": None, "nav_active_group": None}
    items = _items(user)
    active = _active(request.path, items)
    groups = _groups(items)
    active_group = next((g for g in groups if active is not None and g["key"] == active.group), None)
    return {
        "nav_groups": groups,
        "nav_tools": _tools(user),
        "nav_active": active,
        "nav_active_group": active_group,
        "page_campaign": _page_campaign(request),
    }
