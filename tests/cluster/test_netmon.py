"""Reachability targets (NETMON_TARGETS, after PowerHA's netmon.cf) in a
two-node cluster. The owner's switch port dies but its link keeps carrier
(lab.detach_port: its host-side veth leaves the bridge, still up): both
nodes stay members through the repository and each hears no peer. Without
targets they are equally cut and nothing moves (the group stays where no
client reaches it). With the client's address as target, the owner reaches
nothing, the other node still does: the owner releases (address and app
gone) and the other node acquires; S1 is sampled throughout."""
import time

import pytest

from conftest import S1Sampler, restore, started_lab

WEB = "web_rg"
NET = "net_ether_01"


@pytest.fixture(scope="module")
def duo(build_dir):
    yield from started_lab(build_dir, nodes=2)


def _nodes(lab, via):
    return {n["NAME"]: n for n in lab.status(via)["nodes"]}


def _first_answer_from(lab, node, deadline_s=60):
    """Poll the service from the client (100 ms per request) until node
    answers; the monotonic time of that answer, or None."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < deadline_s:
        body = lab.client_get(timeout=0.1)
        if body and f"node {node} " in body:
            return time.monotonic()
        time.sleep(0.01)
    return None


def _reattach(lab, name):
    lab.attach_port(name)
    lab.wait_for(lambda: all(n["NETWORK"] == "UP" for n in _nodes(lab, name).values()), 60,
                 what="both networks UP again")


def test_without_targets_verify_warns_and_nothing_moves(duo):
    """No targets: verify warns (not an error); the owner's dead port moves
    nothing (equally cut: today's rule)."""
    r = duo.clmgr("n1", "verify", "cluster")
    assert "WARNING:" in r.stdout and "NETMON_TARGETS" in r.stdout, r.stdout
    assert "cannot tell a dead LAN from a dead peer" in r.stdout, r.stdout
    pid = duo.app_pid("n1")
    with S1Sampler(duo) as s1:
        duo.detach_port("n1")
        assert not duo.port_attached("n1") and duo.link_up("n1")
        duo.wait_for(lambda: _nodes(duo, "n2")["n1"]["NETWORK"] == "DOWN (no peer heard)"
                     and _nodes(duo, "n2")["n1"]["PATHS"] == "disk", 30,
                     what="n1 hears no peer, heard on the disk only")
        n1 = _nodes(duo, "n2")["n1"]
        assert n1["MEMBER"] is True and n1["PATHS"] == "disk" and n1["NETMON"] == "NONE", n1
        time.sleep(6 * 0.5)  # several detection times, many NFDTs
        assert duo.owner_of(WEB, via="n2") == "n1"
        assert duo.owner_of(WEB, via="n1") == "n1"
        assert duo.app_pid("n1") == pid and duo.node_has_ip("n1", duo.service_ip)
        assert duo.client_get(timeout=0.3) is None  # nobody answers the client
        _reattach(duo, "n1")
        duo.wait_for(lambda: duo.client_get(), 30, what="client answered by n1 again")
    assert s1.samples > 10
    assert duo.app_pid("n1") == pid


def test_targets_owner_port_dies_group_moves(duo):
    """NETMON_TARGETS = the client's address, set with clmgr modify + sync
    on the running cluster: the owner whose port died reaches no target,
    releases, and the other node serves the client."""
    duo.clmgr("n1", "modify", "network", NET, f"NETMON_TARGETS={duo.client_ip}")
    r = duo.clmgr("n1", "sync", "cluster")
    assert "WARNING" not in r.stdout, r.stdout
    q = duo.clmgr_json("n2", "query", "network", NET)
    assert q[0]["NETMON_TARGETS"] == duo.client_ip, q
    duo.wait_for(lambda: all(n["NETMON"] == "REACHED" for n in _nodes(duo, "n1").values()), 30,
                 what="both nodes reach the target")
    duo.wait_for(lambda: duo.status("n1")["cluster"]["STATE"] == "STABLE", 30, what="stable")
    assert duo.owner_of(WEB) == "n1"
    with S1Sampler(duo) as s1:
        t0 = time.monotonic()
        duo.detach_port("n1")
        t1 = _first_answer_from(duo, "n2")
        assert t1 is not None, "the client was never answered by n2"
        duo.wait_group_online(WEB, "n2", timeout=60, via="n2")
        # the owner released: address and app gone (it is still a member)
        duo.wait_for(lambda: not duo.node_has_ip("n1", duo.service_ip), 10, what="n1 address gone")
        duo.wait_for(lambda: duo.app_pid("n1") is None, 10, what="n1 app stopped")
        n1 = _nodes(duo, "n2")["n1"]
        assert n1["MEMBER"] is True and n1["NETMON"] == "UNREACHED", n1
        assert n1["NETWORK"] == "DOWN (no peer heard)", n1
        assert _nodes(duo, "n2")["n2"]["NETMON"] == "REACHED"
        assert not duo.watchdog_fired("n1"), "n1 released without being reset"
        assert "reaches none of its NETMON_TARGETS" in open(duo.node(
            duo.status("n2")["cluster"]["COORDINATOR"]).log).read()
        # the port comes back: the group stays on n2 (fallback NFB), served
        _reattach(duo, "n1")
        duo.wait_for(lambda: _nodes(duo, "n2")["n1"]["NETMON"] == "REACHED", 30,
                     what="n1 reaches the target again")
        time.sleep(1.0)
        assert duo.owner_of(WEB, via="n1") == "n2"
        assert duo.client_get(timeout=0.5)
    print(f"\nport detached -> client answered again (by n2): {t1 - t0:.3f}s, "
          f"{s1.samples} S1 samples")
    restore(duo)


def test_targets_other_node_port_dies_nothing_moves(duo):
    """The node without the group loses its port: it is the worse one, the
    owner keeps the group untouched."""
    pid = duo.app_pid("n1")
    with S1Sampler(duo):
        duo.detach_port("n2")
        duo.wait_for(lambda: _nodes(duo, "n1")["n2"]["NETMON"] == "UNREACHED", 30,
                     what="n2 reaches no target")
        time.sleep(4 * 0.5)
        assert duo.owner_of(WEB, via="n1") == "n1" and duo.app_pid("n1") == pid
        assert duo.client_get(timeout=0.5)
        _reattach(duo, "n2")
    assert duo.app_pid("n1") == pid
