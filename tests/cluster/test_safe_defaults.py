"""Safe by default (issue 8): a restarted hamrd takes nothing until its
cluster services are started (clmgr start node, or start at restart), the
daemon's death on the owner is fenced by the watchdog before anyone takes
over, and without a watchdog DEADMAN_MODE a refuses to start services (no
node holds a group nothing could reset). S1 is sampled throughout."""
import os
import signal
import time

import pytest

import hamrlab
from conftest import S1Sampler, check_sanitizer_reports, require_root

WEB = "web_rg"


def _lab(build_dir, watchdog=True):
    require_root()
    return hamrlab.Lab(nodes=3, build_dir=build_dir, profile="test", watchdog=watchdog)


def _node(lab, name, via=None):
    return {n["NAME"]: n for n in lab.status(via)["nodes"]}[name]


def _hamrd_pid(lab, name):
    """hamrd's pid among the node cgroup's processes (by pid, never by name)."""
    for pid in lab.cgroup_pids(name):
        try:
            if os.path.basename(os.readlink("/proc/%d/exe" % pid)) == "hamrd":
                return pid
        except OSError:
            continue
    raise AssertionError("no hamrd process in %s's cgroup" % name)


def _kill9_hamrd(lab, name):
    """kill -9 of hamrd only (PowerHA's CLSTRMGR_KILL): the node, its
    addresses and its application stay as they are."""
    pid = _hamrd_pid(lab, name)
    os.kill(pid, signal.SIGKILL)
    lab.node(name).proc.wait(10)


@pytest.fixture(scope="module")
def fenced(build_dir):
    lab = _lab(build_dir)
    try:
        lab.setup()
        lab.start_all()
        # FBHPN: a node that started services on its own would take the
        # group back at once; that is what must not happen after a restart
        lab.configure(rg_policy=dict(FALLBACK="FBHPN"))
        lab.clmgr("n1", "start", "cluster", timeout=120)  # WHEN=now: not at restart
        lab.wait_group_online(WEB, "n1", timeout=60)
        yield lab
        check_sanitizer_reports(lab)
    finally:
        lab.cleanup()


def test_status_names_the_watchdog_and_services(fenced):
    st = fenced.status("n2")
    for n in st["nodes"]:
        assert n["DAEMON"] == "UP" and n["STATE"] == "ONLINE", n
        assert n["WATCHDOG"] == "emulator (armed)", n
        assert n["START_ON_RESTART"] is False, n
    assert "lab watchdog emulator" in st["cluster"]["DEADMAN"]["WATCHDOG"]
    text = fenced.clmgr("n2", "status").stdout
    assert "emulator (armed)" in text
    text = fenced.clmgr("n2", "verify", "cluster").stdout
    for n in fenced.node_names:
        assert "Watchdog of node %s: emulator (armed)" % n in text, text


def test_restarted_daemon_waits_for_clmgr_start(fenced):
    """The owner crashes and powers on again: its new hamrd is a member
    (daemon up) with cluster services stopped, and the group stays where it
    fell over, until `clmgr start node n1` (then FBHPN brings it home)."""
    with S1Sampler(fenced):
        fenced.crash("n1")
        fenced.wait_group_online(WEB, "n2", timeout=60, via="n2")
        fenced.restart("n1")
        fenced.wait_for(lambda: _node(fenced, "n1", via="n2")["DAEMON"] == "UP", 60,
                        what="n1's daemon back")
        # well past detection and a scheduling round: nothing moves
        time.sleep(3)
        n1 = _node(fenced, "n1", via="n2")
        assert n1["STATE"] == "OFFLINE", n1
        assert fenced.owner_of(WEB, via="n2") == "n2"
        assert not fenced.app_on("n1") and not fenced.node_has_ip("n1", fenced.service_ip)
        text = fenced.clmgr("n2", "status").stdout
        assert "cluster services stopped" in text
        fenced.clmgr("n2", "start", "node", "n1", timeout=120)
        fenced.wait_group_online(WEB, "n1", timeout=60, via="n2")


