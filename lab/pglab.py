"""pglab: PostgreSQL in the lab, for tests/cluster/test_database.py and
bench/database. A resource group db_rg holds a file_system (ext4 on a
shared block device, the data directory on it), a service IP, the
application controller of contrib/examples/postgresql (pgsql-start,
pgsql-stop) and its monitor (pgsql-check). The lab runs those scripts
through two-line wrappers that name this lab's settings file
(HAMR_PGSQL_CONF), as an administrator with several instances would.

  db = pglab.PgLab(lab)          # after lab.setup(), before configure()
  lab.configure(extra_commands=db.commands(...))
  client = db.start_client(); ...; db.stop_client(client)
  db.acks(), db.rows(), db.fsck()
"""
import os
import subprocess
import time

import hamrlab

PG_BIN = '/usr/lib/postgresql/15/bin'
SCRIPTS = os.path.join(hamrlab.REPO_DIR, 'contrib', 'examples', 'postgresql')
CLIENT = os.path.join(hamrlab.LAB_DIR, 'pgclient.py')
RG = 'db_rg'
CONF = """
listen_addresses = '*'
port = 5432
unix_socket_directories = ''   # /var/run/postgresql is shared by every node of the lab
max_connections = 20
shared_buffers = 16MB
fsync = on
synchronous_commit = on
full_page_writes = on
recovery_init_sync_method = syncfs   # one syncfs() before crash recovery, not an fsync per file
"""
HBA = """
host all all 127.0.0.1/32 trust
host all all 198.18.0.0/15 trust
"""


