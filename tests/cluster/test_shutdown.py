"""hamrd's graceful stop on SIGTERM (issue 8): the node releases its groups
(--shutdown move: the others take them over; offline: they go offline) and
the process exits by itself; a second signal while it still holds a group
exits at once and the watchdog resets the node before anyone takes the group
over. One 3-node lab cluster (fast profile; test profile for sanitizer
builds) shared by the tests; S1 is sampled throughout."""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import S1Sampler, check_sanitizer_reports, require_root, restore

import hamrlab

WEB = "web_rg"


def _profile(build_dir):
    """The fast profile; the test profile for a sanitizer build, whose loop
    stalls (fork under ASan) outlast the fast profile's 0.1 s watchdog."""
    try:
        with open(os.path.join(build_dir, "meson-info", "intro-buildoptions.json")) as f:
            opts = {o["name"]: o["value"] for o in json.load(f)}
    except (OSError, ValueError, KeyError):
        return "fast"
    return "fast" if opts.get("b_sanitize", "none") in ("none", "") else "test"


@pytest.fixture(scope="module")
def fast(build_dir):
    require_root()
    lab = hamrlab.Lab(nodes=3, build_dir=build_dir, profile=_profile(build_dir))
    try:
        lab.setup()
        lab.start_all()
        lab.configure()
        lab.clmgr("n1", "start", "cluster")
        lab.wait_group_online(WEB, "n1", timeout=60)
        yield lab
        check_sanitizer_reports(lab)
    finally:
        keep = os.environ.get("HAMR_KEEP_LOGS")  # a folder: keep the daemons' logs
        if keep:
            dst = os.path.join(keep, lab.prefix)
            os.makedirs(dst, exist_ok=True)
            for n in lab.node_names:
                try:
                    shutil.copy(lab.node(n).log, os.path.join(dst, n + ".log"))
                except OSError:
                    pass
        lab.cleanup()


def _group(lab, via):
    return [g for g in lab.status(via)["groups"] if g["NAME"] == WEB][0]


def _nodes(lab, via):
    return {n["NAME"]: n["STATE"] for n in lab.status(via)["nodes"]}


def _back(lab, name="n1", args=None):
    """Start hamrd on `name` again (with `args` instead of the lab's
    daemon_args if given), start its services, web_rg home on n1."""
    saved = list(lab.daemon_args)
    if args is not None:
        lab.daemon_args[:] = args
    try:
        if lab.is_crashed(name):
            lab.restart(name)
        elif not lab.daemon_running(name):
            lab.start_daemon(name)
    finally:
        lab.daemon_args[:] = saved
    lab.wait_for(lambda: _nodes(lab, "n2")[name] != "DOWN", 60, what=f"{name} rejoined")
    restore(lab)


def _sigterm_and_wait(lab, name, timeout=60):
    """SIGTERM hamrd on `name`; until it exits, poll who serves the client
    and check what `name` still holds. Returns (returncode, times)."""
    p = lab.node(name).proc
    t0 = time.monotonic()
    p.send_signal(signal.SIGTERM)
    t = {"exit": None, "online": None, "answer": None}
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        now = time.monotonic()
        if t["exit"] is None and p.poll() is not None:
            t["exit"] = now
            # what was left on the node when hamrd exited (nothing kills
            # the node's processes after a graceful exit)
            t["left"] = {"ip": lab.node_has_ip(name, lab.service_ip),
                         "app": lab.app_pid(name) is not None,
                         "pids": lab.cgroup_pids(name)}
        if t["answer"] is None:
            body = lab.client_get(timeout=0.2)
            if body and f"node {name}" not in body:
                t["answer"] = time.monotonic()
        if t["online"] is None:
            o = lab.owner_of(WEB, via=next(n for n in lab.node_names if n != name))
            if o and o != name:
                t["online"] = time.monotonic()
                t["owner"] = o
        if t["exit"] is not None and t["online"] is not None and t["answer"] is not None:
            break
        time.sleep(0.01)
    return p.returncode, {k: (v - t0 if isinstance(v, float) else v) for k, v in t.items()}


