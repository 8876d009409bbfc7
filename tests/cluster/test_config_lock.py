"""Configuration edits are serialised cluster-wide (S2), on a lab whose
repository filesystem does not emulate cross-host locks (hamr-repofs
--host-locks: an OFD lock taken by one node's hamrd does not exclude
another node's, as on a LUN shared by several hosts).

(a) cluster running: 20 `clmgr add application_controller` run at once,
    half on n1 and half on n2; after `clmgr sync cluster` on n3 all 20 are in
    the committed configuration.
(b) cluster not formed: the cluster and its nodes are defined (staged) but
    never synced, so no node has an id or a view (a first installation, two
    administrators working on two nodes); each adds application controllers
    from its node at the same time; all of them are in the staged
    configuration afterwards.
The repository is slowed down (hamr-repofs 'delay': every request waits
10 ms) during the edits, as a busy SAN would, so that the read-modify-write
of one edit overlaps another node's. Both lose changes when edits take only
the same-host OFD lock."""
import errno
import fcntl
import os
import struct
import threading

import pytest

import hamrlab
from conftest import check_sanitizer_reports, require_root

N_EDITS = 20
CMD_TIMEOUT = 60  # a loaded 2-core machine under sanitizers


def _lab(build_dir):
    require_root()
    lab = hamrlab.Lab(nodes=3, build_dir=build_dir, profile="test", host_locks=True)
    lab.setup()
    if lab.repofs_proc is None:
        lab.cleanup()
        pytest.skip("hamr-repofs not built")
    return lab


def _app_args(lab, name):
    return ["add", "application_controller", name, "STARTSCRIPT=%s" % lab.app_start,
            "STOPSCRIPT=%s" % lab.app_stop]


def _parallel_adds(lab, names_by_node):
    """Run one `clmgr add` per name, all at once (one thread each), on a
    slow repository; returns {name: (node, returncode, output)}."""
    lab.repo_fault("all", "delay")
    try:
        return _run_adds(lab, names_by_node)
    finally:
        lab.repo_fault("all", "ok")


