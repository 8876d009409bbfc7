"""Tests of the lab itself (lab/hamrlab.py); no hamr binaries needed.

Run as root:  /usr/bin/python3 -m pytest -q tests/cluster/test_lab.py
"""
import errno
import fcntl
import json
import os
import signal
import socket
import stat
import struct
import subprocess
import sys
import threading
import time

import pytest

if os.geteuid() != 0:
    pytest.skip('the lab needs root', allow_module_level=True)

LAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'lab')
sys.path.insert(0, os.path.abspath(LAB))
import hamrlab  # noqa: E402

PY = '/usr/bin/python3'


def leftovers(prefix):
    """Everything of a lab with this prefix still present on the host."""
    left = []
    ns = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True).stdout
    left += ['netns ' + l.split()[0] for l in ns.splitlines() if l.startswith(prefix + '-')]
    links = json.loads(subprocess.run(['ip', '-j', 'link', 'show'], capture_output=True,
                                      text=True).stdout or '[]')
    left += ['link ' + l['ifname'] for l in links if l.get('ifname', '').startswith(prefix + '-')]
    cg = os.path.join(hamrlab.cgroup2_root(), 'hamrlab-' + prefix)
    if os.path.exists(cg):
        left.append('cgroup ' + cg)
    rd = os.path.join(hamrlab.RUN_ROOT, prefix)
    if os.path.exists(rd):
        left.append('run dir ' + rd)
    left += ['mount ' + m for m in hamrlab._mounts_under(rd)]
    return left


@pytest.fixture(scope='module')
def lab():
    lab = hamrlab.Lab(nodes=3)
    lab.setup()
    try:
        yield lab
    finally:
        problems = lab.cleanup()
        assert problems == []
        assert leftovers(lab.prefix) == []


def wait_exit(p, timeout=15):
    try:
        return p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        raise


def ip_json(*args):
    return json.loads(subprocess.run(['ip', '-j'] + list(args), capture_output=True, text=True,
                                     check=True).stdout or '[]')


# ---------------------------------------------------------------------------

def test_layout(lab):
    assert hamrlab.PREFIX_RE.match(lab.prefix)
    ns = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True).stdout
    names = {l.split()[0] for l in ns.splitlines()}
    for n in ('n1', 'n2', 'n3'):
        assert lab.ns(n) in names
    assert lab.client_ns in names
    # the bridge is up and holds no address at all
    br = ip_json('addr', 'show', 'dev', lab.bridge)
    assert br and br[0]['addr_info'] == []
    assert 'UP' in br[0]['flags']
    for n in ('n1', 'n2', 'n3'):
        nd = lab.node(n)
        assert len(nd.veth) <= 15
        host = ip_json('addr', 'show', 'dev', nd.veth)[0]
        assert host['addr_info'] == [] and host.get('master') == lab.bridge
        assert lab.node_addrs(n) == [lab.addr(n)]
        assert lab.addr(n) == '198.18.0.%d' % (10 + nd.index)
        # key copies: 32 bytes, 0600, all equal
        st = os.stat(nd.key)
        assert st.st_size == 32 and (st.st_mode & 0o777) == 0o600
        assert open(nd.key, 'rb').read() == open(lab.key, 'rb').read()
        assert os.path.isdir(nd.state_dir)
        assert os.path.isdir(nd.cgroup)
    assert lab.node_addrs('client') == ['198.18.0.100']
    st = os.stat(lab.repository)
    assert st.st_size == 8 << 20 and (st.st_mode & 0o777) == 0o600
    assert open(lab.repository, 'rb').read(4096) == bytes(4096)
    assert int(open(os.path.join(lab.run_dir, 'owner.pid')).read().split()[0]) == os.getpid()
    assert lab.service_ip == '198.18.0.50'


def test_addresses_skip_reserved():
    hosts = [hamrlab.node_host(i) for i in range(1, hamrlab.MAX_NODES + 1)]
    assert len(set(hosts)) == len(hosts)
    assert all(11 <= h <= 254 and not 50 <= h <= 59 and h != 100 for h in hosts)


def test_connectivity(lab):
    everyone = ['n1', 'n2', 'n3', 'client']
    for a in everyone:
        for b in everyone:
            if a != b:
                dst = lab.client_ip if b == 'client' else lab.addr(b)
                assert lab.reachable(a, dst), '%s cannot reach %s' % (a, b)
    # nothing outside the lab subnet is reachable (no route)
    assert not lab.reachable('n1', '192.0.2.1', timeout=0.2)


