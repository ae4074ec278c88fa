"""Every front-end file is served by the app itself: offices run on intranets."""

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.parametrize(
    "path",
    [
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "django_htmx/htmx-2.min.js",
        "vendor/echarts/echarts.min.js",
    ],
)
def test_vendor_files_are_found_locally(path):
    found = finders.find(path)
    assert found, f"{path} is not among the app's static files (run `make install`)"


def test_echarts_is_the_pinned_release():
    with open(finders.find("vendor/echarts/echarts.min.js"), encoding="utf-8") as fh:
        head = fh.read(4096)
    assert "Apache" in head or "echarts" in head.lower()
