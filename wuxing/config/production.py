"""Production settings: the defaults, hardened. Refuses to start with DEBUG on or the development secret.

Made for an HTTPS reverse proxy in front of gunicorn (docs/deployment.md): HTTPS is required (redirect, HSTS,
secure cookies); the proxy's scheme header, the trusted origins and the trusted proxy addresses come from the
environment (CSRF_TRUSTED_ORIGINS, WUXING_PROXY_SSL_HEADER, WUXING_TRUSTED_PROXIES in wuxing.config.settings).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import DEBUG, DEV_SECRET_KEY, SECRET_KEY, env_bool

if DEBUG:
    raise ImproperlyConfigured("Production settings refuse to start with DEBUG on. Unset DEBUG.")
if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("Production settings need SECRET_KEY set to a random value of at least 32 characters.")

WUXING_DEMO = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The proxy answers plain HTTP health checks itself; nothing here is served without HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Joining the browsers' preload list cannot be undone quickly, so it is the domain owner's decision: off unless set.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
