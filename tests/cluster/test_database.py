"""A real database end to end: PostgreSQL 15 in a 3-node lab. db_rg holds
a file_system (ext4 on the lab's shared block device, the data directory
made once by initdb), a service IP, the application controller of
contrib/examples/postgresql (pgsql-start, pgsql-stop) and a monitor
(pgsql-check, MONITORINTERVAL=0.5, RESTARTCOUNT=1). A client in the client
namespace inserts rows over the service IP (each its own transaction,
synchronous_commit=on) for the whole file and records every commit the
server acknowledged. One trial of each fault: owner crash, owner hang
(fenced by the watchdog emulator), postmaster killed (restarted in place,
then, killed again, fallover), planned move. After each, every acknowledged
row is in the table; at the end the filesystem checks clean (fsck -fn with
the group offline). A sampler checks throughout that no filesystem is
mounted on two nodes, no service address or PostgreSQL runs on two."""
import threading
import time

import pytest

import pglab
from conftest import started_lab

RG = pglab.RG


@pytest.fixture(scope="module")
def dlab(build_dir):
    def extra(lab):
        lab.db = pglab.PgLab(lab)
        return lab.db.commands(interval=0.5, stabilization=1, restartcount=1,
                               restartinterval=60)
    for lab in started_lab(build_dir, extra_commands=extra):
        lab.wait_group_online(RG, "n1", timeout=60)
        lab.client = lab.db.start_client()
        lab.wait_for(lambda: lab.db.acks(), 30, what="the client's first commit")
        try:
            yield lab
        finally:
            if lab.client.poll() is None:
                lab.db.stop_client(lab.client)


class Sampler:
    """S1 for the database group: no shared device mounted on two nodes,
    neither service address on two, no PostgreSQL process on two, the web
    app not on two (conftest's S1Sampler checks the web address only)."""

    def __init__(self, lab):
        self.lab, self.samples, self.violations = lab, 0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        end = time.monotonic() + 600
        while not self._stop.is_set() and time.monotonic() < end:
            s = self.lab.s1_sample()
            dbip = [n for n in s if self.lab._has_ip_nl(n, self.lab.db.ip)]
            pg = self.lab.db.postgres_nodes()
            self.samples += 1
            try:
                self.lab.assert_s1(s)
                assert len(dbip) <= 1, "%s on %s" % (self.lab.db.ip, dbip)
                assert len(pg) <= 1, "postgres on %s" % pg
            except AssertionError as e:
                self.violations.append((time.monotonic(), str(e)))
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)
        assert self.samples > 0
        assert not self.violations, self.violations[:3]
        print(f"\nS1 (database): {self.samples} samples, no double owner or mount")


def _group(lab, via=None):
    return [g for g in lab.status(via)["groups"] if g["NAME"] == RG][0]


def _all_acked_present(lab):
    acks = lab.db.acks()
    rows = lab.db.rows()
    lost = sorted(set(acks) - rows)
    assert not lost, f"{len(lost)} acknowledged rows lost, first {lost[:10]}"
    return len(acks)


def _rejoin(lab, node):
    """Power `node` on again and wait until it is a member with services."""
    if lab.is_frozen(node):
        lab.thaw(node)
    lab.restart(node)
    via = [n for n in lab.node_names if n != node][0]
    lab.wait_for(lambda: {n["NAME"]: n["STATE"] for n in lab.status(via)["nodes"]}[node]
                 == "ONLINE", 60, what=node + " back ONLINE")


def test_owner_crash(dlab):
    owner = dlab.owner_of(RG)
    with Sampler(dlab):
        t0 = time.monotonic()
        dlab.crash(owner)
        t1, new = dlab.db.wait_ack_after(t0, lambda n: n != owner)
        print(f"\ncrash of {owner}: commits acknowledged by {new} after {t1 - t0:.2f} s")
        dlab.wait_group_online(RG, new, timeout=30)
        n = _all_acked_present(dlab)
    _rejoin(dlab, owner)
    print(f"{n} acknowledged rows, all present")


