"""Navigation by role: the sidebar collects each app's `nav_items(user)` (`core.nav.NavItem`: key, label, url, group,
icon), in layer order, after the home page and the to-dos, and shows them in the sections of `core.nav.NAV_GROUPS`;
the tools beside the user's name (`nav_tools(user)`, the notification bell); the breadcrumb (the section and the
entry the page lies under); and the campaign the page is about, when the view has picked one. None of it costs a
query: permissions and scope are memoised on the user, the campaign on the request (`campaign_for`).

The entries are a function of the user's roles, scope and language alone, so they are kept in this process and in
the cache under a key made of exactly those (`nav_key`): a change of role or scope is a new key, never a stale menu.
base.html keeps the rendered top bar and menu in this process under the same key, the active entry and the name
shown (`{% kept %}`)."""

import hashlib

from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wuxing.core.fragments import KeptParts
from wuxing.core.nav import NAV_GROUPS, NavItem, nav_item
from wuxing.org.scopes import scope_for

from .registry import project_apps

# How long a menu is kept; the key changes with the roles and scope, so this bounds only a change of the code's
# menu entries (a deploy) — and the memory of users who left.
NAV_TTL = 600
# The menus read last in this process (a few KB each).
MENUS = KeptParts(limit=1000)


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


def nav_key(user) -> str:
    """What the menu depends on: the account, its roles (with the level of their units), its scope, the language."""
    scope = scope_for(user)
    roles = sorted(
        (ra.role, ra.unit_id or 0, ra.unit.level if ra.unit_id else "", ra.branch_id or 0)
        for ra in user.cached_role_assignments()
    )
    raw = repr(
        (
            user.pk,
            user.is_superuser,
            get_language(),
            roles,
            scope.everything,
            scope.unit_paths,
            sorted(scope.branch_ids),
        )
    )
    return f"wx:nav:{hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()}"


def _menu(user) -> tuple[str, list[NavItem], list]:
    """(key, entries, tools) of the user's menu: kept in this process, else from the cache when the same roles and
    scope built it before (on any app server), else built. The key holds every input, so neither copy is ever
    stale."""
    key = nav_key(user)

    def shared():
        cached = cache.get(key)
        if cached is None:
            # Labels as text: the language is part of the key, and lazy strings do not travel to Redis.
            items = [item._replace(label=str(item.label)) for item in _items(user)]
            tools = [(k, str(label), url, badge) for k, label, url, badge in _tools(user)]
            cached = (items, tools)
            cache.set(key, cached, NAV_TTL)
        return cached

    return key, *MENUS.get(key, shared)


def navigation(request):
    user = getattr(request, "user", None)
    # Until an initial password is changed, nothing but the change is reachable: no menu, no badges.
    if user is None or not user.is_authenticated or getattr(user, "must_change_password", False):
        return {"nav_groups": [], "nav_tools": [], "nav_active": None, "nav_active_group": None}
    key, items, tools = _menu(user)
    active = _active(request.path, items)
    groups = _groups(items)
    active_group = next((g for g in groups if active is not None and g["key"] == active.group), None)
    return {
        "nav_key": key,
        "nav_groups": groups,
        "nav_tools": tools,
        "nav_active": active,
        "nav_active_group": active_group,
        "nav_on_entry": active is not None and request.path == active.url,
        "page_campaign": _page_campaign(request),
    }
