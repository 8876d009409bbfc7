"""Logs and views on a 2-node lab cluster: clutils.log records each clmgr
command and its result (start line, end line with rc and the error);
clRGinfo -v and -a; clmgr view log (clutils.log, hamrd, hamr.out, filters, errors);
clstat one shot and live (redraws, exits 0 on SIGINT)."""
import os
import re
import signal
import subprocess
import time

import pytest

import hamrlab
from conftest import check_sanitizer_reports, require_root

WEB = "web_rg"


@pytest.fixture(scope="module")
def lab(build_dir):
    require_root()
    lab = hamrlab.Lab(nodes=2, build_dir=build_dir, profile="test")
    try:
        lab.setup()
        lab.start_all()
        lab.configure()
        lab.clmgr("n1", "start", "cluster")
        lab.wait_group_online(WEB, "n1", timeout=60)
        yield lab
        check_sanitizer_reports(lab)
    finally:
        lab.cleanup()


def _lines(path):
    with open(path) as f:
        return f.read().splitlines()


def test_clutils_log_records_command_and_result(lab, monkeypatch):
    log = os.path.join(lab.node("n1").dir, "clutils-test.log")
    monkeypatch.setenv("HAMR_CLUTILS_LOG", log)
    lab.clmgr("n1", "-T", "ok1", "query", "resource_group", WEB)
    r = lab.clmgr("n1", "-T", "bad1", "query", "resource_group", "no_such_rg", check=False)
    assert r.returncode == 2, r.stderr
    r = lab.clmgr("n1", "-T", "bad2", "modify", "resource_group", WEB, "STARTUP=nonsense",
                  check=False)
    assert r.returncode != 0
    lines = _lines(log)
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z uid=0 pid=(\d+)"
    by_tid = {}
    for ln in lines:
        m = re.match(stamp + r" tid=(\S+) (cmd|end): (.*)$", ln)
        assert m, ln
        by_tid.setdefault(m.group(2), []).append((m.group(1), m.group(3), m.group(4)))
    # each command: a start line then an end line, same pid
    for tid in ("ok1", "bad1", "bad2"):
        (p1, k1, _), (p2, k2, end) = by_tid[tid]
        assert (k1, k2) == ("cmd", "end") and p1 == p2, by_tid[tid]
    assert "query resource_group web_rg" in by_tid["ok1"][0][2]
    assert re.fullmatch(r"rc=0 elapsed=\d+\.\d{3}s", by_tid["ok1"][1][2])
    assert by_tid["bad1"][1][2].startswith("rc=2 ")
    assert "error: " in by_tid["bad1"][1][2] and "no_such_rg" in by_tid["bad1"][1][2]
    assert "error: " in by_tid["bad2"][1][2] and "STARTUP" in by_tid["bad2"][1][2]


def _clrginfo(lab, node, *args, monkeypatch):
    """clRGinfo ARGS on node: the same program as clmgr under that name."""
    monkeypatch.setattr(lab, "clmgr_bin", os.path.join(os.path.dirname(lab.clmgr_bin),
                                                       "clRGinfo"))
    try:
        return lab.clmgr(node, *args).stdout
    finally:
        monkeypatch.undo()


def test_clrginfo_verbose_and_location(lab, monkeypatch):
    out = _clrginfo(lab, "n2", "-v", WEB, monkeypatch=monkeypatch)
    assert "Resource Group Name: web_rg" in out, out
    assert "Startup Policy: Online On Home Node Only" in out, out
    assert "Fallover Policy: Fallover To Next Priority Node In The List" in out, out
    assert "Fallback Policy: Never Fallback" in out, out
    # nodes in priority order with their state
    rows = [ln.split() for ln in out.splitlines() if re.match(r"n\d\s+\S", ln)]
    assert rows == [["n1", "ONLINE"], ["n2", "OFFLINE"]], out
    out = _clrginfo(lab, "n2", "-a", "-c", WEB, monkeypatch=monkeypatch)
    assert out == "web_rg:ONLINE:n1:n1\n", out
    lab.clmgr("n1", "move", "resource_group", WEB, "NODE=n2")
    lab.wait_group_online(WEB, "n2", timeout=30)
    out = _clrginfo(lab, "n1", "-a", monkeypatch=monkeypatch)
    assert re.search(r"^web_rg\s+ONLINE\s+n2$", out, re.M), out
    lab.clmgr("n1", "move", "resource_group", WEB, "NODE=n1")
    lab.wait_group_online(WEB, "n1", timeout=30)


