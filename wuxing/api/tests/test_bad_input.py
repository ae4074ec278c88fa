"""Hostile input to the API answers a 4xx in JSON with a Chinese message, never a 500 or an HTML page.

The token endpoint with a list, an object or 100,000 characters for a field; a body of 100,000 nested `[`; a body
over the size limit; a number beyond 64 bits in `limit`, `offset` or any integer filter of any list (walked from
the router, so a new list cannot be forgotten); an unknown route, a wrong method, a failed CSRF check, throttling
and an unexpected exception.
"""

import json

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.test import APIClient

from wuxing.api.exceptions import exception_handler
from wuxing.api.parsers import MAX_DEPTH, json_depth
from wuxing.config.api_urls import router
from wuxing.core.filters import ModelChoiceFilter
from wuxing.org.models import User
from wuxing.testing import PASSWORD, api_as, users_for

pytestmark = pytest.mark.django_db
HUGE = str(10**30)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def assert_json_error(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.content.decode()
    assert has_chinese(body), body
    assert "Traceback" not in body
    return response.json()


def post_json(client, path, body: str):
    return client.post(path, body, content_type="application/json")


@pytest.fixture
def plain():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "data",
    [
        {"username": ["t-leader"], "password": PASSWORD},
        {"username": "t-leader", "password": {"a": 1}},
        {"username": "a" * 100_000, "password": "x"},
        {"username": "t-leader", "password": "x" * 100_000},
    ],
    ids=["list", "object", "long-name", "long-password"],
)
def test_token_endpoint_refuses_malformed_fields(plain, org, data):
    users_for(org)
    assert_json_error(post_json(plain, reverse("api-token"), json.dumps(data)), 400)
    assert User.objects.get(username="t-leader").failed_logins == 0


def test_token_endpoint_refuses_a_body_that_is_not_an_object(plain, org):
    assert_json_error(post_json(plain, reverse("api-token"), '["t-leader", "x"]'), 400)


def test_deeply_nested_body_is_a_400(plain):
    assert_json_error(post_json(plain, reverse("api-token"), "[" * 100_000), 400)
    assert_json_error(post_json(plain, reverse("api-token"), "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)), 400)


def test_body_over_the_size_limit_is_a_413(plain, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "u", "password": "p" * 2000})
    assert_json_error(post_json(plain, reverse("api-token"), body), 413)


def test_invalid_json_and_json_constants_are_400(plain):
    assert_json_error(post_json(plain, reverse("api-token"), '{"username": '), 400)
    assert_json_error(post_json(plain, reverse("api-token"), '{"username": NaN}'), 400)
    assert_json_error(plain.post(reverse("api-token"), b"\xff\xfe", content_type="application/json"), 400)


def test_json_depth_skips_brackets_in_strings():
    assert json_depth('{"a": "[[[[[[", "b": [1, {"c": "]]"}]}') == 3
    assert json_depth('"\\"[["') == 0


def test_limit_and_offset_beyond_64_bits(org):
    client = api_as(APIClient(), users_for(org).leader)
    response = client.get(f"/api/v1/branches/?limit={HUGE}")
    assert response.status_code == 200 and response.json()["count"] == 3
    assert_json_error(client.get(f"/api/v1/branches/?offset={HUGE}"), 400)
    assert client.get("/api/v1/branches/?offset=-1").status_code == 200


def test_unknown_route_wrong_method_and_csrf_answer_json(org, plain):
    users = users_for(org)
    plain.force_login(users.leader)
    assert_json_error(plain.get("/api/v1/no-such-list/"), 404)
    assert_json_error(plain.get("/api/nothing-here/"), 404)
    assert_json_error(plain.delete("/api/v1/branches/"), 405)
    strict = Client(enforce_csrf_checks=True, raise_request_exception=False)
    strict.force_login(users.secretary)
    detail = assert_json_error(post_json(strict, "/api/v1/branches/", "{}"), 403)["detail"]
    assert "CSRF" in detail


def test_an_object_not_found_answers_in_chinese_without_naming_the_model(org, plain):
    plain.force_login(users_for(org).leader)
    detail = assert_json_error(plain.get("/api/v1/branches/999999/"), 404)["detail"]
    assert "Branch" not in detail


def test_throttling_answers_in_chinese():
    response = exception_handler(exceptions.Throttled(wait=30), {})
    assert response.status_code == 429 and has_chinese(str(response.data["detail"]))


def test_unexpected_exception_is_a_json_500_without_traceback(org, monkeypatch, caplog):
    from wuxing.org import api as org_api

    def explode(self):
        raise RuntimeError("secret internals")

    viewset = router.registry[[prefix for prefix, *_ in router.registry].index("branches")][1]
    assert viewset.__module__ == org_api.__name__
    monkeypatch.setattr(viewset, "get_queryset", explode)
    client = APIClient(raise_request_exception=False)
    api_as(client, users_for(org).leader)
    body = assert_json_error(client.get("/api/v1/branches/"), 500)
    assert "secret internals" not in json.dumps(body)
    assert any("secret internals" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


def test_schema_and_docs_need_a_signed_in_user(org, plain):
    for path in ("/api/schema/", "/api/docs/"):
        assert plain.get(path).status_code in (401, 403), path
    plain.force_login(users_for(org).secretary)
    assert plain.get("/api/schema/").status_code == 200
    assert plain.get("/api/docs/").status_code == 200


def _integer_filters(viewset) -> list[str]:
    filterset = getattr(viewset, "filterset_class", None)
    if filterset is None:
        return []
    import django_filters

    kinds = (django_filters.NumberFilter, django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)
    return [name for name, f in filterset.base_filters.items() if isinstance(f, (*kinds, ModelChoiceFilter))]


def test_every_list_survives_huge_numbers(demo_office):
    """Walk every list of the router as a user who sees it: `limit`, `offset` and each integer filter at 10**30."""
    users = {u.username: u for u in User.objects.filter(username__in=["demo-leader", "demo-auditor"])}
    tried = 0
    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "list"):
            continue
        user = users["demo-auditor"] if prefix == "audit-log" else users["demo-leader"]
        client = api_as(APIClient(raise_request_exception=False), user)
        queries = [f"limit={HUGE}", "offset=-1", f"offset={HUGE}", f"limit={HUGE}&offset={HUGE}"]
        queries += [f"{name}={HUGE}" for name in _integer_filters(viewset)]
        queries += [f"{name}=-{HUGE}" for name in _integer_filters(viewset)]
        for query in queries:
            response = client.get(f"/api/v1/{prefix}/?{query}")
            assert response.status_code < 500, (prefix, query, response.content[:300])
            assert response["Content-Type"].startswith("application/json"), (prefix, query)
            tried += 1
    assert tried > 40
