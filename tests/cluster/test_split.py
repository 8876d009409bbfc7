"""Split-brain safety on the shared 3-node lab cluster: selective fallover
through the disk path, the deadman switch (hang, isolation, mode e) and
partitions. S1 (never the service IP or the application on two nodes) is
sampled throughout every scenario."""
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
