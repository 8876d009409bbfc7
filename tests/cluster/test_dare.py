"""Live changes (PowerHA's DARE) on a running 3-node lab cluster, web_rg
online on n1 (one cluster for the module): a service IP, a file_system and
an application controller added to the online group are acquired on the
owner alone and the web app keeps its pid, and are released when removed;
an application monitor added live monitors; a rename keeps the group
running; NODES without the owner moves the group; PREVIEW=yes prints the
plan and commits nothing; an added application whose start script fails
rolls the cluster back (the sync names the node, the group and the error);
the owner (and coordinator) crashing in the middle of a change leaves every
node on one generation; a resource handed between groups in one sync and
an online group deleted are refused; a node is removed and added back.
S1 is sampled throughout the changes."""
import os
import subprocess
import threading
import time

import pytest

import hamrlab

from conftest import S1Sampler, started_lab

WEB = "web_rg"


@pytest.fixture(scope="module")
def dlab(build_dir):
    yield from started_lab(build_dir)


def _script(lab, name, body):
    path = os.path.join(lab.run_dir, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path


def _gen(lab, node):
    return lab.status(node)["cluster"]["GENERATION"]


def _sync(lab, node="n1", *extra, check=True):
    return lab.clmgr(node, "sync", "cluster", *extra, timeout=90, check=check)


def _pid_alive(path):
    try:
        pid = int(open(path).read().strip())
    except (OSError, ValueError):
        return None
    return pid if os.path.exists("/proc/%d" % pid) else None


def _applied(lab, node):
    """The configuration node `node` applied (its cached copy)."""
    try:
        return open(os.path.join(lab.node(node).state_dir, "applied.conf")).read()
    except OSError:
        return ""


def _staged_apps(lab):
    """web_rg's APPLICATIONS as clmgr query shows it (staged edits included)."""
    return lab.clmgr_json("n1", "query", "resource_group", WEB)[0]["APPLICATIONS"]


def test_service_ip_added_and_removed_live(dlab):
    lab = dlab
    new_ip = lab.extra_service_ip(1)
    pid = lab.wait_for(lambda: lab.app_pid("n1"), 30, what="web app on n1")
    with S1Sampler(lab):
        lab.clmgr("n2", "add", "service_ip", "websvc2", "ADDRESS=" + new_ip,
                  "NETWORK=net_ether_01")
        lab.clmgr("n2", "modify", "resource_group", WEB, "SERVICE_LABEL=websvc websvc2")
        out = _sync(lab, "n2").stdout
        assert "Live change: web_rg on n1: acquire service_ip websvc2 (%s/" % new_ip in out, out
        lab.wait_for(lambda: lab._has_ip_nl("n1", new_ip), 30, what=new_ip + " on n1")
        assert not lab._has_ip_nl("n2", new_ip) and not lab._has_ip_nl("n3", new_ip)
        assert lab._has_ip_nl("n1", lab.service_ip)
        assert lab.app_pid("n1") == pid, "the web app was restarted"
        assert lab.owner_of(WEB) == "n1"
        hamr_out = open(os.path.join(lab.node("n1").state_dir, "hamr.out")).read()
        assert "reconfig_resource_acquire n1 web_rg" in hamr_out
        assert "acquire_service_addr websvc2 web_rg" in hamr_out

        lab.clmgr("n1", "modify", "resource_group", WEB, "SERVICE_LABEL=websvc")
        lab.clmgr("n1", "delete", "service_ip", "websvc2")
        out = _sync(lab).stdout
        assert "web_rg on n1: release service_ip websvc2" in out, out
        lab.wait_for(lambda: not lab._has_ip_nl("n1", new_ip), 30, what=new_ip + " gone")
        assert lab._has_ip_nl("n1", lab.service_ip)
        assert lab.app_pid("n1") == pid, "the web app was restarted"


def test_application_added_and_removed_live(dlab):
    lab = dlab
    pidfile = os.path.join(lab.node("n1").state_dir, "app2.pid")
    start = _script(lab, "app2-start", 'sleep 1000 >/dev/null 2>&1 &\n'
                    'echo $! > "$HAMR_STATE_DIR/app2.pid"\n')
    stop = _script(lab, "app2-stop", 'kill "$(cat "$HAMR_STATE_DIR/app2.pid")" 2>/dev/null\n'
                   'rm -f "$HAMR_STATE_DIR/app2.pid"\nexit 0\n')
    pid = lab.wait_for(lambda: lab.app_pid("n1"), 30, what="web app on n1")
    with S1Sampler(lab):
        lab.clmgr("n1", "add", "application_controller", "app2", "STARTSCRIPT=" + start,
                  "STOPSCRIPT=" + stop)
        lab.clmgr("n1", "modify", "resource_group", WEB, "APPLICATIONS=webapp app2")
        out = _sync(lab).stdout
        assert "web_rg on n1: acquire application_controller app2" in out, out
        app2 = lab.wait_for(lambda: _pid_alive(pidfile), 30, what="app2 started on n1")
        assert lab.app_pid("n1") == pid, "the web app was restarted"
        assert not os.path.exists(os.path.join(lab.node("n2").state_dir, "app2.pid"))

        lab.clmgr("n1", "modify", "resource_group", WEB, "APPLICATIONS=webapp")
        lab.clmgr("n1", "delete", "application_controller", "app2")
        out = _sync(lab).stdout
        assert "web_rg on n1: release application_controller app2" in out, out
        lab.wait_for(lambda: not os.path.exists("/proc/%d" % app2), 30, what="app2 stopped")
        assert lab.app_pid("n1") == pid, "the web app was restarted"
        assert lab.owner_of(WEB) == "n1"


def test_filesystem_added_and_removed_live(dlab):
    lab = dlab
    dev = lab.add_block_device(size_mb=16)
    mp = os.path.join(lab.run_dir, "mnt", "dare")
    pid = lab.wait_for(lambda: lab.app_pid("n1"), 30, what="web app on n1")
    with S1Sampler(lab):
        lab.clmgr("n1", "add", "file_system", "darefs", "DEVICE=" + dev, "MOUNT_POINT=" + mp)
        lab.clmgr("n1", "modify", "resource_group", WEB, "FILESYSTEM=darefs")
        out = _sync(lab).stdout
        assert "web_rg on n1: acquire file_system darefs (%s)" % mp in out, out
        lab.wait_for(lambda: lab.mounted_block_devices("n1").get(dev) == mp, 30,
                     what="darefs mounted on n1")
        assert dev not in lab.mounted_block_devices("n2")
        assert lab.app_pid("n1") == pid, "the web app was restarted"
        lab.clmgr("n1", "modify", "resource_group", WEB, "FILESYSTEM=")
        lab.clmgr("n1", "delete", "file_system", "darefs")
        out = _sync(lab).stdout
        assert "web_rg on n1: release file_system darefs" in out, out
        lab.wait_for(lambda: dev not in lab.mounted_block_devices("n1"), 30,
                     what="darefs unmounted on n1")
        assert lab.app_pid("n1") == pid, "the web app was restarted"
        assert lab._has_ip_nl("n1", lab.service_ip)


def test_monitor_added_and_removed_live(dlab):
    lab = dlab
    check = os.path.join(hamrlab.APP_DIR, "webapp_check.sh")
    pid = lab.wait_for(lambda: lab.app_pid("n1"), 30, what="web app on n1")
    lab.clmgr("n1", "add", "application_monitor", "daremon", "TYPE=Custom",
              "APPLICATIONS=webapp", "MONITORMETHOD=" + check, "MONITORINTERVAL=0.3",
              "STABILIZATION=1", "RESTARTCOUNT=2", "RESTARTINTERVAL=60",
              "FAILUREACTION=fallover")
    _sync(lab)
    assert lab.app_pid("n1") == pid, "the web app was restarted"
    # the monitor runs: a killed web app is restarted in place
    time.sleep(1.5)  # past STABILIZATION
    assert lab.kill_app("n1")
    lab.wait_for(lambda: (lab.app_pid("n1") or pid) != pid, 30, what="web app restarted")
    assert lab.owner_of(WEB) == "n1"
    lab.clmgr("n1", "delete", "application_monitor", "daremon")
    _sync(lab)
    lab.wait_group_online(WEB, "n1", timeout=30)


def test_preview_prints_the_plan_and_commits_nothing(dlab):
    lab = dlab
    new_ip = lab.extra_service_ip(3)
    gen = _gen(lab, "n1")
    lab.clmgr("n1", "add", "service_ip", "websvc3", "ADDRESS=" + new_ip, "NETWORK=net_ether_01")
    lab.clmgr("n1", "modify", "resource_group", WEB, "SERVICE_LABEL=websvc websvc3",
              "NODES=n2 n1 n3")
    out = _sync(lab, "n1", "PREVIEW=yes").stdout
    assert "web_rg on n1: acquire service_ip websvc3 (%s/" % new_ip in out, out
    assert "web_rg: NODES changed (stays on n1" in out, out
    assert "Preview only: nothing was committed." in out, out
    assert _gen(lab, "n1") == gen
    assert not lab._has_ip_nl("n1", new_ip)
    r = _sync(lab, "n1", "PREVIEW=maybe", check=False)
    assert r.returncode == 4 and "PREVIEW" in r.stderr and "yes, no" in r.stderr, r.stderr
    # back to the active configuration: nothing staged differs
    lab.clmgr("n1", "modify", "resource_group", WEB, "SERVICE_LABEL=websvc", "NODES=n1 n2 n3")
    lab.clmgr("n1", "delete", "service_ip", "websvc3")
    out = _sync(lab, "n1", "PREVIEW=yes").stdout
    assert "  nothing" in out, out


def test_failing_add_rolls_back(dlab):
    lab = dlab
    bad = _script(lab, "bad-start", 'echo "cannot start: no licence" >&2\nexit 3\n')
    stop = _script(lab, "bad-stop", "exit 0\n")
    pid = lab.wait_for(lambda: lab.app_pid("n1"), 30, what="web app on n1")
    gen = _gen(lab, "n1")
    with S1Sampler(lab):
        lab.clmgr("n3", "add", "application_controller", "badapp", "STARTSCRIPT=" + bad,
                  "STOPSCRIPT=" + stop)
        lab.clmgr("n3", "modify", "resource_group", WEB, "APPLICATIONS=webapp badapp")
        r = _sync(lab, "n3", check=False)
        assert r.returncode == 1, (r.stdout, r.stderr)
        for word in ("node n1", "resource_group web_rg", "badapp", "no licence",
                     "rolled back", "generation %d" % gen):
            assert word in r.stderr, (word, r.stderr)
        # generation gen+1 failed, gen+2 is gen's configuration, on every node
        lab.wait_for(lambda: all(_gen(lab, n) == gen + 2 for n in ("n1", "n2", "n3")), 30,
                     what="the rollback generation on every node")
        lab.wait_for(lambda: "badapp" not in _applied(lab, "n2"), 30,
                     what="badapp out of the applied configuration")
        assert _staged_apps(lab) == "webapp badapp"  # the edits, staged again
        lab.wait_group_online(WEB, "n1", timeout=30)
        assert lab.app_pid("n1") == pid, "the web app was restarted"
        # the administrator's edits are staged again: drop them
        lab.clmgr("n3", "modify", "resource_group", WEB, "APPLICATIONS=webapp")
        lab.clmgr("n3", "delete", "application_controller", "badapp")
        _sync(lab, "n3")


def test_rename_keeps_the_group_running(dlab):
    lab = dlab
    pid = lab.wait_for(lambda: lab.app_pid("n1"), 30, what="web app on n1")
    rg_id = lab.clmgr_json("n1", "query", "resource_group", WEB)[0]["ID"]
    lab.clmgr("n2", "modify", "resource_group", WEB, "NAME=www_rg")
    out = _sync(lab, "n2").stdout
    assert "Live change: web_rg: renamed to www_rg (ID %s kept, it stays ONLINE)" % rg_id in out, out
    lab.wait_group_online("www_rg", "n1", timeout=30)
    assert lab.clmgr_json("n1", "query", "resource_group", "www_rg")[0]["ID"] == rg_id
    assert lab.app_pid("n1") == pid, "the web app was restarted"
    r = lab.clmgr("n2", "modify", "service_ip", "websvc", "NAME=x", check=False)
    assert r.returncode == 4 and "only a resource_group is renamed" in r.stderr, r.stderr
    lab.clmgr("n2", "modify", "resource_group", "www_rg", "NAME=" + WEB)
    _sync(lab, "n2")
    lab.wait_group_online(WEB, "n1", timeout=30)
    assert lab.app_pid("n1") == pid, "the web app was restarted"


def test_owner_removed_from_nodes_moves_the_group(dlab):
    lab = dlab
    with S1Sampler(lab):
        lab.clmgr("n1", "modify", "resource_group", WEB, "NODES=n2 n3")
        out = _sync(lab).stdout
        assert "web_rg: move n1 -> n2 (n1 removed from NODES)" in out, out
        lab.wait_group_online(WEB, "n2", timeout=60)
        lab.clmgr("n1", "modify", "resource_group", WEB, "NODES=n1 n2 n3")
        _sync(lab)
        lab.clmgr("n1", "move", "resource_group", WEB, "NODE=n1", timeout=120)
        lab.wait_group_online(WEB, "n1", timeout=60)


def test_owner_crash_mid_change_converges(dlab):
    lab = dlab
    marker = os.path.join(lab.run_dir, "slow-started")
    slow = _script(lab, "slow-start", 'touch %s\nsleep 4\nexit 0\n' % marker)
    stop = _script(lab, "slow-stop", "exit 0\n")
    lab.clmgr("n2", "add", "application_controller", "slowapp", "STARTSCRIPT=" + slow,
              "STOPSCRIPT=" + stop)
    lab.clmgr("n2", "modify", "resource_group", WEB, "APPLICATIONS=webapp slowapp")
    result = {}

    def sync():  # its answer may be lost with the coordinator: not asserted
        try:
            result["r"] = _sync(lab, "n2", check=False)
        except subprocess.SubprocessError as e:
            result["r"] = e
    with S1Sampler(lab):
        t = threading.Thread(target=sync, daemon=True)
        t.start()
        lab.wait_for(lambda: os.path.exists(marker), 30, what="slowapp starting on n1")
        lab.crash("n1")
        t.join(timeout=120)
        lab.wait_group_online(WEB, "n2", timeout=60)
        gens = {n: _gen(lab, n) for n in ("n2", "n3")}
        assert gens["n2"] == gens["n3"], gens
        assert "slowapp" in _applied(lab, "n2") and "slowapp" in _applied(lab, "n3")
        lab.restart("n1")
        lab.wait_for(lambda: _gen(lab, "n1") == gens["n2"], 60,
                     what="n1 on generation %d after its restart" % gens["n2"])
    # back: slowapp out, web_rg home
    lab.clmgr("n2", "modify", "resource_group", WEB, "APPLICATIONS=webapp")
    lab.clmgr("n2", "delete", "application_controller", "slowapp")
    _sync(lab, "n2")
    lab.wait_for(lambda: lab.clmgr("n1", "start", "node", "n1", timeout=60,
                                   check=False).returncode == 0, 60, interval=0.5,
                 what="n1's services started")
    lab.clmgr("n2", "move", "resource_group", WEB, "NODE=n1", timeout=120)
    lab.wait_group_online(WEB, "n1", timeout=60)


def test_unsafe_syncs_refused(dlab):
    lab = dlab
    gen = _gen(lab, "n1")
    lab.clmgr("n1", "add", "snapshot", "dare_base", "DESCRIPTION=before test_unsafe_syncs_refused")
    # a service IP handed from the running web_rg to another group in one
    # sync: refused with the rule, nothing committed
    lab.clmgr("n1", "modify", "resource_group", WEB, "SERVICE_LABEL=")
    lab.clmgr("n1", "add", "resource_group", "other_rg", "NODES=n2 n1", "SERVICE_LABEL=websvc")
    r = _sync(lab, "n1", check=False)
    assert r.returncode != 0, r.stdout
    for word in ('service_ip websvc goes from resource_group "web_rg" (ONLINE on n1)',
                 "rule S1", "Remove it from web_rg and sync"):
        assert word in r.stderr, (word, r.stderr)
    assert _gen(lab, "n1") == gen
    lab.clmgr("n1", "delete", "resource_group", "other_rg")
    lab.clmgr("n1", "modify", "resource_group", WEB, "SERVICE_LABEL=websvc")
    # deleting the running group
    lab.clmgr("n1", "delete", "resource_group", WEB)
    r = _sync(lab, "n1", check=False)
    assert r.returncode != 0 and "take it offline before deleting it" in r.stderr, r.stderr
    assert _gen(lab, "n1") == gen
    # a watchdog that could fire after the others declare the node down
    r = lab.clmgr("n1", "modify", "cluster", "WATCHDOG_TIMEOUT=30", check=False)
    assert r.returncode == 4 and "WATCHDOG_TIMEOUT" in r.stderr, r.stderr
    # back to the active configuration
    lab.clmgr("n1", "manage", "snapshot", "restore", "dare_base")
    lab.clmgr("n1", "delete", "snapshot", "dare_base")
    out = _sync(lab, "n1", "PREVIEW=yes").stdout
    assert "  nothing" in out, out


def test_node_removed_and_added_live(dlab):
    lab = dlab
    pid = lab.wait_for(lambda: lab.app_pid("n1"), 30, what="web app on n1")
    ifs = lambda names: "INTERFACES=" + " ".join("%s=%s" % (n, lab.addr(n)) for n in names)
    with S1Sampler(lab):
        # a node whose cluster services run is not removed
        lab.clmgr("n1", "modify", "resource_group", WEB, "NODES=n1 n2")
        lab.clmgr("n1", "modify", "network", "net_ether_01", ifs(["n1", "n2"]))
        lab.clmgr("n1", "delete", "node", "n3")
        r = _sync(lab, "n1", check=False)
        assert r.returncode != 0 and 'node "n3" runs cluster services' in r.stderr, r.stderr
        lab.clmgr("n1", "stop", "node", "n3", timeout=60)
        _sync(lab)
        lab.wait_for(lambda: sorted(x["NAME"] for x in lab.status("n1")["nodes"]) ==
                     ["n1", "n2"], 30, what="n3 out of the cluster")
        assert lab.owner_of(WEB) == "n1" and lab.app_pid("n1") == pid
        # and back (its hamrd restarted: README, live changes)
        lab.stop_daemon("n3")
        lab.clmgr("n1", "add", "node", "n3", "COMMPATH=" + lab.addr("n3"))
        lab.clmgr("n1", "modify", "network", "net_ether_01", ifs(["n1", "n2", "n3"]))
        lab.clmgr("n1", "modify", "resource_group", WEB, "NODES=n1 n2 n3")
        _sync(lab)
        lab.start_daemon("n3")
        lab.wait_for(lambda: lab.clmgr("n1", "start", "node", "n3", timeout=60,
                                       check=False).returncode == 0, 60, interval=0.5,
                     what="n3's services started")
        lab.wait_for(lambda: all(x["STATE"] == "ONLINE" for x in lab.status("n1")["nodes"]), 60,
                     what="every node up")
        assert lab.owner_of(WEB) == "n1" and lab.app_pid("n1") == pid
