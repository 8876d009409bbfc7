#!/bin/bash
# Application monitor (MONITORMETHOD) of the hamr demo web app: exit 0 when
# the pid in the pid file is a live webapp.py, 1 otherwise (one line why).
# Env from hamrd: HAMR_STATE_DIR, HAMR_NODE, HAMR_RG, HAMR_MONITOR.
pidfile=${HAMR_STATE_DIR:?HAMR_STATE_DIR not set}/webapp.pid
pid=$(cat "$pidfile" 2>/dev/null) || { echo "webapp_check: no pid file $pidfile"; exit 1; }
if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q 'webapp\.py'; then
    exit 0
fi
echo "webapp_check: web app (pid $pid) is not running on ${HAMR_NODE:-?}"
exit 1
