"""Parent/child dependency (clmgr add dependency PARENT=db_rg CHILD=app_rg) in
a 3-node lab: db_rg (service IP, the lab web app on port 8080, home n1) is
the parent of app_rg (another service IP, a second web app on port 8081,
home n2). The child starts only after the parent is online; when the
parent's node crashes, the child is released first and started again only
after the parent is online on its new node; an administrator's offline of
the parent takes the child offline first, and the child shows why it waits.
The order is read from the lab's app owners log (each start and stop script
appends to it) and from status polling."""
import os
import threading
import time

import pytest

import hamrlab
from conftest import check_sanitizer_reports, require_root

DB, APP = "db_rg", "app_rg"


def _wrapper(lab, kind):
    """A start/stop script for the second web app: the lab's scripts with
    their own state folder (pid file) and port."""
    path = os.path.join(lab.run_dir, f"app2_{kind}.sh")
    with open(path, "w") as f:
        f.write("#!/bin/bash\n"
                'export HAMR_STATE_DIR="$HAMR_STATE_DIR/app2" HAMR_WEBAPP_PORT=8081 '
                f"HAMR_LAB_OWNERS_LOG={lab.owners_log}\n"
                f"exec {os.path.join(hamrlab.APP_DIR, 'webapp_' + kind + '.sh')}\n")
    os.chmod(path, 0o755)
    return path


@pytest.fixture(scope="module")
def dlab(build_dir):
    require_root()
    lab = hamrlab.Lab(nodes=3, build_dir=build_dir, profile="test")
    try:
        lab.setup()
        lab.start_all()
        start, stop = _wrapper(lab, "start"), _wrapper(lab, "stop")
        lab.configure(rg=DB, extra_commands=[
            ["add", "service_ip", "appsvc", "ADDRESS=" + lab.extra_service_ip(1),
             "NETWORK=net_ether_01"],
            ["add", "application_controller", "app2", "STARTSCRIPT=" + start,
             "STOPSCRIPT=" + stop, "START_TIMEOUT=10", "STOP_TIMEOUT=10"],
            ["add", "resource_group", APP, "NODES=n2 n3 n1", "STARTUP=OHN", "FALLOVER=FNPN",
             "FALLBACK=NFB", "SERVICE_LABEL=appsvc", "APPLICATIONS=app2"],
            ["add", "dependency", "PARENT=" + DB, "CHILD=" + APP]])
        lab.clmgr("n1", "start", "cluster", "WHEN=both", timeout=120)
        lab.wait_group_online(DB, "n1", timeout=60)
        lab.wait_group_online(APP, "n2", timeout=60)
        yield lab
        check_sanitizer_reports(lab)
    finally:
        keep = os.environ.get("HAMR_KEEP_LOGS")  # a folder: keep the daemons' logs
        if keep:
            import shutil
            dst = os.path.join(keep, lab.prefix)
            os.makedirs(dst, exist_ok=True)
            for n in lab.node_names:
                try:
                    shutil.copy(lab.node(n).log, os.path.join(dst, n + ".log"))
                except OSError:
                    pass
        lab.cleanup()


def _events(lab):
    """(action, node, rg) per line of the owners log, in order."""
    out = []
    try:
        with open(lab.owners_log) as f:
            for line in f:
                w = line.split()
                # "<uptime> start|stop <node> pid <pid> rg <rg>"
                if len(w) >= 7 and w[1] in ("start", "stop") and w[5] == "rg":
                    out.append((w[1], w[2], w[6]))
    except FileNotFoundError:
        pass
    return out


def _groups(lab, via):
    return {g["NAME"]: g for g in lab.status(via)["groups"]}


