#!/usr/bin/python3
"""wdemu: the lab's hardware watchdog emulator (one process for every node).

    wdemu.py CONFIG.json

CONFIG (written by hamrlab.Lab):
    {"run_dir": ..., "log": ".../watchdog.log", "ready": ".../wdemu.ready",
     "nodes": {"n1": {"fifo", "cgroup", "veth", "ns", "netns_path", "addr"}, ...}}

hamrd gets `--watchdog <fifo>` and writes to it (O_WRONLY|O_NONBLOCK):
    T<ms>\\n   arm or re-arm with a timeout of <ms> milliseconds (counts as a pet)
    V         disarm (magic close)
    any other byte: pet (ignored while disarmed)
When an armed node is not petted for its timeout, the emulator FIRES: it does
what Lab.crash does (hamrlab.power_off: cgroup.kill of the node cgroup,
host-side veth down, every address but the boot one deleted), appends
`<time.monotonic()> <node> fired <ms since last pet>` to watchdog.log and
stays disarmed until the next T.

Every FIFO is held open O_RDWR|O_NONBLOCK (never an EOF spin), epoll waits
with the nearest deadline as timeout, and after every wake-up ALL FIFOs are
drained before any deadline is compared: a pet is stamped with the time it
was read, so a late wake-up of the emulator never causes a false firing.
Runs at nice -15 with its memory locked.  Exits on SIGTERM/SIGINT or when
the run dir disappears.  Standard library only.
"""
import ctypes
import json
import os
import select
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hamrlab  # noqa: E402

MAX_TIMEOUT_MS = 3600 * 1000
IDLE_WAKE = 1.0          # s: housekeeping interval (run dir still there?)
RECHECK_FOR = 5.0        # s: after a firing, flush addresses again once the cgroup is empty
READ_CHUNK = 65536


def log(msg):
    sys.stderr.write('wdemu %.3f: %s\n' % (time.monotonic(), msg))
    sys.stderr.flush()