def test_udp_echo_between_nodes(lab):
    """A real datagram round trip: echo server in n2, client in n1."""
    srv = lab.run_in_node('n2', [PY, '-c', (
        'import socket,sys\n'
        's=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n'
        's.bind(("0.0.0.0",7))\nprint("ready",flush=True)\ns.settimeout(10)\n'
        'd,a=s.recvfrom(100)\ns.sendto(d,a)\n')], stdout=subprocess.PIPE, text=True)
    try:
        assert srv.stdout.readline().strip() == 'ready'
        s = lab.socket('n1', socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.sendto(b'hello', (lab.addr('n2'), 7))
        data, addr = s.recvfrom(100)
        s.close()
        assert data == b'hello' and addr[0] == lab.addr('n2')
    finally:
        wait_exit(srv)


def test_run_in_node_namespaces(lab):
    p = lab.run_in_node('n2', ['/bin/sh', '-c',
                               'cat /proc/sys/kernel/hostname; grep ^0:: /proc/self/cgroup; '
                               'readlink /proc/self/ns/mnt /proc/self/ns/uts'],
                        stdout=subprocess.PIPE, text=True)
    out = p.communicate(timeout=10)[0].split()
    assert out[0] == 'n2'
    assert out[1].endswith('/hamrlab-%s/n2' % lab.prefix)
    assert os.readlink('/proc/self/ns/mnt') != out[2]
    assert os.readlink('/proc/self/ns/uts') != out[3]
    assert socket.gethostname() != 'n2'   # the host's name is untouched


def bare_env(lab, name):
    """Exactly what hamrd adds for a script; no PATH, no lab variables."""
    nd = lab.node(name)
    return {'HAMR_NODE': name, 'HAMR_RG': 'web_rg', 'HAMR_STATE_DIR': nd.state_dir}


def start_app(lab, name):
    p = lab.run_in_node(name, [lab.app_start], env=bare_env(lab, name),
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate(timeout=15)
    assert p.returncode == 0, err


def stop_app(lab, name):
    r = lab.node_exec(name, [lab.app_stop], env=bare_env(lab, name), timeout=15)
    assert r.returncode == 0, r.stderr


def test_webapp_and_s1(lab):
    start_app(lab, 'n2')
    assert lab.app_on('n2')
    assert not lab.app_on('n1') and not lab.app_on('n3')
    st, body = lab.http_get('http://%s:8080/' % lab.addr('n2'))
    assert st == 200 and body.startswith('hamr demo app on node n2 pid ')
    pid = lab.app_pid('n2')
    assert pid and ('pid %d ' % pid) in body
    assert pid in lab.cgroup_pids('n2')
    # starting again is a no-op
    start_app(lab, 'n2')
    assert lab.app_pid('n2') == pid
    # no service IP yet
    assert lab.client_get(timeout=0.3) is None
    subprocess.run(['ip', '-n', lab.ns('n2'), 'addr', 'add', '198.18.0.50/24', 'dev', 'eth0'],
                   check=True)
    assert lab.node_has_ip('n2', lab.service_ip)
    assert 'on node n2' in lab.wait_for(lab.client_get, 3, what='client sees the app')
    assert lab.client_get('/health') == 'ok'
    sample = lab.s1_sample()
    assert sample == {'n1': {'ip': False, 'app': False}, 'n2': {'ip': True, 'app': True},
                      'n3': {'ip': False, 'app': False}}
    lab.assert_s1(sample)
    # a second owner violates S1
    start_app(lab, 'n3')
    with pytest.raises(AssertionError, match='application running on n2, n3'):
        lab.assert_s1(lab.s1_sample())
    stop_app(lab, 'n3')
    assert not lab.app_on('n3')
    assert not os.path.exists(os.path.join(lab.node('n3').state_dir, 'webapp.pid'))
    stop_app(lab, 'n3')  # not running: still 0
    owners = lab.owners()
    assert [(o[1], o[2]) for o in owners] == [('start', 'n2'), ('start', 'n3'), ('stop', 'n3')]
    assert abs(owners[0][0] - time.monotonic()) < 60


def test_probe_sees_move(lab):
    """probe.py reports n2, then n3 after the service IP and app move."""
    assert lab.app_on('n2') and lab.node_has_ip('n2', lab.service_ip)
    p = lab.start_probe(interval=0.01, timeout=0.1, duration=2.0)
    try:
        time.sleep(0.5)
        t_fault = time.monotonic()
        subprocess.run(['ip', '-n', lab.ns('n2'), 'addr', 'del', '198.18.0.50/24', 'dev', 'eth0'],
                       check=True)
        stop_app(lab, 'n2')
        start_app(lab, 'n3')
        subprocess.run(['ip', '-n', lab.ns('n3'), 'addr', 'add', '198.18.0.50/24', 'dev', 'eth0'],
                       check=True)
        lab.flush_client_arp()   # hamr would send a gratuitous ARP
        out = p.communicate(timeout=10)[0]
    finally:
        if p.poll() is None:
            p.kill()
    lines = [json.loads(l) for l in out.splitlines()]
    summary = lines[-1]
    assert summary['summary'] is True
    changes = lines[:-1]
    assert changes[0]['ok'] and changes[0]['node'] == 'n2'
    assert changes[-1]['ok'] and changes[-1]['node'] == 'n3'
    assert summary['nodes'] == ['n2', 'n3']
    assert len(summary['switches']) == 1 and summary['switches'][0]['t'] > t_fault
    assert summary['samples'] > 20
    assert all(o['start'] >= t_fault for o in summary['outages'])
    assert lab.s1_sample()['n3'] == {'ip': True, 'app': True}


def test_cut_and_restore_link(lab):
    assert lab.reachable('n1', lab.addr('n3'))
    lab.cut_link('n3')
    assert not lab.link_up('n3')
    assert not lab.reachable('n1', lab.addr('n3'), timeout=0.3)
    assert not lab.reachable('client', lab.addr('n3'), timeout=0.3)
    assert lab.reachable('n1', lab.addr('n2'))
    lab.restore_link('n3')
    assert lab.link_up('n3')
    lab.wait_for(lambda: lab.reachable('n1', lab.addr('n3'), timeout=0.3), 5,
                 what='n3 reachable again')
    lab.wait_for(lambda: lab.reachable('client', lab.addr('n3'), timeout=0.3), 5,
                 what='n3 reachable from client')


def test_block_and_partition(lab):
    if not os.path.exists('/usr/sbin/nft'):
        pytest.skip('nft not installed')
    lab.partition(['n1'], ['n2', 'n3'])
    try:
        assert not lab.reachable('n1', lab.addr('n2'), timeout=0.3)
        assert not lab.reachable('n3', lab.addr('n1'), timeout=0.3)
        assert lab.reachable('n2', lab.addr('n3'))
        assert lab.reachable('client', lab.addr('n1'))
    finally:
        lab.heal()
    lab.wait_for(lambda: lab.reachable('n1', lab.addr('n2'), timeout=0.3), 5, what='healed')


def test_hang_and_thaw(lab):
    counter = os.path.join(lab.node('n1').state_dir, 'counter')
    p = lab.run_in_node('n1', ['/bin/sh', '-c', 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); '
                               'echo $i > "$0"; sleep 0.01; done', counter])
    lab.wait_for(lambda: p.pid in lab.cgroup_pids('n1'), 5, what='counter in n1 cgroup')

    def count():
        try:
            return int(open(counter).read() or 0)
        except (OSError, ValueError):
            return 0
    lab.wait_for(lambda: count() > 2, 5, what='counter running')
    lab.hang('n1')
    assert lab.is_frozen('n1')
    c = count()
    time.sleep(0.3)
    assert count() == c and p.poll() is None          # nothing runs
    lab.thaw('n1')
    assert not lab.is_frozen('n1')
    lab.wait_for(lambda: count() > c, 5, what='counter running again')
    p.kill()
    wait_exit(p, 5)


def test_crash_and_power_on(lab):
    p = lab.run_in_node('n3', ['sleep', '60'])
    lab.wait_for(lambda: p.pid in lab.cgroup_pids('n3'), 5, what='sleep in n3 cgroup')
    assert lab.app_on('n3') and lab.node_has_ip('n3', lab.service_ip)
    lab.hang('n3')       # crash works on a hung node too
    t = time.monotonic()
    lab.crash('n3')
    assert time.monotonic() - t < 2
    assert wait_exit(p, 5) == -signal.SIGKILL
    assert lab.cgroup_pids('n3') == []
    assert not lab.is_frozen('n3')
    assert not lab.link_up('n3')
    assert lab.node_addrs('n3') == [lab.addr('n3')]   # service IP gone
    assert 'n3' not in lab.s1_sample()
    assert lab.client_get(timeout=0.2) is None
    assert not lab.reachable('n1', lab.addr('n3'), timeout=0.3)
    lab.restart('n3', daemon=False)
    assert lab.link_up('n3') and 'n3' in lab.s1_sample()
    lab.wait_for(lambda: lab.reachable('n1', lab.addr('n3'), timeout=0.3), 5, what='n3 back')
    # the stale pid file of the killed app does not fool the scripts
    assert lab.app_pid('n3') is None
    start_app(lab, 'n3')
    assert lab.app_on('n3')
    assert lab.kill_app('n3')
    lab.wait_for(lambda: not lab.app_on('n3'), 5, what='app killed')


# ---------------------------------------------------------------------------
# repository filesystem (lab/repofs, hamr-repofs)

def need_repofs(lab):
    if lab.repofs_proc is None:
        pytest.skip('hamr-repofs not built in %s' % lab.build_dir)


OFF = 3 << 20    # a scratch area of the repository, away from block 0


def test_repofs_layout_and_sharing(lab):
    need_repofs(lab)
    assert os.path.ismount(lab.repofs_dir)
    for n in lab.node_names:
        assert lab.repo_path(n) == os.path.join(lab.run_dir, 'repofs', n)
        assert os.stat(lab.repo_path(n)).st_size == 8 << 20
        assert lab.repo_mode(n) == 'ok'
    data = os.urandom(4096)
    a = os.open(lab.repo_path('n1'), os.O_RDWR)
    b = os.open(lab.repo_path('n2'), os.O_RDWR)
    try:
        assert os.pread(b, 4096, OFF) == bytes(4096)   # b has read (and could cache) it
        os.pwrite(a, data, OFF)
        assert os.pread(b, 4096, OFF) == data          # no stale cache: direct_io
        with open(lab.repository, 'rb') as f:          # the one backing file
            f.seek(OFF)
            assert f.read(4096) == data
        # and from inside node n3's own mount namespace
        p = lab.run_in_node('n3', [PY, '-c', (
            'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); '
            'sys.stdout.write(os.pread(fd, 4096, %d).hex())' % OFF), lab.repo_path('n3')],
            stdout=subprocess.PIPE, text=True)
        assert p.communicate(timeout=10)[0] == data.hex()
        os.pwrite(a, bytes(4096), OFF)
    finally:
        os.close(a)
        os.close(b)


def test_repofs_error_one_node(lab):
    need_repofs(lab)
    fd1 = os.open(lab.repo_path('n1'), os.O_RDWR)
    try:
        lab.repo_fault('n1', 'error')
        assert lab.repo_mode('n1') == 'error' and lab.repo_mode('n2') == 'ok'
        t = time.monotonic()
        for op in (lambda: os.pread(fd1, 512, 0), lambda: os.pwrite(fd1, b'x', OFF),
                   lambda: os.open(lab.repo_path('n1'), os.O_RDWR)):
            with pytest.raises(OSError) as e:
                op()
            assert e.value.errno == errno.EIO
        assert time.monotonic() - t < 2          # at once, no hang
        for n in ('n2', 'n3'):
            fd = os.open(lab.repo_path(n), os.O_RDWR)
            assert os.pread(fd, 512, 0) == bytes(512)
            os.close(fd)
    finally:
        lab.repo_fault('n1', 'ok')
    assert os.pread(fd1, 512, 0) == bytes(512)   # the same open works again
    os.close(fd1)
    # several nodes at once, 'all', bad input
    lab.repo_fault(['n2', 'n3'], 'error')
    assert [lab.repo_mode(n) for n in lab.node_names] == ['ok', 'error', 'error']
    lab.repo_fault('all', 'ok')
    assert [lab.repo_mode(n) for n in lab.node_names] == ['ok', 'ok', 'ok']
    with pytest.raises(ValueError):
        lab.repo_fault('n1', 'slow')
    with pytest.raises(KeyError):
        lab.repo_fault('n9', 'error')


def test_repofs_hang_one_node(lab):
    need_repofs(lab)
    fd1 = os.open(lab.repo_path('n1'), os.O_RDWR)
    fd2 = os.open(lab.repo_path('n2'), os.O_RDWR)
    results = {}

    def reader(key):
        t = time.monotonic()
        try:
            results[key] = (os.pread(fd1, 512, 0), time.monotonic() - t)
        except OSError as e:
            results[key] = (e.errno, time.monotonic() - t)

    try:
        lab.repo_fault('n1', 'hang')
        th = threading.Thread(target=reader, args=('first',), daemon=True)
        th.start()
        time.sleep(0.5)
        assert th.is_alive() and 'first' not in results      # blocked
        assert os.pread(fd2, 512, 0) == bytes(512)            # n2 is not affected
        lab.repo_fault('n1', 'ok')
        th.join(10)
        assert results['first'][0] == bytes(512) and results['first'][1] >= 0.4
        # hang, then error: the blocked request fails with EIO
        lab.repo_fault('n1', 'hang')
        th = threading.Thread(target=reader, args=('second',), daemon=True)
        th.start()
        time.sleep(0.3)
        assert th.is_alive()
        lab.repo_fault('n1', 'error')
        th.join(10)
        assert results['second'][0] == errno.EIO
        # a process blocked on a hung repository still dies when its node crashes
        lab.repo_fault('n3', 'hang')
        p = lab.run_in_node('n3', [PY, '-c', (
            'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); print("open", flush=True); '
            'os.pread(fd, 512, 0); print("read", flush=True)'), lab.repo_path('n3')],
            stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == 'open'
        time.sleep(0.3)
        assert p.poll() is None
        t = time.monotonic()
        lab.crash('n3')
        assert time.monotonic() - t < 5
        assert wait_exit(p, 5) == -signal.SIGKILL
        lab.restart('n3', daemon=False)
    finally:
        lab.repo_fault('all', 'ok')
        os.close(fd1)
        os.close(fd2)


def ofd_lock(fd, kind, wait=False):
    cmd = fcntl.F_OFD_SETLKW if wait else fcntl.F_OFD_SETLK
    fcntl.fcntl(fd, cmd, struct.pack('hhqqi4x', kind, os.SEEK_SET, 4096, 4096, 0))


def test_repofs_ofd_locks_across_names(lab):
    need_repofs(lab)
    a = os.open(lab.repo_path('n1'), os.O_RDWR)
    b = os.open(lab.repo_path('n2'), os.O_RDWR)
    try:
        ofd_lock(a, fcntl.F_WRLCK)
        with pytest.raises(OSError) as e:
            ofd_lock(b, fcntl.F_WRLCK)
        assert e.value.errno == errno.EAGAIN
        d = os.dup(a)          # closing another descriptor keeps an OFD lock
        os.close(d)
        with pytest.raises(OSError):
            ofd_lock(b, fcntl.F_WRLCK)
        # a waiter through n2 gets the lock once n1 unlocks
        got = []
        th = threading.Thread(target=lambda: (ofd_lock(b, fcntl.F_WRLCK, wait=True),
                                              got.append(time.monotonic())), daemon=True)
        th.start()
        time.sleep(0.3)
        assert not got
        t = time.monotonic()
        ofd_lock(a, fcntl.F_UNLCK)
        th.join(10)
        assert got and got[0] >= t
        with pytest.raises(OSError):
            ofd_lock(a, fcntl.F_WRLCK)
        ofd_lock(b, fcntl.F_UNLCK)
        ofd_lock(a, fcntl.F_WRLCK)
    finally:
        os.close(a)
        os.close(b)
    # closing the holder releases its lock (asynchronously: FUSE release)
    c = os.open(lab.repo_path('n3'), os.O_RDWR)
    try:
        def try_lock():
            try:
                ofd_lock(c, fcntl.F_WRLCK)
                return True
            except BlockingIOError:
                return False
        lab.wait_for(try_lock, 5, interval=0.01, what='lock free after close')
    finally:
        os.close(c)


# ---------------------------------------------------------------------------
# watchdog emulator (lab/wdemu.py)

class Petter:
    """Writes to a node's watchdog FIFO like hamrd does."""

    def __init__(self, lab, name):
        self.fd = os.open(lab.watchdog_path(name), os.O_WRONLY | os.O_NONBLOCK)
        self.last = None
        self.max_gap = 0.0

    def write(self, data):
        os.write(self.fd, data)
        now = time.monotonic()
        if self.last is not None:
            self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def pet_for(self, seconds, every=0.01):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.write(b'k')
            time.sleep(every)

    def close(self):
        os.close(self.fd)


def test_watchdog_fires_like_crash(lab):
    n = 'n2'
    assert stat_is_fifo(lab.watchdog_path(n))
    extra = lab.extra_service_ip(3)
    p = lab.run_in_node(n, ['sleep', '100'])
    lab.wait_for(lambda: p.pid in lab.cgroup_pids(n), 5, what='sleep in n2 cgroup')
    subprocess.run(['ip', '-n', lab.ns(n), 'addr', 'add', extra + '/24', 'dev', 'eth0'],
                   check=True)
    before = len(lab.watchdog_fired())
    w = Petter(lab, n)
    try:
        w.write(b'T1')          # "T100\n" split over two writes
        time.sleep(0.02)
        w.write(b'00\n')
        w.pet_for(0.5)
        fired = lab.watchdog_fired(n)
        # petted every 10 ms: no firing (unless this process itself stalled > 100 ms)
        assert not fired or w.max_gap >= 0.095, fired
        if fired:
            pytest.skip('the test process stalled %.0f ms while petting' % (w.max_gap * 1000))
        w.write(b'k')
        last = w.last
        rec = lab.wait_for(lambda: lab.watchdog_fired(n), 5, interval=0.01,
                           what='watchdog firing')[-1]
    finally:
        w.close()
    assert rec[1] == n
    assert last + 0.1 - 0.002 <= rec[0] <= last + 0.1 + 0.2, (rec, last)
    assert 100 <= rec[2] < 300
    assert len(lab.watchdog_fired()) == before + 1
    # what crash() does
    assert wait_exit(p, 5) == -signal.SIGKILL
    lab.wait_for(lambda: lab.cgroup_pids(n) == [], 5, what='n2 cgroup empty')
    assert lab.node_addrs(n) == [lab.addr(n)]
    assert not lab.link_up(n)
    assert lab.is_crashed(n) and n not in lab.s1_sample()
    with open(os.path.join(lab.run_dir, 'watchdog.log')) as f:
        line = f.read().splitlines()[-1].split()
    assert line[1:3] == [n, 'fired'] and float(line[0]) == pytest.approx(rec[0], abs=1e-5)
    lab.restart(n, daemon=False)
    assert not lab.is_crashed(n) and lab.link_up(n)
    time.sleep(0.3)
    assert len(lab.watchdog_fired(n)) == 1 and not lab.is_crashed(n)   # disarmed after firing


def stat_is_fifo(path):
    mode = os.stat(path).st_mode
    return stat.S_ISFIFO(mode) and (mode & 0o777) == 0o600


def test_watchdog_magic_close_and_deliberate_stops(lab):
    before = len(lab.watchdog_fired())
    # V disarms
    w = Petter(lab, 'n1')
    try:
        w.write(b'T100\n')
        w.pet_for(0.1)
        w.write(b'V')
        time.sleep(0.5)
        assert len(lab.watchdog_fired()) == before
        # re-armed by T, then a deliberate crash(): not a firing
        w.write(b'T100\n')
        w.pet_for(0.1)
    finally:
        w.close()
    lab.crash('n1')
    time.sleep(0.5)
    assert len(lab.watchdog_fired()) == before
    lab.restart('n1', daemon=False)
    # stop_daemon() disarms too (no hamrd here: the FIFO is armed by hand)
    w = Petter(lab, 'n3')
    try:
        w.write(b'T100\n')
    finally:
        w.close()
    lab.stop_daemon('n3')
    time.sleep(0.5)
    assert len(lab.watchdog_fired()) == before
    assert not lab.is_crashed('n1') and not lab.is_crashed('n3')
    assert lab.link_up('n1') and lab.link_up('n3')



def test_wait_for():
    assert hamrlab.Lab.wait_for(lambda: 7, 1) == 7
    t = time.monotonic()
    with pytest.raises(TimeoutError, match=r'waiting for the answer; last: 0'):
        hamrlab.Lab.wait_for(lambda: 0, 0.2, what='the answer')
    assert time.monotonic() - t < 1
    with pytest.raises(TimeoutError, match=r'ZeroDivisionError'):
        hamrlab.Lab.wait_for(lambda: 1 / 0, 0.1)


def test_no_binaries_clear_error(tmp_path):
    with hamrlab.Lab(nodes=1, build_dir=str(tmp_path)) as lab:
        with pytest.raises(FileNotFoundError, match='hamrd not built'):
            lab.start_daemon('n1')
        with pytest.raises(FileNotFoundError, match='clmgr not built'):
            lab.clmgr('n1', 'status')
        # no hamr-repofs: the shared file, and no repository faults
        assert lab.repo_path('n1') == lab.repository
        with pytest.raises(hamrlab.LabError, match='no repository filesystem'):
            lab.repo_fault('n1', 'error')


def test_cleanup_leaves_nothing():
    lab = hamrlab.Lab(nodes=2)
    with lab:
        prefix = lab.prefix
        p1 = lab.run_in_node('n1', ['sleep', '60'])
        p2 = lab.run_in_node('n2', ['sleep', '60'])
        lab.wait_for(lambda: lab.cgroup_pids('n1') and lab.cgroup_pids('n2'), 5, what='sleeps')
        lab.hang('n2')
        lab.socket('client').close()          # a netns socket thread exists
        start_app(lab, 'n1')
        if lab.repofs_proc is not None:       # a reader blocked on a hung repository
            lab.repo_fault('n1', 'hang')
            p3 = lab.run_in_node('n1', [PY, '-c', 'import sys; open(sys.argv[1], "rb").read(9)',
                                        lab.repo_path('n1')])
            time.sleep(0.2)
            assert p3.poll() is None
        assert leftovers(prefix)
    assert leftovers(prefix) == []
    assert p1.poll() is not None and p2.poll() is not None
    assert lab.cleanup() == []   # idempotent


def test_cleanup_stale():
    """A lab whose owner died is removed by `hamr-lab cleanup-stale`."""
    code = ('import sys,time; sys.path.insert(0, %r); import hamrlab\n'
            'lab = hamrlab.Lab(nodes=1); lab.setup()\n'
            'lab.run_in_node("n1", ["sleep", "60"])\n'
            'print(lab.prefix, flush=True); time.sleep(60)\n') % os.path.abspath(LAB)
    owner = subprocess.Popen([PY, '-c', code], stdout=subprocess.PIPE, text=True)
    try:
        prefix = owner.stdout.readline().strip()
        assert hamrlab.PREFIX_RE.match(prefix)
        assert leftovers(prefix)
        # a live owner is left alone
        subprocess.run([os.path.join(LAB, 'hamr-lab'), 'cleanup-stale'], check=True, timeout=30)
        assert leftovers(prefix)
    finally:
        owner.kill()         # SIGKILL: no atexit, no cleanup
        owner.wait(10)
    assert leftovers(prefix)
    r = subprocess.run([os.path.join(LAB, 'hamr-lab'), 'cleanup-stale'], capture_output=True,
                       text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert 'removed stale lab ' + prefix in r.stdout
    assert leftovers(prefix) == []


FAKE_HAMRD = r'''#!/usr/bin/python3
import argparse, json, os, signal, socket, sys, time
ap = argparse.ArgumentParser()
for o in ('--node', '--repository', '--key', '--socket', '--state-dir'):
    ap.add_argument(o, required=True)
ap.add_argument('--watchdog')
a = ap.parse_args()
s = socket.socket(socket.AF_UNIX)
s.bind(a.socket)
s.listen()
cg = [l for l in open('/proc/self/cgroup').read().splitlines() if l.startswith('0::')][0]
info = dict(vars(a), pid=os.getpid(), hostname=open('/proc/sys/kernel/hostname').read().strip(),
            cgroup=cg[3:], env_socket=os.environ.get('HAMR_SOCKET'))
json.dump(info, open(os.path.join(a.state_dir, 'fake.json'), 'w'))
print('fake hamrd up', flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    time.sleep(0.05)
'''

FAKE_CLMGR = r'''#!/usr/bin/python3
import json, os, socket, sys
sock = os.environ['HAMR_SOCKET']
c = socket.socket(socket.AF_UNIX)
c.connect(sock)          # fails (exit 1) when the daemon is not there
c.close()
me = open('/proc/sys/kernel/hostname').read().strip()
with open(os.path.join(os.path.dirname(sock), 'clmgr.log'), 'a') as f:
    f.write(json.dumps(sys.argv[1:]) + '\n')
if 'status' in sys.argv:
    print(json.dumps({'ok': True, 'cluster': {'NAME': 'lab', 'STATE': 'STABLE', 'LOCAL_NODE': me},
                      'nodes': [{'NAME': me, 'STATE': 'ONLINE'}],
                      'groups': [{'NAME': 'web_rg', 'STATE': 'ONLINE', 'CURRENT_NODE': me,
                                  'NODES': {me: 'ONLINE'}}]}))
'''


def test_daemon_plumbing_with_fake_binaries(tmp_path):
    """start/stop/crash/restart of the daemon, clmgr, configure and status,
    with stand-in hamrd and clmgr (the real ones are tested elsewhere)."""
    for rel, text in (('src/daemon/hamrd', FAKE_HAMRD), ('src/cli/clmgr', FAKE_CLMGR)):
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
        f.chmod(0o755)
    repofs = os.path.join(hamrlab.DEFAULT_BUILD_DIR, 'lab', 'repofs', 'hamr-repofs')
    if os.access(repofs, os.X_OK):      # the per-node repository paths too
        (tmp_path / 'lab' / 'repofs').mkdir(parents=True)
        (tmp_path / 'lab' / 'repofs' / 'hamr-repofs').symlink_to(repofs)
    with hamrlab.Lab(nodes=2, build_dir=str(tmp_path)) as lab:
        lab.start_all()
        assert lab.running_nodes() == ['n1', 'n2']
        for n in lab.node_names:
            nd = lab.node(n)
            info = json.load(open(os.path.join(nd.state_dir, 'fake.json')))
            assert info['node'] == n and info['hostname'] == n
            # the same repository path on every node, bound to the node's own repofs name
            assert info['repository'] == lab.disk_path('repo') and info['key'] == nd.key
            assert info['watchdog'] == lab.watchdog_path(n)
            assert info['socket'] == nd.sock == info['env_socket']
            assert info['state_dir'] == nd.state_dir
            assert info['pid'] == nd.proc.pid            # no wrapper process left
            assert info['cgroup'] == '/hamrlab-%s/%s' % (lab.prefix, n)
            assert 'fake hamrd up' in open(nd.log).read()
        with pytest.raises(hamrlab.LabError, match='already running'):
            lab.start_daemon('n1')
        lab.configure()
        cmds = [json.loads(l) for l in open(os.path.join(lab.node('n1').dir, 'clmgr.log'))]
        assert cmds[0][:3] == ['add', 'cluster', 'lab']
        assert 'REPOSITORY=' + lab.disk_path('repo') in cmds[0]
        assert 'HEARTBEAT_FREQUENCY=0.2' in cmds[0] and 'GRACE_PERIOD=0.05' in cmds[0]
        assert ['add', 'node', 'n2', 'COMMPATH=198.18.0.12'] in cmds
        assert ['add', 'network', 'net_ether_01', 'PREFIX=24',
                'INTERFACES=n1=198.18.0.11 n2=198.18.0.12'] in cmds
        assert ['add', 'service_ip', 'websvc', 'ADDRESS=198.18.0.50', 'NETWORK=net_ether_01'] in cmds
        assert ['add', 'resource_group', 'web_rg', 'NODES=n1 n2', 'STARTUP=OHN', 'FALLOVER=FNPN',
                'FALLBACK=NFB', 'SERVICE_LABEL=websvc', 'APPLICATIONS=webapp'] in cmds
        assert ['sync', 'cluster'] in cmds
        # status / owner_of ask the first running, unfrozen node (or `via`)
        assert lab.status()['cluster']['LOCAL_NODE'] == 'n1'
        assert lab.owner_of('web_rg') == 'n1'
        assert lab.owner_of('web_rg', via='n2') == 'n2'
        assert lab.owner_of('nope') is None
        assert lab.wait_group_online('web_rg', 'n2', timeout=5, via='n2') == 'n2'
        lab.hang('n1')
        assert lab.owner_of('web_rg') == 'n2'
        lab.thaw('n1')
        with pytest.raises(hamrlab.ClmgrError, match='exit status 1'):
            _failing_clmgr(lab)
        # graceful stop: SIGTERM -> exit 0
        assert lab.stop_daemon('n1', graceful=True) == 0
        assert not lab.daemon_running('n1') and lab.cgroup_pids('n1') == []
        assert lab.clmgr('n1', 'status', check=False).returncode != 0   # no daemon
        # crash / restart
        lab.crash('n2')
        assert lab.is_crashed('n2') and not lab.daemon_running('n2')
        with pytest.raises(hamrlab.LabError, match='crashed'):
            lab.start_daemon('n2')
        lab.restart('n2')
        assert not lab.is_crashed('n2') and lab.daemon_running('n2') and lab.link_up('n2')
        assert lab.owner_of('web_rg') == 'n2'


def _failing_clmgr(lab):
    lab.stop_daemon('n2')
    try:
        lab.clmgr('n2', 'status')
    finally:
        lab.start_daemon('n2')
