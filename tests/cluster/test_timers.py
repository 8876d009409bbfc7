"""RG_SETTLING_TIME on its own 2-node lab cluster: an OFAN group whose
non-home node starts cluster services first waits for the home node; the
home node starting within the settling time gets the group at once, and the
group never comes online on the other node (owners log, S1 sampled)."""
import time

import pytest

import hamrlab
from conftest import S1Sampler, check_sanitizer_reports, require_root

WEB = "web_rg"
SETTLING = 3


@pytest.fixture(scope="module")
def ofan(build_dir):
    require_root()
    lab = hamrlab.Lab(nodes=2, build_dir=build_dir, profile="test")
    try:
        lab.setup()
        lab.start_all()
        lab.configure(rg_policy={"STARTUP": "OFAN", "FALLBACK": "NFB"},
                      extra_commands=[["modify", "cluster", "RG_SETTLING_TIME=%d" % SETTLING]])
        yield lab
        check_sanitizer_reports(lab)
    finally:
        lab.cleanup()


def _timer(lab, via):
    for g in lab.clmgr_json(via, "-t", "status", timeout=10)["groups"]:
        if g["NAME"] == WEB:
            return g.get("TIMER", "")
    return ""


def test_settling_home_node_joins_within_the_window(ofan):
    lab = ofan
    with S1Sampler(lab):
        t0 = time.monotonic()
        lab.clmgr("n2", "start", "node", "n2")
        lab.wait_for(lambda: lab.status("n2")["cluster"]["STATE"] == "STABLE", 10,
                     what="n2 started, cluster stable")
        # waiting for the home node: offline, with a settling timer shown
        assert lab.owner_of(WEB, via="n2") is None
        assert "settling until" in _timer(lab, "n2")
        assert "waiting for home node n1" in lab.clmgr("n2", "status").stdout
        assert time.monotonic() - t0 < SETTLING, "too slow to test within the window"
        lab.clmgr("n1", "start", "node", "n1")
        lab.wait_group_online(WEB, "n1", timeout=30)
        took = time.monotonic() - t0
    starts = [o[2] for o in lab.owners() if o[1] == "start"]
    assert starts == ["n1"], starts  # never online on n2 first
    assert not lab.node_has_ip("n2", lab.service_ip)
    assert _timer(lab, "n1") == ""
    print(f"settling: group online on the home node {took:.2f}s after n2 started")
