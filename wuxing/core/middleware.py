"""Request-scoped context for services (client address), the idle-session rule (R18), the forced change of an
initial password, the UI language."""

import functools
import ipaddress
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .audit import current_ip
from .forms import flash_errors
from .models import AccountPolicy
from .rules import is_session_idle, session_expiry_seconds, session_slide_due


def client_ip(request) -> str | None:
    """The client's address: the peer's, unless the peer is a trusted proxy (WUXING_TRUSTED_PROXIES); then the
    X-Forwarded-For entries are read from the right, past the trusted proxies, and the first other one is the
    client. Entries left of it could be forged by the client and are never believed."""
    peer = request.META.get("REMOTE_ADDR") or None
    trusted = _trusted_networks(tuple(getattr(settings, "WUXING_TRUSTED_PROXIES", ())))
    if peer is None or not _is_trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not _is_trusted(hop, trusted):
            return hop
    return peer


@functools.cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class IdleSessionMiddleware:
    """End a session idle for longer than the policy allows (R18), judged on the server from the session's stamp.

    A person's request slides the window, except a page's own timed refresh (header `X-Wuxing-Poll`, e.g. the
    command screen's): a screen left open is not a person at work. The stamp is written at most once a minute
    (`rules.session_slide_due`), so most requests write nothing (SESSION_SAVE_EVERY_REQUEST is off); the session's
    expiry, set with the stamp, runs a minute past the idle window so that the row and the cookie never end a session
    before the rule does (`rules.session_expiry_seconds`).
    """

    SESSION_KEY = "_wuxing_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            idle = AccountPolicy.current().idle_minutes
            now = time.time()
            last_seen = request.session.get(self.SESSION_KEY)
            if is_session_idle(last_seen, now, idle):
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.warning(
                    request,
                    _("Your session ended after %(minutes)s idle minutes. Please sign in again.") % {"minutes": idle},
                )
                return redirect(f"/accounts/login/?next={request.path}")
            if not request.headers.get("X-Wuxing-Poll") and session_slide_due(last_seen, now):
                request.session[self.SESSION_KEY] = now
                request.session.set_expiry(session_expiry_seconds(idle))
        return self.get_response(request)


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the switcher (its cookie).

    The browser's Accept-Language is not consulted: office PCs often run English-language browsers.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefusalMessageMiddleware:
    """The one way a page answers a service's refusal: a ValidationError that a view lets through becomes the
    error messages of the page the user came from, never a 500.

    Views that redisplay a form bind the error to it instead (`form.add_error(None, exc)`); actions that redirect
    (confirm, delete, generate, …) just call the service. The API has its own mapping (api.exceptions).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ValidationError) or request.path.startswith("/api/"):
            return None
        flash_errors(request, exception)
        target = request.headers.get("referer") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = settings.LOGIN_REDIRECT_URL
        response = redirect(target)
        if request.headers.get("HX-Request"):
            # htmx follows a redirect in place; a full reload shows the message where the user is.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(target)
        return response


class PasswordChangeRequiredMiddleware:
    """An account with an initial password reaches only the password change (and sign-out) until it is changed."""

    ALLOWED_NAMES = ("logout", "set_language", "password_change")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            change_url = reverse(settings.WUXING_PASSWORD_CHANGE_URL)
            allowed = {change_url, *(reverse(name) for name in self.ALLOWED_NAMES)}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                message = _("Change your initial password before you continue.")
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": message}, status=403)
                if request.headers.get("HX-Request"):
                    # A fragment a page loads by itself (a badge): nothing to swap in, the page says what to do.
                    return HttpResponse(status=204)
                messages.warning(request, message)
                return redirect(change_url)
        return self.get_response(request)
