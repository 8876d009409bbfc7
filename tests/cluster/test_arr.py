"""Automatic repository replacement (ARR) on its own 3-node lab cluster: the
active repository fails on every node, the cluster switches to the backup,
no group moves, the configuration stays intact and editable."""
import time

import pytest

from conftest import S1Sampler, started_lab

WEB = "web_rg"


@pytest.fixture(scope="module")
def trio(build_dir):
    yield from started_lab(build_dir, need_repofs=True, extra_commands=lambda lab: [
        ["modify", "cluster",
         "BACKUP_REPOSITORIES=%s %s" % (lab.disk_path("backup1"), lab.disk_path("backup2"))]])


def _repo(lab, n):
    return lab.status(n)["cluster"]["REPOSITORY"]


def test_repository_failure_switches_to_backup_without_failover(trio):
    lab = trio
    assert _repo(lab, "n2") == {"ACTIVE": lab.disk_path("repo"), "INDEX": 0, "STATE": "UP",
                                "BACKUPS": 2}
    pid = lab.app_pid("n1")
    gen = lab.status("n1")["cluster"]["GENERATION"]
    with S1Sampler(lab):
        t0 = time.monotonic()
        lab.repo_fault("all", "error")
        lab.wait_for(lambda: all(_repo(lab, n)["INDEX"] == 1 and _repo(lab, n)["STATE"] == "UP"
                                 for n in lab.node_names), 60, what="backup active everywhere")
        switched = time.monotonic() - t0
        assert lab.owner_of(WEB) == "n1" and lab.app_pid("n1") == pid  # no failover
        assert _repo(lab, "n3")["ACTIVE"] == lab.disk_path("backup1")
        assert "Repository: %s (backup, UP)" % lab.disk_path("backup1") in lab.clmgr("n2", "status").stdout
    # the configuration is intact on the backup and can still be changed
    with open(lab.backup, "rb") as f:
        assert f.read(8) == b"HAMRREPO"
    q = lab.clmgr("n3", "query", "resource_group", WEB).stdout
    assert 'NODES="n1 n2 n3"' in q
    lab.clmgr("n2", "modify", "resource_group", WEB, "FALLBACK=FBHPN")
    lab.clmgr("n2", "sync", "cluster")
    lab.wait_for(lambda: all(lab.status(n)["cluster"]["GENERATION"] == gen + 1 for n in lab.node_names),
                 30, what="new generation everywhere")
    assert 'FALLBACK="FBHPN"' in lab.clmgr("n1", "query", "resource_group", WEB).stdout
    assert lab.app_pid("n1") == pid
    print(f"ARR: backup active on every node {switched:.2f}s after the repository failed")
    lab.repo_fault("all", "ok")


def test_repository_hang_switches_to_next_backup(trio):
    """The active repository (now backup1) hangs on every node: the disk
    workers are stuck in I/O; past the detection time the cluster switches
    to backup2 with fresh workers, and no group moves."""
    lab = trio
    assert _repo(lab, "n1")["INDEX"] == 1
    pid = lab.app_pid("n1")
    with S1Sampler(lab):
        t0 = time.monotonic()
        lab.repo_fault("all", "hang", disk="backup1")
        try:
            lab.wait_for(lambda: all(_repo(lab, n)["INDEX"] == 2 and _repo(lab, n)["STATE"] == "UP"
                                     for n in lab.node_names), 60, what="backup2 active everywhere")
            switched = time.monotonic() - t0
            assert lab.owner_of(WEB) == "n1" and lab.app_pid("n1") == pid
        finally:
            lab.repo_fault("all", "ok", disk="backup1")
    print(f"ARR on a hung repository: backup2 active on every node {switched:.2f}s after the hang")
