"""hamrlab: an N-node hamr cluster on one Linux machine.

Each node is a network namespace (plus, for processes started in it, a new
mount and UTS namespace) and a cgroup v2 directory.  The nodes and a client
namespace hang on one bridge that plays the service network.  Faults: crash
(cgroup.kill + link down), hang (cgroup.freeze), link cut, one-way or
two-way drops (nftables inside the node namespaces), application kill,
repository error or hang per node (lab/repofs, a FUSE filesystem that gives
every node its own path to the one repository file).  A watchdog emulator
(lab/wdemu.py) powers off a node whose hamrd stops petting its FIFO.

Safety rules kept here:
  * only our own namespaces, bridge, veths and cgroups are created; every
    name starts with the run prefix ``hm`` + 4 hex digits;
  * addresses only from 198.18.0.0/15; the host side gets no address (not
    even an IPv6 link-local one: addrgenmode none);
  * processes are killed only by pid (our own children) or through the lab's
    own cgroup.kill;
  * every wait is bounded by a deadline;
  * cleanup on exit, on exceptions and on SIGINT/SIGTERM.

Standard library only (Python 3.11).  See lab/README.md.
"""

import atexit
import concurrent.futures
import ctypes
import errno
import json
import os
import queue
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import threading
import time
import weakref

LAB_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(LAB_DIR)
APP_DIR = os.path.join(LAB_DIR, 'app')
PROBE = os.path.join(LAB_DIR, 'probe.py')
WDEMU = os.path.join(LAB_DIR, 'wdemu.py')
REPO_MODES = ('ok', 'error', 'hang', 'delay')
DISKS = ('repo', 'backup1', 'backup2')   # shared disks: the repository and two backups
PYTHON = '/usr/bin/python3'
RUN_ROOT = '/run/hamrlab'
DEFAULT_BUILD_DIR = os.environ.get('HAMR_BUILD_DIR', os.path.join(REPO_DIR, 'build'))

PREFIX_RE = re.compile(r'^hm[0-9a-f]{4}$')
SUBNET = '198.18.0'
PREFIXLEN = 24
SERVICE_IP = '198.18.0.50'
CLIENT_IP = '198.18.0.100'
APP_PORT = 8080
MAX_NODES = 233

# Timer profiles. Each keeps the fence relation hamr enforces at sync:
# WATCHDOG_TIMEOUT + fence margin (max(0.05, detection/10)) + 3 * HEARTBEAT_INTERVAL
# <= HEARTBEAT_FREQUENCY + GRACE_PERIOD (detection).
PROFILES = {
    # benchmarks and demo: 0.25 s detection, 25 ms heartbeats, 0.1 s watchdog
    'fast': {
        'HEARTBEAT_FREQUENCY': '0.2',
        'GRACE_PERIOD': '0.05',
        'HEARTBEAT_INTERVAL': '0.025',
        'NETWORK_FAILURE_DETECTION_TIME': '0.1',
        'WATCHDOG_TIMEOUT': '0.1',
    },
    # cluster tests: fast, with room for sanitizer builds on a loaded 2-core
    # machine (0.5 s detection, 0.25 s watchdog)
    'test': {
        'HEARTBEAT_FREQUENCY': '0.4',
        'GRACE_PERIOD': '0.1',
        'HEARTBEAT_INTERVAL': '0.05',
        'NETWORK_FAILURE_DETECTION_TIME': '0.3',
        'WATCHDOG_TIMEOUT': '0.25',
    },
    'default': {},
}

CLONE_NEWNET = 0x40000000
_SYS_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
IP = shutil.which('ip', path=_SYS_PATH) or 'ip'
UNSHARE = shutil.which('unshare', path=_SYS_PATH) or 'unshare'
NSENTER = shutil.which('nsenter', path=_SYS_PATH) or 'nsenter'
LOSETUP = shutil.which('losetup', path=_SYS_PATH) or 'losetup'
NFT = shutil.which('nft', path=_SYS_PATH) or 'nft'
FUSERMOUNT = shutil.which('fusermount3', path=_SYS_PATH) or 'fusermount3'
MNT_DETACH = 2


class LabError(RuntimeError):
    pass


class ClmgrError(subprocess.CalledProcessError):
    """clmgr exited non-zero; str() includes its stdout and stderr."""

    def __str__(self):
        return '%s\nstdout: %s\nstderr: %s' % (
            super().__str__(), (self.stdout or '').strip(), (self.stderr or '').strip())


# --------------------------------------------------------------------------
# small helpers

def _run(argv, check=True, timeout=15, input=None, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, input=input, **kw)
    if check and r.returncode != 0:
        raise LabError('command failed (%d): %s\n%s' % (r.returncode, ' '.join(argv), r.stderr.strip()))
    return r


def _ip(*args, ns=None, check=True, timeout=15):
    argv = [IP] + (['-n', ns] if ns else []) + list(args)
    return _run(argv, check=check, timeout=timeout)


def _ip_batch(lines, ns=None, check=True):
    argv = [IP] + (['-n', ns] if ns else []) + ['-batch', '-']
    return _run(argv, check=check, input='\n'.join(lines) + '\n')


def _ip_json(*args, ns=None):
    r = _ip('-j', *args, ns=ns, check=False)
    if r.returncode != 0 or not r.stdout.strip():
        return []
    return json.loads(r.stdout)


def cgroup2_root():
    """Mount point of the cgroup v2 hierarchy (from /proc/mounts)."""
    with open('/proc/mounts') as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[2] == 'cgroup2':
                return parts[1]
    raise LabError('no cgroup2 mount found in /proc/mounts')


def netns_dir():
    for d in ('/run/netns', '/var/run/netns'):
        if os.path.isdir(d):
            return d
    return '/run/netns'


