"""Helpers of the several-app-servers tests: free ports, waiting for a server, the services the tests need.

An S3-compatible server is moto's standalone server (`moto_server`, a test dependency); Redis and PostgreSQL are
the ones the environment names (REDIS_URL, DATABASE_URL) or the local defaults. Nothing here imports the project.
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, *, timeout: float = 30, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with status {process.returncode}")
        time.sleep(0.1)
    raise TimeoutError(f"nothing answered on {host}:{port} within {timeout} s")


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a process started by these helpers (and only that one)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def moto_server_command() -> list[str] | None:
    """How to start moto's standalone S3 server, or None when moto[server] is not installed."""
    try:
        import flask  # noqa: F401  (moto[server] brings Flask; plain moto has no server)
        import moto  # noqa: F401
    except ImportError:
        return None
    beside = Path(sys.executable).with_name("moto_server")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("moto_server")
    return [found] if found else [sys.executable, "-m", "moto.server"]


@contextlib.contextmanager
def moto_server():
    """An S3-compatible server on a free local port; yields its endpoint URL."""
    command = moto_server_command()
    if command is None:
        raise RuntimeError("moto[server] is not installed")
    port = free_port()
    process = subprocess.Popen(
        [*command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
    )
    try:
        wait_for_port("127.0.0.1", port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def s3_settings(endpoint: str, bucket: str, *, presigned: bool = False) -> dict:
    """The settings of wuxing/config/settings.py for a bucket on `endpoint` (for override_settings)."""
    return {
        "STORAGES": {
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": bucket,
                    "endpoint_url": endpoint,
                    "access_key": "test",
                    "secret_key": "test",
                    "region_name": "us-east-1",
                    "addressing_style": "path",
                    "signature_version": "s3v4",
                    "default_acl": None,
                    "querystring_auth": True,
                    "querystring_expire": 60,
                    "file_overwrite": False,
                },
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "WUXING_S3_BUCKET": bucket,
        "WUXING_S3_PRESIGNED": presigned,
        "WUXING_S3_URL_SECONDS": 60,
    }


def s3_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment that configures the same bucket for a separate process (the cluster's servers)."""
    return {
        "WUXING_S3_BUCKET": bucket,
        "WUXING_S3_ENDPOINT_URL": endpoint,
        "WUXING_S3_ACCESS_KEY_ID": "test",
        "WUXING_S3_SECRET_ACCESS_KEY": "test",
        "WUXING_S3_REGION": "us-east-1",
    }


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def redis_reachable(url: str | None = None) -> str | None:
    """None when Redis answers PING at `url`; else why not."""
    try:
        import redis
    except ImportError:
        return "the redis client (django-redis) is not installed"
    try:
        redis.Redis.from_url(url or redis_url(), socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {url or redis_url()}: {exc}"
    return None


def database_url(settings_dict: dict, name: str | None = None, **query: str) -> str:
    """A DATABASE_URL for a PostgreSQL connection's settings (another database `name` on the same server)."""
    auth = settings_dict.get("USER") or "postgres"
    if settings_dict.get("PASSWORD"):
        auth += f":{settings_dict['PASSWORD']}"
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    url = f"postgres://{auth}@{host}:{port}/{name or settings_dict['NAME']}"
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def pg_admin(settings_dict: dict, *statements: str) -> None:
    """Run statements outside any transaction (CREATE/DROP DATABASE) on the server's `postgres` database."""
    import psycopg

    with psycopg.connect(database_url(settings_dict, "postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def pg_query(url: str, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@contextlib.contextmanager
def cloned_database(connection):
    """A new database copied from the (migrated, empty) test database, for processes that commit: servers and
    workers cannot see a test's uncommitted transaction, and a flushing test cannot empty the append-only audit
    log. Yields its DATABASE_URL; dropped afterwards. `connection` is closed first (a template must be idle)."""
    settings_dict = dict(connection.settings_dict)
    name = f"wuxing_scratch_{os.getpid()}_{int(time.time() * 1000) % 10**8}"
    connection.close()
    pg_admin(settings_dict, f'CREATE DATABASE "{name}" TEMPLATE "{settings_dict["NAME"]}"')
    try:
        yield database_url(settings_dict, name)
    finally:
        pg_admin(
            settings_dict,
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",
            f'DROP DATABASE IF EXISTS "{name}"',
        )


class RoundRobinClient:
    """One browser (one cookie jar) talking to several app servers in turn, as a load balancer without stickiness
    would send it: each request goes to the next server, or to `via=` the one named. `served` lists the server of
    each request. Forms are posted with the CSRF token of the cookie, as the pages' own forms do."""

    CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base_urls: list[str]):
        import requests

        self.base_urls = [u.rstrip("/") for u in base_urls]
        self.session = requests.Session()
        self.served: list[str] = []
        self._next = 0

    def _base(self, via: int | None) -> str:
        if via is None:
            via, self._next = self._next, (self._next + 1) % len(self.base_urls)
        self.served.append(self.base_urls[via])
        return self.base_urls[via]

    def get(self, path: str, *, via: int | None = None, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 60)
        return self.session.get(self._base(via) + path, **kwargs)

    def post(self, path: str, data: dict | None = None, *, via: int | None = None, **kwargs):
        base = self._base(via)
        data = {**(data or {}), "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 60)
        # The CSRF check compares the origin of a POST with the host it reached.
        headers = {"Referer": base + path, "Origin": base, **kwargs.pop("headers", {})}
        return self.session.post(base + path, data=data, headers=headers, **kwargs)

    def sign_in(self, login_path: str, username: str, password: str, *, via: int | None = None):
        """Open the sign-in page (for the CSRF cookie) on one server and post the form to the next (or `via`)."""
        self.get(login_path, via=via)
        return self.post(login_path, {"username": username, "password": password}, via=via)


def redis_forget(prefix: str, url: str | None = None) -> None:
    """Delete the keys a test's servers wrote under their cache prefix (sessions, sign-in counts)."""
    import redis

    client = redis.Redis.from_url(url or redis_url())
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)
