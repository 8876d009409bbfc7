"""Application monitors in a 3-node lab: a killed web app is restarted in
place by its monitor; killed RESTARTCOUNT + 1 times within RESTARTINTERVAL,
its group falls over to the next node, and the node that failed it shows
the group ERROR with the monitor's reason. S1 is sampled throughout."""
import os
import time

import pytest

import hamrlab
from conftest import S1Sampler, started_lab

WEB = "web_rg"
CHECK = os.path.join(hamrlab.APP_DIR, "webapp_check.sh")
RESTARTS = 2


@pytest.fixture(scope="module")
def mlab(build_dir):
    yield from started_lab(build_dir, extra_commands=[
        ["add", "application_monitor", "webmon", "TYPE=Custom", "APPLICATIONS=webapp",
         "MODE=longrunning", "MONITORMETHOD=" + CHECK, "MONITORINTERVAL=0.3",
         "STABILIZATION=1", "RESTARTCOUNT=%d" % RESTARTS, "RESTARTINTERVAL=60",
         "FAILUREACTION=fallover"]])


def _group(lab, via):
    return [g for g in lab.status(via)["groups"] if g["NAME"] == WEB][0]


def _clrginfo(lab, node, *args):
    """clRGinfo (clmgr under its other name) on node `node`: its text."""
    saved = lab.clmgr_bin
    lab.clmgr_bin = os.path.join(os.path.dirname(saved), "clRGinfo")
    try:
        return lab.clmgr(node, *args).stdout
    finally:
        lab.clmgr_bin = saved


def _kill_and_wait_restart(lab, node):
    old = lab.wait_for(lambda: lab.app_pid(node), 20, what="web app running on " + node)
    time.sleep(1.5)  # past STABILIZATION: the monitor is checking
    t0 = time.monotonic()
    assert lab.kill_app(node)
    new = lab.wait_for(lambda: (lab.app_pid(node) or 0) not in (0, old) and lab.app_pid(node),
                       20, interval=0.05, what="web app restarted on " + node)
    return new, time.monotonic() - t0


def test_monitor_restarts_in_place_then_falls_over(mlab):
    with S1Sampler(mlab):
        pid, dt = _kill_and_wait_restart(mlab, "n1")
        print(f"\nrestart in place: {dt:.2f} s from kill to new pid {pid}")
        assert dt < 10
        assert mlab.owner_of(WEB) == "n1"
        g = _group(mlab, "n2")
        assert g["MONITOR_RESTARTS"] == 1
        assert "webmon" in g["MONITOR_FAILURE"] and "not running" in g["MONITOR_FAILURE"]

        for _ in range(RESTARTS - 1):
            _kill_and_wait_restart(mlab, "n1")
        assert mlab.owner_of(WEB) == "n1"

        # one kill more than RESTARTCOUNT: fallover to n2
        mlab.wait_for(lambda: mlab.app_pid("n1"), 20, what="web app running on n1")
        time.sleep(1.5)
        t0 = time.monotonic()
        assert mlab.kill_app("n1")
        mlab.wait_group_online(WEB, "n2", timeout=60)
        dt = time.monotonic() - t0
        print(f"fallover: {dt:.2f} s from kill to web_rg online on n2")
        assert dt < 30
        assert mlab.app_pid("n2")
        g = _group(mlab, "n3")
        assert g["NODES"]["n1"] == "ERROR", g
        assert g["CURRENT_NODE"] == "n2"
        out = mlab.clmgr("n3", "status").stdout
        assert "monitor: restarts 0; last failure: application_monitor webmon" in out, out

    # an administrator's move clears the marks: back to n1
    mlab.clmgr("n1", "move", "resource_group", WEB, "NODE=n1", timeout=120)
    mlab.wait_group_online(WEB, "n1", timeout=60)
    assert _group(mlab, "n2")["NODES"]["n1"] == "ONLINE"


