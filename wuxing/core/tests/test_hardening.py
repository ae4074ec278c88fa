"""Small hardening rules: every export audited, personal evidence never cached, the client address behind a proxy,
one log line per refused request, and every integer a form accepts bounded."""

import importlib
import io
import logging
from importlib.util import find_spec

import pytest
from django import forms
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse

from wuxing.core.filters import MAX_ID
from wuxing.core.logfilters import OneLineClientErrors
from wuxing.core.middleware import client_ip
from wuxing.core.models import AuditLog
from wuxing.core.uploads import evidence_response, sample_jpeg
from wuxing.testing import users_for


@pytest.mark.django_db
def test_a_small_export_is_audited(client, org):
    users = users_for(org)
    client.force_login(users.cadre)
    before = AuditLog.objects.filter(action="export.download").count()
    response = client.get(reverse("org:branch_list"), {"export": "xlsx", "kind": "rural_village"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = AuditLog.objects.filter(action="export.download")
    assert rows.count() == before + 1
    row = rows.latest("pk")
    assert row.actor == users.cadre
    assert row.after["exporter"] == "wuxing.org.exports.branches_export"
    assert row.after["params"] == {"kind": "rural_village"} and row.after["rows"] == 1


class _Stored:
    content_type = "image/jpeg"
    original_name = "合影.jpg"

    def __init__(self):
        data = sample_jpeg("x")
        self.file = self.thumbnail = type("F", (), {"open": staticmethod(lambda mode: io.BytesIO(data))})()


def test_personal_evidence_is_never_cached_public_thumbnails_for_an_hour():
    assert evidence_response(_Stored())["Cache-Control"] == "private, no-store"
    assert evidence_response(_Stored(), thumbnail=True)["Cache-Control"] == "private, no-store"
    assert evidence_response(_Stored(), thumbnail=True, public=True)["Cache-Control"] == "private, max-age=3600"


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_client_ip_believes_only_trusted_proxies(settings):
    settings.WUXING_TRUSTED_PROXIES = []
    assert client_ip(_request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"
    settings.WUXING_TRUSTED_PROXIES = ["10.0.0.0/24", "::1"]
    # The proxy's own peer is the client; what the client wrote left of it is not believed.
    assert client_ip(_request("10.0.0.5", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"
    assert client_ip(_request("10.0.0.5", "1.2.3.4, 10.0.0.7")) == "1.2.3.4"
    assert client_ip(_request("::1", "2001:db8::1")) == "2001:db8::1"
    # An untrusted peer's header is ignored; a malformed hop stops the walk at the proxy.
    assert client_ip(_request("192.0.2.9", "1.2.3.4")) == "192.0.2.9"
    assert client_ip(_request("10.0.0.5", "1.2.3.4, not-an-ip")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5")) == "10.0.0.5"


@pytest.mark.django_db
def test_the_audit_row_records_the_client_behind_the_proxy(client, org, settings):
    settings.WUXING_TRUSTED_PROXIES = ["127.0.0.1"]
    users = users_for(org)
    client.force_login(users.cadre)
    client.get(reverse("org:branch_list"), {"export": "xlsx"}, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert AuditLog.objects.filter(action="export.download").latest("pk").ip_address == "203.0.113.8"


def _console():
    for handler in logging.getLogger().handlers:
        if any(isinstance(f, OneLineClientErrors) for f in handler.filters):
            return handler
    raise AssertionError("the console handler lost its filter")


@pytest.mark.django_db
def test_a_refused_request_logs_one_line(org):
    handler = _console()
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        client = Client(raise_request_exception=False)
        client.force_login(users_for(org).leader)
        assert client.get(reverse("core:audit_list")).status_code == 403
        assert client.get("/api/v1/audit-log/").status_code == 403
    finally:
        handler.setStream(old)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert all("Forbidden" in line for line in lines) and "Traceback" not in stream.getvalue()


def test_server_errors_keep_their_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), exc_info=True)
        import sys

        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert OneLineClientErrors().filter(record) and record.exc_info is not None


def _project_forms():
    for app in django_settings.WUXING_APPS:
        if find_spec(f"{app}.forms") is None:
            continue
        module = importlib.import_module(f"{app}.forms")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                yield value


def test_every_integer_a_form_accepts_is_bounded():
    """A form integer without bounds lets 10**30 reach the database (a 500); every one needs both."""
    checked = 0
    for form_class in _project_forms():
        for name, field in form_class.base_fields.items():
            label = f"{form_class.__module__}.{form_class.__name__}.{name}"
            if isinstance(field, forms.DecimalField):
                assert field.max_digits is not None or field.max_value is not None, label
                checked += 1
            elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.FloatField):
                assert field.min_value is not None and field.max_value is not None, label
                assert -MAX_ID <= field.min_value <= field.max_value <= MAX_ID, label
                checked += 1
    assert checked >= 10


def test_the_meeting_step_form_refuses_a_30_digit_count():
    from wuxing.deliberations.forms import StepForm

    form = StepForm(data={"step": "x", "held_on": "2026-05-01", "should_attend": str(10**30), "attended": "-1"})
    assert not form.is_valid()
    assert {"should_attend", "attended"} <= set(form.errors)
