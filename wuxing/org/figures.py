"""The version of an office's figures: what the cached figures and pages of the office are keyed by.

Four caches use it: the summaries across offices (`portal.summary_cache`, one entry per office), the office's
own figures (`checklists.figures`: the progress sums, the items behind or overdue, the trend), parts of its pages
(`cached_page`, `cached_fragment`, `cached_value`: the public board, the progress table's card, the overview's table
and panels, the branch page's panels) and the API's plain list pages (`scoped_key`: under the versions of every
office in the caller's scope, with an evidence file shown or taken off too). Every service that changes what they show calls `office_figures_changed`
inside its transaction: a check-in, an item added, edited, retired or brought back, items generated or imported,
the tolerance, a target's draft, application, agreement, confirmation or return, a 五个一 record, quotas, a rating
result, a branch added, edited, moved or retired, an office, a department or a person renamed or retired, a branch
assigned or an assignment ended, a campaign's name or status. Every audited change of an object of `HOOKED_APPS`
(the apps whose panels the pages show) moves its office on through `audit_hook`, without each service calling it.
The counter is a database row, so it commits with the change or not at all: a reader that sees the new rows sees
the new version (on another app server, or on the read replica, too), and a figure cached under the old version is
never read again.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from wuxing.core.extensions import app_panels
from wuxing.core.fragments import VALUES
from wuxing.core.querysets import Prepared, PreparedFor, Write

from .models import FiguresVersion

# The apps whose audited changes move the office's figures version on by themselves (`audit_hook`): what they show
# on the office's cached pages (the overview's and the branch page's panels) changes in services that need not call
# `office_figures_changed` one by one. The check-ins, items, targets' figures and the organisation's rows are moved
# on by their services' own calls (a check-in's in the statement that records it).
HOOKED_APPS = frozenset({"targets", "deliberations", "plans", "liaison", "showcase", "supervision", "rating"})
# Never followed to find an object's office: the office of who recorded it is not the office it belongs to.
_NOT_FOLLOWED = frozenset({"org.user", "org.person"})
_MAX_DEPTH = 4


# An object belongs to the office of its branch or of its campaign; a chain through anything else (a project's kind
# kept by the district, a rectification's responsible department) is followed only when those lead nowhere.
_OWNERS = frozenset({"org.branch", "campaigns.campaign"})


@functools.cache
def office_paths(model) -> tuple[tuple[str, ...], ...]:
    """The chains of foreign keys from `model` to an organisation unit (each chain's last field points at OrgUnit),
    within four steps: first those through a branch or a campaign, shortest first, then the others. A finding:
    ("campaign", "office"), ("branch", "office"), then ("responsible_department", "office"). Accounts and people
    are not followed."""
    from .models import OrgUnit

    found: list[tuple[int, int, tuple[str, ...]]] = []
    frontier: list[tuple[type, tuple[str, ...]]] = [(model, ())]
    for depth in range(_MAX_DEPTH):
        following = []
        for current, path in frontier:
            for field in current._meta.concrete_fields:
                target = getattr(field.remote_field, "model", None) if field.is_relation else None
                if target is None or not (field.many_to_one or field.one_to_one):
                    continue
                if target is OrgUnit:
                    owned = current._meta.label_lower in _OWNERS
                    found.append((0 if owned else 1, depth, (*path, field.name)))
                elif target._meta.label_lower not in _NOT_FOLLOWED and target is not current:
                    following.append((target, (*path, field.name)))
        frontier = following
    return tuple(path for _owned, _depth, path in sorted(found, key=lambda f: (f[0], f[1])))


def office_of(obj) -> int | None:
    """The id of the organisation unit `obj` belongs to, through the first of `office_paths` that leads there (a
    related row may be read for each step)."""
    for path in office_paths(type(obj)):
        current = obj
        for name in path[:-1]:
            current = getattr(current, name, None)
            if current is None:
                break
        else:
            unit_id = getattr(current, f"{path[-1]}_id", None)
            if unit_id:
                return unit_id
    return None


def audit_hook(obj) -> None:
    """AUDIT_HOOKS entry: an audited change of an object of HOOKED_APPS moves its office's figures version on."""
    if obj._meta.app_label in HOOKED_APPS:
        office_id = office_of(obj)
        if office_id:
            office_figures_changed(office_id)


def office_figures_changed(*office_ids) -> None:
    """Move the offices' figures version on by one (an upsert; the row is created at 1)."""
    write = figures_changed_write(*office_ids)
    if write is not None:
        write.run()


def figures_changed_write(*office_ids, checkin: bool = False) -> Write | None:
    """`office_figures_changed` as a statement still to run (None when there is no office), for a service that
    runs it together with its own write (`core.querysets.insert_with`). With `checkin`, for a check-in (a new
    figure or a correction, with its evidence): the version moves on, `records_version` does not."""
    ids = sorted({int(pk) for pk in office_ids if pk})
    if not ids:
        return None
    using = router.db_for_write(FiguresVersion) or DEFAULT_DB_ALIAS
    table = connections[using].ops.quote_name(FiguresVersion._meta.db_table)
    rows = ", ".join([f"(%s, 1, {0 if checkin else 1})"] * len(ids))
    records = "" if checkin else f", records_version = {table}.records_version + 1"
    return Write(
        f"INSERT INTO {table} (office_id, version, records_version) VALUES {rows} "
        f"ON CONFLICT (office_id) DO UPDATE SET version = {table}.version + 1{records}",
        tuple(ids),
        using,
    )


def figures_version(office_id) -> int:
    """The office's figures version now (0 before its first change): read it before the figures it keys, so that
    figures computed from rows newer than the version are at worst stored under a key nobody reads again."""
    return figures_versions(office_id)[0]


def figures_versions(office_id) -> tuple[int, int]:
    """The office's figures version and its records version (moved on by every change but a check-in) now, in
    one read; (0, 0) before its first change."""
    if office_id is None:
        return 0, 0
    found = _VERSIONS(office=int(office_id))
    return found[0] if found else (0, 0)


# Read on every page kept in the cache: compiled once (core.querysets.Prepared). [:1], not first(): one row by its
# unique key needs no ORDER BY.
_VERSIONS = Prepared(
    lambda office: FiguresVersion.objects.filter(office_id=office).values_list("version", "records_version")[:1]
)


def page_versions(campaign, versions: tuple[int, int]) -> None:
    """Mark `campaign` (the request's, from `campaign_for`) with its office's (figures version, records version)
    that the page read before rendering anything: the figures and inputs its panels keep (`read_versions`) are
    read under these, with no query of their own. Only for a page that writes nothing (a GET): a version read
    before a change of the same request would be behind it."""
    campaign.office_versions = versions


def read_versions(campaign) -> tuple[int, int] | None:
    """The versions `page_versions` marked `campaign` with, or None: the caller reads them itself."""
    return getattr(campaign, "office_versions", None)


def kept_across_checkins(campaign, parts: Iterable, compute: Callable[[], object]):
    """What `compute()` gives, for something a check-in leaves (the tolerance, a target, the branches): kept under
    the records version the page marked `campaign` with (`page_versions`), or computed when no page did."""
    versions = read_versions(campaign)
    if versions is None:
        return compute()
    return cached_value(office_id=campaign.office_id, parts=parts, version=versions[1], compute=compute)


def database_tag() -> str:
    """A short tag of the database, part of every cached figure's key: two databases behind one Redis (a scratch
    copy, a restored backup) must not share entries."""
    db = settings.DATABASES["default"]
    return hashlib.sha1(f"{db.get('HOST', '')}:{db.get('PORT', '')}:{db['NAME']}".encode()).hexdigest()[:8]


def may_cache_figures() -> bool:
    """Whether figures just computed may be stored: not inside a transaction of the application's own, which may
    have moved a version on and written rows it could still roll back (the version would go back and its next move
    would find figures of rows that never were). A test's own transaction does not count."""
    return not any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


# --- whole pages kept under the office's figures version -----------------------------------------------------

# How long a page is kept: the key moves with every change of what it shows, so this bounds only the memory of
# pages nobody asks for again.
PAGE_TTL = 600

# What a release's pages are rendered by: a cached page is never served by other code, templates or translations.
_RELEASE_SUFFIXES = {".py", ".html", ".mo"}


@functools.cache
def release_tag() -> str:
    """A short hash of the application's code, templates and translations (the same on every app server running
    the same release; another after a deploy): part of every cached page's key."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha1()
    files = (p for p in root.rglob("*") if p.suffix in _RELEASE_SUFFIXES and "tests" not in p.parts and p.is_file())
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    # The collected static files' names (hashed by their content in production): a page links to this release's.
    manifest = Path(settings.STATIC_ROOT or "", "staticfiles.json")
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:10]


def page_key(office_id: int, version: int, parts: Iterable) -> str:
    """The cache key of a page of the office at its figures version, in the current language and on today's date
    (progress expected by today moves with the date), for the page's own `parts` (its name and the parameters it
    was asked with)."""
    return _hashed_key("wx:page:", int(office_id), int(version), parts=parts)


def _hashed_key(prefix: str, *whose, parts: Iterable) -> str:
    """`prefix` and a hash of the database, the release, `whose` (the office and its version; the viewer and the
    versions of their scope), the current language, today's date and `parts`."""
    raw = repr((database_tag(), release_tag(), *whose, get_language(), timezone.localdate().isoformat(), tuple(parts)))
    return prefix + hashlib.sha1(raw.encode()).hexdigest()


