"""Shared filesystems (file_system, FILESYSTEM) in a 3-node lab on a real
shared block device (a loop device every node sees at the same path): the
web group holds a filesystem, a service IP and the web app. Data written on
n1 is there after a crash failover to n2; a hung owner is fenced by its
watchdog before another node mounts the filesystem; a process holding the
mount is killed at release on a planned move; an fsck failure makes the
acquisition fail on each node (undone), the group moving on, and ERROR on
every node with fsck's reason; RECOVERY_METHOD=parallel; a release that
cannot free the device stays held; verify's filesystem checks. The S1 sampler checks throughout that the filesystem is
never mounted on two nodes at once. One lab for the whole file."""
import os
import re
import subprocess
import time

import pytest

from conftest import S1Sampler, started_lab

WEB = "web_rg"


def _extra(lab):
    lab.fs_label = "hf" + lab.prefix          # unique per lab: other labs may run
    lab.fs_dev = lab.add_block_device(label=lab.fs_label)
    lab.bad_dev = lab.add_block_device()
    # a zeroed superblock: fsck -p cannot repair it on its own
    subprocess.run(["dd", "if=/dev/zero", "of=" + lab.bad_dev, "bs=1024", "seek=1", "count=1",
                    "conv=notrunc", "status=none"], check=True)
    lab.mp = os.path.join(lab.run_dir, "mnt", "data")
    # RECOVERY_METHOD=parallel: two good filesystems and a corrupt one
    lab.par_devs = [lab.add_block_device(size_mb=16), lab.add_block_device(size_mb=16)]
    lab.pbad_dev = lab.add_block_device(size_mb=16)
    subprocess.run(["dd", "if=/dev/zero", "of=" + lab.pbad_dev, "bs=1024", "seek=1", "count=1",
                    "conv=notrunc", "status=none"], check=True)
    par = [["add", "file_system", "pfs%d" % (i + 1), "DEVICE=" + d,
            "MOUNT_POINT=" + os.path.join(lab.run_dir, "mnt", "p%d" % (i + 1))]
           for i, d in enumerate(lab.par_devs)]
    par.append(["add", "file_system", "pbad", "DEVICE=" + lab.pbad_dev,
                "MOUNT_POINT=" + os.path.join(lab.run_dir, "mnt", "pbad")])
    return [["add", "file_system", "webfs", "DEVICE=LABEL=" + lab.fs_label,
             "MOUNT_POINT=" + lab.mp, "FS_TYPE=ext4", "MOUNT_OPTIONS=noatime"],
            ["modify", "resource_group", WEB, "FILESYSTEM=webfs"],
            ["add", "file_system", "badfs", "DEVICE=" + lab.bad_dev,
             "MOUNT_POINT=" + os.path.join(lab.run_dir, "mnt", "bad")]] + par


@pytest.fixture(scope="module")
def flab(build_dir):
    yield from started_lab(build_dir, extra_commands=_extra)


def _group(lab, via, name):
    return [g for g in lab.status(via)["groups"] if g["NAME"] == name][0]


def _events(lab, node):
    with open(os.path.join(lab.node(node).state_dir, "hamr.out"), errors="replace") as f:
        return f.read()


def _mounted(lab, node):
    return lab.fs_dev in lab.mounted_block_devices(node)


