"""The customised resource group processing order (PowerHA's serial
acquisition and release order) on the shared 3-node lab cluster: two groups
on n2 whose start and stop scripts take a second are acquired one after
another in SERIAL_ACQUISITION_ORDER and released in SERIAL_RELEASE_ORDER,
as n2's event log (hamr.out) shows."""
import os
import re

GROUPS = ("ser_a", "ser_b")


def _log(lab, node):
    with open(os.path.join(lab.node(node).state_dir, "hamr.out"), errors="replace") as f:
        return f.read()


def _pos(text, line):
    """Position in text of the last event line ending with `line` (-1: none)."""
    m = [x.start() for x in re.finditer(r"^\S+ #\d+ " + re.escape(line), text, re.M)]
    return m[-1] if m else -1


def test_serial_acquisition_and_release_order(cluster):
    lab = cluster
    d = os.path.join(lab.run_dir, "serial")
    os.makedirs(d, exist_ok=True)
    script = os.path.join(d, "slow.sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\nsleep 1\n")
    os.chmod(script, 0o755)
    for g in GROUPS:
        lab.clmgr("n1", "add", "application_controller", g + "_app", f"STARTSCRIPT={script}",
                  f"STOPSCRIPT={script}", "START_TIMEOUT=20", "STOP_TIMEOUT=20")
        lab.clmgr("n1", "add", "resource_group", g, "NODES=n2", "STARTUP=OHN", "FALLBACK=NFB",
                  f"APPLICATIONS={g}_app")
    lab.clmgr("n1", "modify", "cluster", "SERIAL_ACQUISITION_ORDER=ser_b ser_a",
              "SERIAL_RELEASE_ORDER=ser_a ser_b")
    lab.clmgr("n1", "sync", "cluster")
    try:
        for g in GROUPS:
            lab.wait_group_online(g, "n2", timeout=60)
        text = _log(lab, "n2")
        # ser_b first: ser_a's acquisition starts after ser_b's completed
        b_done = _pos(text, "EVENT COMPLETED: rg_move_acquire n2 ser_b 0")
        a_start = _pos(text, "EVENT START: rg_move_acquire n2 ser_a")
        assert 0 <= b_done < a_start, text[-3000:]
        lab.clmgr("n1", "offline", "resource_group", "ser_a,ser_b", timeout=120)
        text = lab.wait_for(lambda: (lambda t: t if _pos(
            t, "EVENT COMPLETED: rg_move_release n2 ser_b 0") >= 0 else None)(_log(lab, "n2")),
            60, what="ser_b released on n2")
        a_done = _pos(text, "EVENT COMPLETED: rg_move_release n2 ser_a 0")
        b_start = _pos(text, "EVENT START: rg_move_release n2 ser_b")
        assert 0 <= a_done < b_start, text[-3000:]
    finally:
        lab.clmgr("n1", "offline", "resource_group", "ser_a,ser_b", timeout=120, check=False)
        # the shared cluster as it was
        lab.clmgr("n1", "modify", "cluster", "SERIAL_ACQUISITION_ORDER=",
                  "SERIAL_RELEASE_ORDER=")
        for g in GROUPS:
            lab.clmgr("n1", "delete", "resource_group", g)
            lab.clmgr("n1", "delete", "application_controller", g + "_app")
        lab.clmgr("n1", "sync", "cluster")
        lab.wait_for(lambda: lab.status("n1")["cluster"]["STATE"] == "STABLE", 60,
                     what="cluster STABLE again")