def test_owner_hang_fenced(dlab):
    owner = dlab.owner_of(RG)
    with Sampler(dlab):
        t0 = time.monotonic()
        dlab.hang(owner)
        t1, new = dlab.db.wait_ack_after(t0, lambda n: n != owner)
        fired = dlab.watchdog_fired(owner)
        assert fired and t0 < fired[-1][0] < t1, (fired, t0, t1)
        print(f"\nhang of {owner}: watchdog fired after {fired[-1][0] - t0:.2f} s, commits "
              f"acknowledged by {new} after {t1 - t0:.2f} s")
        _all_acked_present(dlab)
    _rejoin(dlab, owner)


def test_postmaster_killed_restart_then_fallover(dlab):
    owner = dlab.owner_of(RG)
    restarts = _group(dlab)["MONITOR_RESTARTS"]
    with Sampler(dlab):
        time.sleep(1.5)  # past STABILIZATION: the monitor checks
        t0 = time.monotonic()
        old = dlab.db.kill_postmaster(owner)
        assert old
        t1, node = dlab.db.wait_ack_after(t0, lambda n: True)
        print(f"\npostmaster killed: restarted in place, commits acknowledged after "
              f"{t1 - t0:.2f} s")
        assert node == owner
        dlab.wait_group_online(RG, owner, timeout=30)
        assert dlab.db.postmaster_pid(owner) not in (None, old)
        g = _group(dlab)
        assert g["MONITOR_RESTARTS"] == restarts + 1, g
        assert "pgmon" in g["MONITOR_FAILURE"], g
        _all_acked_present(dlab)

        # RESTARTCOUNT=1 used up within RESTARTINTERVAL: the next failure
        # moves the group
        time.sleep(1.5)
        t0 = time.monotonic()
        assert dlab.db.kill_postmaster(owner)
        t1, new = dlab.db.wait_ack_after(t0, lambda n: n != owner)
        print(f"killed again: fallover, commits acknowledged by {new} after {t1 - t0:.2f} s")
        g = _group(dlab)
        assert g["NODES"][owner] == "ERROR" and g["CURRENT_NODE"] == new, g
        _all_acked_present(dlab)


def test_planned_move(dlab):
    owner = dlab.owner_of(RG)
    target = [n for n in dlab.node_names if n != owner][0]
    with Sampler(dlab):
        t0 = time.monotonic()
        dlab.clmgr("n1", "move", "resource_group", RG, "NODE=" + target, timeout=120)
        t1, node = dlab.db.wait_ack_after(t0, lambda n: n == target)
        print(f"\nmove {owner} -> {target}: commits acknowledged after {t1 - t0:.2f} s")
        dlab.wait_group_online(RG, target, timeout=30)
        ev = pglab.events(dlab, owner)
        ev = ev[ev.rindex("EVENT START: rg_move_release"):]
        assert "pgsql-stop: stopped (fast)" in ev, ev
        # the monitor stood aside while the release stopped PostgreSQL
        assert "server_down" not in ev and "server_restart" not in ev, ev
        _all_acked_present(dlab)


def test_every_acknowledged_row_and_a_clean_filesystem(dlab):
    dlab.db.stop_client(dlab.client)
    n = _all_acked_present(dlab)
    nodes = {e[3] for e in dlab.db.log() if e[0] == "A"}
    print(f"\n{n} commits acknowledged (by {sorted(nodes)}), every one present")
    assert n > 100 and len(nodes) >= 2
    dlab.clmgr("n1", "offline", "resource_group", RG, timeout=120)
    for node in dlab.node_names:
        assert dlab.db.dev not in dlab.mounted_block_devices(node), node
    assert dlab.db.postgres_nodes() == []
    r = dlab.db.fsck()
    assert r.returncode == 0, r.stdout + r.stderr
