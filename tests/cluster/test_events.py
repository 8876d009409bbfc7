"""The event log hamr.out (PowerHA's hacmp.out) in a 3-node lab: the
acquisition of web_rg logged on the node that runs it (rg_move_acquire with
acquire_service_addr and start_server inside, every line of the start
script's output under start_server, EVENT COMPLETED lines), node_up on
every node, clmgr view log hamr.out / hacmp.out with EVENT= and GROUP=,
and after a crash node_down on the survivors and the takeover's events on
the new owner; a monitor's restart (server_down, server_restart with the
start script's output) and a failing start script (event_error)."""
import os
import re
import time

import pytest

import hamrlab
from conftest import started_lab

WEB = "web_rg"
_MARK = {}  # wall-clock times later tests use
LINES = ("events: line one", "events: line two (stderr)", "events: line three")


def _wrapper(build_dir):
    """webapp's start script, printing three lines first (stdout and
    stderr), at the same path on every node (the build directory)."""
    path = os.path.join(os.path.abspath(build_dir), "test_events_start.sh")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n"
                f"echo '{LINES[0]}'\n"
                f"echo '{LINES[1]}' >&2\n"
                f"echo '{LINES[2]}'\n"
                "exec %s\n" % os.path.join(hamrlab.APP_DIR, "webapp_start.sh"))
    os.chmod(path, 0o755)
    return path


AUTOVERIFY_AFTER = 25  # s after the lab starts: the daily verification's hour (test hook)


def _autoverify_clock(build_dir):
    """VERIFICATION_HOUR, hamrd's environment (HAMR_TEST_WALL_OFFSET: the
    clock the schedule reads reaches that hour AUTOVERIFY_AFTER s from now;
    HAMR_CLUTILS_LOG: a file of this test)."""
    now = int(time.time())
    lt = time.localtime(now)
    next_hour = now - lt.tm_min * 60 - lt.tm_sec + 3600
    env = {"HAMR_TEST_WALL_OFFSET": str(next_hour - (now + AUTOVERIFY_AFTER)),
           "HAMR_CLUTILS_LOG": os.path.join(os.path.abspath(build_dir), "test_events_clutils.log")}
    return time.localtime(next_hour).tm_hour, env


@pytest.fixture(scope="module")
def elab(build_dir):
    hour, env = _autoverify_clock(build_dir)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        os.unlink(env["HAMR_CLUTILS_LOG"])
    except FileNotFoundError:
        pass
    try:
        yield from _elab(build_dir, hour)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _elab(build_dir, hour):
    yield from started_lab(build_dir, extra_commands=[
        ["modify", "cluster", f"VERIFICATION_HOUR={hour}"],
        ["modify", "application_controller", "webapp", "STARTSCRIPT=" + _wrapper(build_dir)],
        ["add", "application_monitor", "webmon", "TYPE=Custom", "APPLICATIONS=webapp",
         "MODE=longrunning", "MONITORMETHOD=" + os.path.join(hamrlab.APP_DIR, "webapp_check.sh"),
         "MONITORINTERVAL=0.3", "STABILIZATION=1", "RESTARTCOUNT=2", "RESTARTINTERVAL=60",
         "FAILUREACTION=fallover"]])


def _log(lab, node):
    with open(os.path.join(lab.node(node).state_dir, "hamr.out"), errors="replace") as f:
        return f.read()


def _event_ids(text, start):
    """The ids of the events whose START line begins with start."""
    return re.findall(r"^\S+ #(\d+) EVENT START: " + re.escape(start), text, re.M)


def _lines_of(text, eid):
    return [l.split(" ", 2)[2] for l in text.splitlines() if l.split(" ")[1:2] == ["#" + eid]]


