"""scripts/audit-deps.sh (make audit-deps, a step of .ci/run): fails on a known vulnerability, passes a clean
audit, and skips with a warning (status 0) when the vulnerability service cannot be reached.

The service is a local stand-in speaking OSV's query API (pip-audit's `-s osv --osv-url`), so the test needs no
network; the requirements audited are a file of one pinned package (read without pip: `--no-deps --disable-pip`).
"""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "audit-deps.sh"
VULNERABLE = {"name": "example-vulnerable", "version": "1.0"}


class FakeOSV(BaseHTTPRequestHandler):
    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = {}
        if query["package"]["name"] == VULNERABLE["name"] and query["version"] == VULNERABLE["version"]:
            body = {
                "vulns": [
                    {
                        "id": "GHSA-test-0000-0000",
                        "summary": "a known hole",
                        "affected": [
                            {
                                "package": {"name": VULNERABLE["name"], "ecosystem": "PyPI"},
                                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.1"}]}],
                            }
                        ],
                    }
                ]
            }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # the script's reachability probe
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def osv():
    server = HTTPServer(("127.0.0.1", 0), FakeOSV)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def audit(tmp_path, requirement, probe, **extra_env):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(requirement + "\n")
    env = {
        **os.environ,
        "PY": sys.executable,
        "AUDIT_DEPS_PROBE_URL": probe,
        "AUDIT_DEPS_CACHE": str(tmp_path / "cache"),
        **extra_env,
    }
    return subprocess.run(
        [
            str(SCRIPT),
            "-s",
            "osv",
            "--osv-url",
            f"{probe}/v1/query",
            "-r",
            str(requirements),
            "--no-deps",
            "--disable-pip",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_known_vulnerability_fails_the_audit(tmp_path, osv):
    result = audit(tmp_path, f"{VULNERABLE['name']}=={VULNERABLE['version']}", osv)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "VULNERABLE example-vulnerable 1.0: GHSA-test-0000-0000 (fixed in 1.1)" in result.stdout


def test_a_clean_audit_passes(tmp_path, osv):
    result = audit(tmp_path, f"{VULNERABLE['name']}==1.1", osv)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 packages audited, 0 not audited, 0 known vulnerabilities" in result.stdout


def test_an_unreachable_service_skips_with_a_warning(tmp_path):
    result = audit(tmp_path, f"{VULNERABLE['name']}=={VULNERABLE['version']}", "http://127.0.0.1:9")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning: dependency audit SKIPPED" in result.stderr
    strict = audit(tmp_path, "example-vulnerable==1.0", "http://127.0.0.1:9", AUDIT_DEPS_REQUIRED="1")
    assert strict.returncode == 1
