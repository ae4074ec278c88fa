"""Production settings refuse unsafe configurations; the development ones start."""

import os
import subprocess
import sys

import pytest


def _import(module, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = module
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.WUXING_DEMO)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env,needle",
    [
        ({"DEBUG": "1", "SECRET_KEY": "x" * 50}, "DEBUG"),
        ({}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_unsafe_settings(env, needle):
    result = _import("wuxing.config.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and needle in result.stderr


def test_production_starts_with_a_real_secret_and_never_in_demo_mode():
    result = _import("wuxing.config.production", SECRET_KEY="k" * 50, WUXING_DEMO="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