def _proc_starttime(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            data = f.read()
        return int(data.rsplit(')', 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _pid_alive(pid, starttime=None):
    st = _proc_starttime(pid)
    if st is None:
        return False
    if starttime is not None and st != starttime:
        return False
    try:
        with open('/proc/%d/stat' % pid) as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
        return state != 'Z'
    except (OSError, IndexError):
        return False


def _read(path, default=''):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def _write(path, data):
    with open(path, 'w') as f:
        f.write(data)


def _cg_events(cg):
    ev = {}
    for line in _read(os.path.join(cg, 'cgroup.events')).splitlines():
        k, _, v = line.partition(' ')
        ev[k] = v.strip()
    return ev


def _cg_procs(cg):
    """All pids in cg and its descendants."""
    pids = []
    for dirpath, _dirs, _files in os.walk(cg):
        for line in _read(os.path.join(dirpath, 'cgroup.procs')).split():
            pids.append(int(line))
    return pids


def _cg_kill(cg, timeout=5.0):
    """Kill every process of cgroup cg (recursive) and wait until it is empty."""
    if not os.path.isdir(cg):
        return True
    _cg_kill_start(cg)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _cg_procs(cg):
            return True
        time.sleep(0.01)
    return not _cg_procs(cg)


def _cg_rmtree(cg, timeout=5.0):
    """rmdir cg and its sub-cgroups, deepest first (bounded retries on EBUSY)."""
    if not os.path.isdir(cg):
        return True
    deadline = time.monotonic() + timeout
    while True:
        dirs = [d for d, _s, _f in os.walk(cg)]
        busy = False
        for d in sorted(dirs, key=len, reverse=True):
            try:
                os.rmdir(d)
            except FileNotFoundError:
                pass
            except OSError as e:
                if e.errno in (errno.EBUSY, errno.ENOTEMPTY):
                    busy = True
                else:
                    raise
        if not busy or time.monotonic() >= deadline:
            return not os.path.isdir(cg)
        time.sleep(0.02)


def _cg_kill_start(cg):
    """Start killing every process of cgroup cg (recursive); does not wait."""
    try:
        _write(os.path.join(cg, 'cgroup.kill'), '1')
    except OSError:
        # kernels before 5.14: SIGKILL each member (they are ours: the lab
        # put them there), frozen ones die too under cgroup v2.
        for pid in _cg_procs(cg):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _stop_pid(proc, timeout=5.0):
    """SIGTERM our child `proc` (a Popen), wait, then SIGKILL.  True when reaped."""
    if proc is None:
        return True
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
        except OSError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                proc.kill()
            except OSError:
                pass
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                return False
    return True


def _unescape_mount(path):
    return re.sub(r'\\([0-7]{3})', lambda m: chr(int(m.group(1), 8)), path)


def _mounts_under(top):
    """Mount points (this mount namespace) at or below directory `top`, deepest first."""
    top = os.path.abspath(top)
    out = []
    for line in _read('/proc/self/mountinfo').splitlines():
        f = line.split()
        if len(f) < 5:
            continue
        mp = _unescape_mount(f[4])
        if mp == top or mp.startswith(top + '/'):
            out.append(mp)
    return sorted(set(out), key=len, reverse=True)


def _unmount_under(top):
    """Detach every mount at or below `top` (umount2 MNT_DETACH, then
    fusermount3 -u -z).  Returns the mount points still there."""
    libc = ctypes.CDLL(None, use_errno=True)
    for mp in _mounts_under(top):
        if libc.umount2(mp.encode(), MNT_DETACH) != 0:
            _run([FUSERMOUNT, '-u', '-z', mp], check=False, timeout=10)
    return _mounts_under(top)


def _flush_addrs_ip(ns, keep_addr):
    """Delete every address of eth0 in netns `ns` except keep_addr (IPv4)
    and the link-local IPv6 ones, with ip(8)."""
    cmds = []
    for link in _ip_json('addr', 'show', 'dev', 'eth0', ns=ns):
        for a in link.get('addr_info', []):
            loc = a.get('local')
            if a.get('family') == 'inet' and loc != keep_addr:
                cmds.append('addr del %s/%s dev eth0' % (loc, a.get('prefixlen')))
            elif a.get('family') == 'inet6' and a.get('scope') != 'link':
                cmds.append('addr del %s/%s dev eth0' % (loc, a.get('prefixlen')))
    if cmds:
        _ip_batch(cmds, ns=ns, check=False)


# --------------------------------------------------------------------------
# rtnetlink without ip(8): used by the watchdog emulator to power a node off
# within a few milliseconds

NLMSG = struct.Struct('=IHHII')         # len, type, flags, seq, pid
IFINFOMSG = struct.Struct('=BxHiII')    # family, type, index, flags, change
IFADDRMSG = struct.Struct('=BBBBi')     # family, prefixlen, flags, scope, index
RTATTR = struct.Struct('=HH')           # len, type
NLMSG_ERROR, NLMSG_DONE = 2, 3
RTM_NEWLINK, RTM_GETLINK = 16, 18
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
IFLA_IFNAME = 3
IFA_ADDRESS, IFA_LOCAL = 1, 2
RT_SCOPE_LINK = 253
IFF_UP = 0x1


def _nl_align(n):
    return (n + 3) & ~3


def _rtattr(kind, payload):
    return RTATTR.pack(RTATTR.size + len(payload), kind) + payload + bytes(
        _nl_align(len(payload)) - len(payload))


def _rtattrs(data):
    attrs = {}
    off = 0
    while off + RTATTR.size <= len(data):
        ln, kind = RTATTR.unpack_from(data, off)
        if ln < RTATTR.size:
            break
        attrs[kind] = data[off + RTATTR.size:off + ln]
        off += _nl_align(ln)
    return attrs


def socket_in_netns(ns_path, family, type, proto=0, timeout=5.0):
    """A socket created in the network namespace ns_path (by a short-lived
    thread that setns()es, so the caller's namespace never changes)."""
    res = {}

    def run():
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open(ns_path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    e = ctypes.get_errno()
                    raise OSError(e, 'setns(%s): %s' % (ns_path, os.strerror(e)))
            finally:
                os.close(fd)
            res['sock'] = socket.socket(family, type, proto)
        except BaseException as e:  # noqa: BLE001 - re-raised below
            res['error'] = e
    t = threading.Thread(target=run, daemon=True, name='setns')
    t.start()
    t.join(timeout)
    if 'error' in res:
        raise res['error']
    if 'sock' not in res:
        raise LabError('could not create a socket in %s' % ns_path)
    return res['sock']


class RtNetlink:
    """A NETLINK_ROUTE socket, in the namespace of ns_path (None: ours)."""

    def __init__(self, ns_path=None, timeout=2.0):
        if ns_path:
            self.sock = socket_in_netns(ns_path, socket.AF_NETLINK, socket.SOCK_RAW, 0)
        else:
            self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
        self.sock.bind((0, 0))
        self.sock.settimeout(timeout)
        self.seq = int(time.monotonic() * 1000) & 0xffffff
        self._index = {}

    def close(self):
        self.sock.close()

    def _msg(self, kind, flags, body):
        self.seq += 1
        return self.seq, NLMSG.pack(NLMSG.size + len(body), kind, flags, self.seq, 0) + body

    def _messages(self):
        data = self.sock.recv(1 << 16)
        off = 0
        while off + NLMSG.size <= len(data):
            ln, kind, _flags, seq, _pid = NLMSG.unpack_from(data, off)
            if ln < NLMSG.size:
                return
            yield kind, seq, data[off + NLMSG.size:off + ln]
            off += _nl_align(ln)

    def _transact(self, msgs):
        """Send (kind, body) requests in one datagram, each with an ACK;
        raise OSError on the first error."""
        seqs = set()
        buf = b''
        for kind, body in msgs:
            seq, m = self._msg(kind, NLM_F_REQUEST | NLM_F_ACK, body)
            seqs.add(seq)
            buf += m
        if not buf:
            return
        self.sock.send(buf)
        err = None
        for _ in range(10 * len(seqs) + 10):      # bounded
            if not seqs:
                break
            for kind, seq, payload in self._messages():
                if kind == NLMSG_ERROR and seq in seqs:
                    seqs.discard(seq)
                    code = struct.unpack_from('=i', payload)[0]
                    if code < 0 and err is None:
                        err = OSError(-code, os.strerror(-code))
        if err:
            raise err
        if seqs:
            raise OSError(errno.ETIMEDOUT, 'netlink: no answer')

    def _dump(self, kind, body, want):
        seq, m = self._msg(kind, NLM_F_REQUEST | NLM_F_DUMP, body)
        self.sock.send(m)
        out = []
        for _ in range(1000):                     # bounded
            for k, s, payload in self._messages():
                if s != seq:
                    continue
                if k == NLMSG_DONE:
                    return out
                if k == NLMSG_ERROR:
                    code = struct.unpack_from('=i', payload)[0]
                    if code < 0:
                        raise OSError(-code, os.strerror(-code))
                    return out
                if k == want:
                    out.append(payload)
        raise OSError(errno.ETIMEDOUT, 'netlink dump did not end')

    def link_index(self, name):
        """ifindex of link `name` in this socket's namespace (cached)."""
        if name not in self._index:
            seq, m = self._msg(RTM_GETLINK, NLM_F_REQUEST,
                               IFINFOMSG.pack(0, 0, 0, 0, 0)
                               + _rtattr(IFLA_IFNAME, name.encode() + b'\0'))
            self.sock.send(m)
            for _ in range(100):
                for k, s, payload in self._messages():
                    if s != seq:
                        continue
                    if k == NLMSG_ERROR:
                        code = struct.unpack_from('=i', payload)[0]
                        raise OSError(-code, 'netlink: link %s: %s' % (name, os.strerror(-code)))
                    if k == RTM_NEWLINK:
                        self._index[name] = IFINFOMSG.unpack_from(payload)[2]
                        return self._index[name]
            raise OSError(errno.ETIMEDOUT, 'netlink: no answer for link %s' % name)
        return self._index[name]

    def link_set_down(self, name):
        self._transact([(RTM_NEWLINK, IFINFOMSG.pack(0, 0, self.link_index(name), 0, IFF_UP))])

    def addrs(self, name):
        """[(family, prefixlen, scope, {attr: bytes})] of link `name`."""
        idx = self.link_index(name)
        out = []
        for p in self._dump(RTM_GETADDR, IFADDRMSG.pack(0, 0, 0, 0, 0), RTM_NEWADDR):
            fam, plen, _fl, scope, index = IFADDRMSG.unpack_from(p)
            if index == idx:
                out.append((fam, plen, scope, _rtattrs(p[IFADDRMSG.size:])))
        return out

    def flush_addrs(self, name, keep_addr):
        """Delete every address of `name` but keep_addr (IPv4) and the IPv6
        link-local ones; returns how many were deleted."""
        idx = self.link_index(name)
        keep = socket.inet_aton(keep_addr)
        msgs = []
        for fam, plen, scope, attrs in self.addrs(name):
            local = attrs.get(IFA_LOCAL, attrs.get(IFA_ADDRESS))
            if fam == socket.AF_INET and local == keep:
                continue
            if fam == socket.AF_INET6 and scope == RT_SCOPE_LINK:
                continue
            if fam not in (socket.AF_INET, socket.AF_INET6):
                continue
            body = IFADDRMSG.pack(fam, plen, 0, 0, idx)
            for k in (IFA_LOCAL, IFA_ADDRESS):
                if k in attrs:
                    body += _rtattr(k, attrs[k])
            msgs.append((RTM_DELADDR, body))
        self._transact(msgs)
        return len(msgs)


def power_off(cgroup, veth, ns, keep_addr, host_nl=None, node_nl=None):
    """What a power cut does to a lab node (shared by Lab.crash and the
    watchdog emulator): cgroup.kill of the node cgroup (not waited for),
    thaw it, host-side veth down, every address of the node's eth0 deleted
    except keep_addr (its boot address) and IPv6 link-local ones.
    host_nl/node_nl: RtNetlink sockets in the host and node namespaces, to
    do the network part without running ip(8); ip(8) is the fallback."""
    _cg_kill_start(cgroup)
    try:
        _write(os.path.join(cgroup, 'cgroup.freeze'), '0')
    except OSError:
        pass
    try:
        if host_nl is None:
            raise OSError('no netlink socket')
        host_nl.link_set_down(veth)
    except OSError:
        _ip('link', 'set', 'dev', veth, 'down')
    try:
        if node_nl is None:
            raise OSError('no netlink socket')
        node_nl.flush_addrs('eth0', keep_addr)
    except OSError:
        _flush_addrs_ip(ns, keep_addr)


def _listify(v):
    if isinstance(v, (list, tuple)):
        return ' '.join(str(x) for x in v)
    return str(v)


# --------------------------------------------------------------------------
# HTTP over a raw socket (the socket comes from a namespace's factory)

def http_get_sock(sock, host, port, path='/', timeout=0.5):
    """GET over an already created socket.  Returns (status, body text)."""
    deadline = time.monotonic() + timeout

    def left():
        t = deadline - time.monotonic()
        if t <= 0:
            raise socket.timeout('timed out')
        return t

    try:
        sock.settimeout(left())
        sock.connect((host, port))
        req = 'GET %s HTTP/1.0\r\nHost: %s:%d\r\nConnection: close\r\n\r\n' % (path, host, port)
        sock.settimeout(left())
        sock.sendall(req.encode())
        chunks = []
        while True:
            sock.settimeout(left())
            b = sock.recv(65536)
            if not b:
                break
            chunks.append(b)
            if sum(len(c) for c in chunks) > 1 << 20:
                break
    finally:
        sock.close()
    data = b''.join(chunks)
    head, _, body = data.partition(b'\r\n\r\n')
    status_line = head.split(b'\r\n', 1)[0].decode('latin-1')
    m = re.match(r'HTTP/\d\.\d (\d+)', status_line)
    if not m:
        raise OSError('bad HTTP response: %r' % status_line)
    return int(m.group(1)), body.decode('utf-8', 'replace')


def _parse_url(url):
    m = re.match(r'^http://([^/:]+)(?::(\d+))?(/.*)?$', url)
    if not m:
        raise ValueError('unsupported url %r' % url)
    return m.group(1), int(m.group(2) or 80), m.group(3) or '/'


class _NetnsSockets:
    """A thread that lives in a network namespace and creates sockets there.

    setns(CLONE_NEWNET) only affects the calling thread, and a socket stays
    in the namespace where it was created; so the lab can talk from any
    namespace without a subprocess per request.
    """

    def __init__(self, ns_path):
        self.ns_path = ns_path
        self.q = queue.Queue()
        self.ready = threading.Event()
        self.error = None
        self.thread = threading.Thread(target=self._main, daemon=True,
                                       name='netns:' + os.path.basename(ns_path))
        self.thread.start()
        if not self.ready.wait(5):
            raise LabError('netns socket thread did not start')
        if self.error:
            raise self.error

    def _main(self):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open(self.ns_path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    e = ctypes.get_errno()
                    raise OSError(e, 'setns(%s): %s' % (self.ns_path, os.strerror(e)))
            finally:
                os.close(fd)
        except BaseException as e:  # noqa: BLE001 - reported to the creator
            self.error = e
            self.ready.set()
            return
        self.ready.set()
        while True:
            item = self.q.get()
            if item is None:
                return
            args, fut = item
            try:
                fut.set_result(socket.socket(*args))
            except BaseException as e:  # noqa: BLE001
                fut.set_exception(e)

    def socket(self, family=socket.AF_INET, type=socket.SOCK_STREAM):
        if not self.thread.is_alive():
            raise LabError('netns socket thread is gone')
        fut = concurrent.futures.Future()
        self.q.put(((family, type), fut))
        return fut.result(timeout=5)

    def stop(self):
        if self.thread.is_alive():
            self.q.put(None)
            self.thread.join(5)


# --------------------------------------------------------------------------
# teardown by prefix (shared by Lab.cleanup, cleanup-stale and down)

def teardown_prefix(prefix, timeout=10.0):
    """Remove everything a lab with this prefix may have created.

    Kills the lab cgroup (only processes the lab put there: node processes,
    the repository filesystem and the watchdog emulator), deletes links and
    namespaces whose names start with '<prefix>-', detaches the repository
    filesystem's mount, removes the cgroups and the run dir.  Returns a list
    of problems (empty when all is gone).
    """
    if not PREFIX_RE.match(prefix or ''):
        raise ValueError('refusing to tear down odd prefix %r' % (prefix,))
    problems = []
    try:
        cgtop = os.path.join(cgroup2_root(), 'hamrlab-' + prefix)
    except LabError:
        cgtop = None
    if cgtop and os.path.isdir(cgtop):
        # a frozen cgroup still dies from SIGKILL, thaw anyway so that
        # nothing stays stuck
        for d, _s, _f in os.walk(cgtop):
            try:
                _write(os.path.join(d, 'cgroup.freeze'), '0')
            except OSError:
                pass
        if not _cg_kill(cgtop, timeout=timeout / 2):
            problems.append('cgroup %s not empty: %s' % (cgtop, _cg_procs(cgtop)))
    # links in the host namespace: veth host ends first, then the bridge
    links = [l.get('ifname', '') for l in _ip_json('link', 'show')]
    mine = [l for l in links if l.startswith(prefix + '-')]
    for l in sorted(mine, key=lambda n: n.endswith('-b0')):
        r = _ip('link', 'del', 'dev', l, check=False)
        if r.returncode != 0 and 'Cannot find' not in r.stderr:
            problems.append('ip link del %s: %s' % (l, r.stderr.strip()))
    # namespaces
    r = _ip('netns', 'list', check=False)
    for line in r.stdout.splitlines():
        ns = line.split()[0] if line.split() else ''
        if ns.startswith(prefix + '-'):
            r2 = _ip('netns', 'del', ns, check=False)
            if r2.returncode != 0:
                problems.append('ip netns del %s: %s' % (ns, r2.stderr.strip()))
    if cgtop and not _cg_rmtree(cgtop, timeout=timeout / 2):
        problems.append('cgroup %s still there' % cgtop)
    rd = os.path.join(RUN_ROOT, prefix)
    problems += _detach_loops(rd)
    # the repository filesystem (hamr-repofs, killed with the cgroup above):
    # detach its mount before removing the run dir, never walk into it
    left = _unmount_under(rd) if os.path.isdir(rd) else []
    if left:
        problems.append('still mounted: %s' % ', '.join(left))
    elif os.path.isdir(rd):
        shutil.rmtree(rd, ignore_errors=True)
        if os.path.exists(rd):
            problems.append('run dir %s still there' % rd)
    try:
        os.rmdir(RUN_ROOT)  # only when empty; other labs may be running
    except OSError:
        pass
    return problems


def _detach_loops(rd):
    """Detach the loop devices a lab recorded in rd/loop-devices (one
    'device image' per line), each only while it is still backed by that
    lab's image (never another lab's device).  Returns problems."""
    problems = []
    for line in _read(os.path.join(rd, 'loop-devices')).splitlines():
        parts = line.split(None, 1)
        if len(parts) != 2 or not re.match(r'^/dev/loop[0-9]+$', parts[0]):
            continue
        dev, img = parts
        backing = _read('/sys/block/%s/loop/backing_file' % os.path.basename(dev)).strip()
        if backing != img:
            continue
        r = _run([LOSETUP, '-d', dev], check=False)
        if r.returncode != 0:
            problems.append('losetup -d %s: %s' % (dev, r.stderr.strip()))
    return problems


def read_owner(prefix):
    """(pid, starttime) from /run/hamrlab/<prefix>/owner.pid, or (None, None)."""
    txt = _read(os.path.join(RUN_ROOT, prefix, 'owner.pid')).split()
    try:
        pid = int(txt[0])
    except (IndexError, ValueError):
        return None, None
    try:
        st = int(txt[1])
    except (IndexError, ValueError):
        st = None
    return pid, st


def list_labs():
    """[{'prefix', 'pid', 'alive'}] for every run dir in /run/hamrlab."""
    out = []
    try:
        names = sorted(os.listdir(RUN_ROOT))
    except OSError:
        return out
    for p in names:
        if not PREFIX_RE.match(p):
            continue
        pid, st = read_owner(p)
        out.append({'prefix': p, 'pid': pid,
                    'alive': bool(pid) and _pid_alive(pid, st)})
    return out


def cleanup_stale():
    """Tear down labs whose owner process is dead.  Returns {prefix: problems}."""
    done = {}
    for lab in list_labs():
        if lab['alive']:
            continue
        pid, _ = read_owner(lab['prefix'])
        if pid is None:
            # owner.pid is written right after the run dir is created; a dir
            # without it younger than 60 s may be a lab being set up now
            try:
                age = time.time() - os.stat(os.path.join(RUN_ROOT, lab['prefix'])).st_mtime
            except OSError:
                continue
            if age < 60:
                continue
        done[lab['prefix']] = teardown_prefix(lab['prefix'])
    return done


# --------------------------------------------------------------------------
# global cleanup on exit / signals

_LIVE = weakref.WeakSet()
_HANDLERS_INSTALLED = False
_PREV = {}
_IN_CLEANUP = 0
_PENDING = []     # signals that arrived during a cleanup, re-raised after it


def _cleanup_all():
    for lab in list(_LIVE):
        try:
            lab.cleanup()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass


def _on_signal(sig, frame):
    if _IN_CLEANUP:
        # never abort a cleanup half way: deliver the signal when it is done
        if sig not in _PENDING:
            _PENDING.append(sig)
        return
    _cleanup_all()
    prev = _PREV.get(sig)
    if callable(prev):
        prev(sig, frame)
        return
    if prev == signal.SIG_IGN:
        return
    signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)


def _install_handlers():
    global _HANDLERS_INSTALLED
    if _HANDLERS_INSTALLED:
        return
    atexit.register(_cleanup_all)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                prev = signal.getsignal(sig)
                if prev == signal.SIG_IGN:
                    continue   # e.g. nohup or a background job: keep ignoring
                _PREV[sig] = prev
                signal.signal(sig, _on_signal)
            except (ValueError, OSError):
                pass
    _HANDLERS_INSTALLED = True


# --------------------------------------------------------------------------

def node_host(i):
    """Host part of node i's boot address (skips .50-.59 and .100)."""
    if i < 1 or i > MAX_NODES:
        raise ValueError('node index %d out of range 1..%d' % (i, MAX_NODES))
    if i <= 39:
        return 10 + i          # .11 .. .49
    if i <= 79:
        return 60 + (i - 40)   # .60 .. .99
    return 101 + (i - 80)      # .101 .. .254


class Node:
    def __init__(self, lab, i):
        self.index = i
        self.name = 'n%d' % i
        self.ns = '%s-n%d' % (lab.prefix, i)
        self.veth = self.ns  # host end has the same name as the namespace
        self.addr = '%s.%d' % (SUBNET, node_host(i))
        self.dir = os.path.join(lab.run_dir, 'nodes', self.name)
        self.state_dir = os.path.join(self.dir, 'state')
        self.key = os.path.join(self.dir, 'cluster.key')
        self.sock = os.path.join(self.dir, 'hamrd.sock')
        self.log = os.path.join(self.dir, 'hamrd.log')
        self.cgroup = os.path.join(lab.cgroup, self.name)
        self.watchdog = os.path.join(self.dir, 'watchdog')   # FIFO served by wdemu.py
        self.proc = None        # hamrd Popen
        self.powered = True     # False after crash() (or a watchdog firing) until restart()
        self.powered_on_at = 0.0  # monotonic time of the last restart()
        self.mac = None

    def __repr__(self):
        return '<Node %s %s %s>' % (self.name, self.ns, self.addr)


class Lab:
    """An N-node lab.  Use as a context manager, or call setup()/cleanup()."""

    def __init__(self, nodes=3, build_dir=None, profile='fast', prefix=None,
                 daemon_args=(), keep=False, watchdog=None, host_locks=False):
        if profile not in PROFILES:
            raise ValueError('profile must be one of %s' % sorted(PROFILES))
        if not 1 <= nodes <= MAX_NODES:
            raise ValueError('nodes must be 1..%d' % MAX_NODES)
        self.n = nodes
        self.build_dir = os.path.abspath(build_dir or DEFAULT_BUILD_DIR)
        self.profile = profile
        self.timers = dict(PROFILES[profile])
        self.daemon_args = list(daemon_args)
        # hamr-repofs --host-locks: OFD locks exclude only within one node,
        # as on a LUN shared by several hosts
        self.host_locks = bool(host_locks)
        self.keep = keep
        # pass --watchdog <fifo> to hamrd (HAMR_LAB_WATCHDOG=0 turns it off)
        self.watchdog = (os.environ.get('HAMR_LAB_WATCHDOG', '1') != '0'
                         if watchdog is None else bool(watchdog))
        self.prefix = prefix or self._new_prefix()
        if not PREFIX_RE.match(self.prefix):
            raise ValueError('bad prefix %r' % self.prefix)
        self.owner_pid = os.getpid()
        self.run_dir = os.path.join(RUN_ROOT, self.prefix)
        self.repository = os.path.join(self.run_dir, 'repository.img')
        # backup repository disks (ARR), served like the repository
        self.backup = os.path.join(self.run_dir, 'backup1.img')
        self.backups = [self.backup, os.path.join(self.run_dir, 'backup2.img')]
        # the disks as every node sees them: the same paths on every node
        # (like a shared LUN), bind-mounted from the node's hamr-repofs
        # names inside the node's own mount namespace
        self.disk_dir = os.path.join(self.run_dir, 'disk')
        self.key = os.path.join(self.run_dir, 'cluster.key')
        self.owners_log = os.path.join(self.run_dir, 'app-owners.log')
        self.cgroup = os.path.join(cgroup2_root(), 'hamrlab-' + self.prefix)
        self.client_cgroup = os.path.join(self.cgroup, 'client')
        self.tools_cgroup = os.path.join(self.cgroup, 'tools')   # repofs, wdemu
        self.repofs_bin = os.path.join(self.build_dir, 'lab', 'repofs', 'hamr-repofs')
        self.repofs_dir = os.path.join(self.run_dir, 'repofs')
        self.repofs_log = os.path.join(self.run_dir, 'repofs.log')
        self.repofs_proc = None  # hamr-repofs Popen while it serves repofs_dir
        self.watchdog_log = os.path.join(self.run_dir, 'watchdog.log')
        self.wdemu_log = os.path.join(self.run_dir, 'wdemu.log')
        self.wdemu_proc = None
        self._wd_offset = 0      # bytes of watchdog.log already parsed
        self._wd_records = []    # [(time, node, ms)]
        self.bridge = self.prefix + '-b0'
        self.client_ns = self.prefix + '-cl'
        self.client_veth = self.client_ns
        self.client_ip = CLIENT_IP
        self.service_ip = SERVICE_IP
        self.app_port = APP_PORT
        self.hamrd = os.path.join(self.build_dir, 'src', 'daemon', 'hamrd')
        self.clmgr_bin = os.path.join(self.build_dir, 'src', 'cli', 'clmgr')
        self.lab_dir = LAB_DIR
        self.app_start = os.path.join(APP_DIR, 'webapp_start.sh')
        self.app_stop = os.path.join(APP_DIR, 'webapp_stop.sh')
        self.nodes = {}
        for i in range(1, nodes + 1):
            nd = Node(self, i)
            self.nodes[nd.name] = nd
        self.block_devices = []  # shared block devices (add_block_device), /dev/loopN
        self._procs = []         # every Popen we started (reaped at cleanup)
        self._sockets = {}       # ns name -> _NetnsSockets
        self._lock = threading.RLock()
        self._pool = None
        self._is_setup = False
        self._closed = False

    # ---------------------------------------------------------------- names
    @staticmethod
    def _new_prefix():
        existing = set(os.listdir(RUN_ROOT)) if os.path.isdir(RUN_ROOT) else set()
        links = {l.get('ifname', '')[:6] for l in _ip_json('link', 'show')}
        for _ in range(100):
            p = 'hm' + secrets.token_hex(2)
            if p not in existing and p not in links and not os.path.exists(
                    os.path.join(netns_dir(), p + '-cl')):
                return p
        raise LabError('could not pick a free prefix')

    @property
    def node_names(self):
        """['n1', 'n2', ...] in order."""
        return list(self.nodes)

    def names(self):
        return list(self.nodes)

    def is_crashed(self, name):
        """True between crash(name) (or a watchdog firing) and restart(name)."""
        nd = self.node(name)
        self._sync_watchdog()
        return not nd.powered

    def node(self, name):
        try:
            return self.nodes[name]
        except KeyError:
            raise KeyError('no node %r in lab (nodes: %s)' % (name, ', '.join(self.nodes))) from None

    def addr(self, name):
        """Boot address of node `name` (198.18.0.(10+i) for i <= 39)."""
        return self.node(name).addr

    def extra_service_ip(self, k):
        """Spare service addresses: k=0 is lab.service_ip (.50), 1..9 -> .51-.59."""
        if not 0 <= k <= 9:
            raise ValueError('k must be 0..9')
        return '%s.%d' % (SUBNET, 50 + k)

    def ns(self, name):
        """Network namespace name of node `name` ('client' for the client)."""
        return self.client_ns if name == 'client' else self.node(name).ns

    # ----------------------------------------------------------- repository
    def repo_path(self, name):
        """The repository path node `name` uses (hamrd --repository):
        run_dir/repofs/<name> when hamr-repofs serves the lab, else the
        shared file lab.repository."""
        self.node(name)
        if self.repofs_proc is not None:
            return os.path.join(self.repofs_dir, name)
        return self.repository

    def _repofs_alive(self):
        return self.repofs_proc is not None and self.repofs_proc.poll() is None

    def _repofs_control(self, text):
        if not self._repofs_alive():
            raise LabError('no repository filesystem in this lab (hamr-repofs not built in %s?)'
                           % self.build_dir)
        fd = os.open(os.path.join(self.repofs_dir, '.control'), os.O_WRONLY | os.O_CLOEXEC)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)

    def disk_path(self, disk='repo'):
        """Path of a shared disk ('repo', 'backup1', 'backup2') as every node's
        processes see it: the same path on every node, bound to that node's
        hamr-repofs name (so faults stay per node).  Without hamr-repofs:
        the image files themselves."""
        if disk not in DISKS:
            raise ValueError('disk must be one of %s' % (DISKS,))
        if self.repofs_proc is None:
            return self.repository if disk == 'repo' else self.backups[int(disk[-1]) - 1]
        return os.path.join(self.disk_dir, disk)

    def _disk_binds(self, name):
        """sh prefix that binds the node's repofs names over disk_dir."""
        if self.repofs_proc is None:
            return []
        args = []
        for disk in DISKS:
            src = self.repo_path(name) if disk == 'repo' else self.repo_path(name) + '.' + disk
            args += [src, os.path.join(self.disk_dir, disk)]
        script = ' && '.join('mount --bind "$%d" "$%d"' % (2 * i + 1, 2 * i + 2)
                             for i in range(len(DISKS)))
        return ['/bin/sh', '-c', script + ' && shift %d && exec "$@"' % (2 * len(DISKS)), 'sh'] + args

    def _repo_names(self, name, disk='repo'):
        if name == 'all':
            names = list(self.nodes)
        else:
            names = [name] if isinstance(name, str) else list(name)
        for n in names:
            self.node(n)
        return names if disk == 'repo' else ['%s.%s' % (n, disk) for n in names]

    def repo_fault(self, name, mode, disk='repo'):
        """Set the repository mode of node `name` (a node, a list of nodes, or
        'all'): 'ok'; 'error' (open/read/write fail with EIO at once); 'hang'
        (read/write block until the mode changes; a SIGKILLed caller is
        released); 'delay' (every request waits 10 ms first).  Every named
        node changes at the same instant."""
        if mode not in REPO_MODES:
            raise ValueError('mode must be one of %s' % (REPO_MODES,))
        names = self._repo_names(name, disk)
        try:
            self._repofs_control(''.join('%s %s\n' % (n, mode) for n in names))
        except OSError as e:
            raise LabError('repo_fault %s %s: %s' % (name, mode, e)) from None

    def repo_mode(self, name):
        """Current repository mode ('ok'|'error'|'hang'|'delay') of node `name`."""
        self.node(name)
        if not self._repofs_alive():
            raise LabError('no repository filesystem in this lab')
        for line in _read(os.path.join(self.repofs_dir, '.control')).splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == name:
                return parts[1]
        raise LabError('hamr-repofs does not know %s' % name)

    # ------------------------------------------------------------- watchdog
    def watchdog_path(self, name):
        """The FIFO hamrd on node `name` gets as --watchdog."""
        return self.node(name).watchdog

    def watchdog_fired(self, name=None):
        """[(monotonic time, node, ms since last pet)] of every firing of the
        watchdog emulator (of node `name` only if given)."""
        self._sync_watchdog()
        with self._lock:
            return [r for r in self._wd_records if name is None or r[1] == name]

    def _sync_watchdog(self):
        """Read new firings from watchdog.log; a firing after the node's
        last power-on powers it off (the emulator killed it like crash())."""
        with self._lock:
            try:
                with open(self.watchdog_log, 'rb') as f:
                    f.seek(self._wd_offset)
                    data = f.read(1 << 20)
            except OSError:
                return
            end = data.rfind(b'\n')
            if end < 0:
                return
            self._wd_offset += end + 1
            for line in data[:end].decode('utf-8', 'replace').splitlines():
                parts = line.split()
                if len(parts) < 4 or parts[2] != 'fired':
                    continue
                try:
                    rec = (float(parts[0]), parts[1], float(parts[3]))
                except ValueError:
                    continue
                self._wd_records.append(rec)
                nd = self.nodes.get(rec[1])
                if nd is not None and rec[0] >= nd.powered_on_at:
                    nd.powered = False

    def _wd_disarm(self, nd):
        """Write the magic close 'V' into node nd's watchdog FIFO (the
        emulator disarms): a deliberate stop or crash is no firing."""
        try:
            fd = os.open(nd.watchdog, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return False     # no emulator (ENXIO) or no FIFO
        try:
            os.write(fd, b'V')
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

    # ---------------------------------------------------------------- setup
    def __enter__(self):
        self.setup()
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def setup(self):
        if self._is_setup:
            return self
        if os.geteuid() != 0:
            raise LabError('the lab needs root')
        _install_handlers()
        _LIVE.add(self)
        self._is_setup = True
        try:
            self._setup()
        except BaseException:
            self.cleanup()
            raise
        return self

    def _setup(self):
        os.makedirs(RUN_ROOT, mode=0o755, exist_ok=True)
        for _ in range(20):   # another lab's cleanup may rmdir RUN_ROOT
            try:
                os.mkdir(self.run_dir, 0o700)
                break
            except FileNotFoundError:
                os.makedirs(RUN_ROOT, mode=0o755, exist_ok=True)
        else:
            raise LabError('cannot create %s' % self.run_dir)
        _write(os.path.join(self.run_dir, 'owner.pid'),
               '%d\n%d\n' % (self.owner_pid, _proc_starttime(self.owner_pid) or 0))
        _write(os.path.join(self.run_dir, 'lab.json'), json.dumps({
            'prefix': self.prefix, 'nodes': {n.name: {'ns': n.ns, 'addr': n.addr}
                                             for n in self.nodes.values()},
            'client_ns': self.client_ns, 'client_ip': self.client_ip,
            'service_ip': self.service_ip, 'bridge': self.bridge,
            'cgroup': self.cgroup, 'build_dir': self.build_dir,
            'profile': self.profile}, indent=1) + '\n')
        open(self.owners_log, 'a').close()
        # repository: 8 MiB of zeros, 0600
        fd = os.open(self.repository, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            zero = bytes(1 << 20)
            for _ in range(8):
                os.write(fd, zero)
        finally:
            os.close(fd)
        key = secrets.token_bytes(32)
        self._write_key(self.key, key)
        for nd in self.nodes.values():
            os.makedirs(nd.state_dir, mode=0o700)
            self._write_key(nd.key, key)
            open(nd.log, 'a').close()
        # cgroups
        os.mkdir(self.cgroup)
        os.mkdir(self.client_cgroup)
        os.mkdir(self.tools_cgroup)
        for nd in self.nodes.values():
            os.mkdir(nd.cgroup)
            os.mkfifo(nd.watchdog, 0o600)
        # network
        b = self.bridge
        host = ['link add name %s type bridge stp_state 0 forward_delay 0 mcast_snooping 0' % b,
                'link set dev %s addrgenmode none' % b,
                'link set dev %s up' % b]
        members = [(nd.ns, nd.veth, nd.addr) for nd in self.nodes.values()]
        members.append((self.client_ns, self.client_veth, self.client_ip))
        for ns, veth, _a in members:
            _ip('netns', 'add', ns)
            host += ['link add name %s type veth peer name eth0 netns %s' % (veth, ns),
                     'link set dev %s addrgenmode none' % veth,
                     'link set dev %s master %s up' % (veth, b)]
        _ip_batch(host)
        for ns, _veth, a in members:
            _ip_batch(['addr add %s/%d dev eth0' % (a, PREFIXLEN),
                       'link set dev lo up',
                       'link set dev eth0 up'], ns=ns)
        # per-namespace ARP behaviour: accept gratuitous ARP at once (a
        # service address that moves must be picked up immediately)
        sysctls = ('echo 1 > /proc/sys/net/ipv4/conf/eth0/arp_accept; '
                   'echo 0 > /proc/sys/net/ipv4/neigh/eth0/locktime')
        for ns, _veth, _a in members:
            _run([IP, 'netns', 'exec', ns, '/bin/sh', '-c', sysctls], check=False)
        for nd in self.nodes.values():
            links = _ip_json('link', 'show', 'dev', 'eth0', ns=nd.ns)
            nd.mac = links[0].get('address') if links else None
        # tools (lab cgroup 'tools', a leaf): the repository filesystem and
        # the watchdog emulator.  Both before any node process: a node's
        # mount namespace copies the mount table when it is created.
        self._start_repofs()
        self._start_wdemu()

    def _start_repofs(self, timeout=10):
        """Serve run_dir/repofs/<node> -> repository.img through hamr-repofs.
        Without the binary (older build dir) or /dev/fuse, every node uses
        repository.img directly and repo_fault() is not available."""
        if not os.access(self.repofs_bin, os.X_OK) or not os.path.exists('/dev/fuse'):
            return False
        os.mkdir(self.repofs_dir, 0o700)
        for img in self.backups:
            fd = os.open(img, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.ftruncate(fd, 8 << 20)
            finally:
                os.close(fd)
        os.mkdir(self.disk_dir, 0o700)
        for disk in DISKS:
            open(os.path.join(self.disk_dir, disk), 'a').close()   # bind mount targets
        argv = [self.repofs_bin] + (['--host-locks'] if self.host_locks else []) + [
            self.repofs_dir] + [
            '%s=%s' % (n, self.repository) for n in self.nodes] + [
            '%s.backup%d=%s' % (n, k + 1, img) for n in self.nodes
            for k, img in enumerate(self.backups)]
        with open(self.repofs_log, 'ab') as log:
            p = self._spawn(self.tools_cgroup, argv, stdout=log, stderr=subprocess.STDOUT)
        self.repofs_proc = p
        try:
            self.wait_for(lambda: p.poll() is not None or os.path.ismount(self.repofs_dir),
                          timeout, interval=0.01, what='hamr-repofs mounted')
        except TimeoutError:
            raise LabError('hamr-repofs: %s not mounted after %ss\n%s' % (
                self.repofs_dir, timeout, _read(self.repofs_log)[-2000:])) from None
        if p.poll() is not None:
            raise LabError('hamr-repofs exited with %s\n%s' % (
                p.returncode, _read(self.repofs_log)[-2000:]))
        return True

    def _start_wdemu(self, timeout=10):
        """One watchdog emulator (lab/wdemu.py) serving every node's FIFO."""
        cfg = os.path.join(self.run_dir, 'wdemu.json')
        ready = os.path.join(self.run_dir, 'wdemu.ready')
        _write(cfg, json.dumps({
            'run_dir': self.run_dir, 'log': self.watchdog_log, 'ready': ready,
            'nodes': {nd.name: {'fifo': nd.watchdog, 'cgroup': nd.cgroup, 'veth': nd.veth,
                                'ns': nd.ns, 'netns_path': os.path.join(netns_dir(), nd.ns),
                                'addr': nd.addr} for nd in self.nodes.values()}},
            indent=1) + '\n')
        with open(self.wdemu_log, 'ab') as log:
            p = self._spawn(self.tools_cgroup, [PYTHON, WDEMU, cfg], stdout=log,
                            stderr=subprocess.STDOUT)
        self.wdemu_proc = p
        try:
            self.wait_for(lambda: p.poll() is not None or os.path.exists(ready), timeout,
                          interval=0.01, what='watchdog emulator ready')
        except TimeoutError:
            raise LabError('wdemu.py not ready after %ss\n%s' % (
                timeout, _read(self.wdemu_log)[-2000:])) from None
        if p.poll() is not None:
            raise LabError('wdemu.py exited with %s\n%s' % (
                p.returncode, _read(self.wdemu_log)[-2000:]))

    @staticmethod
    def _write_key(path, key):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, key)
        finally:
            os.close(fd)

    # -------------------------------------------------------------- cleanup
    def cleanup(self):
        """Remove everything (idempotent).  Returns a list of problems."""
        global _IN_CLEANUP
        if self._closed or not self._is_setup:
            return []
        if os.getpid() != self.owner_pid:
            return []   # a forked child must not tear down its parent's lab
        with self._lock:
            if self._closed:
                return []
            self._closed = True
        _IN_CLEANUP += 1
        try:
            return self._cleanup()
        finally:
            _IN_CLEANUP -= 1
            if not _IN_CLEANUP and _PENDING:
                sig = _PENDING.pop(0)
                del _PENDING[:]
                os.kill(os.getpid(), sig)

    def _cleanup(self):
        problems = []
        for nl, _lock in getattr(self, '_nl', {}).values():   # S1 sampler sockets
            nl.close()
        self._nl = {}
        if self.keep:
            _LIVE.discard(self)
            return problems
        # 0. the watchdog emulator first: nothing may fire during cleanup
        if not _stop_pid(self.wdemu_proc):
            problems.append('wdemu.py (pid %d) did not exit' % self.wdemu_proc.pid)
        # 1. let blocked repository I/O drain (it also ends with SIGKILL)
        if self._repofs_alive():
            try:
                self._repofs_control('all ok\n')
            except (OSError, LabError) as e:
                problems.append('repofs: %s' % e)
        # 2. everything we started lives in our cgroup: kill the nodes and the
        #    client, then stop the repository filesystem, then the rest
        for d, _s, _f in os.walk(self.cgroup) if os.path.isdir(self.cgroup) else ():
            try:
                _write(os.path.join(d, 'cgroup.freeze'), '0')
            except OSError:
                pass
        for cg in [nd.cgroup for nd in self.nodes.values()] + [self.client_cgroup]:
            _cg_kill_start(cg)
        for cg in [nd.cgroup for nd in self.nodes.values()] + [self.client_cgroup]:
            if not _cg_kill(cg, timeout=5):
                problems.append('cgroup %s not empty after kill' % cg)
        if not _stop_pid(self.repofs_proc):
            problems.append('hamr-repofs (pid %d) did not exit' % self.repofs_proc.pid)
        if os.path.isdir(self.repofs_dir):
            left = _unmount_under(self.repofs_dir)
            if left:
                problems.append('still mounted: %s' % ', '.join(left))
        if not _cg_kill(self.cgroup, timeout=5):
            problems.append('cgroup not empty after kill')
        # 3. processes not in the cgroup (should be none): by pid, then reap
        for p in self._procs:
            if p.poll() is None:
                try:
                    p.kill()
                except OSError:
                    pass
        deadline = time.monotonic() + 5
        for p in self._procs:
            try:
                p.wait(max(0.01, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                problems.append('pid %d did not exit' % p.pid)
        # 4. namespace socket threads (they hold the namespaces)
        for s in self._sockets.values():
            s.stop()
        self._sockets.clear()
        if self._pool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        # 5. links, namespaces, cgroups, mounts, run dir by prefix
        try:
            problems += teardown_prefix(self.prefix)
        except Exception as e:  # noqa: BLE001
            problems.append('teardown: %r' % e)
        _LIVE.discard(self)
        return problems

    # ---------------------------------------------------------- processes
    def _ns_cmd(self, name, argv, hostname=True):
        """argv run in node `name`'s netns + new mount and UTS namespaces."""
        nd = self.node(name)
        cmd = [IP, 'netns', 'exec', nd.ns,
               UNSHARE, '--mount', '--uts', '--propagation', 'private']
        if hostname:
            cmd += ['/bin/sh', '-c', 'echo "$0" > /proc/sys/kernel/hostname && exec "$@"', nd.name]
        return cmd + list(argv)

    def _spawn(self, cgroup, cmd, **kw):
        """Popen cmd as a member of `cgroup` (joined before exec)."""
        procs = os.path.join(cgroup, 'cgroup.procs')
        if not os.path.exists(procs):
            raise LabError('no cgroup %s' % cgroup)
        full = ['/bin/sh', '-c', 'echo 0 > "$0" && exec "$@"', procs] + list(cmd)
        kw.setdefault('stdin', subprocess.DEVNULL)
        kw.setdefault('start_new_session', True)
        p = subprocess.Popen(full, **kw)
        with self._lock:
            self._procs = [q for q in self._procs if q.poll() is None or q is p] + [p]
        return p

    def node_env(self, name, rg='web_rg', **extra):
        """Environment like the one hamrd gives to scripts (HAMR_NODE, ...)."""
        nd = self.node(name)
        env = dict(os.environ)
        env.update(HAMR_NODE=nd.name, HAMR_RG=rg, HAMR_STATE_DIR=nd.state_dir,
                   HAMR_LAB_RUN_DIR=self.run_dir, HAMR_LAB_OWNERS_LOG=self.owners_log)
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def run_in_node(self, name, argv, **popen_kw):
        """Start argv in node `name`: its netns, a new mount+UTS namespace
        (hostname = node name) and the node's cgroup.  Returns the Popen; its
        pid is argv's pid once the wrappers have exec'ed."""
        return self._spawn(self.node(name).cgroup, self._ns_cmd(name, argv), **popen_kw)

    def run_in_client(self, argv, **popen_kw):
        """Start argv in the client namespace and the lab's client cgroup."""
        return self._spawn(self.client_cgroup, [IP, 'netns', 'exec', self.client_ns] + list(argv),
                           **popen_kw)

    def node_exec(self, name, argv, timeout=10, check=False, input=None, env=None):
        """Run argv to completion in node `name`'s netns only (not in its
        cgroup: works on hung nodes).  `name` may be 'client'."""
        r = subprocess.run([IP, 'netns', 'exec', self.ns(name)] + list(argv),
                           capture_output=True, text=True, timeout=timeout, input=input,
                           env=env)
        if check and r.returncode != 0:
            raise LabError('%s in %s failed (%d): %s' % (argv, name, r.returncode, r.stderr.strip()))
        return r

    # --------------------------------------------------------------- daemon
    def daemon_running(self, name):
        p = self.node(name).proc
        return p is not None and p.poll() is None

    def running_nodes(self):
        return [n for n in self.nodes if self.daemon_running(n)]

    def start_daemon(self, name, wait=True, timeout=10):
        """Start hamrd on node `name`.  With wait, returns once its socket exists."""
        nd = self.node(name)
        if self.daemon_running(name):
            raise LabError('hamrd already running on %s (pid %d)' % (name, nd.proc.pid))
        if not os.access(self.hamrd, os.X_OK):
            raise FileNotFoundError('hamrd not built: %s' % self.hamrd)
        self._sync_watchdog()
        if not nd.powered:
            raise LabError('%s is crashed (powered off): use restart()' % name)
        try:
            os.unlink(nd.sock)   # stale socket of a killed daemon
        except FileNotFoundError:
            pass
        argv = self._disk_binds(name) + [
                self.hamrd, '--node', nd.name, '--repository', self.disk_path('repo'),
                '--key', nd.key, '--socket', nd.sock, '--state-dir', nd.state_dir]
        # never the host's own /dev/watchdog: the emulator's FIFO, or none
        argv += ['--watchdog', nd.watchdog if self.watchdog else 'none']
        argv += self.daemon_args
        env = self.node_env(name)
        env.pop('HAMR_RG', None)
        env['HAMR_SOCKET'] = nd.sock
        with open(nd.log, 'ab') as log:
            log.write(('--- %.3f lab: start hamrd on %s\n' % (time.monotonic(), name)).encode())
            log.flush()
            nd.proc = self.run_in_node(name, argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                       cwd=nd.state_dir)
        if wait:
            try:
                self.wait_for(lambda: os.path.exists(nd.sock) or nd.proc.poll() is not None,
                              timeout, what='hamrd socket on %s' % name)
            except TimeoutError:
                raise LabError('hamrd on %s: no socket after %ss\n%s' % (
                    name, timeout, self.log_tail(name))) from None
            if nd.proc.poll() is not None:
                raise LabError('hamrd on %s exited with %s\n%s' % (
                    name, nd.proc.returncode, self.log_tail(name)))
        return nd.proc

    def start_daemon_argv(self, name, args, wait=True, timeout=10):
        """Start hamrd on node `name` with exactly `args` (after the lab's
        shared-disk binds, nothing added): for tests that start hamrd the
        way a document says (tests/cluster/test_readme.py).  The caller
        passes the lab's --key/--socket/--state-dir/--watchdog paths.
        Same environment, log and wait as start_daemon()."""
        nd = self.node(name)
        if self.daemon_running(name):
            raise LabError('hamrd already running on %s (pid %d)' % (name, nd.proc.pid))
        self._sync_watchdog()
        if not nd.powered:
            raise LabError('%s is crashed (powered off): use restart()' % name)
        try:
            os.unlink(nd.sock)
        except FileNotFoundError:
            pass
        argv = self._disk_binds(name) + [self.hamrd] + [str(a) for a in args]
        env = self.node_env(name)
        env.pop('HAMR_RG', None)
        env['HAMR_SOCKET'] = nd.sock
        with open(nd.log, 'ab') as log:
            log.write(('--- %.3f lab: start hamrd on %s: %s\n' % (
                time.monotonic(), name, ' '.join(argv[-len(args) - 1:]))).encode())
            log.flush()
            nd.proc = self.run_in_node(name, argv, stdout=log, stderr=subprocess.STDOUT, env=env,
                                       cwd=nd.state_dir)
        if wait:
            try:
                self.wait_for(lambda: os.path.exists(nd.sock) or nd.proc.poll() is not None,
                              timeout, what='hamrd socket on %s' % name)
            except TimeoutError:
                raise LabError('hamrd on %s: no socket after %ss\n%s' % (
                    name, timeout, self.log_tail(name))) from None
            if nd.proc.poll() is not None:
                raise LabError('hamrd on %s exited with %s\n%s' % (
                    name, nd.proc.returncode, self.log_tail(name)))
        return nd.proc

    def start_all(self, wait=True, timeout=10):
        self._sync_watchdog()
        for name, nd in self.nodes.items():
            if nd.powered and not self.daemon_running(name):
                self.start_daemon(name, wait=False)
        if wait:
            for name, nd in self.nodes.items():
                if nd.powered:
                    self.wait_for(lambda nd=nd: os.path.exists(nd.sock) or nd.proc.poll() is not None,
                                  timeout, what='hamrd socket on %s' % name)
                    if nd.proc.poll() is not None:
                        raise LabError('hamrd on %s exited with %s\n%s' % (
                            name, nd.proc.returncode, self.log_tail(name)))

    def stop_daemon(self, name, timeout=10, graceful=False):
        """Stop hamrd on node `name`; returns its returncode (None if none ran).

        graceful=False (default, teardown): disarm the node's watchdog, kill
        the node cgroup (hamrd, its app, its scripts), disarm again: fast, and
        never a watchdog firing; what the node held is simply gone (like a
        crash, without the link going down).

        graceful=True: SIGTERM only, then wait up to `timeout` for hamrd to
        exit on its own (its graceful stop: --shutdown, --shutdown-timeout);
        the watchdog is left armed and the cgroup as hamrd left it, so a hamrd
        that exits while holding groups is reset by the watchdog emulator
        like a real node.  Raises LabError (after killing as above) if it
        does not exit in time."""
        nd = self.node(name)
        p = nd.proc
        if graceful and p is not None and p.poll() is None:
            try:
                p.send_signal(signal.SIGTERM)
            except OSError:
                pass
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                self.stop_daemon(name)
                raise LabError('hamrd on %s (pid %d) did not exit within %s s of SIGTERM'
                               % (name, p.pid, timeout)) from None
            self._sync_watchdog()
            return p.returncode
        self._wd_disarm(nd)
        if not _cg_kill(nd.cgroup, timeout=5):
            raise LabError('cgroup of %s not empty after kill' % name)
        self._wd_disarm(nd)      # again: a T written while it was being killed
        if p is not None:
            try:
                p.wait(max(timeout, 5))
            except subprocess.TimeoutExpired:
                raise LabError('hamrd on %s (pid %d) did not die' % (name, p.pid)) from None
        self._sync_watchdog()
        return p.returncode if p is not None else None

    def stop_all(self, timeout=10):
        """stop_daemon(name) (kill, watchdog disarmed) on every node."""
        for nd in self.nodes.values():
            self._wd_disarm(nd)
        for name in list(self.nodes):
            self.stop_daemon(name, timeout=timeout)

    def log_tail(self, name, lines=30):
        txt = _read(self.node(name).log)
        return '\n'.join(txt.splitlines()[-lines:])

    # --------------------------------------------------------------- clmgr
    def clmgr(self, name, *args, check=True, timeout=30):
        """Run clmgr against node `name`'s daemon, inside the node's netns
        (and its mount/UTS namespaces when the daemon runs).  Text result."""
        nd = self.node(name)
        if not os.access(self.clmgr_bin, os.X_OK):
            raise FileNotFoundError('clmgr not built: %s' % self.clmgr_bin)
        if self.daemon_running(name):
            pre = [NSENTER, '--target', str(nd.proc.pid), '--net', '--mount', '--uts']
        else:
            pre = [IP, 'netns', 'exec', nd.ns]
        argv = [self.clmgr_bin] + [str(a) for a in args]
        env = dict(os.environ, HAMR_SOCKET=nd.sock)
        r = subprocess.run(pre + argv, capture_output=True, text=True, timeout=timeout, env=env)
        if check and r.returncode != 0:
            raise ClmgrError(r.returncode, ['clmgr'] + argv[1:], r.stdout, r.stderr)
        return r

    def clmgr_json(self, name, *args, timeout=30):
        r = self.clmgr(name, '-j', *args, timeout=timeout)
        return json.loads(r.stdout)

    def configure(self, rg_policy=None, extra_groups=(), extra_commands=(), node=None,
                  sync=True, start=False, cluster_name='lab', rg='web_rg', wait=True,
                  timeout=15):
        """Define the cluster (clmgr add ... on one node) and sync it.

        rg_policy: dict STARTUP/FALLOVER/FALLBACK for the web group.
        extra_commands: lists of clmgr arguments, run after the web group
          (e.g. ['add', 'application_controller', 'x', 'STARTSCRIPT=...']).
        extra_groups: dicts with NAME and clmgr attributes; optional
          SERVICE_ADDRESS creates service_ip '<NAME>_svc' on net_ether_01
          and sets SERVICE_LABEL; NODES defaults to all nodes; policies
          default to rg_policy.  Lists are joined with spaces.
        start: also `clmgr start cluster`.
        wait: after sync, wait (<= timeout s) until every running daemon
          reports the configuration (status cluster NAME == cluster_name).
        Starts the daemons first when none is running.  Returns the node
        the commands ran on.
        """
        policy = dict(STARTUP='OHN', FALLOVER='FNPN', FALLBACK='NFB')
        policy.update(rg_policy or {})
        if not self.running_nodes():
            self.start_all()
        n = node or self.running_nodes()[0]
        allnodes = ' '.join(self.nodes)
        cmds = [['add', 'cluster', cluster_name, 'REPOSITORY=%s' % self.disk_path('repo')]
                + ['%s=%s' % kv for kv in self.timers.items()]
                # without the emulator the nodes run unfenced: accepted
                # explicitly (DEADMAN_MODE a refuses to start them)
                + ([] if self.watchdog else ['DEADMAN_MODE=e'])]
        for nd in self.nodes.values():
            cmds.append(['add', 'node', nd.name, 'COMMPATH=%s' % nd.addr])
        cmds.append(['add', 'network', 'net_ether_01', 'PREFIX=%d' % PREFIXLEN,
                     'INTERFACES=' + ' '.join('%s=%s' % (nd.name, nd.addr) for nd in self.nodes.values())])
        cmds.append(['add', 'service_ip', 'websvc', 'ADDRESS=%s' % self.service_ip,
                     'NETWORK=net_ether_01'])
        cmds.append(['add', 'application_controller', 'webapp',
                     'STARTSCRIPT=%s' % self.app_start, 'STOPSCRIPT=%s' % self.app_stop,
                     'START_TIMEOUT=10', 'STOP_TIMEOUT=10'])
        cmds.append(['add', 'resource_group', rg, 'NODES=%s' % allnodes]
                    + ['%s=%s' % (k, v) for k, v in policy.items()]
                    + ['SERVICE_LABEL=websvc', 'APPLICATIONS=webapp'])
        cmds += [list(c) for c in extra_commands]
        for g in extra_groups:
            g = dict(g)
            gname = g.pop('NAME')
            addr = g.pop('SERVICE_ADDRESS', None)
            if addr:
                cmds.append(['add', 'service_ip', gname + '_svc', 'ADDRESS=%s' % addr,
                             'NETWORK=net_ether_01'])
                g.setdefault('SERVICE_LABEL', gname + '_svc')
            g.setdefault('NODES', allnodes)
            for k, v in policy.items():
                g.setdefault(k, v)
            cmds.append(['add', 'resource_group', gname]
                        + ['%s=%s' % (k, _listify(v)) for k, v in g.items()])
        for c in cmds:
            self.clmgr(n, *c)
        if sync:
            self.clmgr(n, 'sync', 'cluster')
            if wait:
                self.wait_configured(cluster_name, timeout=timeout)
        if start:
            self.clmgr(n, 'start', 'cluster', 'WHEN=both', timeout=max(30, timeout))
        return n

    def wait_configured(self, cluster_name='lab', timeout=15):
        """Wait until every running daemon reports cluster `cluster_name`."""
        def missing():
            out = []
            for m in self.running_nodes():
                if self.is_frozen(m) or not self.node(m).powered:
                    continue
                try:
                    c = self.status(m).get('cluster', {})
                except (LabError, subprocess.SubprocessError, ValueError, OSError) as e:
                    out.append('%s (%s)' % (m, str(e).splitlines()[0][:80]))
                    continue
                if c.get('NAME') != cluster_name or c.get('STATE') == 'NOT_CONFIGURED':
                    out.append('%s (%s)' % (m, c.get('STATE')))
            return out
        state = {'missing': None}

        def done():
            state['missing'] = missing()
            return not state['missing']
        try:
            self.wait_for(done, timeout, interval=0.1,
                          what='configuration of cluster %r on every running node' % cluster_name)
        except TimeoutError:
            raise TimeoutError('cluster %r not configured on %s %.0f s after sync' % (
                cluster_name, ', '.join(state['missing'] or []), timeout)) from None

    def start_cluster(self, node=None):
        n = node or self._status_node()
        return self.clmgr(n, 'start', 'cluster', 'WHEN=both')

    def _status_node(self):
        self._sync_watchdog()
        for n in self.running_nodes():
            nd = self.node(n)
            if nd.powered and _cg_events(nd.cgroup).get('frozen') != '1':
                return n
        raise LabError('no running, unfrozen hamrd in the lab')

    def status(self, name=None):
        """`clmgr -j status` from `name` or the first running node."""
        return self.clmgr_json(name or self._status_node(), 'status', timeout=10)

    def owner_of(self, rg, via=None):
        """Node where group rg is ONLINE according to the cluster (asking node
        `via`, default the first running one), or None."""
        try:
            st = self.status(via)
        except (LabError, subprocess.SubprocessError, ValueError, OSError):
            return None
        for g in st.get('groups', []):
            if g.get('NAME') != rg:
                continue
            if g.get('STATE') == 'ONLINE' and g.get('CURRENT_NODE'):
                return g['CURRENT_NODE']
            online = [n for n, s in (g.get('NODES') or {}).items() if s == 'ONLINE']
            return online[0] if len(online) == 1 else None
        return None

    def wait_group_online(self, rg, node=None, timeout=60, via=None):
        """Wait until rg is ONLINE (on `node` if given); returns the node."""
        def pred():
            o = self.owner_of(rg, via=via)
            if o and (node is None or o == node):
                return o
            return None
        return self.wait_for(pred, timeout, interval=0.05,
                             what='group %s online%s' % (rg, ' on ' + node if node else ''))

    # ---------------------------------------------------------------- waits
    @staticmethod
    def wait_for(predicate, timeout, interval=0.05, what='condition'):
        """Poll predicate() until truthy (returned) or raise TimeoutError with
        `what` and the last value (or exception) seen."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            try:
                v = predicate()
                if v:
                    return v
                last = v
            except Exception as e:  # noqa: BLE001 - reported in the timeout
                last = e
            now = time.monotonic()
            if now >= deadline:
                raise TimeoutError('timed out after %.1fs waiting for %s; last: %r' % (timeout, what, last))
            time.sleep(min(interval, max(0.0, deadline - now)))

    # --------------------------------------------------------------- faults
    def crash(self, name, timeout=5):
        """Power off: kill the whole node cgroup, link down, drop every
        address but the boot one (power_off()).  Disarms the node's watchdog
        first: a deliberate crash is never reported as a firing."""
        nd = self.node(name)
        self._wd_disarm(nd)      # a deliberate crash is no watchdog firing
        power_off(nd.cgroup, nd.veth, nd.ns, nd.addr)
        nd.powered = False
        if not _cg_kill(nd.cgroup, timeout=timeout):
            raise LabError('crash %s: cgroup not empty: %s' % (name, _cg_procs(nd.cgroup)))
        self._wd_disarm(nd)
        # a process may have added an address while it was being killed
        self._flush_addrs(nd)
        self._sync_watchdog()
        if nd.proc is not None:
            try:
                nd.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                raise LabError('hamrd on %s (pid %d) not reaped' % (name, nd.proc.pid)) from None

    def _flush_addrs(self, nd):
        _flush_addrs_ip(nd.ns, nd.addr)

    def restart(self, name, daemon=True, wait=True):
        """Power on after crash(): link up, then start hamrd (if daemon)."""
        nd = self.node(name)
        self._sync_watchdog()    # older firings must not power it off again
        _ip('link', 'set', 'dev', nd.veth, 'up')
        nd.powered = True
        nd.powered_on_at = time.monotonic()
        if daemon:
            return self.start_daemon(name, wait=wait)
        return None

    def hang(self, name, timeout=5):
        """Freeze every process of the node (cgroup.freeze)."""
        nd = self.node(name)
        _write(os.path.join(nd.cgroup, 'cgroup.freeze'), '1')
        self.wait_for(lambda: _cg_events(nd.cgroup).get('frozen') == '1', timeout,
                      interval=0.01, what='%s frozen' % name)

    def thaw(self, name, timeout=5):
        nd = self.node(name)
        _write(os.path.join(nd.cgroup, 'cgroup.freeze'), '0')
        self.wait_for(lambda: _cg_events(nd.cgroup).get('frozen') == '0', timeout,
                      interval=0.01, what='%s thawed' % name)

    def is_frozen(self, name):
        return _cg_events(self.node(name).cgroup).get('frozen') == '1'

    def cgroup_pids(self, name):
        return _cg_procs(self.node(name).cgroup)

    def cut_link(self, name):
        """Host-side veth down: the node loses the network (carrier off)."""
        _ip('link', 'set', 'dev', self.node(name).veth, 'down')

    def restore_link(self, name):
        _ip('link', 'set', 'dev', self.node(name).veth, 'up')

    def link_up(self, name):
        links = _ip_json('link', 'show', 'dev', self.node(name).veth)
        return bool(links) and 'UP' in links[0].get('flags', [])

    def detach_port(self, name):
        """The node's switch port dies but its link keeps carrier: the
        host-side veth leaves the bridge (`ip link set <veth> nomaster`)
        and stays up, so eth0 inside the node stays up with carrier and
        reaches nobody (no peer, no client)."""
        _ip('link', 'set', 'dev', self.node(name).veth, 'nomaster')

    def attach_port(self, name):
        """Undo detach_port: the veth back on the lab bridge, up."""
        _ip('link', 'set', 'dev', self.node(name).veth, 'master', self.bridge, 'up')

    def port_attached(self, name):
        links = _ip_json('link', 'show', 'dev', self.node(name).veth)
        return bool(links) and links[0].get('master') == self.bridge

    # nftables drops inside the node namespaces (by source MAC, at ingress,
    # so ARP is dropped too and any source address is covered)
    def block(self, src, dst, oneway=False):
        """Drop frames from src at dst (and dst->src unless oneway)."""
        pairs = [(src, dst)] + ([] if oneway else [(dst, src)])
        for a, b in pairs:
            self._nft_ensure(b)
            mac = self.node(a).mac
            r = _run([IP, 'netns', 'exec', self.node(b).ns, NFT, 'add', 'rule', 'netdev',
                      'hamrlab', 'in', 'ether', 'saddr', mac, 'counter', 'drop',
                      'comment', '"from %s"' % a], check=False)
            if r.returncode != 0:
                raise LabError('nft in %s: %s' % (b, r.stderr.strip()))

    def partition(self, *groups):
        """Split the nodes into groups that cannot reach each other."""
        groups = [list(g) for g in groups]
        for i, g in enumerate(groups):
            for h in groups[i + 1:]:
                for a in g:
                    for b in h:
                        self.block(a, b)

    def heal(self, name=None):
        """Remove the nft drops of one node (or all nodes)."""
        for n in ([name] if name else list(self.nodes)):
            _run([IP, 'netns', 'exec', self.node(n).ns, NFT, 'delete', 'table', 'netdev',
                  'hamrlab'], check=False)

    def _nft_ensure(self, name):
        script = ('add table netdev hamrlab\n'
                  'add chain netdev hamrlab in { type filter hook ingress device "eth0" priority 0 ; }\n')
        r = _run([IP, 'netns', 'exec', self.node(name).ns, NFT, '-f', '-'], input=script,
                 check=False)
        if r.returncode != 0:
            raise LabError('nft in %s: %s' % (name, r.stderr.strip()))

    def app_pid(self, name):
        """Pid of the web app on node `name` (from its pid file), or None."""
        try:
            pid = int(_read(os.path.join(self.node(name).state_dir, 'webapp.pid')).strip())
        except ValueError:
            return None
        cmd = _read('/proc/%d/cmdline' % pid)
        return pid if 'webapp.py' in cmd else None

    def app_pid_in(self, name, subdir):
        """Pid of a lab web app started with HAMR_STATE_DIR=<state>/<subdir>
        on node `name` (an application of another group, e.g. a concurrent
        one), or None.  The S1 sampler does not look at these."""
        try:
            pid = int(_read(os.path.join(self.node(name).state_dir, subdir,
                                         'webapp.pid')).strip())
        except ValueError:
            return None
        cmd = _read('/proc/%d/cmdline' % pid)
        return pid if 'webapp.py' in cmd and pid in _cg_procs(self.node(name).cgroup) else None

    @staticmethod
    def assert_concurrent(pids, services):
        """A concurrent (OAAN) group is outside S1 by design: it may run on
        several nodes at once, but only on nodes whose cluster services are
        up.  pids: {node: pid or None}; services: {node: status STATE}."""
        bad = sorted(n for n, p in pids.items() if p and services.get(n) != 'ONLINE')
        if bad:
            raise AssertionError('concurrent group running where cluster services are not '
                                 'up: %s (%r)' % (', '.join(bad), services))

    def kill_app(self, name, sig=signal.SIGKILL):
        """Application failure: kill the web app of node `name` (by pid,
        after checking it is the web app in that node's cgroup)."""
        pid = self.app_pid(name)
        if pid is None or pid not in _cg_procs(self.node(name).cgroup):
            return False
        os.kill(pid, sig)
        return True

    # ---------------------------------------------------------- observation
    def _sock_factory(self, name):
        ns = self.ns(name)
        with self._lock:
            s = self._sockets.get(ns)
            if s is None or not s.thread.is_alive():
                s = _NetnsSockets(os.path.join(netns_dir(), ns))
                self._sockets[ns] = s
            return s

    def socket(self, name, family=socket.AF_INET, type=socket.SOCK_STREAM):
        """A socket created in the netns of node `name` (or 'client')."""
        return self._sock_factory(name).socket(family, type)

    def http_get(self, url, timeout=0.5, src='client'):
        """(status, body) of a GET from `src`'s netns; raises OSError on failure."""
        host, port, path = _parse_url(url)
        return http_get_sock(self.socket(src), host, port, path, timeout)

    def client_get(self, path='/', timeout=0.5):
        """Body of http://<service ip>:8080<path> fetched from the client, or None."""
        try:
            st, body = self.http_get('http://%s:%d%s' % (self.service_ip, self.app_port, path),
                                     timeout)
        except OSError:
            return None
        return body if st == 200 else None

    def app_on(self, name, timeout=0.3):
        """True if the web app answers on node `name`'s boot address."""
        try:
            st, body = self.http_get('http://%s:%d/health' % (self.addr(name), self.app_port),
                                     timeout)
        except OSError:
            return False
        return st == 200 and body.strip() == 'ok'

    def reachable(self, src, dst_ip, port=9, timeout=0.5):
        """True if a TCP connect from `src` (node or 'client') to dst_ip gets
        an answer (accepted or refused): a ping without ICMP tools."""
        s = self.socket(src)
        try:
            s.settimeout(timeout)
            s.connect((dst_ip, port))
            return True
        except ConnectionRefusedError:
            return True
        except OSError:
            return False
        finally:
            s.close()

    def send_udp_from_client(self, targets, port, packets, src='client'):
        """Send every packet (bytes) to every target address on UDP `port`,
        from the client namespace (or node `src`)."""
        s = self.socket(src, socket.AF_INET, socket.SOCK_DGRAM)
        try:
            for ip in targets:
                for pkt in packets:
                    try:
                        s.sendto(pkt, (ip, port))
                    except OSError:
                        pass   # e.g. EMSGSIZE or ICMP errors: best effort
        finally:
            s.close()

    def node_addrs(self, name):
        """All IPv4 addresses in node `name`'s namespace (lo excluded)."""
        out = []
        for link in _ip_json('addr', 'show', ns=self.ns(name)):
            if link.get('ifname') == 'lo':
                continue
            out += [a['local'] for a in link.get('addr_info', []) if a.get('family') == 'inet']
        return out

    def node_has_ip(self, name, ip):
        return ip in self.node_addrs(name)

    def _executor(self):
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    max_workers=min(64, 2 * self.n + 2), thread_name_prefix='hamrlab')
            return self._pool

    def _has_ip_nl(self, name, ip):
        """node_has_ip over a cached rtnetlink socket in the node's netns
        (a few hundred microseconds instead of running `ip`)."""
        with self._lock:
            if not hasattr(self, '_nl'):
                self._nl = {}
            if name not in self._nl:
                self._nl[name] = (RtNetlink(os.path.join(netns_dir(), self.ns(name))),
                                  threading.Lock())
            nl, lock = self._nl[name]
        want = socket.inet_aton(ip)
        try:
            with lock:
                addrs = nl.addrs('eth0')
        except (OSError, LabError, ValueError):
            with self._lock:
                self._nl.pop(name, None)
            return self.node_has_ip(name, ip)
        return any(fam == socket.AF_INET and want in (attrs.get(1), attrs.get(2))
                   for fam, _plen, _scope, attrs in addrs)

    def s1_sample(self, ip=None):
        """{node: {'ip': bool, 'app': bool}} for powered-on nodes: the
        service address configured in the node's namespace, and the web
        app's own ownership record (its pid file naming a live webapp
        process: true on a hung or cut-off node too).  With shared block
        devices (add_block_device), also 'fs': the devices mounted in any
        mount namespace of the node's processes (mounted_block_devices)."""
        ip = ip or self.service_ip
        self._sync_watchdog()
        names = [n for n, nd in self.nodes.items() if nd.powered]
        out = {n: {'ip': self._has_ip_nl(n, ip), 'app': self.app_pid(n) is not None}
               for n in names}
        if self.block_devices:
            for n in names:
                out[n]['fs'] = sorted(self.mounted_block_devices(n))
        return out

    @staticmethod
    def fs_double_mounts(sample):
        """[(device, [nodes])] for each shared device mounted on >1 node."""
        on = {}
        for n, v in sample.items():
            for dev in v.get('fs', ()):
                on.setdefault(dev, []).append(n)
        return sorted((d, sorted(ns)) for d, ns in on.items() if len(ns) > 1)

    @staticmethod
    def assert_s1(sample):
        """Raise AssertionError if >1 node holds the service IP, runs the
        app or has a shared filesystem mounted."""
        ips = sorted(n for n, v in sample.items() if v.get('ip'))
        apps = sorted(n for n, v in sample.items() if v.get('app'))
        problems = []
        if len(ips) > 1:
            problems.append('service IP on %s' % ', '.join(ips))
        if len(apps) > 1:
            problems.append('application running on %s' % ', '.join(apps))
        for dev, ns in Lab.fs_double_mounts(sample):
            problems.append('%s mounted on %s' % (dev, ', '.join(ns)))
        if problems:
            raise AssertionError('S1 violated: ' + '; '.join(problems))

    def owners(self):
        """Parsed app-owners.log: [(time, 'start'|'stop', node, rest)]."""
        out = []
        for line in _read(self.owners_log).splitlines():
            parts = line.split(None, 3)
            if len(parts) >= 3:
                try:
                    out.append((float(parts[0]), parts[1], parts[2],
                                parts[3] if len(parts) > 3 else ''))
                except ValueError:
                    pass
        return out

    # ------------------------------------------------- shared block devices
    def add_block_device(self, size_mb=32, mkfs='ext4', label=None):
        """A shared block device, the same path on every node (like a LUN
        on a SAN): a loop device over a file in the run dir (the nodes
        share /dev).  mkfs: filesystem made on it once ('ext4', or None).
        Detached at cleanup, also of a lab that died (loop-devices in the
        run dir).  Returns its path, /dev/loopN."""
        img = os.path.join(self.run_dir, 'blockdev%d.img' % len(self.block_devices))
        fd = os.open(img, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.ftruncate(fd, size_mb << 20)
        finally:
            os.close(fd)
        dev = _run([LOSETUP, '--find', '--show', img]).stdout.strip()
        with open(os.path.join(self.run_dir, 'loop-devices'), 'a') as f:
            f.write('%s %s\n' % (dev, img))
        self.block_devices.append(dev)
        if mkfs:
            _run(['mkfs.' + mkfs, '-q', '-F'] + (['-L', label] if label else []) + [dev],
                 timeout=60)
        return dev

    def mounted_block_devices(self, name):
        """{device: mount point} of the shared block devices mounted in the
        mount namespaces of node `name`'s processes (its cgroup)."""
        if not self.block_devices:
            return {}
        rdevs = {}
        for d in self.block_devices:
            try:
                rdevs[os.stat(d).st_rdev] = d
            except OSError:
                pass
        out, seen = {}, set()
        for pid in _cg_procs(self.node(name).cgroup):
            try:
                ns = os.readlink('/proc/%d/ns/mnt' % pid)
            except OSError:
                continue
            if ns in seen:
                continue
            seen.add(ns)
            for line in _read('/proc/%d/mountinfo' % pid).splitlines():
                f = line.split()
                if len(f) < 5 or ':' not in f[2]:
                    continue
                maj, mi = f[2].split(':', 1)
                dev = rdevs.get(os.makedev(int(maj), int(mi)))
                if dev:
                    out[dev] = _unescape_mount(f[4])
        return out

    def run_in_node_ns(self, name, argv, **popen_kw):
        """argv in the mount namespace of node `name`'s hamrd (where the
        group's filesystems are mounted), its netns and its cgroup."""
        nd = self.node(name)
        if not self.daemon_running(name):
            raise LabError('hamrd not running on %s' % name)
        return self._spawn(nd.cgroup, [NSENTER, '-t', str(nd.proc.pid), '-m', '-n', '--']
                           + list(argv), **popen_kw)

    def node_ns_run(self, name, argv, timeout=10):
        """Run argv to completion in hamrd's mount and network namespaces
        on node `name` (not in its cgroup).  Returns the CompletedProcess."""
        nd = self.node(name)
        return subprocess.run([NSENTER, '-t', str(nd.proc.pid), '-m', '-n', '--'] + list(argv),
                              capture_output=True, text=True, timeout=timeout)

    # ---------------------------------------------------------------- probe
    def probe_argv(self, url=None, interval=0.01, timeout=0.1, duration=30):
        url = url or 'http://%s:%d/' % (self.service_ip, self.app_port)
        return [PYTHON, PROBE, '--url', url, '--interval', str(interval),
                '--timeout', str(timeout), '--duration', str(duration)]

    def start_probe(self, url=None, interval=0.01, timeout=0.1, duration=30, **popen_kw):
        """probe.py in the client netns; stdout is a pipe of JSON lines."""
        popen_kw.setdefault('stdout', subprocess.PIPE)
        popen_kw.setdefault('text', True)
        return self.run_in_client(self.probe_argv(url, interval, timeout, duration), **popen_kw)

    def flush_client_arp(self):
        _ip('neigh', 'flush', 'dev', 'eth0', ns=self.client_ns, check=False)

    def describe(self):
        lines = ['lab %s  run dir %s  profile %s' % (self.prefix, self.run_dir, self.profile),
                 '  bridge %s   client %s (%s)   service ip %s' % (
                     self.bridge, self.client_ns, self.client_ip, self.service_ip)]
        for nd in self.nodes.values():
            lines.append('  %-4s netns %-12s %-14s cgroup %s' % (nd.name, nd.ns, nd.addr, nd.cgroup))
        return '\n'.join(lines)
