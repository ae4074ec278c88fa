"""The WSGI application of `manage.py benchmark --ratios --gunicorn`: the product's URLs with the bare JSON view
of `wuxing.portal.ratios` beside them, so that one gunicorn serves both sides of the comparison.

Only the benchmark starts a server on this module. The product's entry point (`wuxing.config.wsgi`) serves
`wuxing.config.urls`, which never mounts the bare view.
"""

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuxing.config.settings")
django.setup(set_prefix=False)

from wuxing.portal import ratios  # noqa: E402  (after setup: it reads models; it mounts the product's URLs)

settings.ROOT_URLCONF = ratios.__name__
application = get_wsgi_application()
