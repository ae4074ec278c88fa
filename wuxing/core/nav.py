"""A menu entry, as an app's `AppConfig.nav_items(user)` returns it.

`group` places it in a section of the sidebar (`NAV_GROUPS`, in this order); `icon` names a Bootstrap Icon, which
must be listed in scripts/icons.txt (the sprite holds only those). Plain `(key, label, url)` tuples are still read,
in the "work" group with a neutral icon.
"""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

# The sidebar's sections, in order: (key, label).
NAV_GROUPS = (
    ("desk", _("Workbench")),
    ("work", _("Campaign work")),
    ("assess", _("Supervision and rating")),
    ("org", _("Organisation")),
    ("admin", _("Management")),
)
NAV_GROUP_KEYS = tuple(key for key, _label in NAV_GROUPS)


class NavItem(NamedTuple):
    key: str
    label: str
    url: str
    group: str = "work"
    icon: str = "chevron-right"


def nav_item(entry) -> NavItem:
    """An app's entry as a NavItem (a 3-tuple gets the defaults); an unknown group is a programming error."""
    item = entry if isinstance(entry, NavItem) else NavItem(*entry)
    if item.group not in NAV_GROUP_KEYS:
        raise ValueError(f"unknown menu group {item.group!r} for {item.key!r}")
    return item