class Dog:
    """One node's watchdog: FIFO, parser state and timer."""

    def __init__(self, name, cfg):
        self.name = name
        self.cfg = cfg
        self.fd = os.open(cfg['fifo'], os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        self.armed = False
        self.timeout = 0.0       # s
        self.last_pet = 0.0
        self.tbuf = None         # bytearray of digits while inside "T<ms>\n"
        self.recheck_until = 0.0
        self.host_nl = None
        self.node_nl = None

    def deadline(self):
        return self.last_pet + self.timeout if self.armed else None

    def feed(self, data, now):
        for b in data:
            if self.tbuf is not None:
                if 0x30 <= b <= 0x39 and len(self.tbuf) < 10:
                    self.tbuf.append(b)
                    continue
                if b == 0x0a and self.tbuf:
                    ms = int(self.tbuf)
                    self.tbuf = None
                    if 0 < ms <= MAX_TIMEOUT_MS:
                        if not self.armed or ms / 1000.0 != self.timeout:
                            log('%s armed, timeout %d ms' % (self.name, ms))
                        self.armed = True
                        self.timeout = ms / 1000.0
                        self.last_pet = now
                    else:
                        log('%s: ignoring T%d' % (self.name, ms))
                    continue
                # malformed "T...": drop it, take this byte on its own
                log('%s: malformed T%s followed by %r' % (self.name, self.tbuf.decode(), chr(b)))
                self.tbuf = None
                if b == 0x0a:
                    continue
            if b == 0x54:            # 'T'
                self.tbuf = bytearray()
            elif b == 0x56:          # 'V'
                if self.armed:
                    log('%s disarmed (V)' % self.name)
                self.armed = False
            elif self.armed:
                self.last_pet = now

    def drain(self):
        """Read everything pending; each chunk is stamped when read."""
        for _ in range(64):          # bounded: 4 MiB per round at most
            try:
                data = os.read(self.fd, READ_CHUNK)
            except BlockingIOError:
                return
            except InterruptedError:
                continue
            if not data:
                return
            self.feed(data, time.monotonic())


class Emulator:
    def __init__(self, cfg):
        self.cfg = cfg
        self.run_dir = cfg['run_dir']
        self.logf = os.open(cfg['log'], os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC,
                            0o600)
        self.dogs = [Dog(n, c) for n, c in sorted(cfg['nodes'].items())]
        self.stop = False
        self.ep = select.epoll()
        for d in self.dogs:
            self.ep.register(d.fd, select.EPOLLIN)
        self.host_nl = self._netlink(None)
        for d in self.dogs:
            d.node_nl = self._netlink(d.cfg['netns_path'])
            try:                      # resolve names now, not when firing
                if self.host_nl is not None:
                    self.host_nl.link_index(d.cfg['veth'])
                if d.node_nl is not None:
                    d.node_nl.link_index('eth0')
            except OSError as e:
                log('%s: netlink lookup failed (%s); ip(8) will be used' % (d.name, e))
        # signals wake epoll through a pipe
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        signal.set_wakeup_fd(self.wake_w)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        self.ep.register(self.wake_r, select.EPOLLIN)

    @staticmethod
    def _netlink(ns_path):
        try:
            return hamrlab.RtNetlink(ns_path)
        except OSError as e:
            log('netlink socket for %s: %s; ip(8) will be used' % (ns_path or 'host', e))
            return None

    def _on_signal(self, sig, _frame):
        self.stop = True

    def fire(self, d, now):
        c = d.cfg
        deadline = d.deadline()
        since_ms = (now - d.last_pet) * 1000.0
        d.armed = False
        d.tbuf = None
        hamrlab.power_off(c['cgroup'], c['veth'], c['ns'], c['addr'],
                          host_nl=self.host_nl, node_nl=d.node_nl)
        done = time.monotonic()
        os.write(self.logf, ('%.6f %s fired %.1f\n' % (now, d.name, since_ms)).encode())
        d.recheck_until = done + RECHECK_FOR
        log('%s FIRED: %.1f ms since last pet (timeout %.0f ms); woke %.2f ms after the '
            'deadline, powered off %.2f ms after it' % (
                d.name, since_ms, d.timeout * 1000, (now - deadline) * 1000,
                (done - deadline) * 1000))

    def recheck(self, d, now):
        """After a firing: once the node cgroup is empty, delete addresses a
        dying process may still have added."""
        if now > d.recheck_until:
            d.recheck_until = 0.0
            return
        ev = hamrlab._cg_events(d.cfg['cgroup'])
        if ev.get('populated') != '0':
            return
        d.recheck_until = 0.0
        try:
            if d.node_nl is None:
                raise OSError('no netlink')
            n = d.node_nl.flush_addrs('eth0', d.cfg['addr'])
        except OSError:
            hamrlab._flush_addrs_ip(d.cfg['ns'], d.cfg['addr'])
            n = -1
        if n:
            log('%s: re-flushed addresses after the cgroup emptied (%d)' % (d.name, n))

    def run(self):
        hamrlab._write(self.cfg['ready'], '%d\n' % os.getpid())
        log('serving %s' % ' '.join(d.name for d in self.dogs))
        next_house = time.monotonic() + IDLE_WAKE
        while not self.stop:
            now = time.monotonic()
            wake = next_house
            for d in self.dogs:
                dl = d.deadline()
                if dl is not None and dl < wake:
                    wake = dl
                if d.recheck_until and now + 0.01 < wake:
                    wake = now + 0.01
            try:
                self.ep.poll(max(0.0, wake - now))
            except InterruptedError:
                pass
            try:
                while os.read(self.wake_r, 256):
                    pass
            except OSError:
                pass
            # first drain ALL FIFOs, only then look at the deadlines
            for d in self.dogs:
                d.drain()
            now = time.monotonic()
            for d in self.dogs:
                dl = d.deadline()
                if dl is not None and now >= dl:
                    d.drain()                 # last look: a pet read now still counts
                    now = time.monotonic()
                    dl = d.deadline()
                    if dl is not None and now >= dl:
                        self.fire(d, now)
                if d.recheck_until:
                    self.recheck(d, time.monotonic())
            if now >= next_house:
                next_house = now + IDLE_WAKE
                if not os.path.isdir(self.run_dir):
                    log('run dir %s is gone: exiting' % self.run_dir)
                    break
        log('exiting')


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: wdemu.py CONFIG.json\n')
        return 2
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -15)
    except OSError as e:
        log('setpriority: %s' % e)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.mlockall(3) != 0:        # MCL_CURRENT | MCL_FUTURE
            log('mlockall: %s' % os.strerror(ctypes.get_errno()))
    except (OSError, AttributeError) as e:
        log('mlockall: %s' % e)
    Emulator(cfg).run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