def test_data_survives_crash_failover(flab):
    with S1Sampler(flab):
        assert _mounted(flab, "n1") and not _mounted(flab, "n2")
        assert flab.mounted_block_devices("n1")[flab.fs_dev] == flab.mp
        r = flab.node_ns_run("n1", ["sh", "-c", "echo written-on-n1 > %s/data.txt && sync"
                                    % flab.mp])
        assert r.returncode == 0, r.stderr
        t0 = time.monotonic()
        flab.crash("n1")
        flab.wait_group_online(WEB, "n2", timeout=60)
        print(f"\ncrash failover with the filesystem: {time.monotonic() - t0:.2f} s")
        assert _mounted(flab, "n2")
        r = flab.node_ns_run("n2", ["cat", flab.mp + "/data.txt"])
        assert r.stdout.strip() == "written-on-n1", (r.stdout, r.stderr)
        # the event log: the mount inside the acquisition, before the address
        ev = _events(flab, "n2")
        assert re.search(r"EVENT START: get_disk_vg_fs webfs web_rg \(in #\d+\)", ev), ev[-3000:]
        assert "EVENT COMPLETED: get_disk_vg_fs webfs web_rg 0 (" in ev
        assert ev.rindex("EVENT START: get_disk_vg_fs webfs") < \
            ev.rindex("EVENT START: acquire_service_addr")
        flab.restart("n1")
        flab.wait_for(lambda: _group(flab, "n3", WEB)["NODES"].get("n1") == "OFFLINE", 30,
                      what="n1 back, web_rg OFFLINE there")
        assert not _mounted(flab, "n1")


def test_holder_killed_on_planned_move(flab):
    owner = flab.wait_group_online(WEB, timeout=60)
    other = "n3" if owner != "n3" else "n2"
    with S1Sampler(flab):
        r = flab.node_ns_run(owner, ["sh", "-c", "echo before-move > %s/move.txt" % flab.mp])
        assert r.returncode == 0, r.stderr
        holder = flab.run_in_node_ns(owner, ["sh", "-c", "cd %s && exec sleep 600" % flab.mp])
        flab.wait_for(lambda: os.readlink("/proc/%d/cwd" % holder.pid).endswith("/mnt/data"),
                      10, what="holder's cwd on the filesystem")
        flab.clmgr("n1", "move", "resource_group", WEB, "NODE=" + other, timeout=120)
        flab.wait_group_online(WEB, other, timeout=60)
        assert holder.wait(10) is not None  # killed at the release
        assert not _mounted(flab, owner) and _mounted(flab, other)
        r = flab.node_ns_run(other, ["cat", flab.mp + "/move.txt"])
        assert r.stdout.strip() == "before-move", (r.stdout, r.stderr)
    log = open(flab.node(owner).log, errors="replace").read()
    assert "holding " + flab.mp in log
    ev = _events(flab, owner)  # the unmount last in the release
    assert "EVENT COMPLETED: release_vg_fs webfs web_rg 0 (" in ev, ev[-3000:]
    assert ev.rindex("EVENT START: release_service_addr") < ev.rindex("EVENT START: release_vg_fs")


def test_fsck_failure_moves_on_then_error(flab):
    flab.clmgr("n1", "add", "resource_group", "bad_rg", "NODES=n2 n3", "FILESYSTEM=badfs",
               "STARTUP=OHN", "FALLOVER=FNPN", "FALLBACK=NFB")
    flab.clmgr("n1", "sync", "cluster")
    try:
        with S1Sampler(flab):
            r = flab.clmgr("n1", "online", "resource_group", "bad_rg", check=False, timeout=120)
            assert r.returncode != 0
            g = flab.wait_for(
                lambda: (lambda x: x["NODES"] == {"n2": "ERROR", "n3": "ERROR"} and x)(
                    _group(flab, "n1", "bad_rg")), 60, what="bad_rg ERROR on n2 and n3")
        assert set(g["ERRORS"]) == {"n2", "n3"}, g
        assert all("file_system badfs: fsck -p " + flab.bad_dev in e
                   for e in g["ERRORS"].values()), g
        for n in flab.node_names:
            assert flab.bad_dev not in flab.mounted_block_devices(n)
        assert flab.owner_of(WEB) is not None  # the web group untouched
    finally:
        flab.clmgr("n1", "offline", "resource_group", "bad_rg", timeout=120, check=False)
        flab.clmgr("n1", "delete", "resource_group", "bad_rg")
        flab.clmgr("n1", "sync", "cluster", check=False)


