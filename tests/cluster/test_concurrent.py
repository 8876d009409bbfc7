"""A concurrent group (STARTUP=OAAN FALLOVER=BO FALLBACK=NFB) on a 3-node lab
cluster: an application instance on every node at once. A crashed node's
instance is just gone (BO: nothing moves; the other instances keep running,
same pids), and comes back when the node restarts and starts its services;
an administrator takes it offline and online on one node; a move is
refused. The S1 sampler (web app, service IP, filesystems) does not look at
concurrent groups: S1 does not apply to them by design; instead the test
checks that the concurrent application runs only where cluster services
are up (Lab.assert_concurrent)."""
import os

import pytest

import hamrlab
from conftest import S1Sampler, started_lab

CONC = "conc_rg"
ALL = {"n1": "ONLINE", "n2": "ONLINE", "n3": "ONLINE"}


def _script(lab, kind):
    """The lab web app as the concurrent application: its own state folder
    (pid file; not the S1 sampler's) and port, one instance per node."""
    path = os.path.join(lab.run_dir, f"conc_{kind}.sh")
    with open(path, "w") as f:
        f.write("#!/bin/bash\n"
                'export HAMR_STATE_DIR="$HAMR_STATE_DIR/conc" HAMR_WEBAPP_PORT=8082 '
                f"HAMR_LAB_OWNERS_LOG={lab.owners_log}\n"
                f"exec {os.path.join(hamrlab.APP_DIR, 'webapp_' + kind + '.sh')}\n")
    os.chmod(path, 0o755)
    return path


def _commands(lab):
    return [
        ["add", "application_controller", "conc_app", "STARTSCRIPT=" + _script(lab, "start"),
         "STOPSCRIPT=" + _script(lab, "stop"), "START_TIMEOUT=10", "STOP_TIMEOUT=10"],
        ["add", "resource_group", CONC, "NODES=n1 n2 n3", "STARTUP=OAAN", "FALLOVER=BO",
         "FALLBACK=NFB", "APPLICATIONS=conc_app"]]


@pytest.fixture(scope="module")
def clab(build_dir):
    yield from started_lab(build_dir, extra_commands=_commands)


def _conc(lab, via="n1"):
    """(per-node states of the concurrent group, its status entry, node STATEs)."""
    st = lab.status(via)
    g = next(x for x in st["groups"] if x["NAME"] == CONC)
    return g["NODES"], g, {n["NAME"]: n["STATE"] for n in st["nodes"]}


def _pids(lab):
    return {n: lab.app_pid_in(n, "conc") for n in lab.node_names if lab.node(n).powered}


def _clrginfo(lab, *args):
    saved = lab.clmgr_bin
    lab.clmgr_bin = os.path.join(os.path.dirname(saved), "clRGinfo")
    try:
        return lab.clmgr("n1", *args).stdout
    finally:
        lab.clmgr_bin = saved


def test_oaan_bo_instances_per_node(clab):
    lab = clab
    lab.wait_for(lambda: _conc(lab)[0] == ALL and all(_pids(lab).values()), 60,
                 what="conc_rg ONLINE on all three nodes")
    pids = _pids(lab)
    assert len(set(pids.values())) == 3, pids
    _, g, svc = _conc(lab)
    assert g["CONCURRENT"] and g["STATE"] == "ONLINE" and g["CURRENT_NODE"] == "n1 n2 n3", g
    assert g["TARGET"] == "n1 n2 n3", g
    hamrlab.Lab.assert_concurrent(pids, svc)
    # clRGinfo shows the group on every node, with PowerHA's policy words
    text = lab.clmgr("n2", "-c", "status").stdout
    for n in ("n1", "n2", "n3"):
        assert f"{CONC}:ONLINE:{n}" in text, text
    v = _clrginfo(lab, "-v", CONC)
    assert "Startup Policy: Online On All Available Nodes" in v, v
    assert "Bring Offline (On Error Node Only)" in v, v
    # a concurrent group is not moved (PowerHA's clRGmove: online/offline only)
    r = lab.clmgr("n1", "move", "resource_group", CONC, "NODE=n2", check=False)
    assert r.returncode != 0 and "cannot be moved" in r.stderr, r
    # NODE= on offline is for concurrent groups only
    r = lab.clmgr("n1", "offline", "resource_group", "web_rg", "NODE=n1", check=False)
    assert r.returncode != 0 and "only for concurrent groups" in r.stderr, r

    with S1Sampler(lab):   # web_rg (non-concurrent) keeps one owner throughout
        # crash n3: its instance is gone (BO), n1 and n2 keep theirs (same pids)
        lab.crash("n3")
        lab.wait_for(lambda: (lambda c: c[0] == {"n1": "ONLINE", "n2": "ONLINE",
                                                  "n3": "OFFLINE"} and
                              c[1]["TARGET"] == "n1 n2")(_conc(lab)),
                     60, what="conc_rg ONLINE on n1 and n2 only after n3 crashed")
        after = _pids(lab)
        assert after == {"n1": pids["n1"], "n2": pids["n2"]}, (pids, after)
        why = lab.clmgr("n1", "why", "resource_group", CONC).stdout
        assert "concurrent" in why and "no instance on n3" in why, why

        # n3 restarts (services start at restart, WHEN=both): its instance is back
        lab.restart("n3")
        lab.wait_for(lambda: _conc(lab)[0] == ALL and _pids(lab)["n3"], 90,
                     what="conc_rg ONLINE on n3 again")
        back = _pids(lab)
        assert back["n1"] == pids["n1"] and back["n2"] == pids["n2"], (pids, back)
        assert back["n3"] != pids["n3"], back
        hamrlab.Lab.assert_concurrent(back, _conc(lab)[2])

    # offline on one node only, then online there again; the others untouched
    lab.clmgr("n1", "offline", "resource_group", CONC, "NODE=n2", timeout=60)
    states, _, _ = _conc(lab)
    assert states == {"n1": "ONLINE", "n2": "OFFLINE", "n3": "ONLINE"}, states
    now = _pids(lab)
    assert now["n2"] is None and now["n1"] == pids["n1"] and now["n3"] == back["n3"], now
    lab.clmgr("n1", "online", "resource_group", CONC, "NODE=n2", timeout=60)
    lab.wait_for(lambda: _conc(lab)[0] == ALL and _pids(lab)["n2"], 30,
                 what="conc_rg ONLINE on n2 again")
    assert _pids(lab)["n1"] == pids["n1"]