def test_sigterm_on_owner_moves_group_and_exits(fast):
    """Default --shutdown move: the owner releases, the next node acquires,
    hamrd exits 0 by itself holding nothing; no watchdog firing."""
    lab = fast
    assert lab.owner_of(WEB) == "n1"
    fired = len(lab.watchdog_fired())
    with S1Sampler(lab):
        rc, t = _sigterm_and_wait(lab, "n1")
    assert rc == 0, lab.log_tail("n1", 40)
    assert t["exit"] is not None and t["online"] is not None, (t, lab.log_tail("n1", 40))
    assert t["left"] == {"ip": False, "app": False, "pids": []}, t
    assert t["owner"] == "n2"
    assert t["exit"] < 30  # generous: the stop itself takes well under a second
    assert len(lab.watchdog_fired()) == fired
    assert _nodes(lab, "n2")["n1"] in ("OFFLINE", "DOWN")
    log = lab.log_tail("n1", 40)
    assert "stopping cluster services on this node (--shutdown move" in log
    assert "exiting after" in log
    print(f"\nSIGTERM -> group online elsewhere {t['online']:.3f}s, client answered by "
          f"{t['owner']} {t['answer'] if t['answer'] is None else round(t['answer'], 3)}s, "
          f"hamrd exited {t['exit']:.3f}s")
    _back(lab)


def test_sigterm_on_owner_that_does_not_coordinate(fast):
    """The owner is not the coordinator: its stop request is forwarded
    there, and the group moves the same way."""
    lab = fast
    coord = lab.status("n1")["cluster"]["COORDINATOR"]
    owner = next(n for n in lab.node_names if n != coord)
    if lab.owner_of(WEB) != owner:
        lab.clmgr("n1", "move", "resource_group", WEB, f"NODE={owner}", timeout=120)
        lab.wait_group_online(WEB, owner, timeout=60)
    fired = len(lab.watchdog_fired())
    with S1Sampler(lab):
        rc, t = _sigterm_and_wait(lab, owner)
    assert rc == 0, lab.log_tail(owner, 40)
    assert t["left"] == {"ip": False, "app": False, "pids": []}, t
    assert t["online"] is not None and t["owner"] != owner, t
    assert len(lab.watchdog_fired()) == fired
    assert "command stop accepted" in lab.log_tail(coord, 60)
    print(f"\n{owner} (coordinator {coord}): SIGTERM -> group online on {t['owner']} "
          f"{t['online']:.3f}s, hamrd exited {t['exit']:.3f}s")
    _back(lab, owner)


def test_sigterm_with_shutdown_offline_takes_group_offline(fast):
    """--shutdown offline: the group goes OFFLINE and stays so; nothing is
    left on the node; clmgr status answers from the others meanwhile."""
    lab = fast
    lab.stop_daemon("n1")  # kill: restarted with --shutdown offline
    lab.wait_group_online(WEB, "n2", timeout=60, via="n2")
    _back(lab, args=lab.daemon_args + ["--shutdown", "offline", "--shutdown-timeout", "30"])
    assert lab.owner_of(WEB) == "n1"
    with S1Sampler(lab):
        rc = lab.stop_daemon("n1", graceful=True, timeout=30)
        assert rc == 0, lab.log_tail("n1", 40)
        assert not lab.node_has_ip("n1", lab.service_ip) and lab.app_pid("n1") is None
        assert lab.cgroup_pids("n1") == []
        lab.wait_for(lambda: _group(lab, "n2")["STATE"] == "OFFLINE", 30, what="web_rg OFFLINE")
        time.sleep(1.0)  # nobody takes it
        assert _group(lab, "n2")["STATE"] == "OFFLINE"
        assert lab.client_get() is None
    assert "--shutdown offline" in lab.log_tail("n1", 40)
    lab.stop_daemon("n1")
    _back(lab)  # started with the lab's default arguments again


def test_bad_shutdown_options_are_refused(fast):
    """A bad value names the option and what is allowed; --help shows both."""
    for args, want in ((["--shutdown", "halt"], "--shutdown: \"halt\" is not allowed; allowed: "
                        "offline, move"),
                       (["--shutdown", "unmanage"], "other nodes would take over groups"),
                       (["--shutdown-timeout", "0"], "--shutdown-timeout: \"0\" is not allowed"),
                       (["--shutdown-timeout", "soon"], "--shutdown-timeout: \"soon\"")):
        r = subprocess.run([fast.hamrd, "--node", "x"] + args, capture_output=True, text=True,
                           timeout=10)
        assert r.returncode == 2 and want in r.stderr, (args, r.stderr)
    r = subprocess.run([fast.hamrd, "--help"], capture_output=True, text=True, timeout=10)
    assert "--shutdown " in r.stdout and "--shutdown-timeout" in r.stdout
    assert "watchdog" in r.stdout.split("--shutdown-timeout")[-1]


