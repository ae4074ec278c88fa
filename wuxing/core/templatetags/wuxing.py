"""Template filters of the pages: masked personal data, star strings, percentages and progress widths; the icon
tag; the `{% kept %}` block of the page's frame."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from wuxing.core import fragments, rules

register = template.Library()

MAX_STARS = 5


@register.filter
def mask_phone(value):
    """138****1234 — lists and pages never show a full number (R16)."""
    return rules.mask_phone(value)


@register.filter
def mask_id(value):
    """First 6 + 8 stars + last 4 of an ID number (R16)."""
    return rules.mask_id_number(value)


def _level(value) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return 0
    return max(0, min(MAX_STARS, level))


@register.filter
def stars(value):
    """A level as filled and empty stars: 3 → ★★★☆☆."""
    level = _level(value)
    return "★" * level + "☆" * (MAX_STARS - level)


def _fraction(value) -> float:
    try:
        fraction = float(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, min(1.0, fraction))


@register.filter
def pct(value):
    """A fraction 0..1 as a whole percentage: 0.634 → 63%."""
    return f"{round(_fraction(value) * 100)}%"


@register.filter
def pct_class(value):
    """The width class of a progress bar, rounded to 5 %: 0.634 → w-pct-65 (inline styles are barred by CSP)."""
    return f"w-pct-{round(_fraction(value) * 20) * 5}"


@register.filter
def is_locked(locked_until):
    """Whether an account's lock-out is still in force."""
    return rules.is_locked(locked_until, timezone.now())


@register.filter
def lookup(mapping, key):
    """mapping[key] in a template, or "" when absent (e.g. a star's name by its code)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def in_section(path, url):
    """Whether the current path lies under a navigation item's URL; the home URL matches only itself."""
    if not path or not url:
        return False
    if url == "/":
        return path == "/"
    return path.startswith(url)


_CHECK_INPUTS = {"checkbox", "radio"}


