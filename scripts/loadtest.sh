#!/usr/bin/env bash
# Load test (make loadtest): a scratch PostgreSQL database with the demo, gunicorn configured as `make run`, and the
# locust scenario of loadtest/locustfile.py run headless for a bounded time. Prints p50/p95 per page and the error
# count, keeps the CSV statistics under var/loadtest/, and exits non-zero on any error. Everything it creates (the
# database, the server, its media and static files) is removed at the end, whatever happens.
#
#   LOADTEST_USERS (20)  LOADTEST_DURATION (60s)  LOADTEST_SPAWN_RATE (5 a second)  LOADTEST_PORT (8790)
#   LOADTEST_PG (postgres://postgres@127.0.0.1:5432, the server the scratch database is created on)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
USERS=${LOADTEST_USERS:-20}
DURATION=${LOADTEST_DURATION:-60s}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-5}
PORT=${LOADTEST_PORT:-8790}
PG=${LOADTEST_PG:-postgres://postgres@127.0.0.1:5432}
OUT=${LOADTEST_OUT:-var/loadtest}

db="wuxing_loadtest_$$"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/wuxing-loadtest.XXXXXX")
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    [ -f "$scratch/gunicorn.log" ] && cp "$scratch/gunicorn.log" "$OUT/gunicorn.log" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export DATABASE_URL="$PG/$db" WUXING_VAR_DIR="$scratch/var" MEDIA_ROOT="$scratch/media" STATIC_ROOT="$scratch/static"
export WUXING_DEMO=1 DJANGO_SETTINGS_MODULE=wuxing.config.settings

echo "== scratch database $db, demo data"
psql "$PG/postgres" -qc "CREATE DATABASE $db" >/dev/null
"$PY" manage.py compilemessages -v 0 --ignore '.venv/*'
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py load_demo >/dev/null
"$PY" manage.py collectstatic --noinput -v 0

echo "   ready after ${SECONDS} s"
# Keep-alive outlasts the users' longest pause (5 s): with gunicorn's default of 2 s a connection it closes while
# the client reuses it is reset, which counts as an error here although no request reached the app (in production
# nginx holds the client connections).
echo "== gunicorn on 127.0.0.1:$PORT (2 workers × 4 threads, as make run)"
"$BIN/gunicorn" wuxing.config.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --keep-alive 10 \
    --error-logfile "$scratch/gunicorn.log" --capture-output &
server=$!
for _ in $(seq 1 60); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break
    kill -0 "$server" 2>/dev/null || { cat "$scratch/gunicorn.log" >&2; exit 1; }
    sleep 0.5
done

echo "== locust: $USERS users for $DURATION"
mkdir -p "$OUT"
status=0
"$BIN/locust" -f loadtest/locustfile.py --headless --users "$USERS" --spawn-rate "$SPAWN_RATE" \
    --run-time "$DURATION" --stop-timeout 30 --host "http://127.0.0.1:$PORT" --csv "$OUT/stats" --only-summary \
    --loglevel WARNING >"$OUT/locust.log" 2>&1 || status=$?

"$PY" - "$OUT/stats_stats.csv" "$USERS" "$DURATION" <<'EOF' || status=1
"""p50/p95 per page and the error count from locust's CSV; non-zero exit on any error."""
import csv
import sys

path, users, duration = sys.argv[1:4]
rows = list(csv.DictReader(open(path, encoding="utf-8")))
print(f"{users} users, {duration}")
print(f"{'page':34} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}")
errors = 0
for row in rows:
    name = "all pages" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
    print(f"{name:34} {row['Request Count']:>8} {row['Failure Count']:>6} {row['50%']:>7} {row['95%']:>7}")
    if row["Name"] != "Aggregated":
        errors += int(row["Failure Count"])
print(f"errors: {errors}")
sys.exit(1 if errors else 0)
EOF

if [ -s "$OUT/stats_failures.csv" ] && [ "$(wc -l <"$OUT/stats_failures.csv")" -gt 1 ]; then
    echo "== failures" >&2
    cat "$OUT/stats_failures.csv" >&2
fi
if grep -q "Traceback\|Internal Server Error" "$scratch/gunicorn.log"; then
    echo "== server errors in the gunicorn log" >&2
    grep -A20 "Traceback\|Internal Server Error" "$scratch/gunicorn.log" | head -60 >&2
    status=1
fi
exit "$status"
