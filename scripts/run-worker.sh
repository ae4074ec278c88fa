#!/usr/bin/env bash
# Runs the background task worker (manage.py export_worker) and starts it again whenever it exits: a crash, an
# unhandled database error, kill -9. Each start first marks failed the export jobs the dead worker left "running"
# (with one worker nothing else can still be running them; see WUXING_WORKER_STALE_MINUTES below for several); their owners retry them from the status page.
# Arguments are passed to the worker. Beside it runs the rhythm's scheduler (manage.py rhythm_scheduler), which
# queues the 16:00 reminder, the 18:00 digest and the other apps' daily jobs for this worker; it is started again with the worker if it died.
# TERM or INT stops both and this loop.
set -u
PY=${PY:-.venv/bin/python}
DELAY=${WORKER_RESTART_DELAY:-1}
# With one worker, every job left "running" at start is stale (0 minutes). Where several workers share the queue
# (docs/deploy.md), set WUXING_WORKER_STALE_MINUTES empty (the export timeout applies) or to a number of minutes:
# a job another worker is still running must not be failed.
stale=${WUXING_WORKER_STALE_MINUTES-0}
child=""
scheduler=""
start_scheduler() {
    if [ -z "$scheduler" ] || ! kill -0 "$scheduler" 2>/dev/null; then
        "$PY" manage.py rhythm_scheduler &
        scheduler=$!
    fi
}
stop() {
    [ -n "$scheduler" ] && kill "$scheduler" 2>/dev/null
    [ -n "$child" ] && kill "$child" 2>/dev/null && wait "$child" 2>/dev/null
    exit 0
}
trap stop TERM INT
delay=$DELAY
while true; do
    start_scheduler
    started=$SECONDS
    "$PY" manage.py export_worker --no-reload ${stale:+--stale-minutes "$stale"} "$@" &
    child=$!
    wait "$child"
    status=$?
    child=""
    # A worker that ran a while restarts at once; one that keeps dying backs off, up to 30 s.
    if (( SECONDS - started > 60 )); then delay=$DELAY; fi
    echo "task worker exited with status $status; restarting in ${delay} s" >&2
    sleep "$delay" &
    wait $!
    delay=$(awk -v d="$delay" 'BEGIN { d = d * 2; print (d > 30 ? 30 : d) }')
done
