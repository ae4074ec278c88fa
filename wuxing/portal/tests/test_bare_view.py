"""The bare JSON view the check-in POSTs are compared with is mounted only by the benchmark's URLs (and the
gunicorn it starts, `wuxing.portal.bench_wsgi`), never by the product's."""

import pytest
from django.urls import Resolver404, resolve

from wuxing.portal import ratios

pytestmark = pytest.mark.django_db


def test_the_product_does_not_serve_the_bare_view(client):
    assert client.post("/__bare__/", "{}", content_type="application/json").status_code == 404
    with pytest.raises(Resolver404):
        resolve("/__bare__/")


def test_the_benchmark_urls_serve_it_beside_the_product(client, settings):
    assert resolve("/__bare__/", urlconf=ratios.__name__).func is ratios.bare_json
    assert resolve("/api/v1/checkins/", urlconf=ratios.__name__).url_name == resolve("/api/v1/checkins/").url_name
    settings.ROOT_URLCONF = ratios.__name__
    r = client.post("/__bare__/", '{"item": 7}', content_type="application/json")
    assert r.status_code == 201 and r.json() == {"ok": True, "item": 7}
