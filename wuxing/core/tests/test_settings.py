"""Production settings refuse unsafe configurations; the development ones start."""

import os
import subprocess
import sys

import pytest


def _settings(module, printed, *, unset=(), **env):
    """`printed` (an expression of `settings`) as a fresh process starting on `module` prints it, with `env` set and
    DEBUG, SECRET_KEY and the names in `unset` taken out of this process's environment."""
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", *unset}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = module
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; print({printed})"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _import(module, **env):
    return _settings(module, "settings.DEBUG, settings.WUXING_DEMO", **env)


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
    return _settings(
        "wuxing.config.settings",
        "sorted((alias, sorted(d['OPTIONS'].items())) for alias, d in settings.DATABASES.items())",
        unset=("DB_PREPARE_THRESHOLD", "DATABASE_REPLICA_URL"),
        **env,
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
