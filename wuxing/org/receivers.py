"""Sessions of an account: a row per sign-in (org.UserSession), removed at sign-out."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from .models import UserSession


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in, dispatch_uid="org-session-opened")
def session_opened(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None or not hasattr(user, "browser_sessions"):
        return
    if session.session_key is None:
        session.save()
    UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip_address": _client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


@receiver(user_logged_out, dispatch_uid="org-session-closed")
def session_closed(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()
