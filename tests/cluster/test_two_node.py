"""Two-node cluster: the repository is the tie-breaker. When the two nodes
lose each other, exactly one side keeps or takes the group. S1 is sampled
throughout every scenario."""
import time

import pytest

from conftest import S1Sampler, restore, started_lab

WEB = "web_rg"


@pytest.fixture(scope="module")
def duo(build_dir):
    yield from started_lab(build_dir, nodes=2)


def _nodes(lab, via):
    return {n["NAME"]: n for n in lab.status(via)["nodes"]}


def test_owner_link_cut_moves_group_after_release(duo):
    """Both nodes still hear each other on the disk: the owner, whose link
    lost carrier, releases first; the other node, whose link is up, takes
    the group."""
    with S1Sampler(duo) as s1:
        t0 = time.monotonic()
        duo.cut_link("n1")
        duo.wait_group_online(WEB, "n2", timeout=60, via="n2")
        settle = time.monotonic() - t0
        n1 = _nodes(duo, "n2")["n1"]
        assert n1["MEMBER"] is True and n1["PATHS"] == "disk", n1
        assert n1["NETWORK"] == "DOWN (no carrier)", n1
        assert duo.wait_for(lambda: duo.client_get(), 30, what="client answer")
    assert duo.daemon_running("n1")
    print(f"2-node link cut: settled in {settle:.2f}s, {s1.samples} S1 samples")
    restore(duo)


def test_traffic_dropped_between_nodes_one_owner_and_settles(duo):
    """nftables drops everything between the two nodes, links stay up: they
    still hear each other through the repository, neither has the network
    better than the other, so the group stays where it is."""
    with S1Sampler(duo) as s1:
        duo.partition(["n1"], ["n2"])
        time.sleep(3 * 0.5)  # several detection times
        st = duo.status("n2")
        assert st["cluster"]["QUORUM"] is True
        nodes = {n["NAME"]: n for n in st["nodes"]}
        assert nodes["n1"]["PATHS"] == "disk" and nodes["n1"]["MEMBER"] is True
        assert duo.owner_of(WEB, via="n2") == "n1"
        assert duo.owner_of(WEB, via="n1") == "n1"
        duo.heal()
        time.sleep(0.5)
        assert duo.owner_of(WEB) == "n1"
    assert s1.samples > 10
    restore(duo)


def test_owner_loses_network_and_disk_other_takes_over(duo):
    """The owner (which holds the tie-breaker lease) loses network and
    repository: it cannot renew the lease nor hear its peer, releases (or
    is fenced); the other node takes the lease after it expired and then
    the group."""
    duo.clmgr("n1", "start", "cluster", "WHEN=both")  # no priority override location in force
    with S1Sampler(duo) as s1:
        t0 = time.monotonic()
        duo.cut_link("n1")
        duo.repo_fault("n1", "error")
        duo.wait_group_online(WEB, "n2", timeout=60, via="n2")
        settle = time.monotonic() - t0
        st = duo.status("n2")
        assert st["cluster"]["QUORUM"] is True and st["cluster"]["MEMBERS"] == ["n2"]
        duo.wait_for(lambda: not duo.node_has_ip("n1", duo.service_ip), 10, what="n1 released")
    print(f"2-node owner isolated: group on n2 {settle:.2f}s after the cut, {s1.samples} S1 samples")
    # heal: n1 formed views of its own without quorum; the side that kept
    # quorum coordinates the merge, so the group is not restarted
    pid = duo.app_pid("n2")
    with S1Sampler(duo):
        duo.repo_fault("n1", "ok")
        if duo.is_crashed("n1"):
            duo.restart("n1")
        else:
            duo.restore_link("n1")
        duo.wait_for(lambda: _nodes(duo, "n2")["n1"]["MEMBER"], 60, what="n1 member again")
        time.sleep(1.5)
        assert duo.owner_of(WEB, via="n1") == "n2" and duo.app_pid("n2") == pid
    restore(duo)


def test_other_node_loses_network_and_disk_owner_keeps_group(duo):
    """The node without the group is isolated: the owner keeps quorum with
    the tie-breaker lease and the group is never stopped."""
    pid = duo.app_pid("n1")
    fired = len(duo.watchdog_fired())
    with S1Sampler(duo):
        duo.cut_link("n2")
        duo.repo_fault("n2", "error")
        duo.wait_for(lambda: _nodes(duo, "n1")["n2"]["STATE"] == "DOWN", 30, what="n2 DOWN")
        time.sleep(1.0)
        st = duo.status("n1")
        assert st["cluster"]["QUORUM"] is True and st["cluster"]["MEMBERS"] == ["n1"]
        assert duo.app_pid("n1") == pid and duo.owner_of(WEB, via="n1") == "n1"
        assert not duo.status("n2")["cluster"]["QUORUM"]
    assert len([f for f in duo.watchdog_fired() if f[1] == "n1"]) == len(
        [f for f in duo.watchdog_fired()[:fired] if f[1] == "n1"])
    duo.repo_fault("n2", "ok")
    duo.restore_link("n2")
    restore(duo)
