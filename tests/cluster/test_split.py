"""Split-brain safety on the shared 3-node lab cluster: selective fallover
through the disk path, the deadman switch (hang, isolation, mode e) and
partitions. S1 (never the service IP or the application on two nodes) is
sampled throughout every scenario."""
import os
import time

import pytest

from conftest import restore

WEB = "web_rg"


def _node(lab, via, name):
    return {n["NAME"]: n for n in lab.status(via)["nodes"]}[name]


def _deadman(lab, name):
    return lab.status(name)["cluster"]["DEADMAN"]


def test_owner_link_cut_moves_group_after_release_through_disk(cluster, s1):
    """The owner loses its network but still writes its repository slot: it
    stays a member (heard on the disk), reports its network down, releases
    on the coordinator's order received through the disk, and only then the
    next node acquires (PowerHA selective fallover)."""
    with s1():
        t0 = time.monotonic()
        cluster.cut_link("n1")
        cluster.wait_group_online(WEB, "n2", timeout=60, via="n2")
        settle = time.monotonic() - t0
        n1 = _node(cluster, "n2", "n1")
        assert n1["STATE"] == "ONLINE" and n1["MEMBER"] is True, n1
        assert n1["PATHS"] == "disk", n1
        assert n1["NETWORK"].startswith("DOWN"), n1
        assert "n1" in cluster.status("n2")["cluster"]["MEMBERS"]
        assert not cluster.node_has_ip("n1", cluster.service_ip)
        body = cluster.wait_for(lambda: cluster.client_get(), 30, what="client answer from n2")
        assert "node n2" in body
        # the owner released before the next node started (owners log order)
        events = [(e[1], e[2]) for e in cluster.owners() if e[0] >= 0]
        last_stop_n1 = max(i for i, e in enumerate(events) if e == ("stop", "n1"))
        last_start_n2 = max(i for i, e in enumerate(events) if e == ("start", "n2"))
        assert last_stop_n1 < last_start_n2, events[-6:]
    assert cluster.daemon_running("n1")  # released, not fenced
    print(f"selective fallover settled in {settle:.2f}s")
    cluster.restore_link("n1")
    restore(cluster)


def test_deadman_mode_e_raises_event_and_kills_nothing(cluster):
    """DEADMAN_MODE=e: a node whose loop stalls past the watchdog timeout is
    not reset; the event is raised, logged and shown in the status."""
    cluster.clmgr("n1", "modify", "cluster", "DEADMAN_MODE=e")
    cluster.clmgr("n1", "sync", "cluster")
    cluster.wait_for(lambda: all(_deadman(cluster, n)["MODE"] == "e" for n in cluster.node_names),
                     30, what="mode e everywhere")
    before = _deadman(cluster, "n3")["EVENTS"]
    timeout = _deadman(cluster, "n3")["TIMEOUT"]
    cluster.hang("n3")
    time.sleep(timeout + 0.1)  # past the watchdog timeout, within detection time
    cluster.thaw("n3")
    cluster.wait_for(lambda: _deadman(cluster, "n3")["EVENTS"] > before, 30,
                     what="deadman event on n3")
    dm = _deadman(cluster, "n3")
    assert "no pet for" in dm["LAST_EVENT"], dm
    assert dm["ARMED"] is False
    assert cluster.daemon_running("n3")
    assert "DEADMAN EVENT" in open(cluster.node("n3").log).read()
    assert cluster.owner_of(WEB) == "n1"
    cluster.clmgr("n1", "modify", "cluster", "DEADMAN_MODE=a")
    cluster.clmgr("n1", "sync", "cluster")
    cluster.wait_for(lambda: all(_deadman(cluster, n)["MODE"] == "a" for n in cluster.node_names),
                     30, what="mode a everywhere")


def test_watchdog_timeout_too_long_is_refused(cluster):
    """Takeover waits for certainty: a watchdog that could fire after the
    others declare the node down is refused at modify time, nothing staged."""
    r = cluster.clmgr("n2", "modify", "cluster", "WATCHDOG_TIMEOUT=0.45", check=False)
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert 'WATCHDOG_TIMEOUT="0.45" is too long' in out and "at most 0.3" in out, out
    q = cluster.clmgr("n3", "query", "cluster").stdout
    assert f'WATCHDOG_TIMEOUT="{cluster.timers["WATCHDOG_TIMEOUT"]}"' in q
    r = cluster.clmgr("n2", "modify", "cluster", "HEARTBEAT_FREQUENCY=0.25", check=False)
    assert r.returncode != 0 and "WATCHDOG_TIMEOUT" in r.stdout + r.stderr
    assert 'HEARTBEAT_FREQUENCY="0.4"' in cluster.clmgr("n1", "query", "cluster").stdout