def _check_acquisition(text, node):
    """web_rg's acquisition on node: the last rg_move_acquire, with the
    service address and the start script inside, all COMPLETED 0."""
    acq = _event_ids(text, f"rg_move_acquire {node} {WEB}")
    assert acq, text[-3000:]
    rg = acq[-1]
    sip = _event_ids(text, f"acquire_service_addr websvc {WEB} (in #{rg})")
    srv = _event_ids(text, f"start_server webapp {WEB} (in #{rg})")
    assert len(sip) == 1 and len(srv) == 1, text[-3000:]
    out = _lines_of(text, srv[0])
    # every line of the script's output, in order, between START and COMPLETED
    assert [l for l in out if l.startswith("start_server: events:")] == \
        ["start_server: " + l for l in LINES], out
    assert out[0].startswith("EVENT START: start_server")
    assert out[-2].startswith(f"EVENT COMPLETED: start_server webapp {WEB} 0 ("), out
    assert out[-1].startswith(f"EVENT SUMMARY: start_server webapp {WEB}: start "), out
    assert any(l.startswith(f"EVENT COMPLETED: acquire_service_addr websvc {WEB} 0 (")
               for l in _lines_of(text, sip[0]))
    assert any(l.startswith(f"EVENT COMPLETED: rg_move_acquire {node} {WEB} 0 (")
               for l in _lines_of(text, rg))
    assert f"EVENT COMPLETED: rg_move_complete {node} {WEB} 0" in text
    # the group's steps come before its end
    assert text.index(f"#{srv[0]} EVENT COMPLETED") < text.index(f"#{rg} EVENT COMPLETED")


def test_acquisition_and_node_up_are_logged(elab):
    text = elab.wait_for(lambda: (lambda t: t if f"EVENT COMPLETED: rg_move_complete n1 {WEB}"
                                  in t else None)(_log(elab, "n1")),
                         30, what="web_rg's acquisition in n1's hamr.out")
    _check_acquisition(text, "n1")
    for n in elab.node_names:  # each node logs the members it sees join
        t = _log(elab, n)
        for m in elab.node_names:
            assert f"EVENT START: node_up {m}\n" in t, (n, m, t[-2000:])
            assert f"EVENT COMPLETED: node_up_complete {m} 0" in t, (n, m)
    # only the node that runs the group logs its acquisition
    assert "rg_move_acquire" not in _log(elab, "n2")
    # each event's summary is in hamrd's log too (the journal under systemd)
    with open(elab.node("n1").log, errors="replace") as f:
        daemon_log = f.read()
    assert f"EVENT SUMMARY: rg_move_acquire n1 {WEB}: start " in daemon_log, daemon_log[-2000:]


def test_daily_automatic_verification_runs_at_its_hour(elab):
    """DAILY_VERIFICATION (Enabled by default) at VERIFICATION_HOUR: the
    coordinator verifies every node once the hour comes (its clock shifted
    by the test hook) and records the result in clutils.log and its log."""
    q = elab.clmgr("n1", "query", "cluster").stdout
    assert 'DAILY_VERIFICATION="Enabled"' in q and "VERIFICATION_HOUR=" in q, q
    path = os.environ["HAMR_CLUTILS_LOG"]

    def done():
        try:
            with open(path) as f:
                text = f.read()
        except FileNotFoundError:
            return None
        return text if re.search(r"pid=\d+ end: rc=0 elapsed=", text.split(
            "cmd: hamrd automatic verification", 1)[-1]) and \
            "cmd: hamrd automatic verification" in text else None
    text = elab.wait_for(done, AUTOVERIFY_AFTER + 60, interval=0.5,
                         what="the automatic verification in clutils.log")
    assert "(DAILY_VERIFICATION, VERIFICATION_HOUR=" in text, text
    logs = ""
    for n in elab.node_names:
        with open(elab.node(n).log, errors="replace") as f:
            logs += f.read()
    assert "automatic verification passed" in logs
    assert text.count("cmd: hamrd automatic verification") == 1, text  # once a day


