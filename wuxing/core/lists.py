"""The one way a list page pages its rows: `?page=` and `?per_page=` (one of PAGE_SIZES), read by `paginate`.

The toolbar above every list (`components.html#toolbar`) shows the FilterSet's search box (`q`), its filters, its
sort (`sort`), the page size and the Excel export of the same filters; see core.filters.ScopedFilterSet.
"""

from django.core.paginator import Page, Paginator

PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = 50


def page_size(params, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The page size asked for, when it is one of PAGE_SIZES; else the list's default."""
    raw = str(params.get("per_page") or "")
    return int(raw) if raw.isdigit() and int(raw) in PAGE_SIZES else default


def paginate(request, rows, default: int = DEFAULT_PAGE_SIZE) -> Page:
    """The page of `rows` (a queryset or a list) the request asks for; an invalid page number gives the nearest."""
    page = Paginator(rows, page_size(request.GET, default)).get_page(request.GET.get("page"))
    page.page_sizes = PAGE_SIZES
    return page


def cache_params(params, filterset, fixed: dict | None = None) -> tuple | None:
    """A list's query parameters as part of a cache key (sorted (name, value) pairs), or None when the list is to be
    rendered afresh and not kept: a search (free text: each value would be an entry of its own), a parameter unknown
    or given twice, or one not written exactly as its valid value. Known are the FilterSet's filters, the page and
    its size (numbers of at most three digits) and `fixed` (name → the value the page resolved it to, such as the
    campaign): each bounded, so the entries of a list are too."""
    if not params:
        return ()  # the list as it first opens: nothing to check, and `filterset` (maybe lazy) is not built
    fixed = {name: str(value) for name, value in (fixed or {}).items()}
    if params.get("q") or any(len(params.getlist(name)) > 1 for name in params):
        return None
    if not set(params) <= {*filterset.filters, *fixed, "page", "per_page"} or not filterset.is_valid():
        return None
    cleaned = filterset.form.cleaned_data
    for name, raw in params.items():
        if name in fixed:
            canonical = fixed[name]
        elif name in ("page", "per_page"):
            canonical = raw if raw.isdigit() and len(raw) <= 3 else None
        else:
            value = cleaned.get(name)
            canonical = "" if value in (None, "") else str(getattr(value, "pk", value))
        if raw != canonical:
            return None
    return tuple(sorted(params.items()))
