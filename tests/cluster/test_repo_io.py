"""Repository I/O never runs on hamrd's event loop, on its own 3-node lab
cluster: a hung repository on one node does not stall that node's
heartbeats or watchdog pets while configuration commands run there (they
fail with a clear error within a bound), a node started while its repository
hangs joins with its cached configuration, and a multi-group command is
staged all-or-nothing."""
import json
import re
import time

import pytest

from conftest import S1Sampler, started_lab

WEB = "web_rg"
# the daemon answers a request whose repository I/O hangs after 5 s;
# generous for a loaded 2-core machine under sanitizers
ANSWER_BOUND = 15.0
VIEW_LINE = re.compile(r"view (formed|accepted) view=")


@pytest.fixture(scope="module")
def trio(build_dir):
    yield from started_lab(build_dir, need_repofs=True)


def _view_lines(lab):
    n = 0
    for name in lab.node_names:
        with open(lab.node(name).log, errors="replace") as f:
            n += sum(1 for line in f if VIEW_LINE.search(line))
    return n


def _deadman(lab, n):
    return lab.status(n)["cluster"]["DEADMAN"]


def _node_state(lab, via, n):
    return {x["NAME"]: x["STATE"] for x in lab.status(via)["nodes"]}[n]


def _timed_clmgr(lab, n, *args):
    t = time.monotonic()
    r = lab.clmgr(n, *args, check=False, timeout=60)
    return r, time.monotonic() - t


def test_hung_repository_edit_and_sync_do_not_stall_the_node(trio):
    lab = trio
    repo = lab.disk_path("repo")
    pid = lab.app_pid("n1")
    fired = len(lab.watchdog_fired("n1"))
    view = lab.status("n2")["cluster"]["VIEW"]
    views = _view_lines(lab)
    with S1Sampler(lab):
        lab.repo_fault("n1", "hang")
        try:
            # n1 holds web_rg: its loop must go on heartbeating and petting
            r, took = _timed_clmgr(lab, "n1", "modify", "cluster", "DEADMAN_MODE=a")
            assert r.returncode != 0, r.stdout
            assert f"repository {repo} does not answer" in r.stderr, r.stderr
            assert took < ANSWER_BOUND, f"modify answered after {took:.1f}s"
            # the worker is still stuck: the next request is refused at once
            r, took2 = _timed_clmgr(lab, "n1", "sync", "cluster")
            assert r.returncode != 0
            assert f"repository {repo} does not answer" in r.stderr, r.stderr
            assert "was not run" in r.stderr, r.stderr
            assert took2 < 5.0, f"sync answered after {took2:.1f}s"
            # status does not touch the repository and answers at once
            st = lab.status("n1")
            assert st["cluster"]["QUORUM"] is True
            time.sleep(3.0)  # more than the detection time, still hung
            assert [x["STATE"] for x in lab.status("n2")["nodes"]] == ["ONLINE"] * 3
            assert lab.status("n2")["cluster"]["VIEW"] == view
            assert _view_lines(lab) == views, "a view changed while n1's repository hung"
            assert lab.owner_of(WEB, via="n2") == "n1" and lab.app_pid("n1") == pid
            dm = _deadman(lab, "n1")
            assert dm["MAX_GAP"] < dm["TIMEOUT"], dm
            assert len(lab.watchdog_fired("n1")) == fired
        finally:
            lab.repo_fault("n1", "ok")
    print(f"\nhung repository: modify answered in {took:.2f}s, sync in {took2:.2f}s; "
          f"n1 max pet gap {dm['MAX_GAP'] * 1000:.0f} ms (watchdog {dm['TIMEOUT'] * 1000:.0f} ms)")
    # the worker comes back: requests on n1 work again (the stuck modify
    # staged DEADMAN_MODE=a, the value it already had: commit it)
    lab.wait_for(lambda: lab.clmgr("n1", "query", "cluster", check=False).returncode == 0, 30,
                 interval=0.5, what="n1 answers configuration requests again")
    gen = lab.status("n1")["cluster"]["GENERATION"]
    lab.clmgr("n1", "sync", "cluster", timeout=60)
    lab.wait_for(lambda: all(lab.status(n)["cluster"]["GENERATION"] == gen + 1
                             for n in lab.node_names), 30, what="the new generation everywhere")
    assert len(lab.watchdog_fired("n1")) == fired
    assert lab.owner_of(WEB) == "n1" and lab.app_pid("n1") == pid


