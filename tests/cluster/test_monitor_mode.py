"""Application monitor MODE=both in a 3-node lab: after the start scripts,
the startup monitor checks within STABILIZATION that the web app runs (the
group comes ONLINE only then), then long-running monitoring restarts it in
place; when the app does not run within STABILIZATION the acquisition fails
on that node: undone (stop script, service IP removed), the group ERROR
there with the monitor's reason until an administrator acts on it, and
the group moves on to the next node of its list, where it starts."""
import os
import time

import pytest

import hamrlab
from conftest import S1Sampler, started_lab

WEB = "web_rg"
CHECK = os.path.join(hamrlab.APP_DIR, "webapp_check.sh")
STAB = 2


def _wrapper(build_dir):
    """A monitor that fails while the node's state dir holds startup-fail
    (at the same path on every node: the build directory)."""
    path = os.path.join(os.path.abspath(build_dir), "test_monitor_mode_check.sh")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n"
                "[ -e \"$HAMR_STATE_DIR/startup-fail\" ] && "
                "{ echo \"forced failure (startup-fail)\"; exit 1; }\n"
                "exec %s\n" % CHECK)
    os.chmod(path, 0o755)
    return path


@pytest.fixture(scope="module")
def blab(build_dir):
    yield from started_lab(build_dir, extra_commands=[
        ["add", "application_monitor", "webmon", "TYPE=Custom", "APPLICATIONS=webapp",
         "MODE=both", "MONITORMETHOD=" + _wrapper(build_dir), "MONITORINTERVAL=0.3",
         "STABILIZATION=%d" % STAB, "RESTARTCOUNT=2", "RESTARTINTERVAL=60",
         "FAILUREACTION=fallover"]])


def _group(lab, via):
    return [g for g in lab.status(via)["groups"] if g["NAME"] == WEB][0]


def _flag(lab, node):
    return os.path.join(lab.node(node).state_dir, "startup-fail")


def test_startup_then_longrunning(blab):
    # the fixture brought web_rg online on n1 through startup monitoring
    assert "application_monitor webmon: the application started" in blab.log_tail("n1", 400)
    old = blab.wait_for(lambda: blab.app_pid("n1"), 20, what="web app running on n1")
    time.sleep(STAB + 0.5)  # past STABILIZATION: long-running checks
    assert blab.kill_app("n1")
    new = blab.wait_for(lambda: (blab.app_pid("n1") or 0) not in (0, old) and blab.app_pid("n1"),
                        20, what="web app restarted on n1 (long-running part of MODE=both)")
    assert new != old
    assert blab.owner_of(WEB) == "n1"


def test_startup_failure_is_an_acquisition_failure(blab):
    blab.clmgr("n2", "offline", "resource_group", WEB, timeout=60)
    blab.wait_for(lambda: _group(blab, "n2")["STATE"] == "OFFLINE", 30, what="web_rg OFFLINE")
    with open(_flag(blab, "n1"), "w"):
        pass
    try:
        with S1Sampler(blab):
            t0 = time.monotonic()
            r = blab.clmgr("n2", "online", "resource_group", WEB, "NODE=n1", check=False,
                           timeout=120)
            dt = time.monotonic() - t0
            assert r.returncode != 0, r.stdout
            assert "the group moved on" in r.stderr, r.stderr
            # the next node of the list acquires it (its startup check passes)
            blab.wait_group_online(WEB, "n2", timeout=60)
            g = _group(blab, "n3")
            assert g["NODES"]["n1"] == "ERROR", g
            assert g["ERROR"].startswith("application_monitor webmon: the application did not "
                                         "start within STABILIZATION=2 s: MONITORMETHOD "), g
            assert "forced failure" in g["ERROR"], g
            # not before STABILIZATION: the checks went on until its end
            assert dt >= STAB - 0.1, dt
            # undone: the app stopped by the stop script, the address removed
            assert blab.app_pid("n1") is None
            assert not blab.node_has_ip("n1", blab.service_ip)
            out = blab.clmgr("n3", "status").stdout
            assert "did not start within STABILIZATION" in out, out
    finally:
        os.unlink(_flag(blab, "n1"))
    # the administrator moves the group back: n1 may host it again, the check passes
    blab.clmgr("n2", "online", "resource_group", WEB, "NODE=n1", timeout=120)
    blab.wait_group_online(WEB, "n1", timeout=60)
    assert blab.app_pid("n1")
