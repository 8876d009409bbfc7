"""Cluster snapshots (clmgr add/query/modify/delete snapshot, compare
snapshot, manage snapshot restore) on a running 3-node cluster: a snapshot
taken on n1 is read from n3, compare on n2 shows the changes made since,
and restore + sync on n2 brings the old configuration back on every node
(the added group gone, the changed attribute restored) while web_rg keeps
running on n1 with the same group ID. Snapshot edits on nodes that do not
coordinate go through the coordinator like configuration edits."""
import json

import pytest

from conftest import started_lab

T = 60  # clmgr timeout on a loaded 2-core machine


@pytest.fixture(scope="module")
def lab(build_dir):
    yield from started_lab(build_dir)


def _rgs(lab, node):
    return {o["NAME"]: o for o in lab.clmgr_json(node, "query", "resource_group", timeout=T)}


def _err(r):
    return r.stdout + r.stderr


def test_snapshot_take_compare_restore(lab):
    web_id = _rgs(lab, "n1")["web_rg"]["ID"]
    assert _rgs(lab, "n1")["web_rg"]["FALLBACK"] == "NFB"

    lab.clmgr("n1", "add", "snapshot", "base", "DESCRIPTION=before the change", timeout=T)
    # bad input: clear errors, nothing written
    r = lab.clmgr("n2", "add", "snapshot", "base", check=False, timeout=T)
    assert r.returncode != 0 and 'snapshot "base" already exists' in _err(r), _err(r)
    r = lab.clmgr("n2", "add", "snapshot", "bad/name", check=False, timeout=T)
    assert r.returncode != 0 and "is not allowed" in _err(r), _err(r)
    r = lab.clmgr("n3", "delete", "snapshot", "nosuch", check=False, timeout=T)
    assert r.returncode != 0 and 'snapshot "nosuch" does not exist' in _err(r), _err(r)
    r = lab.clmgr("n3", "add", "snapshot", "x", "COLOR=red", check=False, timeout=T)
    assert r.returncode != 0 and "allowed: DESCRIPTION, FILE" in _err(r), _err(r)

    # change the configuration: a new group, a changed attribute
    lab.clmgr("n2", "add", "resource_group", "extra_rg", "NODES=n2 n3", timeout=T)
    lab.clmgr("n2", "modify", "resource_group", "web_rg", "FALLBACK=FBHPN", timeout=T)
    lab.clmgr("n2", "sync", "cluster", timeout=T)
    assert "extra_rg" in _rgs(lab, "n3")
    assert lab.owner_of("web_rg") == "n1"

    # the snapshot, read from another node
    snaps = lab.clmgr_json("n3", "query", "snapshot", timeout=T)
    assert [s["NAME"] for s in snaps] == ["base"]
    assert snaps[0]["DESCRIPTION"] == "before the change"
    assert snaps[0]["NODE"] == "n1"
    text = lab.clmgr_json("n3", "query", "snapshot", "base", timeout=T)[0]["TEXT"]
    assert text.startswith("# hamr snapshot\n# NAME=base\n")
    assert "[resource_group web_rg]" in text and "extra_rg" not in text

    # compare: the snapshot against the active configuration
    out = lab.clmgr("n2", "compare", "snapshot", "base", timeout=T).stdout
    assert "+[resource_group extra_rg]" in out, out
    assert " [resource_group web_rg]\n-  FALLBACK = NFB\n+  FALLBACK = FBHPN" in out, out

    # export to a file and import it under another name, then modify, compare two
    lab.clmgr("n1", "query", "snapshot", "base", "FILE=/tmp/hamr-snap-base.txt", timeout=T)
    lab.clmgr("n1", "add", "snapshot", "copy", "FILE=/tmp/hamr-snap-base.txt", timeout=T)
    lab.clmgr("n3", "modify", "snapshot", "copy", "DESCRIPTION=imported", timeout=T)
    got = {s["NAME"]: s for s in lab.clmgr_json("n2", "query", "snapshot", timeout=T)}
    assert got["copy"]["DESCRIPTION"] == "imported"
    assert got["copy"]["GENERATION"] == got["base"]["GENERATION"]
    out = lab.clmgr("n2", "compare", "snapshot", "base", "copy", timeout=T).stdout
    assert "No differences." in out, out
    lab.clmgr("n3", "delete", "snapshot", "copy", timeout=T)

    # restore: extra_rg must be offline to be deleted (as for any sync)
    lab.clmgr("n2", "offline", "resource_group", "extra_rg", timeout=T)
    out = lab.clmgr("n2", "manage", "snapshot", "restore", "base", timeout=T).stdout
    assert 'Snapshot "base"' in out and "is staged" in out, out
    assert "-[resource_group extra_rg]" in out, out
    lab.clmgr("n2", "sync", "cluster", timeout=T)

    def restored():
        for n in lab.node_names:
            rgs = _rgs(lab, n)
            if "extra_rg" in rgs or rgs["web_rg"]["FALLBACK"] != "NFB":
                return False
        return True
    lab.wait_for(restored, 20, interval=0.3, what="the snapshot's configuration on every node")
    assert _rgs(lab, "n3")["web_rg"]["ID"] == web_id
    assert lab.owner_of("web_rg") == "n1"
    out = lab.clmgr("n3", "compare", "snapshot", "base", timeout=T).stdout
    assert "No differences." in out, out
    r = lab.clmgr("n1", "-j", "query", "snapshot", "gone", check=False, timeout=T)
    assert r.returncode != 0 and "does not exist" in _err(r)
    lab.clmgr("n1", "delete", "snapshot", "base", timeout=T)
    assert json.loads(lab.clmgr("n2", "-j", "query", "snapshot", timeout=T).stdout) == []


def test_snapshot_limit(lab):
    """The repository holds 30 snapshots: the 31st is refused with a clear
    error and nothing changes; deleting one makes room."""
    names = ["s%02d" % i for i in range(30)]
    # the bulk on the coordinator: forwarded edits are remembered there for
    # 60 s each (HAMRD_MAX_REMOTE at a time), a limit of forwarding itself
    coord = lab.status("n1")["cluster"]["COORDINATOR"]
    for n in names:
        lab.clmgr(coord, "add", "snapshot", n, timeout=T)
    r = lab.clmgr("n2", "add", "snapshot", "one_more", check=False, timeout=T)
    assert r.returncode != 0 and "at most 30 snapshots" in _err(r), _err(r)
    got = [s["NAME"] for s in lab.clmgr_json("n3", "query", "snapshot", timeout=T)]
    assert got == names
    lab.clmgr("n3", "delete", "snapshot", "s07", timeout=T)
    lab.clmgr("n2", "add", "snapshot", "one_more", timeout=T)
    other = {s["NAME"]: s for s in lab.clmgr_json("n3", "query", "snapshot", timeout=T)}
    assert other["one_more"]["NODE"] == "n2"  # also when forwarded to the coordinator
    for n in names:
        if n != "s07":
            lab.clmgr(coord, "delete", "snapshot", n, timeout=T)
    lab.clmgr(coord, "delete", "snapshot", "one_more", timeout=T)
    assert lab.clmgr_json("n1", "query", "snapshot", timeout=T) == []