@register.filter
def bs(bound_field, extra=""):
    """Render a form field's widget with Bootstrap classes, marked invalid when it has errors."""
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", None)
    if input_type in _CHECK_INPUTS:
        css = "form-check-input"
    elif input_type == "select" or widget.__class__.__name__.endswith("Select"):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": " ".join(c for c in (css, extra, "is-invalid" if bound_field.errors else "") if c)}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}_errors"
    elif bound_field.help_text:
        attrs["aria-describedby"] = f"{bound_field.auto_id}_help"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def pretty_json(value):
    """A JSON value (audit before/after) as readable text, Chinese kept as is."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


SPRITE = "vendor/icons/sprite.svg"


def _sprite_url() -> str:
    # Every icon of every page asks for it: looked up once per storage and static URL (tests change them).
    key = (settings.STATIC_URL, settings.STORAGES.get("staticfiles", {}).get("BACKEND"))
    url = _SPRITE_URLS.get(key)
    if url is None:
        try:
            url = static(SPRITE)
        except ValueError:  # not collected (the sprite is built by `make install`): pages still render, without icons
            url = f"{settings.STATIC_URL}{SPRITE}"
        _SPRITE_URLS[key] = url
    return url


_SPRITE_URLS: dict = {}


@register.simple_tag
def icon(name, label="", css=""):
    """A Bootstrap Icon from the sprite (`{% icon "bell" %}`); the name must be listed in scripts/icons.txt.
    Decorative unless a `label` is given, which becomes its accessible name."""
    href = f"{_sprite_url()}#{name}"
    classes = f"wx-icon {css}".strip()
    if label:
        return format_html(
            '<svg class="{}" role="img" aria-label="{}" focusable="false"><use href="{}"></use></svg>',
            classes,
            label,
            href,
        )
    return format_html(
        '<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>', classes, href
    )


SORT_ICONS = {"ascending": "sort-up", "descending": "sort-down", "none": "arrow-down-up"}


@register.simple_tag(takes_context=True)
def sort_th(context, key, label, css="", target="", fixed="", default=False):
    """A column header that sorts the list (`{% sort_th "name" _("Name") %}`): a link setting the toolbar's own
    `sort` parameter (one of the FilterSet's `sort_fields`, written as `sort` takes it: `branch_name` for
    `branch__name`), the other filters kept and the page reset. A second click reverses the order. The arrow shows
    the direction and `aria-sort` tells it to a screen reader; with `target`, htmx swaps that element.

    A list whose sort keys have one direction each (the progress table's "rank", "most behind") passes
    `fixed="ascending"` or `fixed="descending"`: a click sorts by the key, never reversed. `default=True` marks the
    key the list is sorted by when `sort` is not given."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    current = (params.get("sort") or "") if params is not None else ""
    if default and not current:
        current = key
    if fixed:
        state, following = (fixed if current == key else "none"), key
    elif current == key:
        state, following = "ascending", f"-{key}"
    elif current == f"-{key}":
        state, following = "descending", key
    else:
        state, following = "none", key
    if params is not None:
        for name in ("page", "export"):
            params.pop(name, None)
        params["sort"] = following
        href = f"{request.path}?{params.urlencode()}"
    else:
        href = f"?sort={following}"
    htmx = format_html(' hx-get="{}" hx-target="{}" hx-push-url="true"', href, target) if target else ""
    return format_html(
        '<th scope="col" class="wx-sort {}" aria-sort="{}"><a class="wx-sort-link" href="{}"{}>{}{}</a></th>',
        css,
        state,
        href,
        htmx,
        label,
        icon(SORT_ICONS[state], css="wx-sort-arrow"),
    )


# The components that tables repeat on every row, as tags: `{% include "components.html#…" %}` inside a loop costs
# a template lookup and a context push per row. components.html's partials of the same names call these, so the
# markup has one definition.


@register.simple_tag
def star_rating(level, label=""):
    """★★★☆☆ with an accessible text (components.html#stars)."""
    if not label:
        count = _level_count(level)
        label = ngettext("%(counter)s star", "%(counter)s stars", count) % {"counter": count}
    return format_html('<span class="wx-stars" role="img" aria-label="{}">{}</span>', label, stars(level))


def _level_count(level):
    try:
        return int(level or 0)
    except (TypeError, ValueError):
        return 0


@register.simple_tag
def progress_bar(value, label=""):
    """A progress bar with its percentage (components.html#progress)."""
    shown = pct(value)
    return format_html(
        '<div class="d-flex align-items-center gap-2">\n'
        '  <div class="progress wx-progress flex-grow-1" role="progressbar" aria-label="{}" aria-valuenow="{}" '
        'aria-valuemin="0" aria-valuemax="100">\n'
        '    <div class="progress-bar {}"></div>\n'
        "  </div>\n"
        '  <span class="small text-body-secondary wx-nowrap">{}</span>\n'
        "</div>",
        label or _("Progress"),
        shown.rstrip("%"),
        pct_class(value),
        shown,
    )


@register.simple_tag
def tone_badge(label, tone=""):
    """A coloured label (components.html#badge); tone red, green, amber, blue, teal or grey."""
    return format_html('<span class="badge wx-badge wx-tone-{}">{}</span>', tone or "grey", label)


@register.simple_tag
def status_badge(value, label):
    """A label coloured by its value (components.html#status_badge)."""
    return format_html('<span class="badge wx-badge wx-status-{}">{}</span>', value, label)


class KeptNode(template.Node):
    """{% kept key [value ...] %}…{% endkept %}: a part of the page's frame rendered once in this process for the
    key and values (and the language), then served from `core.fragments.FRAME_PARTS` with the request's own form
    token (`{% csrf_token %}` inside) and address (`{{ request_path }}` inside) written into their slots.

    The key and values must hold everything the part shows (base.html: the menu's `nav_key` — account, roles, scope,
    language — the active entry and the name shown); without a key (signed out, a password still to change) the
    part is rendered for the request as any other."""

    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values
        self.serial = fragments.next_serial()
        self._by_type = {}

    def get_nodes_by_type(self, nodetype):
        # A page that extends base.html looks for its blocks in the whole of it on every render ({% extends %}):
        # the frame's nodes never change once parsed, so they are walked once per node type.
        found = self._by_type.get(nodetype)
        if found is None:
            found = self._by_type[nodetype] = super().get_nodes_by_type(nodetype)
        return list(found)

    def render(self, context):
        request = context.get("request")
        values = tuple(value.resolve(context) for value in self.values)
        if request is None or not values[0]:
            with context.push(request_path=request.get_full_path() if request is not None else ""):
                return self.nodelist.render(context)
        key = (self.serial, get_language(), *(str(value) for value in values))

        def render_slotted():
            with context.push(csrf_token=fragments.CSRF_SLOT, request_path=fragments.PATH_SLOT):
                return str(self.nodelist.render(context))

        return fragments.fill_slots(fragments.FRAME_PARTS.get(key, render_slotted), request)


@register.tag
def kept(parser, token):
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not values:
        raise template.TemplateSyntaxError("{% kept %} needs a key: the values the part shows depend on")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, values)