def _run_adds(lab, names_by_node):
    results = {}
    lock = threading.Lock()
    start = threading.Barrier(sum(len(v) for v in names_by_node.values()))

    def one(node, name):
        start.wait(30)
        r = lab.clmgr(node, *_app_args(lab, name), check=False, timeout=CMD_TIMEOUT)
        with lock:
            results[name] = (node, r.returncode, (r.stdout + r.stderr).strip())

    threads = [threading.Thread(target=one, args=(node, name), daemon=True)
               for node, names in names_by_node.items() for name in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(CMD_TIMEOUT + 30)
    assert not any(t.is_alive() for t in threads), "clmgr did not return"
    return results


def _query_apps(lab, node):
    objs = lab.clmgr_json(node, "query", "application_controller")
    if isinstance(objs, dict):
        objs = objs.get("objects", [])
    return {o["NAME"] for o in objs}


def _check_all(results, present):
    failed = {n: v for n, v in results.items() if v[1] != 0}
    assert not failed, "edits refused: %s" % failed
    lost = sorted(set(results) - present)
    assert not lost, "acknowledged edits lost: %s" % lost


def _ofd_lock(fd, kind):
    fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi4x", kind, os.SEEK_SET, 4096, 4096, 0))


def test_repofs_host_locks(build_dir):
    """--host-locks: an OFD lock through n1 does not exclude one through n2,
    but still excludes a second open through n1."""
    lab = _lab(build_dir)
    try:
        a = os.open(lab.repo_path("n1"), os.O_RDWR)
        a2 = os.open(lab.repo_path("n1"), os.O_RDWR)
        b = os.open(lab.repo_path("n2"), os.O_RDWR)
        try:
            _ofd_lock(a, fcntl.F_WRLCK)
            _ofd_lock(b, fcntl.F_WRLCK)  # another "host": not excluded
            with pytest.raises(OSError) as e:
                _ofd_lock(a2, fcntl.F_WRLCK)
            assert e.value.errno == errno.EAGAIN
            _ofd_lock(a, fcntl.F_UNLCK)
            _ofd_lock(a2, fcntl.F_WRLCK)
        finally:
            for fd in (a, a2, b):
                os.close(fd)
    finally:
        lab.cleanup()


def test_concurrent_edits_cluster_running(build_dir):
    lab = _lab(build_dir)
    try:
        lab.start_all()
        lab.configure()
        lab.clmgr("n1", "start", "cluster", "WHEN=both", timeout=CMD_TIMEOUT)
        lab.wait_group_online("web_rg", "n1", timeout=60)
        coord = lab.status("n1")["cluster"]["COORDINATOR"]
        other = "n2" if coord == "n1" else "n1"
        names = ["cl_app%02d" % i for i in range(N_EDITS)]
        results = _parallel_adds(lab, {"n1": names[0::2], "n2": names[1::2]})
        # the staged configuration, seen from the third node
        _check_all(results, _query_apps(lab, "n3"))
        # the edits typed on the node that does not coordinate ran on the coordinator
        with open(lab.node(other).log, errors="replace") as f:
            fwd = f.read().count("configuration request forwarded to the coordinator %s" % coord)
        assert fwd >= N_EDITS // 2
        lab.clmgr("n3", "sync", "cluster", timeout=CMD_TIMEOUT)
        gen = lab.status("n3")["cluster"]["GENERATION"]
        lab.wait_for(lambda: all(lab.status(n)["cluster"]["GENERATION"] >= gen
                                 for n in lab.node_names), 30, what="generation everywhere")
        # committed: every node has all of them
        for n in lab.node_names:
            _check_all(results, _query_apps(lab, n))
        check_sanitizer_reports(lab)
    finally:
        lab.cleanup()


def test_concurrent_edits_cluster_not_formed(build_dir):
    lab = _lab(build_dir)
    try:
        lab.start_all()
        lab.configure(sync=False)  # defined (staged) on one node, never synced
        for n in lab.node_names:
            assert lab.status(n)["cluster"]["STATE"] == "NOT_CONFIGURED"
        names = ["nf_app%02d" % i for i in range(10)]
        results = _parallel_adds(lab, {"n1": names[0::2], "n2": names[1::2]})
        _check_all(results, _query_apps(lab, "n3"))
        for n in lab.node_names:
            assert lab.status(n)["cluster"]["STATE"] == "NOT_CONFIGURED"
        check_sanitizer_reports(lab)
    finally:
        lab.cleanup()


def test_coordinator_change_during_forwarded_edit(build_dir):
    """An edit forwarded to the coordinator, which dies before it answers
    (its repository hangs, then it crashes): the client gets a clear error
    within a bound, not a silent loss and not a second run on the new
    coordinator; a retry then succeeds exactly once."""
    lab = _lab(build_dir)
    try:
        lab.start_all()
        lab.configure()
        lab.clmgr("n1", "start", "cluster", "WHEN=both", timeout=CMD_TIMEOUT)
        lab.wait_group_online("web_rg", "n1", timeout=60)
        coord = lab.status("n3")["cluster"]["COORDINATOR"]
        asker = next(n for n in lab.node_names if n != coord)
        out = {}

        def add():
            out["r"] = lab.clmgr(asker, *_app_args(lab, "cc_app"), check=False,
                                 timeout=CMD_TIMEOUT)

        lab.repo_fault(coord, "hang")
        th = threading.Thread(target=add, daemon=True)
        th.start()
        lab.wait_for(lambda: "configuration request forwarded to the coordinator %s" % coord
                     in open(lab.node(asker).log, errors="replace").read(), 20,
                     what="edit forwarded")
        lab.crash(coord)
        lab.repo_fault(coord, "ok")
        th.join(30)  # the forward bound is 10 s
        assert not th.is_alive(), "clmgr did not return"
        r = out["r"]
        text = r.stdout + r.stderr
        assert r.returncode != 0, text
        assert "may or may not have been applied" in text, text
        assert "check with clmgr query" in text, text
        # not run by the new coordinator behind the client's back
        new = next(n for n in lab.node_names if n != coord and n != asker)
        assert "cc_app" not in _query_apps(lab, new)
        # the retry runs once
        lab.wait_for(lambda: lab.status(asker)["cluster"]["COORDINATOR"] not in ("", coord), 30,
                     what="new coordinator")
        lab.clmgr(asker, *_app_args(lab, "cc_app"), timeout=CMD_TIMEOUT)
        assert "cc_app" in _query_apps(lab, new)
        check_sanitizer_reports(lab)
    finally:
        lab.cleanup()