def _takeover_time(lab, node, via, timeout=60):
    """Monotonic time at which `via` first reports WEB online on `node`."""
    lab.wait_group_online(WEB, node, timeout=timeout, via=via)
    return time.monotonic()


def test_owner_hang_watchdog_fires_before_takeover(cluster, s1):
    """The owner freezes: its watchdog fires (the lab node is reset) and the
    group moves only after that; the thawed node touches nothing."""
    assert cluster.owner_of(WEB) == "n1"
    with s1():
        t0 = time.monotonic()
        cluster.hang("n1")
        t_up = _takeover_time(cluster, "n2", via="n2")
        fired = cluster.wait_for(lambda: cluster.watchdog_fired("n1"), 30, what="n1 watchdog fired")
        t_fire = fired[-1][0]
        assert t0 < t_fire < t_up, (t0, t_fire, t_up)
        cluster.thaw("n1")
        time.sleep(0.5)
        assert not cluster.node_has_ip("n1", cluster.service_ip)
        assert not cluster.daemon_running("n1")
    print(f"hang: fired {t_fire - t0:.3f}s after the freeze, group answered on n2 "
          f"{t_up - t0:.3f}s after")
    # the reset node rejoins with a new incarnation and brings nothing back
    cluster.restart("n1")
    cluster.wait_for(lambda: _node(cluster, "n2", "n1")["STATE"] == "ONLINE", 60, what="n1 rejoined")
    time.sleep(0.5)
    assert cluster.owner_of(WEB) == "n2"
    restore(cluster)


def test_owner_cut_from_network_and_disk_releases_before_takeover(cluster, s1):
    """The owner loses the network and the repository at once: nobody hears
    it, it hears nobody. Its hold deadline passes, so it releases (or its
    watchdog fires) before the survivors may take over."""
    assert cluster.owner_of(WEB) == "n1"
    # no priority override location in force (restore() moves the group
    # home with one): after the heal the group must stay where it is
    cluster.clmgr("n1", "start", "cluster", "WHEN=both")
    with s1():
        t0 = time.monotonic()
        cluster.cut_link("n1")
        cluster.repo_fault("n1", "error")
        t_up = _takeover_time(cluster, "n2", via="n2")
        cluster.wait_for(lambda: not cluster.node_has_ip("n1", cluster.service_ip), 10,
                         what="n1 released")
        ev = [(e[1], e[2]) for e in cluster.owners()]
        last_stop = max([i for i, e in enumerate(ev) if e == ("stop", "n1")], default=-1)
        last_start = max(i for i, e in enumerate(ev) if e == ("start", "n2"))
        fired = [f for f in cluster.watchdog_fired("n1") if f[0] > t0]
        # released before the takeover, or reset (by its watchdog) before it
        assert 0 <= last_stop < last_start or (fired and fired[-1][0] < t_up), (ev[-6:], fired)
    print(f"isolated owner: group answered on n2 {t_up - t0:.3f}s after the cut "
          f"({'fenced' if fired else 'released'})")
    # heal: the side that kept quorum coordinates the merge, nothing restarts
    pid = cluster.app_pid("n2")
    with s1():
        cluster.repo_fault("n1", "ok")
        if cluster.is_crashed("n1"):
            cluster.restart("n1")
        else:
            cluster.restore_link("n1")
        cluster.wait_for(lambda: _node(cluster, "n2", "n1")["MEMBER"], 60, what="n1 member again")
        time.sleep(1.0)
        assert cluster.owner_of(WEB, via="n1") == "n2" and cluster.app_pid("n2") == pid
    restore(cluster)


def test_one_way_partition_without_disk_no_double_owner(cluster, s1):
    """The owner's frames are dropped at the others (it still hears them) and
    it lost the repository: the others declare it down; it learns from their
    stale echoes that it is not heard and releases in time."""
    assert cluster.owner_of(WEB) == "n1"
    with s1():
        cluster.repo_fault("n1", "error")
        cluster.block("n1", "n2", oneway=True)
        cluster.block("n1", "n3", oneway=True)
        cluster.wait_group_online(WEB, "n2", timeout=60, via="n2")
        cluster.wait_for(lambda: not cluster.node_has_ip("n1", cluster.service_ip), 10,
                         what="n1 released")
        time.sleep(1.0)  # settles: stays on n2
        assert cluster.owner_of(WEB, via="n3") == "n2"
    cluster.heal()
    cluster.repo_fault("n1", "ok")
    restore(cluster)


