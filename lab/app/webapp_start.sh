#!/bin/bash
# Start the hamr demo web app on this node (application controller start
# script).  Env from hamrd: HAMR_NODE, HAMR_RG, HAMR_STATE_DIR.
# Exits 0 once the port answers (<= 10 s), 1 otherwise.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${HAMR_NODE:?HAMR_NODE not set}"
: "${HAMR_STATE_DIR:?HAMR_STATE_DIR not set}"
port=${HAMR_WEBAPP_PORT:-8080}
pidfile=$HAMR_STATE_DIR/webapp.pid
# owners log: the lab's shared one when we run inside a lab, else next to the pid file
if [ -n "${HAMR_LAB_OWNERS_LOG:-}" ]; then
    owners=$HAMR_LAB_OWNERS_LOG
elif [ -f "$HAMR_STATE_DIR/../../../owner.pid" ]; then
    owners=$(cd "$HAMR_STATE_DIR/../../.." && pwd)/app-owners.log
else
    owners=$HAMR_STATE_DIR/app-owners.log
fi

is_webapp() {  # pid is alive and is our web app (guards against pid reuse)
    [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -q 'webapp\.py'
}
answers() {
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}
now() { local up _; read -r up _ < /proc/uptime; echo "$up"; }

mkdir -p "$HAMR_STATE_DIR"
if [ -f "$pidfile" ]; then
    old=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$old" ] && is_webapp "$old"; then
        if answers; then
            exit 0   # already running and answering
        fi
    else
        rm -f "$pidfile"   # stale (node crashed)
    fi
fi

nohup /usr/bin/python3 "$here/webapp.py" --port "$port" \
    </dev/null >>"$HAMR_STATE_DIR/webapp.log" 2>&1 &
pid=$!
echo "$pid" > "$pidfile"
echo "$(now) start $HAMR_NODE pid $pid rg ${HAMR_RG:-}" >> "$owners"

i=0
while [ $i -lt 1000 ]; do         # 1000 x 10 ms = 10 s
    if answers; then
        exit 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "webapp_start: web app (pid $pid) exited; see $HAMR_STATE_DIR/webapp.log" >&2
        rm -f "$pidfile"
        exit 1
    fi
    sleep 0.01
    i=$((i + 1))
done
echo "webapp_start: web app (pid $pid) does not answer on port $port after 10 s" >&2
exit 1