def test_suspend_then_resume(mlab):
    """clmgr manage application_controller suspend: the killed app is NOT
    restarted (no check, no restart, no fallover), the suspension shows in
    the status and survives a sync; resume: after STABILIZATION the monitor
    checks again and restarts it."""
    owner = mlab.wait_for(lambda: mlab.owner_of(WEB), 60, what="web_rg online")
    mlab.wait_for(lambda: mlab.app_pid(owner), 20, what="web app running on " + owner)
    time.sleep(1.5)  # past STABILIZATION: the monitor is checking
    # asked of n3 (not the coordinator in this lab: forwarded)
    r = mlab.clmgr("n3", "manage", "application_controller", "suspend", "webapp", "TIMEOUT=20",
                   timeout=60)
    assert "application_controller webapp: monitoring suspended" in r.stdout, r.stdout
    g = _group(mlab, "n2")
    assert g["MONITOR_SUSPENDED"] == ["webapp"], g
    assert mlab.status("n1")["cluster"]["MONITOR_SUSPENDED"] == ["webapp"]
    out = mlab.clmgr("n2", "status").stdout
    assert "monitoring suspended: webapp" in out, out
    out = _clrginfo(mlab, "n2", "-m")
    assert any(line.split()[:1] == ["webapp"] and "ONLINE MONITOR SUSPENDED" in line
               and line.endswith("monitors: webmon") for line in out.splitlines()), out
    restarts = g["MONITOR_RESTARTS"]

    with S1Sampler(mlab):
        assert mlab.kill_app(owner)
        # STABILIZATION 1 s, MONITORINTERVAL 0.3 s: a running monitor would
        # have restarted it several times over by now
        time.sleep(5)
        assert mlab.app_pid(owner) is None
        assert mlab.owner_of(WEB) == owner
        assert _group(mlab, "n2")["MONITOR_RESTARTS"] == restarts

        # a sync (a new generation) does not undo the suspension
        gen = mlab.status("n2")["cluster"]["GENERATION"]
        mlab.clmgr("n2", "add", "fallback_timer", "susp_t", "HOUR=2", "MINUTE=0")
        mlab.clmgr("n2", "sync", "cluster", timeout=60)
        mlab.wait_for(lambda: all(mlab.status(n)["cluster"]["GENERATION"] > gen
                                  for n in ("n1", "n2", "n3")), 30, what="new generation")
        time.sleep(2)
        assert mlab.app_pid(owner) is None
        assert _group(mlab, "n3")["MONITOR_SUSPENDED"] == ["webapp"]

        # the suspension follows the controller: moved to another node, the
        # group's monitor there is suspended too
        other = "n2" if owner != "n2" else "n3"
        mlab.clmgr("n1", "move", "resource_group", WEB, "NODE=" + other, timeout=120)
        mlab.wait_group_online(WEB, other, timeout=60)
        mlab.wait_for(lambda: mlab.app_pid(other), 20, what="web app running on " + other)
        time.sleep(1.5)
        assert mlab.kill_app(other)
        time.sleep(3)
        assert mlab.app_pid(other) is None
        owner = other

        # a coordinator change does not undo it: stop the coordinator's
        # hamrd (it holds nothing), another node coordinates
        coord = mlab.status(owner)["cluster"]["COORDINATOR"]
        if coord != owner:
            assert mlab.stop_daemon(coord, graceful=True, timeout=30) == 0
            mlab.wait_for(lambda: mlab.status(owner)["cluster"]["COORDINATOR"] not in ("", coord),
                          30, what="another coordinator")
            time.sleep(2)
            assert mlab.status(owner)["cluster"]["MONITOR_SUSPENDED"] == ["webapp"]
            assert mlab.app_pid(owner) is None
            mlab.start_daemon(coord)
            mlab.wait_for(lambda: {n["NAME"]: n["STATE"]
                                   for n in mlab.status(owner)["nodes"]}[coord] == "ONLINE",
                          60, what=coord + " back ONLINE")
            assert mlab.status(coord)["cluster"]["MONITOR_SUSPENDED"] == ["webapp"]
        assert mlab.owner_of(WEB) == owner
        restarts = _group(mlab, "n2")["MONITOR_RESTARTS"]

        # resume: the monitor waits STABILIZATION, finds the app down and
        # restarts it in place
        t0 = time.monotonic()
        r = mlab.clmgr("n2", "manage", "application_controller", "resume", "webapp", timeout=60)
        assert "application_controller webapp: monitoring resumed" in r.stdout, r.stdout
        mlab.wait_for(lambda: mlab.app_pid(owner), 30, what="web app restarted after resume")
        dt = time.monotonic() - t0
        print(f"\nresume: app restarted {dt:.2f} s after the resume request")
        assert dt >= 0.9  # not before STABILIZATION (1 s) after the resume
        assert mlab.owner_of(WEB) == owner
        g = _group(mlab, "n2")
        assert g["MONITOR_SUSPENDED"] == []
        out = _clrginfo(mlab, "n3", "-m", "-s")
        assert "web_rg:webapp:ONLINE MONITORED:" + owner in out.splitlines(), out
        mlab.wait_for(lambda: _group(mlab, "n2")["MONITOR_RESTARTS"] == restarts + 1, 10,
                      what="restart counted")


def test_suspend_errors(mlab):
    """Bad names change nothing and say what is wrong."""
    r = mlab.clmgr("n1", "manage", "application_controller", "suspend", "nosuch", check=False)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert 'application_controller "nosuch" does not exist' in r.stderr, r.stderr
    r = mlab.clmgr("n1", "manage", "application_controller", "pause", "webapp", check=False)
    assert r.returncode == 4 and "allowed: suspend, resume" in r.stderr, r.stderr
    assert mlab.status("n1")["cluster"]["MONITOR_SUSPENDED"] == []
