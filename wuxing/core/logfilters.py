"""Logging filters: a refused request (403, 404, CSRF, a suspicious request) is logged as one line, without the
traceback Django attaches; server errors keep theirs."""

import logging


class OneLineClientErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        client_error = status is not None and 400 <= status < 500
        if record.exc_info and (client_error or record.name.startswith("django.security")):
            record.exc_info = None
            record.exc_text = None
        return True
