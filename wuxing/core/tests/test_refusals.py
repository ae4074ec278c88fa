"""A service's refusal that a page lets through is shown as a message on the page the user came from."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from wuxing.core.middleware import RefusalMessageMiddleware


def _request(path="/targets/plans/1/measures/2/delete/", **headers):
    request = RequestFactory().post(path, headers=headers)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _middleware():
    return RefusalMessageMiddleware(lambda request: None)


def test_a_refusal_goes_back_to_the_referring_page_with_its_message():
    request = _request(referer="http://testserver/targets/plans/1/")
    response = _middleware().process_exception(request, ValidationError("该创建活动已结束，记录不能再修改。"))
    assert response.status_code == 302 and response["Location"] == "http://testserver/targets/plans/1/"
    assert [str(m) for m in get_messages(request)] == ["该创建活动已结束，记录不能再修改。"]


def test_a_foreign_referer_is_not_followed():
    request = _request(referer="https://elsewhere.example/phish")
    response = _middleware().process_exception(request, ValidationError("x"))
    assert response.status_code == 302 and response["Location"] == "/"


def test_htmx_gets_a_full_reload_instead_of_a_swapped_redirect():
    request = _request(referer="http://testserver/checklists/branches/1/", **{"HX-Request": "true"})
    response = _middleware().process_exception(request, ValidationError("x"))
    assert response.status_code == 204 and response["HX-Redirect"] == "http://testserver/checklists/branches/1/"


def test_other_errors_and_the_api_are_left_alone():
    assert _middleware().process_exception(_request(), PermissionDenied("no")) is None
    assert _middleware().process_exception(_request("/api/v1/targets/1/"), ValidationError("x")) is None