def test_one_way_partition_with_disk_keeps_owner(cluster, s1):
    """Frames from the owner are dropped one way, the repository works: the
    owner is alive on the disk and still hears the others on the network,
    so nothing moves and the cluster settles."""
    with s1():
        cluster.block("n1", "n2", oneway=True)
        cluster.block("n1", "n3", oneway=True)
        time.sleep(1.5)
        assert cluster.owner_of(WEB, via="n2") == "n1"
        assert _node(cluster, "n2", "n1")["PATHS"] == "disk"
    cluster.heal()


def test_partition_heals_without_needless_restart(cluster, s1):
    """n3 is cut off from network and disk, then comes back: the group on
    n1 is never stopped or restarted."""
    pid = cluster.app_pid("n1")
    assert pid
    with s1():
        cluster.cut_link("n3")
        cluster.repo_fault("n3", "error")
        cluster.wait_for(lambda: _node(cluster, "n1", "n3")["STATE"] == "DOWN", 30, what="n3 DOWN")
        assert cluster.status("n1")["cluster"]["QUORUM"] is True
        cluster.repo_fault("n3", "ok")
        cluster.restore_link("n3")
        cluster.wait_for(lambda: _node(cluster, "n1", "n3")["MEMBER"], 60, what="n3 member again")
        time.sleep(0.5)
    assert cluster.app_pid("n1") == pid
    assert cluster.owner_of(WEB) == "n1"
    restore(cluster)


def test_repository_lost_everywhere_majority_holds(cluster):
    """All nodes lose the repository, the network is healthy: the majority
    holds and no group moves or restarts."""
    pid = cluster.app_pid("n1")
    fired = len(cluster.watchdog_fired())
    cluster.repo_fault("all", "error")
    try:
        cluster.wait_for(lambda: all(n["REPOSITORY"] == "DOWN" for n in cluster.status("n2")["nodes"]),
                         30, what="repository DOWN everywhere")
        time.sleep(1.0)
        st = cluster.status("n2")
        assert st["cluster"]["QUORUM"] is True
        assert cluster.owner_of(WEB) == "n1" and cluster.app_pid("n1") == pid
        assert len(cluster.watchdog_fired()) == fired
    finally:
        cluster.repo_fault("all", "ok")
    cluster.wait_for(lambda: all(n["REPOSITORY"] == "UP" for n in cluster.status("n2")["nodes"]),
                     30, what="repository back")


def test_repository_hang_on_one_node_changes_nothing(cluster):
    pid = cluster.app_pid("n1")
    cluster.repo_fault("n2", "hang")
    try:
        cluster.wait_for(lambda: _node(cluster, "n1", "n2")["REPOSITORY"] == "DOWN", 30,
                         what="n2 repository DOWN")
        assert _node(cluster, "n1", "n2")["MEMBER"] is True
        assert cluster.owner_of(WEB) == "n1" and cluster.app_pid("n1") == pid
    finally:
        cluster.repo_fault("n2", "ok")
    cluster.wait_for(lambda: _node(cluster, "n1", "n2")["REPOSITORY"] == "UP", 30, what="n2 repository UP")


def test_poison_pill_for_owner_that_cannot_release(cluster, s1):
    """The owner loses its network and its stop script fails: the group is
    stuck in ERROR on a node that is alive on the disk. The coordinator
    sends it a poison pill through the view; its watchdog resets it and the
    group falls over."""
    flag = os.path.join(cluster.node("n1").state_dir, "webapp.stop-fails")
    open(flag, "w").close()
    try:
        with s1():
            t0 = time.monotonic()
            cluster.cut_link("n1")
            fired = cluster.wait_for(lambda: cluster.watchdog_fired("n1"), 60, what="n1 reset")
            cluster.wait_group_online(WEB, "n2", timeout=60, via="n2")
            t_up = time.monotonic()
            assert fired[-1][0] < t_up
            assert "poison pill" in open(cluster.node("n2").log).read() + open(cluster.node("n3").log).read() \
                or "poison pill" in open(cluster.node("n1").log).read()
    finally:
        os.unlink(flag)
    print(f"poison pill: group answered on n2 {t_up - t0:.2f}s after the owner's link was cut")
    cluster.restore_link("n1")
    restore(cluster)
