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


def _database_options(**env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DB_PREPARE_THRESHOLD", "DATABASE_REPLICA_URL"}}
    environment.update(env, DJANGO_SETTINGS_MODULE="wuxing.config.settings")
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(sorted((alias, sorted(d['OPTIONS'].items())) for alias, d in settings.DATABASES.items()))",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


POSTGRES = "postgres://someone@127.0.0.1:5432/somewhere"


@pytest.mark.parametrize(
    "threshold,options",
    [
        (None, [("prepare_threshold", 5), ("server_side_binding", True)]),
        ("0", [("prepare_threshold", 0), ("server_side_binding", True)]),
        (" 12 ", [("prepare_threshold", 12), ("server_side_binding", True)]),
        ("off", []),
        ("OFF", []),
    ],
)
def test_postgresql_binds_on_the_server_and_prepares_unless_told_not_to(threshold, options):
    env = {"DATABASE_URL": POSTGRES, "DATABASE_REPLICA_URL": POSTGRES.replace("somewhere", "replica")}
    if threshold is not None:
        env["DB_PREPARE_THRESHOLD"] = threshold
    result = _database_options(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr([("default", options), ("replica", options)])


def test_sqlite_is_left_as_it_is_and_a_bad_threshold_is_refused(tmp_path):
    result = _database_options(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", DB_PREPARE_THRESHOLD="7")
    assert result.returncode == 0, result.stderr
    assert "prepare_threshold" not in result.stdout and "transaction_mode" in result.stdout
    for bad in ("-1", "five", "1.5"):
        result = _database_options(DATABASE_URL=POSTGRES, DB_PREPARE_THRESHOLD=bad)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr and "DB_PREPARE_THRESHOLD" in result.stderr
