"""Map errors to API answers: every error under /api/ is JSON with a Chinese `detail`, never an HTML page.

A domain ValidationError becomes a 400 with the same message as the UI; a Django PermissionDenied a 403; DRF's own
errors (404, 405, throttling, parse errors) keep their translated messages; anything unexpected is logged with its
traceback and answered as a bare 500, without the traceback.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .parsers import RequestTooLarge

logger = logging.getLogger("wuxing.api")


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(
            _("The request body is larger than %(size)s bytes.") % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError()
    elif isinstance(exc, Http404):
        # get_object_or_404's message is English and names the model ("No Branch matches the given query.").
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is not None or settings.DEBUG:
        return response
    request = context.get("request")
    logger.error(
        "Internal Server Error: %s",
        getattr(request, "path", "?"),
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": getattr(request, "_request", None)},
    )
    set_rollback()
    return Response(
        {"detail": str(exceptions.APIException.default_detail)}, status=status.HTTP_500_INTERNAL_SERVER_ERROR
    )
