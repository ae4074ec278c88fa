"""Session authentication for the API with its CSRF refusal in the user's language (DRF's is English only)."""

from django.utils.translation import gettext as _
from drf_spectacular.authentication import SessionScheme
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication


class CsrfSessionAuthentication(SessionAuthentication):
    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _("The security check of this request failed (CSRF). Reload the page and try again.")
            ) from exc


class CsrfSessionScheme(SessionScheme):
    """The schema describes it as the session cookie it is."""

    target_class = CsrfSessionAuthentication