class PgLab:
    def __init__(self, lab, size_mb=64):
        self.lab = lab
        self.ip = lab.extra_service_ip(1)
        self.label = 'pg' + lab.prefix
        self.dev = lab.add_block_device(size_mb=size_mb, label=self.label)
        # the postgres user reaches its data directory (and the lab's
        # settings) under the run dir, which is 0700: traverse only
        os.chmod(lab.run_dir, 0o711)
        self.mp = os.path.join(lab.run_dir, 'mnt', 'pg')
        self.pgdata = os.path.join(self.mp, 'data')
        self.dir = os.path.join(lab.run_dir, 'pg')
        os.makedirs(self.dir, mode=0o755, exist_ok=True)
        os.chmod(self.dir, 0o755)
        os.makedirs(self.mp, exist_ok=True)
        self.conf = os.path.join(self.dir, 'pgsql.conf')
        self.pglog = os.path.join(self.dir, 'postgresql.log')
        with open(self.conf, 'w') as f:
            f.write('PGDATA=%s\nPGLOG=%s\nPGPORT=5432\nPGCHECKHOST=127.0.0.1\n'
                    'PG_START_WAIT=50\nPG_STOP_WAIT=10\n' % (self.pgdata, self.pglog))
        self.script = {}
        for name in ('pgsql-start', 'pgsql-stop', 'pgsql-check'):
            path = os.path.join(self.dir, name)
            with open(path, 'w') as f:
                f.write('#!/bin/sh\nHAMR_PGSQL_CONF=%s exec %s "$@"\n'
                        % (self.conf, os.path.join(SCRIPTS, name)))
            os.chmod(path, 0o755)
            self.script[name] = path
        self.acks_path = os.path.join(lab.run_dir, 'pg-acks.log')
        self._initdb()

    def _initdb(self):
        """initdb once, on the shared device, in a private mount namespace
        of the host (unmounted again when it ends)."""
        sh = ('set -e; mount -t ext4 "$0" "$1"; trap \'umount "$1"\' EXIT; '
              'install -d -o postgres -g postgres -m 0700 "$2"; '
              'runuser -u postgres -- %s/initdb -D "$2" -U postgres --auth=trust -E UTF8 '
              '--locale=C --no-sync >/dev/null; '
              'cat "$3" >> "$2/postgresql.conf"; cat "$4" > "$2/pg_hba.conf"; '
              'chown postgres:postgres "$2/pg_hba.conf"; sync' % PG_BIN)
        conf = os.path.join(self.dir, 'initdb-postgresql.conf')
        hba = os.path.join(self.dir, 'initdb-pg_hba.conf')
        with open(conf, 'w') as f:
            f.write(CONF)
        with open(hba, 'w') as f:
            f.write(HBA)
        subprocess.run(['unshare', '--mount', '--propagation', 'private', 'sh', '-c', sh,
                        self.dev, self.mp, self.pgdata, conf, hba],
                       check=True, cwd='/', timeout=120, capture_output=True)

    def commands(self, nodes=None, interval=0.5, stabilization=1, restartcount=1,
                 restartinterval=60):
        """clmgr argument lists defining db_rg (configure(extra_commands=))."""
        nodes = nodes or list(self.lab.node_names)
        return [
            ['add', 'file_system', 'pgfs', 'DEVICE=LABEL=' + self.label,
             'MOUNT_POINT=' + self.mp, 'FS_TYPE=ext4'],
            ['add', 'service_ip', 'dbsvc', 'ADDRESS=' + self.ip, 'NETWORK=net_ether_01'],
            ['add', 'application_controller', 'pgsql',
             'STARTSCRIPT=' + self.script['pgsql-start'],
             'STOPSCRIPT=' + self.script['pgsql-stop'], 'START_TIMEOUT=60', 'STOP_TIMEOUT=30'],
            ['add', 'application_monitor', 'pgmon', 'TYPE=Custom', 'APPLICATIONS=pgsql',
             'MODE=longrunning', 'MONITORMETHOD=' + self.script['pgsql-check'],
             'MONITORINTERVAL=%g' % interval, 'STABILIZATION=%g' % stabilization,
             'RESTARTCOUNT=%d' % restartcount, 'RESTARTINTERVAL=%g' % restartinterval,
             'FAILUREACTION=fallover'],
            ['add', 'resource_group', RG, 'NODES=' + ' '.join(nodes), 'STARTUP=OHN',
             'FALLOVER=FNPN', 'FALLBACK=NFB', 'FILESYSTEM=pgfs', 'SERVICE_LABEL=dbsvc',
             'APPLICATIONS=pgsql'],
        ]

    # ------------------------------------------------------------ client
    def start_client(self, interval=0.005, op_timeout=0.5, duration=600):
        return self.lab.run_in_client(
            [hamrlab.PYTHON, CLIENT, '--host', self.ip, '--out', self.acks_path,
             '--interval', str(interval), '--op-timeout', str(op_timeout),
             '--duration', str(duration)])

    @staticmethod
    def stop_client(proc, timeout=10):
        proc.terminate()
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait(timeout)

    def log(self):
        """[(kind, fields...)] of the client's output so far."""
        out = []
        try:
            with open(self.acks_path) as f:
                for line in f:
                    p = line.split(None, 3)
                    if p and p[0] == 'A' and len(p) >= 4:
                        out.append(('A', int(p[1]), float(p[2]), p[3].strip()))
                    elif p and p[0] in ('C', 'E') and len(p) >= 2:
                        out.append((p[0], float(p[1]), ' '.join(p[2:]).strip()))
        except FileNotFoundError:
            pass
        return out

    def acks(self):
        """{id: (monotonic time, node)} of every acknowledged commit."""
        return {e[1]: (e[2], e[3]) for e in self.log() if e[0] == 'A'}

    def first_ack_after(self, t0, node_pred=lambda n: True):
        """(time, node) of the first acknowledgement on a connection made
        after t0 to a node the predicate accepts, or None. (A connection
        made before may still be answered for a moment after a fault: a
        killed postmaster's backends commit until they are killed.)"""
        fresh = False
        for e in self.log():
            if e[0] == 'C':
                fresh = e[1] > t0 and node_pred(e[2])
            elif e[0] == 'A' and fresh and e[2] > t0:
                return e[2], e[3]
        return None

    def wait_ack_after(self, t0, node_pred=lambda n: True, timeout=60):
        return self.lab.wait_for(lambda: self.first_ack_after(t0, node_pred), timeout,
                                 interval=0.05, what='a commit acknowledged after the fault')

    def rows(self):
        """Every id in hamr_acks, read over the service IP from the client."""
        r = self.lab.node_exec('client', [hamrlab.PYTHON, CLIENT, '--host', self.ip, '--dump'],
                               timeout=60)
        if r.returncode != 0:
            raise hamrlab.LabError('pgclient --dump: ' + r.stderr.strip()[-500:])
        return {int(x) for x in r.stdout.split()}

    # ----------------------------------------------------------- server
    def postmaster_pid(self, node):
        """The postmaster's pid on `node`: the pid in postmaster.pid (read
        through the mount namespace of the node's hamrd) when it is a
        postgres process of the node's cgroup, else None."""
        nd = self.lab.node(node)
        if nd.proc is None or nd.proc.poll() is not None:
            return None
        try:
            with open('/proc/%d/root%s/postmaster.pid' % (nd.proc.pid, self.pgdata)) as f:
                pid = int(f.readline().strip())
            with open('/proc/%d/comm' % pid) as f:
                comm = f.read().strip()
        except (OSError, ValueError):
            return None
        return pid if comm == 'postgres' and pid in self.lab.cgroup_pids(node) else None

    def postgres_nodes(self):
        """Nodes where a postgres process runs (powered nodes only)."""
        out = []
        for n, nd in self.lab.nodes.items():
            if not nd.powered:
                continue
            for pid in self.lab.cgroup_pids(n):
                try:
                    with open('/proc/%d/comm' % pid) as f:
                        if f.read().strip() == 'postgres':
                            out.append(n)
                            break
                except OSError:
                    pass
        return out

    def kill_postmaster(self, node):
        """Application failure: SIGKILL to the postmaster of `node`."""
        pid = self.postmaster_pid(node)
        if pid is None:
            return None
        os.kill(pid, 9)
        return pid

    def fsck(self):
        """fsck.ext4 -fn on the device (the group must be offline): the
        CompletedProcess."""
        return subprocess.run(['fsck.ext4', '-fn', self.dev], capture_output=True, text=True,
                              timeout=120)


def events(lab, node):
    """hamr.out of `node` as text."""
    try:
        with open(os.path.join(lab.node(node).state_dir, 'hamr.out'), errors='replace') as f:
            return f.read()
    except FileNotFoundError:
        return ''


def wait_until(pred, timeout, interval=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return None
