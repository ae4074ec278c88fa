"""Fuzzing the API from its OpenAPI schema (schemathesis): every operation, with generated parameters and bodies,
as the office leader and as a branch secretary, each with an API token. No answer may be a server error, and
every error is JSON carrying a Chinese message.

The WSGI app is called in-process (no server), inside the test's transaction on the demo office. The number of
examples per operation is bounded (FUZZ_EXAMPLES) to keep the run short; WUXING_FUZZ_EXAMPLES raises it for a
longer hunt.
"""

import gzip
import json
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from wuxing.config.wsgi import application
from wuxing.org.models import User
from wuxing.testing import api_token

pytestmark = pytest.mark.django_db

FUZZ_EXAMPLES = int(os.environ.get("WUXING_FUZZ_EXAMPLES", "6"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _problem(response) -> str | None:
    """What is wrong with one answer, or None."""
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]  # lower-case names, lists of values
    if not content_type.startswith("application/json"):
        return f"{response.status_code} answered as {content_type or 'no content type'}"
    content = response.content
    if (response.headers.get("content-encoding") or [""])[0] == "gzip":  # the in-process client does not unpack it
        content = gzip.decompress(content)
    try:
        body = json.loads(content)
    except ValueError:
        return f"{response.status_code} with a body that is not JSON: {content[:200]!r}"
    if not CHINESE.search(json.dumps(body, ensure_ascii=False)):
        return f"{response.status_code} without a Chinese message: {content[:200]!r}"
    return None


@pytest.fixture
def keep_test_connection():
    """The real WSGI handler closes the database connection around each request when it is not in autocommit
    mode, which on PostgreSQL would end the test's transaction; Django's own test client holds these back too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("username", ["demo-leader", "demo-secretary"])
def test_every_operation_answers_without_server_errors_and_errors_as_chinese_json(
    demo_office, keep_test_connection, username
):
    headers = {"Authorization": f"Token {api_token(User.objects.get(username=username))}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)
    problems: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=FUZZ_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def fuzz(case):
            response = case.call(headers=headers)
            problem = _problem(response)
            if problem:
                problems.append(f"{case.method} {case.formatted_path} {case.query or ''}: {problem}")

        fuzz()
    assert operations >= 50  # the schema was read (not an error page) and lists the whole API
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_check_flags_server_errors_html_and_english():
    from schemathesis.core.transport import Response

    def answer(status, content_type, body):
        return Response(
            status_code=status,
            headers={"content-type": [content_type]},
            content=body,
            request=None,
            elapsed=0.0,
            verify=False,
        )

    assert _problem(answer(500, "application/json", '{"detail": "服务器错误"}'.encode())).startswith("server error")
    assert "text/html" in _problem(answer(404, "text/html", b"<h1>Not Found</h1>"))
    assert "Chinese" in _problem(answer(404, "application/json", b'{"detail": "Not found."}'))
    assert _problem(answer(404, "application/json", '{"detail": "未找到。"}'.encode())) is None
    assert _problem(answer(200, "application/pdf", b"%PDF-")) is None
