"""The API's addresses are tried before the pages' (wuxing.config.urls): that order changes nothing only while no
page's address can start with `api/`, which these tests keep true."""

import re

from django.urls import URLResolver, get_resolver, resolve

from wuxing.config import urls


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def _first_segment(route: str) -> str:
    return route.lstrip("^").split("/", 1)[0]


def test_every_address_starts_with_a_fixed_word_and_only_the_apis_with_api():
    routes = list(_routes(get_resolver().url_patterns))
    api = [r for r in routes if _first_segment(r) == "api"]
    pages = [r for r in routes if _first_segment(r) != "api"]
    assert len(api) > 100 and len(pages) > 100
    # A first segment taken by a converter or a pattern (`<str:x>/`, `(?P<x>…)`) could take `api` too.
    assert not [r for r in pages if re.search(r"[<(\[\\.*+?]", _first_segment(r))]
    # The API's are ahead of every app's pages.
    firsts = [_first_segment(str(p.pattern)) for p in urls.urlpatterns]
    assert firsts.index("api") < min(firsts.index(w) for w in ("public", "org", "checklists", "supervision"))


def test_api_and_pages_resolve_to_their_own_views():
    assert resolve("/api/v1/checkins/").func.cls.__module__ == "wuxing.checklists.api"
    assert resolve("/api/v1/branches/").func.cls.__module__ == "wuxing.org.api"
    assert resolve("/api/schema/").url_name == "api-schema"
    assert resolve("/").url_name == "home"
    assert resolve("/public/x/").url_name is not None
