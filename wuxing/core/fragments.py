"""Parts of pages rendered once and served to many requests: the form token's slot, the page address's slot, and
the parts of the page's frame kept in this process (`KeptParts`, the `{% kept %}` tag of base.html).

A part that holds a form is rendered with `CSRF_SLOT` as its `csrf_token`; `fill_csrf` writes the request's own
token in its place each time the part is served, so a kept part never carries another request's token. A part
that sends the user back where they were (the language switch's `next`) is rendered with `PATH_SLOT` as its
`request_path`; `fill_slots` writes the request's own address there, escaped as the template would have.
"""

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Rendered by {% csrf_token %} as the value of the hidden input; no token contains a hyphen, no page this text.
CSRF_SLOT = "wx-csrf-slot-6d1f"
# Rendered as the page's own address (`request_path`) in a kept part; no address contains this text.
PATH_SLOT = "wx-path-slot-3b7e"


def fill_csrf(html: str, request) -> SafeString:
    """`html` rendered with CSRF_SLOT, with the request's token in each of its forms."""
    if CSRF_SLOT not in html:
        return mark_safe(html)
    return mark_safe(html.replace(CSRF_SLOT, get_token(request)))


def fill_slots(html: str, request) -> SafeString:
    """`html` rendered with CSRF_SLOT and PATH_SLOT, with the request's token and its address (escaped) in them."""
    if PATH_SLOT in html:
        html = html.replace(PATH_SLOT, escape(request.get_full_path()))
    return fill_csrf(html, request)


class KeptParts:
    """Values kept in this process, the least recently used dropped beyond `limit`: for what is a pure function of
    its key (the key holds every input), so that no other process or server can hold a different value under it and
    nothing needs to be invalidated — a change of an input is a new key. Safe across threads."""

    def __init__(self, limit: int):
        self.limit = limit
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], object]):
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.limit:
                self._values.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


# The parts of base.html's frame (the top bar and the menu; the footer), per menu and active entry: about 10 KB
# each, so at most about 10 MB per process.
FRAME_PARTS = KeptParts(limit=1000)
# Each tag's own number, part of its parts' keys: a template loaded again (a changed file, in development) has new
# nodes and never serves the parts of the old ones.
_serials = itertools.count()


def next_serial() -> int:
    return next(_serials)
