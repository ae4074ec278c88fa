#!/usr/bin/env bash
# Two app servers (gunicorn) on two ports and a task worker, all on one PostgreSQL (DATABASE_URL) and one Redis
# (REDIS_URL): the layout of several app servers behind a load balancer (docs/deploy.md), on one machine.
# Files go to the S3 bucket when WUXING_S3_BUCKET (and WUXING_S3_ENDPOINT_URL, keys) are set, else to the one
# MEDIA_ROOT all three processes share. `make cluster` runs it after migrate and collectstatic; stop with Ctrl+C.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuxing REDIS_URL=redis://127.0.0.1:6379/0 make cluster
#
# CLUSTER_PORTS (default "8001 8002"), CLUSTER_GUNICORN_WORKERS (2), CLUSTER_WORKERS (task workers, 1),
# CLUSTER_MIGRATE=0 to skip the migration. scripts/cluster-client.py signs in and reads round-robin through them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
GUNICORN=${GUNICORN:-$(dirname "$PY")/gunicorn}
: "${DATABASE_URL:?set DATABASE_URL=postgres://… (every server and worker uses the same database)}"
: "${REDIS_URL:?set REDIS_URL=redis://… (sessions, the cache and the sign-in limits are shared there)}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) echo "cluster: DATABASE_URL must be PostgreSQL; SQLite serves one machine (make run)" >&2; exit 2 ;;
esac
PORTS=${CLUSTER_PORTS:-"8001 8002"}
export DATABASE_URL REDIS_URL
export MEDIA_ROOT=${MEDIA_ROOT:-$PWD/var/media}
# Several workers share the queue: a job another worker is running is not "stale" at a worker's start.
export WUXING_WORKER_STALE_MINUTES=${WUXING_WORKER_STALE_MINUTES-}
if [ "${CLUSTER_MIGRATE:-1}" = "1" ]; then
    "$PY" manage.py migrate --noinput -v 0
fi

pids=()
stop() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT INT TERM

for port in $PORTS; do
    "$GUNICORN" wuxing.config.wsgi:application --bind "127.0.0.1:$port" --workers "${CLUSTER_GUNICORN_WORKERS:-2}" \
        --threads 4 --access-logfile - --access-logformat "[:$port] %(m)s %(U)s %(s)s" &
    pids+=($!)
    echo "app server: http://127.0.0.1:$port/"
done
for _ in $(seq 1 "${CLUSTER_WORKERS:-1}"); do
    PY=$PY scripts/run-worker.sh -v 0 &
    pids+=($!)
done
echo "task workers: ${CLUSTER_WORKERS:-1}; files: ${WUXING_S3_BUCKET:+S3 bucket $WUXING_S3_BUCKET}${WUXING_S3_BUCKET:-$MEDIA_ROOT}"
# Stop everything when any one of them stops.
wait -n "${pids[@]}" || true
