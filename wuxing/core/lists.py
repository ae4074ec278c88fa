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
