"""Production behind an HTTPS reverse proxy (docs/deployment.md): the example environment passes
`manage.py check --deploy` with no issue, HTTPS is enforced by default, and the proxy settings come from it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[3]
EXAMPLE_ENV = {
    "ALLOWED_HOSTS": "wuxing.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://wuxing.example.gov.cn",
    "WUXING_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "WUXING_TRUSTED_PROXIES": "127.0.0.1,::1",
}
CLEARED = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}


def _run(args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in CLEARED and k not in EXAMPLE_ENV}
    environment.update(EXAMPLE_ENV, SECRET_KEY=secrets.token_urlsafe(50), **env)
    environment["DJANGO_SETTINGS_MODULE"] = "wuxing.config.production"
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_example_environment():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_production_reads_the_proxy_settings_and_enforces_https():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.SECURE_PROXY_SSL_HEADER, "
        "s.CSRF_TRUSTED_ORIGINS, s.WUXING_TRUSTED_PROXIES)"
    )
    result = _run(["-c", code])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "True True ('HTTP_X_FORWARDED_PROTO', 'https') ['https://wuxing.example.gov.cn'] ['127.0.0.1', '::1']"
    )
