"""Every file or document address the API hands out downloads with the same token.

The test walks every list endpoint of the API (from the router, so a new endpoint cannot be forgotten) as the demo
office's leader and secretary, collects every value of a field whose name ends in `url`, and fetches each with the
token alone: it must answer 200 with the file, never the sign-in page.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from wuxing.org.models import User
from wuxing.testing import api_token

pytestmark = pytest.mark.django_db


def _list_paths(resolver=None, prefix=""):
    """The API's list endpoints (router patterns ending in `-list` without arguments)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _list_paths(entry, pattern)
        elif isinstance(entry, URLPattern) and pattern.startswith("api/v1/") and (entry.name or "").endswith("-list"):
            if "<" not in pattern and "(?P<" not in pattern and "format" not in pattern:
                yield "/" + pattern.replace("^", "").replace("$", "")


def _urls(value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("url") and isinstance(item, str) and item.startswith("/"):
                found.add(item)
            else:
                _urls(item, found)
    elif isinstance(value, list):
        for item in value:
            _urls(item, found)
    return found


@pytest.mark.parametrize("username", ["demo-leader", "demo-secretary"])
def test_every_file_url_of_the_api_downloads_with_the_token(demo_office, username):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(User.objects.get(username=username))}")
    paths = sorted(set(_list_paths()))
    assert len(paths) >= 10, paths
    found = set()
    for path in paths:
        response = client.get(path, {"limit": 1000})
        if response.status_code == 200:
            _urls(response.json(), found)
    assert found, "the demo office's API hands out no file address at all"
    # Three of each kind of address (same path once the ids are taken out) are enough.
    by_shape = {}
    for url in sorted(found):
        by_shape.setdefault(re.sub(r"\d+", "N", url), []).append(url)
    for url in [u for urls in by_shape.values() for u in urls[:3]]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert not response["Content-Type"].startswith("text/html"), (url, response["Content-Type"])
        assert url.startswith("/api/v1/"), url
