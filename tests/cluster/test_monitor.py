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