def test_view_log_hamr_out_event_filter(elab):
    out = elab.clmgr("n1", "view", "log", "hamr.out", "EVENT=start_server").stdout
    lines = out.splitlines()
    assert lines, out
    assert all(" start_server" in l or "EVENT START: start_server" in l for l in lines), out
    for l in LINES:
        assert f"start_server: {l}" in out, out
    assert "rg_move_acquire" not in out and "node_up" not in out, out
    # PowerHA's name, GROUP= (the group's events and those inside them), TAIL=
    out = elab.clmgr("n1", "view", "log", "hacmp.out", f"GROUP={WEB}").stdout
    assert "EVENT START: rg_move_acquire n1 web_rg" in out and LINES[1] in out, out
    assert "node_up" not in out, out
    out = elab.clmgr("n1", "view", "log", "hamr.out", "EVENT=node_up", "TAIL=1").stdout
    assert len(out.splitlines()) == 1 and "node_up" in out, out
    r = elab.clmgr("n1", "view", "log", "hamr.out", "EVENT=bogus", check=False)
    assert r.returncode != 0 and "EVENT='bogus' is not an event of hamr.out" in r.stderr, r.stderr
    listing = elab.clmgr("n1", "view", "log").stdout
    assert os.path.join(elab.node("n1").state_dir, "hamr.out") in listing, listing


def test_crash_logs_node_down_and_the_takeover(elab):
    elab.crash("n1")
    elab.wait_group_online(WEB, "n2", timeout=60)
    for n in ("n2", "n3"):
        t = elab.wait_for(lambda: (lambda t: t if "EVENT COMPLETED: node_down_complete n1 0" in t
                                   else None)(_log(elab, n)),
                          30, what=f"node_down n1 in {n}'s hamr.out")
        assert "EVENT START: node_down n1\n" in t
        assert re.search(r"EVENT COMPLETED: node_down n1 0 \(", t), t[-2000:]
    text = elab.wait_for(lambda: (lambda t: t if f"EVENT COMPLETED: rg_move_complete n2 {WEB}"
                                  in t else None)(_log(elab, "n2")),
                         30, what="web_rg's takeover in n2's hamr.out")
    _check_acquisition(text, "n2")
    assert "rg_move_acquire" not in _log(elab, "n3")
    time.sleep(1.1)  # a whole second after the takeover: view report's END_TIME
    _MARK["after_takeover"] = time.time()


def test_move_logs_the_release(elab):
    elab.clmgr("n2", "move", "resource_group", WEB, "NODE=n3", timeout=120)
    elab.wait_group_online(WEB, "n3", timeout=60)
    text = elab.wait_for(lambda: (lambda t: t if f"EVENT COMPLETED: rg_move_release n2 {WEB} 0"
                                  in t else None)(_log(elab, "n2")),
                         30, what="web_rg's release in n2's hamr.out")
    rel = _event_ids(text, f"rg_move_release n2 {WEB}")[-1]
    for start in (f"stop_server webapp {WEB} (in #{rel})",
                  f"release_service_addr websvc {WEB} (in #{rel})"):
        ids = _event_ids(text, start)
        assert len(ids) == 1, (start, text[-3000:])
        name = start.split(" ")[0]
        assert any(l.startswith(f"EVENT COMPLETED: {name} ") and f" {WEB} 0 (" in l
                   for l in _lines_of(text, ids[0])), _lines_of(text, ids[0])
    # release order: the application stops before its address goes
    assert text.index("EVENT START: stop_server") < text.index("EVENT START: release_service_addr")
    _check_acquisition(_log(elab, "n3"), "n3")


def test_monitor_restart_logs_server_down_and_server_restart(elab):
    owner = elab.owner_of(WEB, via="n2")
    old = elab.wait_for(lambda: elab.app_pid(owner), 20, what=f"web app running on {owner}")
    time.sleep(1.5)  # past STABILIZATION: the monitor acts on a failure
    assert elab.kill_app(owner)
    elab.wait_for(lambda: (elab.app_pid(owner) or 0) not in (0, old), 20,
                  what=f"web app restarted on {owner}")
    text = elab.wait_for(lambda: (lambda t: t if "EVENT COMPLETED: server_restart" in t else None)(
        _log(elab, owner)), 30, what="server_restart completed")
    down = _event_ids(text, f"server_down webapp {WEB}")
    assert down, text[-3000:]
    assert any(l.startswith("server_down: application_monitor webmon: ")
               for l in _lines_of(text, down[0])), _lines_of(text, down[0])
    assert any(l.startswith("server_down: restart 1 of 2") for l in _lines_of(text, down[0]))
    rs = _event_ids(text, f"server_restart webapp {WEB}")[0]
    out = _lines_of(text, rs)
    # the start script's whole output is under server_restart
    assert [l for l in out if l.startswith("server_restart: events:")] == \
        ["server_restart: " + l for l in LINES], out
    assert out[-2].startswith(f"EVENT COMPLETED: server_restart webapp {WEB} 0 ("), out
    assert elab.owner_of(WEB, via="n2") == owner