def test_view_log(lab, monkeypatch):
    log = os.path.join(lab.node("n1").dir, "clutils-view.log")
    monkeypatch.setenv("HAMR_CLUTILS_LOG", log)
    lab.clmgr("n1", "-T", "v1", "query", "cluster")
    # the list names both logs and where hamrd's is (the lab: its stderr file)
    out = lab.clmgr("n1", "view", "log").stdout
    assert "clutils.log  " + log in out, out
    assert re.search(r"^hamrd\s+/\S+", out, re.M), out
    # clutils.log: the command and its result
    out = lab.clmgr("n1", "view", "log", "clutils.log", "FILTER=tid=v1").stdout
    assert " cmd: " in out and " end: rc=0 " in out, out
    out = lab.clmgr("n1", "view", "log", "clutils.log", "TAIL=1").stdout
    assert len(out.splitlines()) == 1 and "view log clutils.log TAIL=1" in out, out
    # hamrd's log: the daemon's own lines, filtered by group and time
    out = lab.clmgr("n1", "view", "log", "hamrd", "NODE=n1").stdout
    assert re.search(r"^\d+\.\d{6} n1 INFO ", out, re.M), out[-2000:]
    out = lab.clmgr("n1", "view", "log", "hamrd", "GROUP=" + WEB, "TAIL=20").stdout
    lines = out.splitlines()
    assert 0 < len(lines) <= 20, out
    assert all(re.search(r"\bweb_rg\b", ln) for ln in lines), out
    out = lab.clmgr("n1", "view", "log", "hamrd", "SINCE=2099-01-01 00:00").stdout
    assert out == "", out
    # clear errors
    r = lab.clmgr("n1", "view", "log", "hamrd", "NODE=n2", check=False)
    assert r.returncode == 4 and "only this node's logs" in r.stderr, r.stderr
    r = lab.clmgr("n1", "view", "log", "hamrd", "GROUP=nope_rg", check=False)
    assert r.returncode == 2 and "GROUP=nope_rg" in r.stderr, r.stderr
    r = lab.clmgr("n1", "view", "log", "hacmp.log", check=False)
    assert r.returncode == 4 and "unknown log 'hacmp.log'" in r.stderr, r.stderr
    # and the failure is in clutils.log with its message
    out = lab.clmgr("n1", "view", "log", "clutils.log", "TAIL=3").stdout
    assert "end: rc=4 " in out and "unknown log 'hacmp.log'" in out, out
    # the event log (PowerHA's hacmp.out) is listed and shown by both names
    out = lab.clmgr("n1", "view", "log").stdout
    assert re.search(r"^hamr\.out\s+/\S+/hamr\.out$", out, re.M), out
    out = lab.clmgr("n1", "view", "log", "hacmp.out", "EVENT=node_up").stdout
    assert "EVENT START: node_up n1" in out and "EVENT START: node_up n2" in out, out


def test_clstat_one_shot_and_live(lab, monkeypatch):
    clstat = os.path.join(os.path.dirname(lab.clmgr_bin), "clstat")
    monkeypatch.setattr(lab, "clmgr_bin", clstat)
    out = lab.clmgr("n2", "-o").stdout
    monkeypatch.undo()
    assert out.startswith("clstat - hamr cluster status at "), out
    assert re.search(r"^web_rg\s+ONLINE\s+n1$", out, re.M), out
    # live: redraws every second until SIGINT, then exits 0
    nd = lab.node("n2")
    pre = [hamrlab.NSENTER, "--target", str(nd.proc.pid), "--net", "--mount", "--uts"]
    p = subprocess.Popen(pre + [clstat, "-r", "1"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, HAMR_SOCKET=nd.sock))
    try:
        time.sleep(2.6)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 0, (p.returncode, err)
    screens = out.count("clstat - hamr cluster status at ")
    assert 2 <= screens <= 4, out
    assert "(every 1 s; Ctrl-C quits)" in out, out


def test_clutils_log_concurrent_appends(build_dir, tmp_path):
    """Many clmgrs at once: every line whole (one O_APPEND write each), a
    start and an end line per command."""
    log = str(tmp_path / "clutils.log")
    env = dict(os.environ, HAMR_CLUTILS_LOG=log, HAMR_SOCKET=str(tmp_path / "none.sock"))
    clmgr = os.path.join(build_dir, "src", "cli", "clmgr")
    long_arg = "DESCRIPTION=" + "x" * 3000  # lines longer than PIPE_BUF
    procs = [subprocess.Popen([clmgr, "-T", "c%d" % i, "bogus_action", long_arg], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for i in range(40)]
    for p in procs:
        assert p.wait(timeout=30) == 4
    lines = _lines(log)
    assert len(lines) == 80, len(lines)
    seen = {}
    for ln in lines:
        m = re.match(r"\S+Z uid=\d+ pid=\d+ tid=(c\d+) (cmd: .*x{3000}|end: rc=4 elapsed=\S+ "
                     r"error: unknown action 'bogus_action'.*)$", ln)
        assert m, ln[:200]
        seen.setdefault(m.group(1), []).append(m.group(2)[:4])
    assert all(v == ["cmd:", "end:"] for v in seen.values()) and len(seen) == 40, seen
