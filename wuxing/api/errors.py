"""Error answers outside the API views (no route, CSRF middleware, server error): JSON under /api/, Django's pages
elsewhere. Installed as the URLconf's handler400/403/404/500 and as CSRF_FAILURE_VIEW."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import csrf, defaults


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(detail, status: int) -> JsonResponse:
    return JsonResponse({"detail": str(detail)}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception):
    if _is_api(request):
        return _json(_("Malformed request."), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return _json(str(exception) or _("You do not have permission to perform this action."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return _json(_("Not found."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return _json(_("A server error occurred."), 500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return _json(_("The security check of this request failed (CSRF). Reload the page and try again."), 403)
    return csrf.csrf_failure(request, reason=reason)
