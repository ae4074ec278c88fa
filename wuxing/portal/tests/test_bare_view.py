"""The bare JSON view the check-in POSTs are compared with is mounted only by the benchmark's URLs (and the
gunicorn it starts, `wuxing.portal.bench_wsgi`), never by the product's."""

import pytest
from django.urls import Resolver404, resolve

from wuxing.core.roles import Role
from wuxing.portal import ratios
from wuxing.testing import make_user

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


def test_the_signed_in_floor_is_the_session_and_the_account(client, settings, django_assert_num_queries):
    """What every signed-in request costs before its view: the session row and the account. The account policy
    comes from the cache and the session is written only when the idle rule's stamp is a minute old."""
    settings.ROOT_URLCONF = ratios.__name__
    client.force_login(make_user("floor", Role.AUDITOR))
    assert client.post("/__bare__/", "{}", content_type="application/json").status_code == 201  # stamps the session
    with django_assert_num_queries(2) as queries:
        assert client.post("/__bare__/", "{}", content_type="application/json").status_code == 201
    assert [q["sql"].split('"')[1] for q in queries.captured_queries] == ["django_session", "org_user"]