def test_owner_hang_fenced_before_the_filesystem_moves(flab):
    """The owner freezes with the filesystem mounted: its watchdog resets it
    (the lab powers it off, its mount namespace goes) before another node
    mounts the filesystem. The sampler reads the frozen node's mounts too."""
    owner = flab.wait_group_online(WEB, timeout=60)
    with S1Sampler(flab):
        t0 = time.monotonic()
        flab.hang(owner)
        new = flab.wait_for(lambda: (lambda o: o if o and o != owner else None)(
            flab.owner_of(WEB, via=[n for n in flab.node_names if n != owner][0])), 60,
            what="web_rg online on another node")
        fired = flab.wait_for(lambda: flab.watchdog_fired(owner), 30, what="watchdog fired")
        assert t0 < fired[-1][0]
        assert _mounted(flab, new)
    print(f"\nhang: {owner}'s watchdog fired, web_rg and its filesystem on {new}")
    flab.thaw(owner)
    flab.restart(owner)
    flab.wait_for(lambda: _group(flab, new, WEB)["NODES"].get(owner) == "OFFLINE", 60,
                  what=owner + " back, web_rg OFFLINE there")
    assert not _mounted(flab, owner)


def test_parallel_recovery(flab):
    """RECOVERY_METHOD=parallel: the group's filesystems are mounted at
    once; with a corrupt one among them, the acquisition fails on each
    node and the ones mounted are unmounted again (nothing left mounted)."""
    flab.clmgr("n1", "add", "resource_group", "par_rg", "NODES=n2 n3", "FILESYSTEM=pfs1 pfs2",
               "RECOVERY_METHOD=parallel", "STARTUP=OHN", "FALLOVER=FNPN", "FALLBACK=NFB")
    flab.clmgr("n1", "sync", "cluster")
    try:
        with S1Sampler(flab):
            flab.clmgr("n1", "online", "resource_group", "par_rg", timeout=120)
            flab.wait_group_online("par_rg", "n2", timeout=60)
            assert set(flab.par_devs) <= set(flab.mounted_block_devices("n2"))
            flab.clmgr("n1", "offline", "resource_group", "par_rg", timeout=120)
            assert not set(flab.par_devs) & set(flab.mounted_block_devices("n2"))
            flab.clmgr("n1", "modify", "resource_group", "par_rg",
                       "FILESYSTEM=pfs1 pbad pfs2")
            flab.clmgr("n1", "sync", "cluster")
            r = flab.clmgr("n1", "online", "resource_group", "par_rg", check=False, timeout=120)
            assert r.returncode != 0
            g = flab.wait_for(
                lambda: (lambda x: x["NODES"] == {"n2": "ERROR", "n3": "ERROR"} and x)(
                    _group(flab, "n1", "par_rg")), 60, what="par_rg ERROR on n2 and n3")
            assert all("file_system pbad: fsck -p" in e for e in g["ERRORS"].values()), g
            for n in flab.node_names:
                assert not set(flab.par_devs + [flab.pbad_dev]) & set(
                    flab.mounted_block_devices(n)), n
        log = open(flab.node("n3").log, errors="replace").read()
        # n3 mounted the good ones (at once), then unmounted them in the undo
        for k in (1, 2):
            mp = os.path.join(flab.run_dir, "mnt", "p%d" % k)
            assert "file_system pfs%d: %s mounted on %s" % (k, flab.par_devs[k - 1], mp) in log
            assert "file_system pfs%d: %s unmounted" % (k, mp) in log
    finally:
        flab.clmgr("n1", "offline", "resource_group", "par_rg", timeout=120, check=False)
        flab.clmgr("n1", "delete", "resource_group", "par_rg")
        flab.clmgr("n1", "sync", "cluster", check=False)