def test_failing_start_script_logs_event_error(elab):
    app = os.path.join(hamrlab.APP_DIR, "fail_start.sh")
    elab.clmgr("n2", "add", "application_controller", "badapp", f"STARTSCRIPT={app}",
               "STOPSCRIPT=/bin/true", "START_TIMEOUT=10", "STOP_TIMEOUT=10")
    elab.clmgr("n2", "add", "resource_group", "bad_rg", "NODES=n2", "APPLICATIONS=badapp")
    elab.clmgr("n2", "sync", "cluster")
    try:
        r = elab.clmgr("n2", "online", "resource_group", "bad_rg", check=False, timeout=120)
        assert r.returncode != 0
        text = elab.wait_for(lambda: (lambda t: t if "EVENT COMPLETED: rg_move_acquire n2 bad_rg"
                                      in t else None)(_log(elab, "n2")),
                             30, what="bad_rg's acquisition in n2's hamr.out")
        rg = _event_ids(text, "rg_move_acquire n2 bad_rg")[-1]
        srv = _event_ids(text, f"start_server badapp bad_rg (in #{rg})")[-1]
        out = _lines_of(text, srv)
        assert "start_server: fail_start: cannot start: license server unreachable (lab test)" \
            in out, out
        assert any(l.startswith("EVENT COMPLETED: start_server badapp bad_rg 1 (")
                   and "exited with status 3" in l for l in out), out
        err = _event_ids(text, f"event_error start_server badapp bad_rg (in #{srv})")
        assert len(err) == 1, text[-3000:]
        assert any("exited with status 3" in l for l in _lines_of(text, err[0]))
        # the undo (the stop script) inside the failed acquisition, which ends 1
        assert _event_ids(text, f"stop_server badapp bad_rg (in #{rg})"), text[-3000:]
        assert any(l.startswith("EVENT COMPLETED: rg_move_acquire n2 bad_rg 1 (")
                   for l in _lines_of(text, rg)), _lines_of(text, rg)
        got = elab.clmgr("n2", "view", "log", "hamr.out", "EVENT=event_error").stdout
        assert "EVENT START: event_error start_server badapp bad_rg" in got, got
    finally:
        elab.clmgr("n2", "offline", "resource_group", "bad_rg", timeout=120, check=False)
        elab.clmgr("n2", "delete", "resource_group", "bad_rg")
        elab.clmgr("n2", "delete", "application_controller", "badapp")
        elab.clmgr("n2", "sync", "cluster")


def _wait_config(lab, nodes):
    """Until nodes run the newest configuration generation any node has."""
    running = [n for n in lab.node_names if not lab.is_crashed(n)]
    gen = max(lab.status(n)["cluster"].get("GENERATION", 0) for n in running)
    for node in nodes:
        lab.wait_for(lambda: lab.status(node)["cluster"]["GENERATION"] >= gen, 30,
                     what=f"{node} runs configuration generation {gen}")


def _script(build_dir, name, body):
    path = os.path.join(os.path.abspath(build_dir), f"test_events_{name}.sh")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path


