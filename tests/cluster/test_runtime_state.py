"""Runtime decisions and healthy groups are left alone: a coordinator
failure or a rejoining low-id node restarts nothing on the other nodes;
administrator OFFLINE and priority override locations survive syncs; a move
back to the highest-priority node clears the POL; re-managing restarts
nothing; OHN groups come up on their home node when nodes start one by one;
STABLE is only reported when every group is where policy wants it.

Its own 3-node lab: web_rg (web app + service IP, NODES n1 n2 n3), and two
groups running a plain process (`sleep`, pid file per group): g2 (NODES n2
n3) and g3 (NODES n3 n2), all OHN/FNPN/NFB."""
import os
import threading
import time

import pytest

from conftest import S1Sampler, started_lab

WEB = "web_rg"

SLEEPER_START = """#!/bin/sh
# start: a long-running process, its pid in $HAMR_STATE_DIR/$HAMR_RG.pid
pidf="$HAMR_STATE_DIR/$HAMR_RG.pid"
if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then exit 0; fi
setsid sleep 100000 </dev/null >/dev/null 2>&1 &
echo $! > "$pidf"
"""
SLEEPER_STOP = """#!/bin/sh
pidf="$HAMR_STATE_DIR/$HAMR_RG.pid"
[ -f "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null
rm -f "$pidf"
exit 0
"""


def _commands(lab):
    start = os.path.join(lab.run_dir, "sleeper_start.sh")
    stop = os.path.join(lab.run_dir, "sleeper_stop.sh")
    for path, text in ((start, SLEEPER_START), (stop, SLEEPER_STOP)):
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o700)
    cmds = []
    for g, nodes in (("g2", "n2 n3"), ("g3", "n3 n2")):
        cmds.append(["add", "application_controller", f"{g}_app", f"STARTSCRIPT={start}",
                     f"STOPSCRIPT={stop}", "START_TIMEOUT=10", "STOP_TIMEOUT=10"])
        cmds.append(["add", "resource_group", g, f"NODES={nodes}", "STARTUP=OHN",
                     "FALLOVER=FNPN", "FALLBACK=NFB", f"APPLICATIONS={g}_app"])
    return cmds


@pytest.fixture(scope="module")
def rt(build_dir):
    yield from started_lab(build_dir, extra_commands=_commands)


def pid_of(lab, node, rg):
    """Pid of group rg's process on node, if it runs there."""
    try:
        with open(os.path.join(lab.node(node).state_dir, f"{rg}.pid")) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    try:
        with open(f"/proc/{pid}/cmdline") as f:
            return pid if "sleep" in f.read() else None
    except OSError:
        return None


def group(lab, rg, via="n2"):
    return [g for g in lab.status(via)["groups"] if g["NAME"] == rg][0]


def releases_in_log(lab, node, rg):
    """How many times node's hamrd took rg from ONLINE to RELEASING."""
    with open(lab.node(node).log, errors="replace") as f:
        return f.read().count(f"group {rg} ONLINE -> RELEASING")


def home(lab):
    """Every node up and active, web_rg on n1, g2 on n2, g3 on n3."""
    for n in lab.node_names:
        if lab.is_crashed(n):
            lab.restart(n)
    lab.wait_for(lambda: all(x["STATE"] != "DOWN" for x in lab.status("n1")["nodes"]),
                 60, what="all nodes reachable")
    lab.wait_for(lambda: lab.clmgr("n1", "start", "cluster", "WHEN=both", timeout=120, check=False).returncode == 0,
                 60, interval=0.5, what="clmgr start cluster accepted")
    for rg, node in ((WEB, "n1"), ("g2", "n2"), ("g3", "n3")):
        if lab.owner_of(rg, via="n1") != node:
            lab.clmgr("n1", "move", "resource_group", rg, f"NODE={node}", timeout=120)
        lab.wait_group_online(rg, node, timeout=60, via="n1")


def test_groups_start_on_their_home_nodes(rt):
    home(rt)
    assert pid_of(rt, "n2", "g2") and pid_of(rt, "n3", "g3")
    assert rt.status("n3")["cluster"]["STATE"] == "STABLE"


