"""Parts of pages rendered once and served to many requests: the form token's slot, the page address's slot, and
the parts of the page's frame kept in this process (`KeptParts`, the `{% kept %}` tag of base.html).

A part that holds a form is rendered with `CSRF_SLOT` as its `csrf_token`; `fill_csrf` writes the request's own
token in its place each time the part is served, so a kept part never carries another request's token. A part
that sends the user back where they were (the language switch's `next`) is rendered with `PATH_SLOT` as its
`request_path`; `fill_slots` writes the request's own address there, escaped as the template would have.
"""

import itertools
import pickle
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Rendered by {% csrf_token %} as the value of the hidden input; no token contains a hyphen, no page this text.
CSRF_SLOT = "wx-csrf-slot-6d1f"
# Rendered as the page's own address (`request_path`) in a kept part; no address contains this text.
PATH_SLOT = "wx-path-slot-3b7e"


def request_token(request) -> str:
    """The request's form token, masked once for the whole response, as Django's own `csrf_token` is for one
    template: every form of the page (its kept parts' slots, `{{ csrf_token }}`) carries the same one. Each
    response still gets its own mask."""
    secret = request.META.get("CSRF_COOKIE")
    kept = getattr(request, "_wx_csrf_token", None)
    if kept is None or kept[0] != secret:  # none yet, or the secret rotated since (a sign-in)
        token = get_token(request)
        request._wx_csrf_token = kept = (request.META.get("CSRF_COOKIE"), token)
    return kept[1]


def fill_csrf(html: str, request) -> SafeString:
    """`html` rendered with CSRF_SLOT, with the request's token in each of its forms."""
    if CSRF_SLOT not in html:
        return mark_safe(html)
    return mark_safe(html.replace(CSRF_SLOT, request_token(request)))


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


_ABSENT = object()


class KeptValues:
    """A layer in this process before the shared cache (Redis when several app servers share one), for entries whose
    key holds every input of the value — the figures and page parts kept under an office's version
    (`org.figures`), the API's list pages under the versions of the caller's scope, the summaries' office entries.
    The version is a database row read by the request itself, so a copy kept here under a key is the value any
    server would compute for that key: it can never be stale, and a change is a new key, not an invalidation.

    At most `limit_bytes` (about: the pickled size of a value, a string's own size) are kept, the least recently
    used dropped first. A value is kept as its pickle (a string as itself) and each read unpickles a copy, as a read
    from Redis does, so a caller that changes what it was given changes nothing kept. Safe across threads. After a
    database is restored from a backup (its versions go back), restart the app servers, as the shared cache is
    cleared (docs/deploy.md)."""

    def __init__(self, limit_bytes: int):
        self.limit_bytes = limit_bytes
        self.size = 0
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _pack(value) -> tuple[object, int]:
        if isinstance(value, str):
            return value, sys.getsizeof(value)
        raw = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        return raw, len(raw)

    @staticmethod
    def _unpack(kept):
        return kept if isinstance(kept, str) else pickle.loads(kept)

    def _local(self, key):
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return None
            self._values.move_to_end(key)
            return found

    def _keep(self, key, value) -> None:
        kept, size = self._pack(value)
        if size > self.limit_bytes // 8:  # one huge entry must not push out everything else
            return
        with self._lock:
            old = self._values.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._values[key] = (kept, size)
            self.size += size
            while self.size > self.limit_bytes:
                _key, (_kept, dropped) = self._values.popitem(last=False)
                self.size -= dropped

    def get(self, key: str, default=None):
        found = self._local(key)
        if found is not None:
            return self._unpack(found[0])
        value = cache.get(key, _ABSENT)
        if value is _ABSENT:
            return default
        self._keep(key, value)
        return value

    def get_many(self, keys: Iterable[str]) -> dict:
        found, wanted = {}, []
        for key in keys:
            local = self._local(key)
            if local is not None:
                found[key] = self._unpack(local[0])
            else:
                wanted.append(key)
        if wanted:
            shared = cache.get_many(wanted)
            for key, value in shared.items():
                self._keep(key, value)
            found.update(shared)
        return found

    def set(self, key: str, value, timeout: int) -> None:
        cache.set(key, value, timeout)
        self._keep(key, value)

    def set_many(self, values: dict, timeout: int) -> None:
        cache.set_many(values, timeout=timeout)
        for key, value in values.items():
            self._keep(key, value)

    def delete_many(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        cache.delete_many(keys)
        with self._lock:
            for key in keys:
                old = self._values.pop(key, None)
                if old is not None:
                    self.size -= old[1]

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.size = 0


# Figures and page parts kept under versions (see KeptValues); the limit is per process.
VALUES = KeptValues(limit_bytes=getattr(settings, "WUXING_KEPT_BYTES", 32 * 1024 * 1024))
