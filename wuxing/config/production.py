"""Production settings: the defaults, hardened. Refuses to start with DEBUG on or the development secret."""

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import DEBUG, DEV_SECRET_KEY, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("Production settings refuse to start with DEBUG on. Unset DEBUG.")
if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("Production settings need SECRET_KEY set to a random value of at least 32 characters.")

WUXING_DEMO = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 0  # behind the office's reverse proxy; enable there once HTTPS is end-to-end