@contextlib.contextmanager
def _hanging_stop_script(lab):
    """The web application's stop script hangs (sleep 120) meanwhile."""
    hang = os.path.join(lab.run_dir, "hang_stop.sh")
    with open(hang, "w") as f:
        f.write("#!/bin/sh\nsleep 120\n")
    os.chmod(hang, 0o755)
    lab.clmgr("n1", "modify", "application_controller", "webapp", f"STOPSCRIPT={hang}")
    lab.clmgr("n1", "sync", "cluster", timeout=60)
    try:
        yield
    finally:
        via = next(n for n in lab.node_names if lab.daemon_running(n))
        lab.clmgr(via, "modify", "application_controller", "webapp",
                  f"STOPSCRIPT={lab.app_stop}", check=False)
        lab.clmgr(via, "sync", "cluster", timeout=60, check=False)


def _reset_before_takeover(lab, p, t_exit_from, before):
    """hamrd (p) exits holding web_rg: the watchdog fires (a firing after
    the `before` first ones) after its exit and before n2 has the group.
    Returns (t_fire, t_up)."""
    p.wait(10)
    fired = lab.wait_for(lambda: lab.watchdog_fired("n1")[before:], 10, what="n1 watchdog fired")
    t_fire = fired[-1][0]
    owner = lab.wait_group_online(WEB, "n2", timeout=60, via="n2")
    t_up = time.monotonic()
    assert lab.is_crashed("n1")
    # 0; or SIGKILL when the watchdog's power-off came first (a sanitizer
    # build's exit, with its leak check, can outlast the watchdog)
    assert p.returncode in (0, -signal.SIGKILL) and owner == "n2", p.returncode
    assert t_exit_from < t_fire < t_up, (t_exit_from, t_fire, t_up)
    assert "while holding 1 groups" in lab.log_tail("n1", 40)
    return t_fire, t_up


def test_second_sigterm_while_holding_leaves_watchdog_to_reset_node(fast):
    """The application's stop script hangs: the graceful stop cannot
    release. A second SIGTERM exits at once; hamrd still holds the group, so
    its watchdog stays armed and resets the node before n2 takes over."""
    lab = fast
    assert lab.owner_of(WEB) == "n1"
    with _hanging_stop_script(lab):
        p = lab.node("n1").proc
        before = len(lab.watchdog_fired("n1"))
        with S1Sampler(lab):
            t0 = time.monotonic()
            p.send_signal(signal.SIGTERM)
            lab.wait_for(lambda: _group(lab, "n2")["NODES"]["n1"] == "RELEASING", 30,
                         what="n1 releasing web_rg (its stop script hangs)")
            # the control socket still answers while stopping; edits are refused
            r = lab.clmgr("n1", "modify", "resource_group", WEB, "FALLBACK=FBHPN", check=False)
            assert r.returncode != 0 and "hamrd on node n1 is stopping" in (r.stdout + r.stderr)
            assert lab.status("n1")["cluster"]["LOCAL_NODE"] == "n1"
            time.sleep(0.3)
            assert p.poll() is None  # still stopping
            t1 = time.monotonic()
            p.send_signal(signal.SIGTERM)
            t_fire, t_up = _reset_before_takeover(lab, p, t1, before)
        assert "second stop signal" in lab.log_tail("n1", 40)
        print(f"\nsecond SIGTERM {t1 - t0:.3f}s after the first: watchdog fired "
              f"{t_fire - t1:.3f}s later, web_rg online on n2 {t_up - t1:.3f}s later")
    _back(lab)


def test_shutdown_timeout_while_holding_leaves_watchdog_to_reset_node(fast):
    """The same with one SIGTERM and --shutdown-timeout 1.5: hamrd exits at
    the timeout, the watchdog resets the node before n2 takes over."""
    lab = fast
    lab.stop_daemon("n1")
    lab.wait_group_online(WEB, "n2", timeout=60, via="n2")
    _back(lab, args=lab.daemon_args + ["--shutdown-timeout", "1.5"])
    with _hanging_stop_script(lab):
        p = lab.node("n1").proc
        before = len(lab.watchdog_fired("n1"))
        with S1Sampler(lab):
            t0 = time.monotonic()
            p.send_signal(signal.SIGTERM)
            t_fire, t_up = _reset_before_takeover(lab, p, t0 + 1.4, before)
        assert "--shutdown-timeout reached" in lab.log_tail("n1", 40)
        print(f"\ntimeout 1.5 s: watchdog fired {t_fire - t0:.3f}s after SIGTERM, web_rg "
              f"online on n2 {t_up - t0:.3f}s after")
    _back(lab)
