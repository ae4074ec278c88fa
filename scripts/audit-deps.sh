#!/usr/bin/env bash
# Known vulnerabilities in the installed dependencies (make audit-deps; a step of .ci/run): pip-audit over the
# packages installed in the project's environment (the project itself, installed editable, is skipped), against
# PyPI's vulnerability data. Extra arguments go to pip-audit (e.g. -r some-requirements.txt).
#
# Exit status: 1 when a known vulnerability is found. When the vulnerability service cannot be reached (no
# network), the audit is SKIPPED with a warning and the status is 0, so an offline CI run does not fail for that
# alone; AUDIT_DEPS_REQUIRED=1 makes an unreachable service a failure too.
set -uo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
# pip-audit asks PyPI about each release (/pypi/<name>/<version>/json); the probe asks the same about the installed
# pip, so a mirror that answers only per project (or not at all) counts as unreachable.
SERVICE_URL=${AUDIT_DEPS_PROBE_URL:-https://pypi.org/pypi/pip/$("$PY" -c 'import importlib.metadata as m; print(m.version("pip"))')/json}
CACHE=${AUDIT_DEPS_CACHE:-var/cache/pip-audit}

skip() {
    echo "warning: dependency audit SKIPPED: $1" >&2
    [ "${AUDIT_DEPS_REQUIRED:-0}" = "1" ] && exit 1
    exit 0
}

if ! "$PY" - "$SERVICE_URL" <<'EOF'
import sys
import urllib.request

try:
    urllib.request.urlopen(sys.argv[1], timeout=10).close()
except Exception as exc:  # any failure to reach it: DNS, refused, timeout, proxy, TLS
    print(exc, file=sys.stderr)
    sys.exit(1)
EOF
then
    skip "the vulnerability service ($SERVICE_URL) cannot be reached"
fi

mkdir -p "$CACHE"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$PY" -m pip_audit --skip-editable --progress-spinner off --cache-dir "$CACHE" --desc off -f json -o "$report" "$@"
status=$?
if [ "$status" -ne 0 ] && [ ! -s "$report" ]; then
    # No report at all: pip-audit stopped before auditing (the service went away mid-run, a proxy refused it).
    skip "pip-audit could not complete (status $status)"
fi
"$PY" - "$report" <<'EOF'
"""Print what was found; status 1 on a known vulnerability, 3 when nothing at all could be audited."""
import json
import sys

report = json.load(open(sys.argv[1]))
found = [(d["name"], d["version"], v) for d in report.get("dependencies", []) for v in d.get("vulns", [])]
for name, version, vuln in found:
    fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version"
    print(f"VULNERABLE {name} {version}: {vuln['id']} (fixed in {fixed})")
skipped = [d for d in report.get("dependencies", []) if "skip_reason" in d]
audited = len(report.get("dependencies", [])) - len(skipped)
for d in skipped:
    print(f"not audited: {d['name']}: {d['skip_reason']}", file=sys.stderr)
print(f"{audited} packages audited, {len(skipped)} not audited, {len(found)} known vulnerabilities")
if found:
    sys.exit(1)
sys.exit(3 if skipped and not audited else 0)
EOF
status=$?
[ "$status" -eq 3 ] && skip "the vulnerability service answered for none of the packages"
exit "$status"