class _Watch:
    """Polls status in the background: records any moment the child comes
    ONLINE while the parent is not, and the child's reasons seen."""

    def __init__(self, lab, via):
        self.lab, self.via = lab, via
        self.bad, self.reasons, self.samples = [], set(), 0
        self.was_online = True  # the tests start with both groups online
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        deadline = time.monotonic() + 300
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                g = _groups(self.lab, self.via)
            except Exception:  # a status during a view change may fail: next sample
                self._stop.wait(0.1)
                continue
            self.samples += 1
            # a child already online when its parent's node crashes stays
            # online until it is released; it never comes online again
            # while the parent is not
            online = g[APP]["STATE"] == "ONLINE"
            if online and not self.was_online and g[DB]["STATE"] != "ONLINE":
                self.bad.append((g[DB]["STATE"], g[APP]["STATE"]))
            self.was_online = online
            if g[APP].get("REASON"):
                self.reasons.add(g[APP]["REASON"])
            self._stop.wait(0.05)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join(timeout=30)


def test_startup_order_and_query(dlab):
    ev = _events(dlab)
    starts = [e for e in ev if e[0] == "start"]
    assert starts.index(("start", "n1", DB)) < starts.index(("start", "n2", APP)), ev
    q = dlab.clmgr("n3", "query", "dependency").stdout
    assert 'NAME="dep1"' in q and 'TYPE="PARENT_CHILD"' in q
    assert f'PARENT="{DB}"' in q and f'CHILD="{APP}"' in q
    # a group in a dependency is not deleted; a cycle is refused, naming the rule
    r = dlab.clmgr("n1", "delete", "resource_group", APP, check=False)
    assert r.returncode != 0 and 'dependency "dep1" CHILD refers to it' in r.stderr
    r = dlab.clmgr("n1", "add", "dependency", f"PARENT={APP}", f"CHILD={DB}", check=False)
    assert r.returncode != 0 and "cycle" in r.stderr and "at most 3 groups deep" in r.stderr


def test_offline_parent_takes_child_offline_first(dlab):
    # PowerHA: no offline of a parent whose child is online (exit 5) ...
    r = dlab.clmgr("n3", "offline", "resource_group", DB, check=False, timeout=120)
    assert r.returncode == 5, r
    assert f'its child "{APP}" is ONLINE on n2' in r.stderr
    assert dlab.owner_of(DB) == "n1" and dlab.owner_of(APP) == "n2"
    before = len(_events(dlab))
    with _Watch(dlab, "n3") as w:
        # ... both together: the child is released first
        dlab.clmgr("n3", "offline", "resource_group", f"{DB},{APP}", timeout=120)
        g = _groups(dlab, "n3")
        assert g[DB]["STATE"] == "OFFLINE" and g[APP]["STATE"] == "OFFLINE"
        assert g[APP]["REASON"] == f"waiting for parent {DB}"
        assert f"reason: waiting for parent {DB}" in dlab.clmgr("n2", "status").stdout
        ev = _events(dlab)[before:]
        assert ev.index(("stop", "n2", APP)) < ev.index(("stop", "n1", DB)), ev
        # no online of a child whose parent is offline
        r = dlab.clmgr("n3", "online", "resource_group", APP, check=False, timeout=120)
        assert r.returncode == 5 and f'its parent "{DB}" is not ONLINE' in r.stderr, r
        dlab.clmgr("n3", "online", "resource_group", f"{APP},{DB}", timeout=120)
        dlab.wait_group_online(DB, "n1", timeout=60)
        dlab.wait_group_online(APP, "n2", timeout=60)
    assert w.samples > 0 and not w.bad, w.bad
    ev = _events(dlab)[before:]
    assert ev.index(("start", "n1", DB)) < ev.index(("start", "n2", APP)), ev