def test_custom_events_around_rg_move_acquire_and_node_up(elab, build_dir):
    warn = _script(build_dir, "warn", 'echo "pre: $EVENT_NAME $HAMR_RG $HAMR_NODE '
                                      '$HAMR_EVENT_STAGE"\n')
    broken = _script(build_dir, "broken", 'echo "broken: refusing"\nexit 5\n')
    after = _script(build_dir, "after", 'echo "post: $EVENT_NAME status=$HAMR_EVENT_STATUS '
                                        'node=$HAMR_EVENT_NODE"\n')
    notify = _script(build_dir, "notify", 'echo "notify: $EVENT_NAME $HAMR_EVENT_STAGE"\n')
    c = lambda *a, **k: elab.clmgr("n2", *a, **k)  # noqa: E731
    c("add", "event", "warn_users", f"FILE={warn}", "DESCRIPTION=tell the users")
    c("add", "event", "broken_pre", f"FILE={broken}")
    c("add", "event", "after_move", f"FILE={after}")
    c("modify", "event", "rg_move_acquire", "PREEVENT=broken_pre,warn_users",
      "POSTEVENT=after_move", f"NOTIFYMETHOD={notify}")
    c("modify", "event", "node_up", "POSTEVENT=after_move")
    r = c("add", "event", "start_server", f"FILE={warn}", check=False)
    assert r.returncode != 0 and "cannot be customised" in r.stderr, r.stderr
    # verify checks the commands on every node
    c("add", "event", "ghost", "FILE=/nonexistent/ghost")
    r = c("verify", "cluster", check=False)
    assert r.returncode == 1, r
    for n in ("n2", "n3"):
        assert (f"{n}: ERROR: FILE of event ghost: /nonexistent/ghost: No such file or "
                "directory") in r.stdout, r.stdout
    c("delete", "event", "ghost")
    c("sync", "cluster")
    try:
        _wait_config(elab, ["n2", "n3"])
        c("move", "resource_group", WEB, "NODE=n2", timeout=120)
        elab.wait_group_online(WEB, "n2", timeout=60)
        text = elab.wait_for(lambda: (lambda t: t if t.count(f"rg_move_complete n2 {WEB}") >= 2
                                      else None)(_log(elab, "n2")),
                             30, what="the second acquisition in n2's hamr.out")
        rg = _event_ids(text, f"rg_move_acquire n2 {WEB}")[-1]
        inside = f"(in #{rg})"
        args = f"rg_move_acquire n2 {WEB} {inside}"
        ids = {name: _event_ids(text, f"{name} {args}")
               for name in ("notify", "broken_pre", "warn_users", "after_move")}
        assert [len(v) for v in ids.values()] == [2, 1, 1, 1], (ids, text[-4000:])
        lines = {k: [ln for i in v for ln in _lines_of(text, i)] for k, v in ids.items()}
        assert "notify: notify: rg_move_acquire before" in lines["notify"], lines
        assert "notify: notify: rg_move_acquire after" in lines["notify"], lines
        assert "warn_users: pre: rg_move_acquire web_rg n2 before" in lines["warn_users"], lines
        assert "post: rg_move_acquire status=0" in " ".join(lines["after_move"]), lines
        # the failing pre-event: event_error, and the event goes on
        assert "broken_pre: broken: refusing" in lines["broken_pre"], lines
        assert _event_ids(text, f"event_error broken_pre rg_move_acquire n2 {WEB} "
                                f"(in #{ids['broken_pre'][0]})"), text[-4000:]
        assert any(ln.startswith("EVENT COMPLETED: broken_pre ") and " 1 (" in ln
                   for ln in lines["broken_pre"]), lines
        assert any(ln.startswith(f"EVENT COMPLETED: rg_move_acquire n2 {WEB} 0 (")
                   for ln in _lines_of(text, rg))
        # order: notify, pre-events, the steps, post-event, notify, the end
        pos = lambda s: text.index(s)  # noqa: E731
        assert pos(f"#{ids['broken_pre'][0]} EVENT START") < pos(f"#{ids['warn_users'][0]} EVENT START")
        assert pos(f"#{ids['warn_users'][0]} EVENT COMPLETED") < \
            pos(f"EVENT START: acquire_service_addr websvc {WEB} {inside}")
        assert pos(f"EVENT START: start_server webapp {WEB} {inside}") < \
            pos(f"#{ids['after_move'][0]} EVENT START")
        assert pos(f"#{ids['after_move'][0]} EVENT COMPLETED") < pos(f"#{rg} EVENT COMPLETED")
        out = c("view", "log", "hamr.out", "EVENT=rg_move_acquire").stdout
        assert "warn_users: pre: rg_move_acquire web_rg n2 before" in out, out
        # node_up's post-event on every node that sees n1 come back
        elab.restart("n1")
        for n in ("n2", "n3"):
            elab.wait_for(lambda: "after_move: post: node_up status= node=n1" in _log(elab, n),
                          60, what=f"node_up n1's post-event in {n}'s hamr.out")
    finally:
        for obj in ("rg_move_acquire", "node_up", "warn_users", "broken_pre", "after_move"):
            c("delete", "event", obj, check=False)
        c("sync", "cluster", check=False)


