"""Shared test fixtures: a small organisation, users holding each role, API clients."""

import shutil

import pytest
from django.conf import settings


def pytest_addoption(parser):
    parser.addoption(
        "--require-browser",
        action="store_true",
        default=False,
        help="Fail (instead of skip) browser tests when Chromium or Playwright is missing.",
    )


@pytest.fixture(scope="session")
def chromium_path(request):
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        message = "Chromium and Python Playwright are needed for browser tests"
        if request.config.getoption("--require-browser"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(autouse=True, scope="session")
def _media_root(tmp_path_factory):
    """Uploaded files of the test run go to a throw-away directory, not to var/media."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo office, loaded once for a test module (the load takes seconds) and rolled back after it.

    Tests using it also take `db` (directly or through another fixture), so each one runs in a savepoint inside
    this module's transaction and sees the demo office as loaded, whatever the tests before it changed.
    """
    from django.db import transaction
    from django.test import override_settings

    from wuxing.org.demo import OFFICE_CODE
    from wuxing.org.models import OrgUnit
    from wuxing.portal.demo import load_demo

    with django_db_blocker.unblock(), override_settings(WUXING_DEMO=True):
        atomic = transaction.atomic()
        # The module's own transaction, as a test case's: figures computed inside it may be cached
        # (org.figures.may_cache_figures refuses only inside the application's transactions).
        atomic._from_testcase = True
        atomic.__enter__()
        try:
            load_demo()
            yield OrgUnit.objects.get(code=OFFICE_CODE)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo_office(demo_module, db, settings):
    """The demo office (loaded once per module), with demo mode on."""
    settings.WUXING_DEMO = True
    return demo_module


@pytest.fixture
def org(db):
    """Two offices under one district, with branches, departments, people and assignments."""
    from wuxing.testing import build_org

    return build_org()


@pytest.fixture
def make_user(db):
    from wuxing.testing import make_user as _make_user

    return _make_user


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def demo_password():
    return settings.WUXING_DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the sign-in address limit counts failures there) and nothing kept in
    this process (a test's settings may change the menu or the URLs that a kept part shows)."""
    from django.core.cache import cache

    from wuxing.campaigns.selectors import STANDARD_STARS
    from wuxing.core.fragments import FRAME_PARTS, VALUES
    from wuxing.core.models import AccountPolicy
    from wuxing.portal.context_processors import MENUS

    cache.clear()
    VALUES.clear()
    AccountPolicy._local = None
    FRAME_PARTS.clear()
    MENUS.clear()
    STANDARD_STARS.clear()
    yield