def test_coordinator_crash_restarts_nothing_elsewhere(rt):
    """The coordinator dies: the others keep their groups (same pids, no
    release), only its own group fails over; when it rejoins (a low-id node)
    nothing is restarted either."""
    home(rt)
    coord = rt.status("n2")["cluster"]["COORDINATOR"]
    assert coord == "n1"
    p2, p3 = pid_of(rt, "n2", "g2"), pid_of(rt, "n3", "g3")
    r2, r3 = releases_in_log(rt, "n2", "g2"), releases_in_log(rt, "n3", "g3")
    with S1Sampler(rt):
        rt.crash("n1")
        rt.wait_group_online(WEB, "n2", timeout=60, via="n2")
        rt.wait_for(lambda: rt.status("n2")["cluster"]["STATE"] == "STABLE", 30, what="STABLE")
        assert pid_of(rt, "n2", "g2") == p2 and pid_of(rt, "n3", "g3") == p3
        assert releases_in_log(rt, "n2", "g2") == r2 and releases_in_log(rt, "n3", "g3") == r3
        web_pid = rt.app_pid("n2")
        rt.restart("n1")
        rt.wait_for(lambda: rt.status("n1")["cluster"]["QUORUM"] and
                    rt.status("n2")["cluster"]["STATE"] == "STABLE" and
                    {n["NAME"]: n["MEMBER"] for n in rt.status("n2")["nodes"]}["n1"],
                    60, what="n1 member again, cluster STABLE")
        time.sleep(1.0)
        assert pid_of(rt, "n2", "g2") == p2 and pid_of(rt, "n3", "g3") == p3
        assert rt.app_pid("n2") == web_pid and rt.owner_of(WEB, via="n3") == "n2"
        assert releases_in_log(rt, "n2", "g2") == r2 and releases_in_log(rt, "n3", "g3") == r3
    home(rt)


def _unrelated_sync(lab, k):
    lab.clmgr("n2", "add", "application_controller", f"spare{k}",
              "STARTSCRIPT=/bin/true", "STOPSCRIPT=/bin/true")
    lab.clmgr("n2", "sync", "cluster", timeout=60)


def test_offline_group_stays_offline_across_sync(rt):
    home(rt)
    rt.clmgr("n1", "offline", "resource_group", "g3", timeout=60)
    assert group(rt, "g3")["STATE"] == "OFFLINE" and pid_of(rt, "n3", "g3") is None
    _unrelated_sync(rt, 1)
    time.sleep(1.5)
    assert group(rt, "g3")["STATE"] == "OFFLINE"
    assert pid_of(rt, "n3", "g3") is None and pid_of(rt, "n2", "g3") is None
    rt.clmgr("n1", "online", "resource_group", "g3", timeout=60)
    rt.wait_group_online("g3", "n3", timeout=60, via="n1")


def test_move_survives_sync_and_move_home_clears_the_override(rt):
    home(rt)
    rt.clmgr("n1", "move", "resource_group", "g2", "NODE=n3", timeout=60)
    rt.wait_group_online("g2", "n3", timeout=60, via="n1")
    assert group(rt, "g2")["PRIORITY_OVERRIDE"] == "n3"
    q = rt.clmgr_json("n2", "query", "resource_group", "g2")
    q = q[0] if isinstance(q, list) else q
    assert "n3" in str(q)
    pid = pid_of(rt, "n3", "g2")
    _unrelated_sync(rt, 2)
    time.sleep(1.5)
    assert rt.owner_of("g2", via="n1") == "n3" and pid_of(rt, "n3", "g2") == pid
    assert group(rt, "g2")["PRIORITY_OVERRIDE"] == "n3"
    # back to the highest-priority node: the override is cleared
    rt.clmgr("n1", "move", "resource_group", "g2", "NODE=n2", timeout=60)
    rt.wait_group_online("g2", "n2", timeout=60, via="n1")
    rt.wait_for(lambda: group(rt, "g2")["PRIORITY_OVERRIDE"] == "", 10, what="POL cleared")
    # n2 crashes: g2 (NFB) falls over to n3 and stays there when n2 returns
    with S1Sampler(rt):
        rt.crash("n2")
        rt.wait_group_online("g2", "n3", timeout=60, via="n1")
        pid = pid_of(rt, "n3", "g2")
        rt.restart("n2")
        rt.wait_for(lambda: {n["NAME"]: n["STATE"] for n in rt.status("n1")["nodes"]}["n2"] == "ONLINE",
                    60, what="n2 back ONLINE")
        rt.wait_for(lambda: rt.status("n1")["cluster"]["STATE"] == "STABLE", 30, what="STABLE")
        time.sleep(1.0)
        assert rt.owner_of("g2", via="n1") == "n3" and pid_of(rt, "n3", "g2") == pid
    home(rt)