def test_view_report_counts_the_fallover(elab):
    """clmgr view report availability from every node's hamr.out (n1 is
    back since the previous test): until just after the crash's takeover,
    web_rg had one failure (the crash) with a non-zero downtime; over the
    whole log, the monitor's failure too (the moves are planned outages)."""
    assert "after_takeover" in _MARK, "needs test_crash_logs_node_down_and_the_takeover"
    end = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(int(_MARK["after_takeover"])))
    rep = elab.clmgr_json("n3", "view", "report", "availability", f"END_TIME={end}")
    rg = {g["NAME"]: g for g in rep["RESOURCE_GROUPS"]}[WEB]
    assert rg["FAILURES"] == 1 and rg["OUTAGES"] == 1, rep
    assert 0 < rg["DOWNTIME"] < 30 and rg["MTTR"] > 0 and rg["LONGEST_OUTAGE"] > 0, rep
    assert rg["STATE"] == "up" and rg["NODE"] == "n2", rep
    assert 0 < rg["AVAILABILITY"] < 100, rep
    app = {a["NAME"]: a for a in rep["APPLICATION_CONTROLLERS"]}["webapp"]
    assert app["FAILURES"] == 1 and app["DOWNTIME"] > 0, rep
    out = elab.clmgr("n2", "view", "report").stdout
    assert "Resource group analyzed: web_rg" in out and "Uptime:" in out, out
    whole = elab.clmgr_json("n2", "view", "report")
    rg = {g["NAME"]: g for g in whole["RESOURCE_GROUPS"]}[WEB]
    assert rg["FAILURES"] == 2 and rg["OUTAGES"] >= 3, whole  # + the monitor; the moves
    assert not whole["WARNINGS"], whole  # every node answered


def test_graceful_stop_runs_the_release_pre_event_first(elab, build_dir):
    """hamrd stopping (SIGTERM, --shutdown move): the group's release waits
    for its PREEVENT, then stops the application and completes."""
    slow = _script(build_dir, "slow", "sleep 2\necho 'slow_pre: done'\n")
    c = lambda *a, **k: elab.clmgr("n3", *a, **k)  # noqa: E731
    c("add", "event", "slow_pre", f"FILE={slow}")
    c("modify", "event", "rg_move_release", "PREEVENT=slow_pre")
    c("sync", "cluster")
    try:
        owner = elab.owner_of(WEB, via="n3")
        _wait_config(elab, [owner])
        t0 = time.monotonic()
        assert elab.stop_daemon(owner, graceful=True, timeout=30) == 0
        assert time.monotonic() - t0 >= 2
        text = _log(elab, owner)
        rel = _event_ids(text, f"rg_move_release {owner} {WEB}")[-1]
        pre = _event_ids(text, f"slow_pre rg_move_release {owner} {WEB} (in #{rel})")
        assert len(pre) == 1, text[-3000:]
        out = _lines_of(text, pre[0])
        assert "slow_pre: slow_pre: done" in out, out
        assert any(ln.startswith("EVENT COMPLETED: slow_pre ") and " 0 (" in ln for ln in out)
        assert text.index(f"#{pre[0]} EVENT COMPLETED") < \
            text.index(f"EVENT START: stop_server webapp {WEB} (in #{rel})")
        assert any(ln.startswith(f"EVENT COMPLETED: rg_move_release {owner} {WEB} 0 (")
                   for ln in _lines_of(text, rel))
        other = [n for n in elab.node_names if n != owner]
        elab.wait_for(lambda: elab.owner_of(WEB, via=other[0]) in other, 60,
                      what="web_rg online on another node")
    finally:
        c("delete", "event", "rg_move_release", check=False)
        c("delete", "event", "slow_pre", check=False)
        c("sync", "cluster", check=False)


