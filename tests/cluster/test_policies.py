"""Startup policies on a 3-node lab cluster: OUDP (online using the node
distribution policy) puts at most one OUDP group on each node at startup,
leaves the extra one offline with the reason, and starts it once a node is
free."""
import pytest

from conftest import started_lab

OUDP = ["d1", "d2", "d3", "d4"]


@pytest.fixture(scope="module")
def plab(build_dir):
    yield from started_lab(build_dir, extra_commands=[
        ["add", "resource_group", g, "NODES=n1 n2 n3", "STARTUP=OUDP", "FALLOVER=FNPN",
         "FALLBACK=NFB"] for g in OUDP])


def _nodes_of(lab):
    st = lab.status("n2")
    return {g["NAME"]: g["CURRENT_NODE"] for g in st["groups"] if g["NAME"] in OUDP and
            g["STATE"] == "ONLINE"}


def test_oudp_one_group_per_node_at_startup(plab):
    lab = plab
    on = lab.wait_for(lambda: (lambda m: len(m) == 3 and m)(_nodes_of(lab)), 30,
                      what="three OUDP groups online")
    assert on == {"d1": "n1", "d2": "n2", "d3": "n3"}, on
    why = lab.clmgr("n1", "why", "resource_group", "d4").stdout
    assert "Why: no node free of another OUDP group" in why, why
    # a node is freed: d4 starts there
    lab.clmgr("n1", "offline", "resource_group", "d2", timeout=60)
    on = lab.wait_for(lambda: (lambda m: m.get("d4") == "n2" and m)(_nodes_of(lab)), 30,
                      what="d4 online on the freed node n2")
    assert "d2" not in on
    # a verify refuses what PowerHA refuses
    lab.clmgr("n1", "modify", "resource_group", "d4", "FALLBACK=FBHPN")
    r = lab.clmgr("n1", "verify", "cluster", check=False)
    assert r.returncode != 0 and "STARTUP OUDP with FALLOVER FNPN or BO and FALLBACK NFB" in r.stderr, r
    lab.clmgr("n1", "modify", "resource_group", "d4", "FALLBACK=NFB")
