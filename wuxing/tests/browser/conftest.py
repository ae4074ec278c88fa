"""Browser tests: a real server process on 127.0.0.1 with the demo office, driven by Debian's Chromium."""

import datetime
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveApp(str):
    """The server's base URL; `manage(...)` runs a management command against the same database."""

    env: dict
    manage_command: list
    loaded_on: datetime.date  # the office's local date when the demo was loaded: its rhythm ends on that day

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [*self.manage_command, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, chromium_path):
    """The app served by a separate process from a fresh SQLite database holding the demo office."""
    var = tmp_path_factory.mktemp("var")
    env = {**os.environ, "WUXING_VAR_DIR": str(var), "WUXING_DEMO": "1", "WUXING_TESTING": "1", "DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    loaded_on = timezone.localdate()
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = LiveApp(f"http://127.0.0.1:{port}")
    url.env, url.manage_command, url.loaded_on = env, manage, loaded_on
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("the test server did not start")
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Records every request a page makes and every console error, so tests can assert none left the host."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.responses = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: self.responses.append(r))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if not (u.startswith("http://127.0.0.1:") or u.startswith("data:") or u.startswith("blob:"))
        ]


@pytest.fixture
def open_page(browser):
    contexts = []

    def _open(width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        return page, PageWatch(page)

    yield _open
    for context in contexts:
        context.close()


def login(page, base_url, username, password="Wuxing-demo-2026"):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # caret="initial": the default injects an inline style, which the strict CSP would report.
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path