def test_link_loss_logs_network_down_then_network_up(elab):
    """A node whose interface loses carrier logs network_down (PowerHA's
    local network event), and network_up when it has carrier again."""
    owner = elab.owner_of(WEB)
    node = [n for n in elab.node_names if n != owner and elab.daemon_running(n)][0]
    elab.cut_link(node)
    try:
        t = elab.wait_for(lambda: (lambda t: t if "EVENT COMPLETED: network_down_complete" in t
                                   else None)(_log(elab, node)),
                          30, what=f"network_down in {node}'s hamr.out")
        assert f"EVENT START: network_down {node}\n" in t, t[-2000:]
        assert "a network interface of this node lost carrier" in t
    finally:
        elab.restore_link(node)
    t = elab.wait_for(lambda: (lambda t: t if "EVENT COMPLETED: network_up_complete" in t
                               else None)(_log(elab, node)),
                      30, what=f"network_up in {node}'s hamr.out")
    assert f"EVENT START: network_up {node}\n" in t
    out = elab.clmgr(node, "view", "log", "hamr.out", "EVENT=network_down").stdout
    assert "network_down" in out and "network_up" not in out, out
    assert elab.owner_of(WEB) == owner  # a non-owner's link: nothing moved


def test_config_too_long_warns_and_the_event_goes_on(elab, build_dir):
    """An acquisition longer than MAX_EVENT_TIME + MAX_RG_PROCESSING_TIME
    gets config_too_long in hamr.out (inside the event) and in hamrd's log,
    and still completes (PowerHA only warns)."""
    node = elab.owner_of(WEB)
    slow = os.path.join(os.path.abspath(build_dir), "test_events_slow_start.sh")
    with open(slow, "w") as f:
        f.write("#!/bin/sh\necho slow start\nsleep 3\nexit 0\n")
    os.chmod(slow, 0o755)
    cmds = [["modify", "cluster", "MAX_EVENT_TIME=1", "MAX_RG_PROCESSING_TIME=1"],
            ["add", "application_controller", "slowapp", f"STARTSCRIPT={slow}",
             "STOPSCRIPT=/bin/true", "START_TIMEOUT=30"],
            ["add", "resource_group", "slow_rg", f"NODES={node}", "APPLICATIONS=slowapp",
             "FALLBACK=NFB"]]
    for c in cmds:
        elab.clmgr(node, *c)
    elab.clmgr(node, "sync", "cluster")
    try:
        elab.clmgr(node, "online", "resource_group", "slow_rg", timeout=120)
        t = elab.wait_for(lambda: (lambda t: t if f"EVENT COMPLETED: rg_move_complete {node} slow_rg"
                                   in t else None)(_log(elab, node)),
                          30, what="slow_rg's acquisition completed")
        acq = _event_ids(t, f"rg_move_acquire {node} slow_rg")[-1]
        assert re.search(r"EVENT START: config_too_long rg_move_acquire slow_rg \d+ \(in #"
                         + acq + r"\)", t), t[-3000:]
        assert f"EVENT COMPLETED: rg_move_acquire {node} slow_rg 0 (" in t
        assert "config_too_long: group slow_rg: rg_move_acquire has been running for" in \
            elab.log_tail(node, 400)
    finally:
        elab.clmgr(node, "offline", "resource_group", "slow_rg", timeout=60, check=False)
        elab.clmgr(node, "delete", "resource_group", "slow_rg", check=False)
        elab.clmgr(node, "delete", "application_controller", "slowapp", check=False)
        elab.clmgr(node, "modify", "cluster", "MAX_EVENT_TIME=180", "MAX_RG_PROCESSING_TIME=180")
        elab.clmgr(node, "sync", "cluster")