def test_start_with_hung_repository_joins_with_cached_config(trio):
    """n3 is down while the cluster commits a new generation; it starts while
    its repository hangs: it runs its loop at once, applies its cached (older)
    configuration after the detection time, joins over the network, and
    adopts the repository's generation once the repository answers."""
    lab = trio
    gen = lab.status("n1")["cluster"]["GENERATION"]
    pid = lab.app_pid("n1")
    lab.wait_for(lambda: lab.status("n3")["cluster"]["GENERATION"] == gen, 30,
                 what="n3 on the newest generation (its cached copy)")
    lab.stop_daemon("n3")
    lab.wait_for(lambda: _node_state(lab, "n2", "n3") == "DOWN", 30, interval=0.1,
                 what="n3 down")
    lab.clmgr("n1", "modify", "resource_group", WEB, "FALLBACK=FBHPN")
    lab.clmgr("n1", "sync", "cluster", timeout=60)
    lab.repo_fault("n3", "hang")
    try:
        t = time.monotonic()
        lab.start_daemon("n3", timeout=20)  # its control socket comes up at once
        try:
            lab.wait_for(lambda: "n3" in lab.status("n2")["cluster"]["MEMBERS"] and
                         lab.status("n3")["cluster"].get("GENERATION") == gen and
                         lab.status("n3")["cluster"]["QUORUM"] is True,
                         60, interval=0.2, what="n3 a member while its repository hangs")
        except TimeoutError as e:
            raise AssertionError("%s\n--- n3 status: %s\n--- n3 log:\n%s" % (
                e, lab.status("n3"), lab.log_tail("n3", 60))) from None
        joined = time.monotonic() - t
        assert "disk" not in {x["NAME"]: x for x in lab.status("n1")["nodes"]}["n3"]["PATHS"]
        with open(lab.node("n3").log, errors="replace") as f:
            log = f.read()
        assert "does not answer within the detection time: using the cached configuration" in log
        dm = _deadman(lab, "n3")
        assert dm["MAX_GAP"] < dm["TIMEOUT"], dm
        assert len(lab.watchdog_fired("n3")) == 0
    finally:
        lab.repo_fault("n3", "ok")
    # once the repository answers, n3 adopts its generation and disk path
    lab.wait_for(lambda: lab.status("n3")["cluster"]["GENERATION"] == gen + 1, 30,
                 what="n3 adopts the repository's generation")
    lab.wait_for(lambda: "disk" in {x["NAME"]: x for x in lab.status("n1")["nodes"]}["n3"]["PATHS"],
                 60, interval=0.2, what="n3's disk path back")
    lab.wait_for(lambda: _node_state(lab, "n2", "n3") == "ONLINE", 30, what="n3 online")
    assert lab.clmgr_json("n3", "query", "resource_group", WEB)[0]["FALLBACK"] == "FBHPN"
    assert lab.owner_of(WEB) == "n1" and lab.app_pid("n1") == pid
    lab.clmgr("n1", "modify", "resource_group", WEB, "FALLBACK=NFB")
    lab.clmgr("n1", "sync", "cluster", timeout=60)
    lab.wait_for(lambda: all(lab.status(n)["cluster"]["GENERATION"] == gen + 2
                             for n in lab.node_names), 30, what="the new generation everywhere")
    print(f"\nstart-up with a hung repository: n3 a member after {joined:.2f}s")


def test_multi_group_policy_change_is_all_or_nothing(trio):
    lab = trio
    before = lab.clmgr("n2", "-j", "query", "resource_group", WEB).stdout
    assert json.loads(before)[0]["FALLBACK"] == "NFB"
    gen = lab.status("n2")["cluster"]["GENERATION"]
    # failover: one request, the error names the group that does not exist
    r = lab.clmgr("n2", "set", "failover", "-g", f"{WEB},missing_rg", "-m", "next", check=False)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "missing_rg" in r.stderr and "does not exist" in r.stderr, r.stderr
    # fallback: web_rg would change, but nothing is staged when missing_rg fails
    r = lab.clmgr("n2", "set", "fallback", "-g", f"{WEB},missing_rg", "-m", "higher", check=False)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert "missing_rg" in r.stderr, r.stderr
    for n in ("n1", "n2"):  # the staged copy (query shows staged edits) is unchanged
        after = lab.clmgr(n, "-j", "query", "resource_group", WEB).stdout
        assert json.loads(after) == json.loads(before)
    assert lab.status("n2")["cluster"]["GENERATION"] == gen
    # on existing groups only, the same command goes through
    lab.clmgr("n2", "set", "fallback", "-g", WEB, "-m", "higher", timeout=60)
    assert lab.clmgr_json("n1", "query", "resource_group", WEB)[0]["FALLBACK"] == "FBHPN"
    lab.clmgr("n2", "set", "fallback", "-g", WEB, "-m", "never", timeout=60)