def test_stop_node_releases_child_before_parent(dlab):
    # both on n1, then n1 stops its cluster services: MANAGE=offline (the
    # node releases what it holds itself: child first) ...
    dlab.clmgr("n3", "move", "resource_group", APP, "NODE=n1", timeout=120)
    dlab.wait_group_online(APP, "n1", timeout=60)
    before = len(_events(dlab))
    dlab.clmgr("n3", "stop", "node", "n1", "MANAGE=offline", timeout=120)
    g = _groups(dlab, "n3")
    assert g[DB]["STATE"] == "OFFLINE" and g[APP]["STATE"] == "OFFLINE"
    ev = _events(dlab)[before:]
    assert ev.index(("stop", "n1", APP)) < ev.index(("stop", "n1", DB)), ev
    dlab.clmgr("n3", "start", "node", "n1", timeout=120)
    dlab.wait_group_online(DB, "n1", timeout=60)
    dlab.wait_group_online(APP, "n1", timeout=60)
    # ... and MANAGE=move (the coordinator moves them: child first, parent
    # first on the new node)
    before = len(_events(dlab))
    with _Watch(dlab, "n3") as w:
        dlab.clmgr("n3", "stop", "node", "n1", "MANAGE=move", timeout=120)
        dlab.wait_group_online(DB, "n2", timeout=60)
        dlab.wait_group_online(APP, "n2", timeout=60)
    assert w.samples > 0 and not w.bad, w.bad
    ev = _events(dlab)[before:]
    assert ev.index(("stop", "n1", APP)) < ev.index(("stop", "n1", DB)), ev
    assert ev.index(("stop", "n1", DB)) < ev.index(("start", "n2", DB)), ev
    assert ev.index(("start", "n2", DB)) < ev.index(("start", "n2", APP)), ev
    # back as the fixture left them: n1 active, db_rg on n1, app_rg on n2
    dlab.clmgr("n3", "start", "node", "n1", timeout=120)
    dlab.clmgr("n3", "move", "resource_group", f"{APP},{DB}", "NODE=n1", timeout=120)
    dlab.wait_group_online(DB, "n1", timeout=60)
    dlab.clmgr("n3", "move", "resource_group", APP, "NODE=n2", timeout=120)
    dlab.wait_group_online(APP, "n2", timeout=60)


WEB2 = "web2_rg"


def test_same_node_group_joins_and_follows(dlab):
    # a group whose home is n3, kept on the same node as db_rg (on n1)
    dlab.clmgr("n1", "add", "service_ip", "web2svc", "ADDRESS=" + dlab.extra_service_ip(2),
               "NETWORK=net_ether_01")
    dlab.clmgr("n1", "add", "resource_group", WEB2, "NODES=n3 n2 n1", "STARTUP=OHN",
               "FALLOVER=FNPN", "FALLBACK=NFB", "SERVICE_LABEL=web2svc")
    dlab.clmgr("n1", "add", "dependency", "SAME=NODE", f"GROUPS={DB},{WEB2}")
    dlab.clmgr("n1", "sync", "cluster", timeout=60)
    q = dlab.clmgr("n2", "query", "dependency", "dep2").stdout
    assert 'TYPE="SAME_NODE"' in q and f'GROUPS="{DB} {WEB2}"' in q and "PARENT" not in q
    dlab.clmgr("n2", "online", "resource_group", WEB2, timeout=120)
    dlab.wait_group_online(WEB2, "n1", timeout=60)
    assert dlab.node_has_ip("n1", dlab.extra_service_ip(2))
    # moving one group of the set alone is refused (exit code 5)
    r = dlab.clmgr("n2", "move", "resource_group", WEB2, "NODE=n3", check=False, timeout=60)
    assert r.returncode == 5 and "move them together" in r.stderr, r
    assert dlab.owner_of(WEB2) == "n1"


def test_parent_node_crash_child_released_and_back_after_parent(dlab):
    before = len(_events(dlab))
    with _Watch(dlab, "n3") as w:
        dlab.crash("n1")
        dlab.wait_group_online(DB, "n2", timeout=90, via="n3")
        dlab.wait_group_online(APP, "n2", timeout=90, via="n3")
    assert w.samples > 0 and not w.bad, w.bad
    ev = _events(dlab)[before:]
    # the child stopped on n2, then the parent started on n2, then the child
    assert ev.index(("stop", "n2", APP)) < ev.index(("start", "n2", DB)), ev
    assert ev.index(("start", "n2", DB)) < ev.index(("start", "n2", APP)), ev
    # the group kept on db_rg's node followed it to n2 (its own policy: n3)
    dlab.wait_group_online(WEB2, "n2", timeout=60, via="n3")
    print(f"\nevents after the crash: {ev}; child reasons seen: {sorted(w.reasons)}")
