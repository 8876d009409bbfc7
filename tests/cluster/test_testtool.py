"""The Cluster Test Tool (cl_testtool) on a 3-node lab: a PowerHA test plan
with a variables file (RG_MOVE, NODE_DOWN_GRACEFUL, NODE_UP, SERVER_DOWN,
NETWORK_DOWN_LOCAL/UP, WAIT, VG_DOWN not applicable), then the automated
test procedure (general topology, the web group's tests, the network's
tests, CLSTRMGR_KILL and the node back). Every test must be PASSED (VG_DOWN
NOT APPLICABLE), the log written, and S1 hold throughout. The remote shell
is the lab's `hamr-lab exec PREFIX NODE`, hamrd is started again with
`hamr-lab start PREFIX NODE`."""
import json
import os
import re
import subprocess
import time

import pytest

import hamrlab
from conftest import S1Sampler, started_lab

CHECK = os.path.join(hamrlab.APP_DIR, "webapp_check.sh")
HAMR_LAB = os.path.join(hamrlab.LAB_DIR, "hamr-lab")

PLAN = """\
# a PowerHA test plan, as an administrator writes it
RG_MOVE, web_rg, ANY, Move web_rg to any available node
RG_MOVE, web_rg, RESTORE, Back to its highest-priority node
NODE_DOWN_GRACEFUL, $node2, Stop cluster services on node2, groups offline
NODE_UP, node2, Start them again
SERVER_DOWN, ANY, webapp, $stop, Recover from application failure
NETWORK_DOWN_LOCAL, rg_owner, net_ether_01, Selective fallover on local network down
NETWORK_UP_LOCAL, rg_owner, net_ether_01, Recover the network
WAIT, 1, let it settle
VG_DOWN, vg1, ANY, hamr has no volume groups
"""


# Twice the test profile's room for a loaded machine: 1 s detection, 0.5 s
# watchdog (the fence relation holds: 0.5 + 0.1 + 3 x 0.1 <= 1.0). The tool
# runs many tests in a row on one lab; a node reset by a starved watchdog
# (seen under ASan at load 20) would fail every test after it.
TIMERS = {"HEARTBEAT_FREQUENCY": "0.8", "GRACE_PERIOD": "0.2", "HEARTBEAT_INTERVAL": "0.1",
          "NETWORK_FAILURE_DETECTION_TIME": "0.5", "WATCHDOG_TIMEOUT": "0.5"}


@pytest.fixture(scope="module")
def tlab(build_dir):
    yield from started_lab(build_dir, timers=TIMERS, extra_commands=[
        ["add", "application_monitor", "webmon", "TYPE=Custom", "APPLICATIONS=webapp",
         "MODE=longrunning", "MONITORMETHOD=" + CHECK, "MONITORINTERVAL=1",
         "STABILIZATION=1", "RESTARTCOUNT=2", "RESTARTINTERVAL=60",
         "FAILUREACTION=fallover"]])


def run_testtool(lab, tmp_path, *args, timeout=240):
    """cl_testtool run on the control node n1 (its socket), the lab's remote shell."""
    exe = os.path.join(lab.build_dir, "src", "testtool", "cl_testtool")
    if not os.access(exe, os.X_OK):
        pytest.skip("cl_testtool not built")
    log = str(tmp_path / "cl_testtool.log")
    env = dict(os.environ, HAMR_SOCKET=lab.node("n1").sock,
               HAMR_TESTTOOL_RSH="/usr/bin/python3 %s exec %s %%n" % (HAMR_LAB, lab.prefix),
               HAMR_TESTTOOL_START_HAMRD="/usr/bin/python3 %s start %s %%n" % (
                   HAMR_LAB, lab.prefix))
    argv = [exe, "--log", log, "--clmgr", lab.clmgr_bin, "--timeout", "60", "--seed", "7"]
    t0 = time.monotonic()
    r = subprocess.run(argv + list(args), capture_output=True, text=True, timeout=timeout,
                       env=env)
    print("\ncl_testtool %s: rc %d in %.1f s" % (" ".join(args), r.returncode,
                                                 time.monotonic() - t0))
    return r, log


def results(text):
    return re.findall(r"\| Test (\d+) Complete - (\w+): (PASSED|FAILED|NOT APPLICABLE)", text)


def test_plan_file(tlab, tmp_path):
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN)
    variables = tmp_path / "vars.txt"
    variables.write_text("# variables\nnode2=n2\nrg_owner=n1\nstop=%s\n" % tlab.app_stop)
    with S1Sampler(tlab):
        r, log = run_testtool(tlab, tmp_path, "-p", str(plan), "-v", str(variables))
    out = r.stdout
    assert r.returncode == 0, out[-4000:] + r.stderr
    got = results(out)
    assert [k for _, k, _ in got] == ["RG_MOVE", "RG_MOVE", "NODE_DOWN_GRACEFUL", "NODE_UP",
                                      "SERVER_DOWN", "NETWORK_DOWN_LOCAL", "NETWORK_UP_LOCAL",
                                      "WAIT", "VG_DOWN"], out[-3000:]
    assert all(s == "PASSED" for _, k, s in got if k != "VG_DOWN"), out[-3000:]
    assert ("9", "VG_DOWN", "NOT APPLICABLE") in got
    assert "hamr has no volume groups" in out
    assert "8 passed, 0 failed, 1 not applicable" in out
    text = open(log).read()
    assert "Using Variable File" in text and "data line: node2=n2" in text
    assert re.search(r"^\d\d/\d\d/\d{4}_\d\d:\d\d:\d\d: \| Test 5 Complete - SERVER_DOWN: PASSED$",
                     text, re.M)
    # the actions went through clmgr and the lab's remote shell
    assert "clmgr move resource_group web_rg NODE=" in text.replace(tlab.clmgr_bin, "clmgr")
    assert "stop node n2 MANAGE=offline" in text
    assert "hamr-lab exec %s n1" % tlab.prefix in text
    # the cluster ends stable, web_rg online, every node active
    st = tlab.status("n1")
    assert st["cluster"]["STATE"] == "STABLE"
    assert all(n["STATE"] == "ONLINE" for n in st["nodes"])
    assert tlab.owner_of("web_rg") is not None