def test_start_at_restart(fenced):
    """clmgr start node n1 WHEN=restart is recorded on n1; after the next
    crash its new hamrd starts cluster services by itself (today's old
    behaviour, now asked for) and FBHPN brings the group home."""
    fenced.clmgr("n2", "start", "node", "n1", "WHEN=restart", timeout=60)
    assert _node(fenced, "n1", via="n2")["START_ON_RESTART"] is True
    with S1Sampler(fenced):
        fenced.crash("n1")
        fenced.wait_group_online(WEB, "n2", timeout=60, via="n2")
        fenced.restart("n1")
        fenced.wait_group_online(WEB, "n1", timeout=60, via="n2")
    assert _node(fenced, "n1", via="n2")["STATE"] == "ONLINE"
    # and cleared again
    fenced.clmgr("n2", "stop", "node", "n1", "WHEN=restart", timeout=60)
    assert _node(fenced, "n1", via="n2")["START_ON_RESTART"] is False
    assert _node(fenced, "n1", via="n2")["STATE"] == "ONLINE"  # WHEN=restart: not stopped now


def test_kill9_of_hamrd_on_owner_is_fenced(fenced):
    """kill -9 of hamrd alone on the owner: its watchdog (armed by default)
    resets the node before the others take the group over; S1 holds."""
    owner = fenced.owner_of(WEB, via="n2")
    other = "n3" if owner != "n3" else "n2"
    with S1Sampler(fenced):
        fired0 = len(fenced.watchdog_fired(owner))
        t0 = time.monotonic()
        _kill9_hamrd(fenced, owner)
        fenced.wait_for(lambda: len(fenced.watchdog_fired(owner)) > fired0, 30,
                        what="watchdog firing")
        fired = time.monotonic() - t0
        fenced.wait_for(lambda: fenced.owner_of(WEB, via=other) not in (None, owner), 60,
                        what="group online on a survivor")
        took = time.monotonic() - t0
    print("\nkill -9 of hamrd on %s: node reset by its watchdog after %.2f s, group online on "
          "%s after %.2f s" % (owner, fired, fenced.owner_of(WEB, via=other), took))


def test_no_watchdog_refuses_services(build_dir):
    """No watchdog (hamrd --watchdog none) and DEADMAN_MODE a: clmgr start
    is refused with an error naming the node and the ways out, no group is
    held anywhere, and kill -9 of a daemon leaves no owner behind.
    DEADMAN_MODE e accepts running unfenced and says so in the status."""
    lab = _lab(build_dir, watchdog=False)
    try:
        lab.setup()
        lab.start_all()
        lab.configure()  # DEADMAN_MODE=e (the lab without its emulator)
        lab.clmgr("n1", "modify", "cluster", "DEADMAN_MODE=a")
        text = lab.clmgr("n1", "sync", "cluster").stdout
        assert "Watchdog of node n2: none" in text, text
        assert "WARNING: node n2 has no armed watchdog" in text, text
        with S1Sampler(lab) as s1:
            r = lab.clmgr("n1", "start", "cluster", check=False, timeout=60)
            assert r.returncode != 0
            assert "no armed watchdog" in r.stderr and "DEADMAN_MODE=e" in r.stderr, r.stderr
            assert "softdog" in r.stderr
            time.sleep(2)
            assert lab.owner_of(WEB) is None
            for n in lab.node_names:
                assert not lab.app_on(n) and not lab.node_has_ip(n, lab.service_ip)
            st = lab.status("n1")
            assert all(n["WATCHDOG"] == "none" and n["STATE"] == "OFFLINE" for n in st["nodes"])
            _kill9_hamrd(lab, "n1")
            time.sleep(1)
            assert lab.owner_of(WEB, via="n2") is None
            assert s1.samples > 0
        lab.start_daemon("n1")
        lab.clmgr("n1", "modify", "cluster", "DEADMAN_MODE=e")
        lab.clmgr("n1", "sync", "cluster")
        lab.clmgr("n1", "start", "cluster", timeout=120)
        lab.wait_group_online(WEB, "n1", timeout=60)
        text = lab.clmgr("n2", "status").stdout
        assert "UNFENCED" in text, text
        check_sanitizer_reports(lab)
    finally:
        lab.cleanup()