def test_unmanage_then_manage_restarts_nothing(rt):
    home(rt)
    p3 = pid_of(rt, "n3", "g3")
    r3 = releases_in_log(rt, "n3", "g3")
    rt.clmgr("n1", "stop", "node", "n3", "MANAGE=unmanage", timeout=60)
    assert group(rt, "g3")["STATE"] == "UNMANAGED"
    assert pid_of(rt, "n3", "g3") == p3
    rt.clmgr("n1", "start", "node", "n3", timeout=60)
    rt.wait_for(lambda: group(rt, "g3")["STATE"] == "ONLINE" and
                rt.status("n1")["cluster"]["STATE"] == "STABLE", 30, what="g3 managed, STABLE")
    time.sleep(1.0)
    assert rt.owner_of("g3", via="n1") == "n3" and pid_of(rt, "n3", "g3") == p3
    assert releases_in_log(rt, "n3", "g3") == r3


def test_ohn_groups_wait_for_their_home_node_when_nodes_start_one_by_one(rt):
    home(rt)
    rt.clmgr("n1", "stop", "cluster", "MANAGE=offline", timeout=120)
    assert all(group(rt, g, via="n1")["STATE"] == "OFFLINE" for g in (WEB, "g2", "g3"))
    rt.clmgr("n1", "start", "node", "n3", timeout=60)
    time.sleep(1.5)
    assert rt.owner_of("g3", via="n1") == "n3"  # its home node
    assert group(rt, WEB, via="n1")["STATE"] == "OFFLINE"  # home n1 not started
    assert group(rt, "g2", via="n1")["STATE"] == "OFFLINE"  # home n2 not started
    rt.clmgr("n1", "start", "node", "n2", timeout=60)
    rt.wait_group_online("g2", "n2", timeout=60, via="n1")
    time.sleep(1.0)
    assert group(rt, WEB, via="n1")["STATE"] == "OFFLINE"
    rt.clmgr("n1", "start", "node", "n1", timeout=60)
    rt.wait_group_online(WEB, "n1", timeout=60, via="n1")
    home(rt)


def test_stable_only_when_every_group_is_placed(rt):
    """Sample status while groups move: whenever STABLE is reported, every
    group is ONLINE on exactly its target (no group OFFLINE in between)."""
    home(rt)
    bad, samples = [], [0]
    stop = threading.Event()

    def sample():
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                st = rt.status("n2")
            except Exception:  # noqa: BLE001 - a daemon busy for a moment
                continue
            samples[0] += 1
            if st["cluster"]["STATE"] == "STABLE":
                for g in st["groups"]:
                    online = [n for n, s in g["NODES"].items() if s == "ONLINE"]
                    if g["STATE"] != "ONLINE" or online != [g["TARGET"]]:
                        bad.append((g["NAME"], g["STATE"], g["TARGET"], g["NODES"]))
            time.sleep(0.01)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        for node in ("n2", "n3", "n1"):
            rt.clmgr("n1", "move", "resource_group", WEB, f"NODE={node}", timeout=60)
        rt.clmgr("n1", "stop", "node", "n3", "MANAGE=move", timeout=60)
        rt.clmgr("n1", "start", "node", "n3", timeout=60)
    finally:
        stop.set()
        t.join(timeout=30)
    assert samples[0] > 20
    assert not bad, bad[:5]
    home(rt)