def test_release_that_cannot_free_the_device_stays_held(flab):
    """A process of the owner node in a mount namespace of its own, made
    while the filesystem was mounted, keeps the filesystem alive after
    hamrd's unmount: the device is not free, so the release fails and the
    group stays ERROR on that node, held: no other node mounts it."""
    owner = flab.wait_group_online(WEB, timeout=60)
    other = "n3" if owner != "n3" else "n2"
    keeper = flab.run_in_node_ns(owner, ["unshare", "--mount", "--propagation", "private",
                                         "sleep", "600"])
    try:
        with S1Sampler(flab):
            flab.wait_for(lambda: os.readlink("/proc/%d/ns/mnt" % keeper.pid) != os.readlink(
                "/proc/%d/ns/mnt" % flab.node(owner).proc.pid), 10, what="keeper's namespace")
            r = flab.clmgr("n1", "move", "resource_group", WEB, "NODE=" + other, check=False,
                           timeout=120)
            assert r.returncode != 0
            g = flab.wait_for(lambda: (lambda x: x["NODES"][owner] == "ERROR" and x)(
                _group(flab, "n1", WEB)), 60, what="web_rg ERROR on " + owner)
            time.sleep(2.0)  # the planner had every chance to move it
            g = _group(flab, "n1", WEB)
            assert g["NODES"][owner] == "ERROR" and g["NODES"][other] != "ONLINE", g
            assert "file_system webfs: " in g["ERROR"] and "still in use" in g["ERROR"], g
            assert not any(_mounted(flab, n) for n in flab.node_names if n != owner)
    finally:
        keeper.kill()
        keeper.wait(10)
    # the administrator removed what held it: the move goes through
    flab.clmgr("n1", "move", "resource_group", WEB, "NODE=" + other, timeout=120)
    flab.wait_group_online(WEB, other, timeout=60)
    assert _mounted(flab, other) and not _mounted(flab, owner)


def test_verify_checks_devices_and_leftover_mounts(flab):
    """clmgr verify runs the filesystem checks on the group's nodes: DEVICE
    is a block device there; MOUNT_POINT is not mounted on a node that does
    not hold the group (a leftover)."""
    out = flab.clmgr("n2", "verify", "cluster").stdout
    assert "Verification passed." in out, out
    vmp = os.path.join(flab.run_dir, "mnt", "v")
    staged = [["add", "file_system", "vfs", "DEVICE=/dev/hamr-no-such-disk", "MOUNT_POINT=" + vmp],
              ["add", "resource_group", "vrg", "NODES=n2 n3", "FILESYSTEM=vfs"]]
    for c in staged:
        flab.clmgr("n1", *c)
    os.makedirs(vmp, exist_ok=True)
    r = flab.node_ns_run("n3", ["mount", "-t", "tmpfs", "none", vmp])
    assert r.returncode == 0, r.stderr
    try:
        r = flab.clmgr("n1", "verify", "cluster", check=False)
        assert r.returncode == 1, r
        assert ("n2: ERROR: file_system vfs: DEVICE /dev/hamr-no-such-disk: No such file or "
                "directory") in r.stdout, r.stdout
        assert ("n3: ERROR: file_system vfs: MOUNT_POINT %s is already mounted on this node, "
                "which does not hold resource group vrg" % vmp) in r.stdout, r.stdout
        assert "n1: ok" in r.stdout, r.stdout
    finally:
        flab.node_ns_run("n3", ["umount", vmp])
        for c in reversed(staged):
            flab.clmgr("n1", "delete", c[1], c[2], check=False)
    assert "Verification passed." in flab.clmgr("n1", "verify", "cluster").stdout


def test_sampler_sees_a_double_mount(flab):
    """The S1 check itself: a second mount of the filesystem on another
    node (made by hand, behind hamr's back) is reported."""
    owner = flab.wait_group_online(WEB, timeout=60)
    other = [n for n in flab.node_names if n != owner][0]
    spare = os.path.join(flab.run_dir, "mnt", "spare")
    os.makedirs(spare, exist_ok=True)
    r = flab.node_ns_run(other, ["mount", flab.fs_dev, spare])
    assert r.returncode == 0, r.stderr
    try:
        sample = flab.s1_sample()
        assert flab.fs_double_mounts(sample) == [(flab.fs_dev, sorted([owner, other]))]
        with pytest.raises(AssertionError, match="mounted on"):
            flab.assert_s1(sample)
    finally:
        flab.node_ns_run(other, ["umount", spare])
    assert flab.fs_double_mounts(flab.s1_sample()) == []