def test_plan_errors_name_file_and_line(tlab, tmp_path):
    plan = tmp_path / "bad.txt"
    plan.write_text("NODE_UP, n1\nRG_MOVE, web_rg, ALL\nRG_MOVE, nosuch_rg, ANY\n")
    r, log = run_testtool(tlab, tmp_path, "-p", str(plan))
    assert r.returncode == 2
    assert "bad.txt:2: RG_MOVE: ALL is not allowed as node | ANY | RESTORE" in r.stderr
    # names are checked against the configuration before anything runs
    plan.write_text("NODE_UP, n1\nRG_MOVE, nosuch_rg, ANY\nNODE_UP, n9\n")
    r, log = run_testtool(tlab, tmp_path, "-p", str(plan), "--check")
    assert r.returncode == 2
    assert "bad.txt:2: RG_MOVE: resource_group 'nosuch_rg' does not exist (allowed: web_rg)" \
        in r.stderr
    assert "bad.txt:3: NODE_UP: node 'n9' does not exist (allowed: n1, n2, n3)" in r.stderr
    assert "Running:" not in open(log).read()


def test_failures_are_reported(tlab, tmp_path):
    """An unmet entrance criterion and a success indicator that never holds
    are FAILED with the reason; -e stops at the first failure."""
    plan = tmp_path / "fail.txt"
    plan.write_text("NODE_UP, n2, already active\n"
                    "SERVER_DOWN, ANY, webapp, true, nothing fails: no recovery to see\n"
                    "RG_MOVE, web_rg, ANY, still runs\n")
    r, log = run_testtool(tlab, tmp_path, "-p", str(plan), "--timeout", "3")
    out = r.stdout
    assert r.returncode == 1, out[-3000:]
    assert results(out) == [("1", "NODE_UP", "FAILED"), ("2", "SERVER_DOWN", "FAILED"),
                            ("3", "RG_MOVE", "PASSED")], out[-3000:]
    assert "NODE_UP: FAILED: entrance criteria not met: node n2 is already active (ONLINE)" in out
    assert "SERVER_DOWN: FAILED: after 3 s: no recovery seen: web_rg still on" in out
    assert "1 passed, 2 failed, 0 not applicable" in out
    r, log = run_testtool(tlab, tmp_path, "-p", str(plan), "-e")
    assert r.returncode == 1
    assert [k for _, k, _ in results(r.stdout)] == ["NODE_UP"]
    assert "Abort on error: stopping after test 1" in r.stdout


def sanitized(build_dir):
    """The build's b_sanitize option ('none' for a plain build)."""
    try:
        with open(os.path.join(build_dir, "meson-info", "intro-buildoptions.json")) as f:
            opts = json.load(f)
    except (OSError, ValueError):
        return "none"
    return next((o["value"] for o in opts if o["name"] == "b_sanitize"), "none")


def test_automated_procedure(tlab, tmp_path):
    if not tlab.watchdog:
        pytest.skip("CLSTRMGR_KILL needs the lab's watchdog (HAMR_LAB_WATCHDOG=0)")
    if sanitized(tlab.build_dir) != "none":
        # Seen 3 times in 3 runs at load 11-22: with a node's (or every
        # node's) network down, the ASan daemons on the disk path alone were
        # reset by their watchdog or stayed UNSTABLE for a minute; each test
        # after that fails. The plan test above runs under ASan.
        pytest.skip("the automated procedure runs on the plain build only (ASan daemons are "
                    "reset under load while their network is down)")
    with S1Sampler(tlab):
        r, log = run_testtool(tlab, tmp_path)
    out = r.stdout
    got = results(out)
    kinds = [k for _, k, _ in got]
    assert r.returncode == 0, out[-5000:] + r.stderr
    # PowerHA's order: general topology, the group, the network, the catastrophic failure
    assert kinds[:7] == ["NODE_UP", "NODE_DOWN_GRACEFUL", "NODE_UP", "NODE_DOWN_TAKEOVER",
                         "NODE_UP", "NODE_DOWN_FORCED", "NODE_UP"], kinds
    assert kinds[7:13] == ["RG_OFFLINE", "RG_ONLINE", "NETWORK_DOWN_LOCAL", "NETWORK_UP_LOCAL",
                           "RG_MOVE", "SERVER_DOWN"], kinds
    assert kinds[13:17] == ["NETWORK_DOWN_GLOBAL", "NETWORK_UP_GLOBAL", "FAIL_LABEL",
                            "JOIN_LABEL"], kinds
    assert kinds[17:] == ["CLSTRMGR_KILL", "NODE_UP"], kinds
    assert all(s == "PASSED" for _, _, s in got), out[-5000:]
    assert os.path.getsize(log) > 0
    st = tlab.status("n1")
    assert st["cluster"]["STATE"] == "STABLE"
    assert all(n["STATE"] == "ONLINE" for n in st["nodes"]), st["nodes"]