def _cached(office_id: int, parts: Iterable, version: int | None = None):
    """The key of `parts` at the office's figures version now (`version`, when the caller has just read it for
    several parts of one page), or None inside a transaction of the application's own (nothing computed there is
    kept: `may_cache_figures`). The version is read before anything is rendered: a page rendered from rows newer
    than it is at worst kept under a key nobody reads again."""
    if not may_cache_figures():
        return None
    return page_key(office_id, figures_version(office_id) if version is None else version, parts)


def cached_page(*, office_id: int, parts: Iterable, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page `render()` gives, kept in the cache under the office's figures version.

    Only for a page that shows the office's figures and nothing that a service changes without moving the version
    (the list in this module's docstring), the same to everyone who may see it (no user, no form token, no nonce),
    and whose `parts` hold every parameter it was asked with, from a bounded set (never free text: each distinct
    value would be an entry of its own)."""
    key = _cached(office_id, parts)
    if key is None:
        return render()
    hit = VALUES.get(key)
    if hit is not None:
        content, content_type = hit
        return HttpResponse(content, content_type=content_type)
    response = render()
    if response.status_code == 200 and not response.streaming and not response.cookies:
        VALUES.set(key, (response.content, response["Content-Type"]), PAGE_TTL)
    return response


_MISSING = object()


def cached_value(*, office_id: int, parts: Iterable, compute: Callable[[], object], version: int | None = None):
    """What `compute()` gives (plain values that pickle), kept in the cache under the office's figures version: as
    `cached_fragment`, for values a page renders itself."""
    key = _cached(office_id, parts, version)
    if key is None:
        return compute()
    hit = VALUES.get(key, _MISSING)
    if hit is _MISSING:
        hit = compute()
        VALUES.set(key, hit, PAGE_TTL)
    return hit


def cached_fragment(
    *, office_id: int, parts: Iterable, render: Callable[[], str], version: int | None = None
) -> SafeString:
    """The part of a page `render()` gives (HTML), kept in the cache under the office's figures version: as
    `cached_page`, for the part of a signed-in page that shows the office's figures alone; `parts` then also hold
    who sees it (`org.scopes.viewer_key`). The rest of the page (the menu, the user's name, form tokens, messages)
    is rendered for each request."""
    return mark_safe(cached_value(office_id=office_id, parts=parts, compute=lambda: str(render()), version=version))


class OfficePanels:
    """Each app's panels for `hook` (`core.extensions.app_panels`: "branch_panels", "overview_panels") on a page of
    the office whose part holding them is kept in the cache under the office's records version, which a check-in
    leaves: `slotted()` gives the panels for that part — those of an app that declares the hook's panels free of
    check-ins (`AppConfig.checkin_free_panels`) kept under the records version too, and a slot for each other
    app's — and `fill(html)` writes into the slots those apps' panels, kept under the figures version, which a
    check-in moves on. So the page read after a check-in computes the check-in panels alone. `versions` is the
    office's (figures version, records version), read by the caller before anything is rendered; `parts` say who
    sees the panels, as for `cached_fragment`; `arguments()` gives the hook's keyword arguments, called once, when
    a panel is first computed (a page read from the cache reads nothing for them)."""

    def __init__(
        self,
        hook: str,
        request,
        *,
        office_id: int,
        parts: Iterable,
        versions: tuple[int, int],
        arguments: Callable[[], dict],
    ):
        self.hook, self.request, self.office_id, self.arguments = hook, request, office_id, functools.cache(arguments)
        self.parts, (self.version, self.records) = tuple(parts), versions

    def _compute(self, config) -> Callable[[], list[str]]:
        method = getattr(config, self.hook)
        return lambda: [str(html) for html in method(self.request, **self.arguments())]

    def _kept(self, config, version: int, compute: Callable[[], list[str]]) -> list[str]:
        return cached_value(
            office_id=self.office_id,
            parts=("panels", self.hook, config.label, *self.parts),
            compute=compute,
            version=version,
        )

    @staticmethod
    def _slot(config) -> str:
        # An HTML comment: text a user typed is escaped, so no panel or field can hold one.
        return f"<!--wx-panels:{config.label}-->"

    def slotted(self) -> list[SafeString]:
        def keep(config, compute):
            if self.hook in getattr(config, "checkin_free_panels", ()):
                return self._kept(config, self.records, compute)
            return [self._slot(config)]

        return app_panels(self.hook, self.request, keep=keep, lazy=self.arguments)

    def fill(self, html: str) -> SafeString:
        for config in apps.get_app_configs():
            slot = self._slot(config)
            if hasattr(config, self.hook) and slot in html:
                html = html.replace(slot, "".join(self._kept(config, self.version, self._compute(config))))
        return mark_safe(html)


# --- lists across offices kept under the versions of every office in the viewer's scope ------------------------


def scope_versions(user) -> str:
    """A short hash of the figures versions of every office in `user`'s scope (its subtrees, the offices of its own
    or assigned branches; every office for a scope over everything), in one query: it changes when any of them
    moves on, and when an office gets its first version. Versions only grow, and an office's row goes only with
    the office, whose absence changes the rows hashed too."""
    pairs = _SCOPE_VERSIONS(user)
    return hashlib.sha1(repr(pairs).encode()).hexdigest()[:16]


def _scope_version_rows(user):
    from .scopes import scope_for

    scope = scope_for(user)
    rows = FiguresVersion.objects.all()
    if not scope.everything:
        condition = Q(office_id__in=sorted(scope.office_ids))
        for path in scope.unit_paths:
            condition |= Q(office__path__startswith=path)
        rows = rows.filter(condition)
    return rows.order_by("office_id").values_list("office_id", "version")


def _read_key(user):
    from .scopes import read_key

    return read_key(user)


# Read by every kept API list page: built and compiled once per viewer's scope (core.querysets.PreparedFor).
_SCOPE_VERSIONS = PreparedFor(_scope_version_rows, key=_read_key)


def scoped_key(user, parts: Iterable) -> str | None:
    """The cache key of `parts` (a list's name and its bounded parameters) for what `user` may see (their
    `viewer_key`) at the versions of the offices in their scope, in the current language and on today's date; None
    inside a transaction of the application's own (`may_cache_figures`). For a list whose rows show only what
    moves an office's figures version (this module's docstring) and nothing about the user but their scope."""
    from .scopes import viewer_key

    if not may_cache_figures():
        return None
    return _hashed_key("wx:scoped:", viewer_key(user), scope_versions(user), parts=parts)
