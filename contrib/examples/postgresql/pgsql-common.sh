# pgsql-common.sh: what pgsql-start, pgsql-stop and pgsql-check share
# (sourced, not run). Reads the instance's settings from $HAMR_PGSQL_CONF
# (default /etc/hamr/pgsql.conf, a shell fragment); see README.md.
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
conf=${HAMR_PGSQL_CONF:-/etc/hamr/pgsql.conf}
if [ -r "$conf" ]; then
    . "$conf"
fi
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGDBA=${PGDBA:-postgres}           # the operating system user that runs the server
PGPORT=${PGPORT:-5432}
PGCHECKHOST=${PGCHECKHOST:-127.0.0.1}
PGLOG=${PGLOG:-/var/log/postgresql/hamr-pgsql.log}
PG_START_WAIT=${PG_START_WAIT:-50}  # s: keep below the controller's START_TIMEOUT
PG_STOP_WAIT=${PG_STOP_WAIT:-20}    # s for -m fast; then -m immediate, then SIGKILL
me=${0##*/}

die() { echo "$me: $*"; exit 1; }

[ -n "${PGDATA:-}" ] || die "PGDATA is not set (in $conf)"

# The postmaster's pid when one runs on this node for $PGDATA: the pid in
# postmaster.pid is a live process whose working directory is $PGDATA (a
# pid file left by a crash on another node may name an unrelated local pid).
pg_postmaster_pid() {
    local pid
    [ -r "$PGDATA/postmaster.pid" ] || return 1
    read -r pid < "$PGDATA/postmaster.pid" 2>/dev/null || return 1
    case $pid in '' | *[!0-9]*) return 1 ;; esac
    [ "/proc/$pid/cwd" -ef "$PGDATA" ] || return 1
    echo "$pid"
}

# Every process of this node working in $PGDATA (the same device and
# inode: test -ef, no fork per process): the server's processes, including
# backends a killed postmaster left behind.
pg_leftovers() {
    local p
    for p in /proc/[0-9]*; do
        [ "$p/cwd" -ef "$PGDATA" ] && echo "${p#/proc/}"
    done
    return 0
}

# SIGKILL what pg_leftovers finds, until nothing is left (bounded: 10 s).
pg_kill_leftovers() {
    local i=0 pids
    while [ $i -lt 500 ]; do
        pids=$(pg_leftovers)
        [ -n "$pids" ] || return 0
        kill -9 $pids 2>/dev/null
        sleep 0.02
        i=$((i + 1))
    done
    die "processes in $PGDATA will not die: $(pg_leftovers | tr '\n' ' ')"
}

pg_ctl_as_dba() {
    (cd / && runuser -u "$PGDBA" -- "$PGBIN/pg_ctl" -D "$PGDATA" "$@")
}

pg_ready() {
    "$PGBIN/pg_isready" -h "$PGCHECKHOST" -p "$PGPORT" -U "$PGDBA" -d postgres -t 1
}
