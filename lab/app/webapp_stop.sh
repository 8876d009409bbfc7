#!/bin/bash
# Stop the hamr demo web app on this node (application controller stop
# script).  TERM, wait <= 5 s, KILL.  Exits 0 if it was not running.
set -eu
: "${HAMR_STATE_DIR:?HAMR_STATE_DIR not set}"
pidfile=$HAMR_STATE_DIR/webapp.pid
if [ -n "${HAMR_LAB_OWNERS_LOG:-}" ]; then
    owners=$HAMR_LAB_OWNERS_LOG
elif [ -f "$HAMR_STATE_DIR/../../../owner.pid" ]; then
    owners=$(cd "$HAMR_STATE_DIR/../../.." && pwd)/app-owners.log
else
    owners=$HAMR_STATE_DIR/app-owners.log
fi
is_webapp() {
    [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' < "/proc/$1/cmdline" | grep -q 'webapp\.py'
}
now() { local up _; read -r up _ < /proc/uptime; echo "$up"; }

# fault injection for the lab: a stop that fails and leaves the app running
if [ -e "$HAMR_STATE_DIR/webapp.stop-fails" ]; then
    echo "webapp_stop: failing on purpose ($HAMR_STATE_DIR/webapp.stop-fails)" >&2
    exit 1
fi
[ -f "$pidfile" ] || exit 0
pid=$(cat "$pidfile" 2>/dev/null || true)
if [ -n "$pid" ] && is_webapp "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    i=0
    while [ $i -lt 100 ] && is_webapp "$pid"; do   # 100 x 50 ms = 5 s
        sleep 0.05
        i=$((i + 1))
    done
    if is_webapp "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
        i=0
        while [ $i -lt 40 ] && is_webapp "$pid"; do
            sleep 0.05
            i=$((i + 1))
        done
    fi
    echo "$(now) stop ${HAMR_NODE:-?} pid $pid rg ${HAMR_RG:-}" >> "$owners"
fi
rm -f "$pidfile"
if [ -n "$pid" ] && is_webapp "$pid"; then
    echo "webapp_stop: pid $pid still alive" >&2
    exit 1
fi
exit 0
