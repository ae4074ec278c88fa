"""The several-app-servers configuration: settings from the environment, the documented production layout
(docker-compose.yml, deploy/nginx.conf) and the cluster script."""

import json
import os
import re
import subprocess
import sys

import yaml

from wuxing.testing_servers import PROJECT_DIR

SHOW = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "session": settings.SESSION_ENGINE,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "storage_options": settings.STORAGES["default"].get("OPTIONS", {}),
    "databases": {alias: {"name": d["NAME"], "test": d.get("TEST", {})} for alias, d in settings.DATABASES.items()},
    "routers": settings.DATABASE_ROUTERS,
}))
"""
SERVER_VARIABLES = (
    "REDIS_URL",
    "DATABASE_REPLICA_URL",
    "WUXING_S3_BUCKET",
    "WUXING_S3_ENDPOINT_URL",
    "WUXING_S3_ACCESS_KEY_ID",
    "WUXING_S3_SECRET_ACCESS_KEY",
    "WUXING_S3_REGION",
    "WUXING_S3_PRESIGNED",
    "WUXING_S3_URL_SECONDS",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


def _settings(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in SERVER_VARIABLES}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=PROJECT_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "wuxing.config.settings", "PYTHONPATH": str(PROJECT_DIR), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_one_server_keeps_the_cache_in_memory_sessions_in_the_database_and_files_on_disk():
    shown = _settings(DATABASE_URL="sqlite:////tmp/wuxing-settings-check.sqlite3")
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["session"] == "django.contrib.sessions.backends.db"
    assert shown["storage"] == "django.core.files.storage.FileSystemStorage"
    assert list(shown["databases"]) == ["default"]
    assert shown["routers"] == ["wuxing.core.routers.ReplicaRouter"]


def test_several_servers_share_redis_a_bucket_and_read_reports_from_a_replica():
    shown = _settings(
        DATABASE_URL="postgres://wuxing@db-primary:5432/wuxing",
        DATABASE_REPLICA_URL="postgres://wuxing@db-replica:5432/wuxing",
        REDIS_URL="redis://cache.internal:6379/2",
        WUXING_S3_BUCKET="evidence",
        WUXING_S3_ENDPOINT_URL="http://objects.internal:9000",
        WUXING_S3_ACCESS_KEY_ID="key",
        WUXING_S3_SECRET_ACCESS_KEY="secret",
        WUXING_S3_URL_SECONDS="45",
    )
    assert shown["cache"] == "django_redis.cache.RedisCache"
    assert shown["cache_location"] == "redis://cache.internal:6379/2"
    assert shown["session"] == "django.contrib.sessions.backends.cache"
    assert shown["storage"] == "storages.backends.s3.S3Storage"
    options = shown["storage_options"]
    assert options["bucket_name"] == "evidence" and options["endpoint_url"] == "http://objects.internal:9000"
    assert options["access_key"] == "key" and options["secret_key"] == "secret"
    assert options["querystring_auth"] is True and options["querystring_expire"] == 45
    assert options["default_acl"] is None and options["file_overwrite"] is False
    replica = shown["databases"]["replica"]
    assert replica["name"] == "wuxing" and replica["test"]["MIRROR"] == "default"


def test_the_aws_names_configure_the_bucket_too():
    shown = _settings(
        DATABASE_URL="sqlite:////tmp/wuxing-settings-check.sqlite3",
        AWS_STORAGE_BUCKET_NAME="files",
        AWS_S3_ENDPOINT_URL="http://s3.internal",
        AWS_ACCESS_KEY_ID="a",
        AWS_SECRET_ACCESS_KEY="b",
    )
    assert shown["storage"] == "storages.backends.s3.S3Storage"
    assert shown["storage_options"]["bucket_name"] == "files"
    assert shown["storage_options"]["endpoint_url"] == "http://s3.internal"


def test_the_compose_file_documents_the_production_layout():
    compose = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"nginx", "app", "worker", "db", "db-replica", "redis", "objects"} <= set(services)
    assert services["app"]["deploy"]["replicas"] >= 2 and services["worker"]["deploy"]["replicas"] >= 2
    assert "gunicorn wuxing.config.wsgi:application" in services["app"]["command"]
    app_env = services["app"]["environment"]
    assert services["worker"]["environment"] == app_env
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "REDIS_URL", "WUXING_S3_BUCKET", "WUXING_S3_ENDPOINT_URL"):
        assert name in app_env, name
    assert "@db:" in app_env["DATABASE_URL"] and "@db-replica:" in app_env["DATABASE_REPLICA_URL"]
    assert app_env["REDIS_URL"].startswith("redis://redis:")
    # Every variable the layout sets is one the settings (or the worker script) read.
    read = "".join(
        (PROJECT_DIR / p).read_text(encoding="utf-8")
        for p in (
            "wuxing/config/settings.py",
            "wuxing/config/production.py",
            "wuxing/config/wsgi.py",
            "scripts/run-worker.sh",
        )
    )
    for name in app_env:
        assert name in read, name
    # nginx's configuration is the file in deploy/, and it proxies to the app servers and serves no media.
    mounts = [v.split(":")[0] for v in services["nginx"]["volumes"]]
    assert "./deploy/nginx.conf" in mounts
    nginx = (PROJECT_DIR / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"upstream wuxing_app \{[^}]*server app:8000", nginx)
    assert "proxy_pass http://wuxing_app;" in nginx
    assert re.search(r"location /media/ \{\s*return 404;", nginx)


def test_the_cluster_script_is_valid_and_refuses_sqlite():
    script = PROJECT_DIR / "scripts" / "cluster.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    refused = subprocess.run(
        ["bash", str(script)],
        env={**os.environ, "DATABASE_URL": "sqlite:////tmp/x.sqlite3", "REDIS_URL": "redis://127.0.0.1:6379/0"},
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "PostgreSQL" in refused.stderr
    missing = subprocess.run(["bash", str(script)], env={"PATH": os.environ["PATH"]}, capture_output=True, text=True)
    assert missing.returncode != 0 and "DATABASE_URL" in missing.stderr
