"""A node that is alone (1 of 3) never brings a group online."""
import time

import pytest

from conftest import restore


def test_lone_node_never_brings_group_online(cluster):
    cluster.crash("n1")
    cluster.crash("n2")
    try:
        # n3 is alone: no quorum; the group (home n1) must stay offline there
        deadline = time.monotonic() + 4.0
        while time.monotonic() < deadline:
            assert not cluster.node_has_ip("n3", cluster.service_ip)
            assert not cluster.app_on("n3")
            time.sleep(0.1)
        st = cluster.status("n3")
        assert st["cluster"]["QUORUM"] is False
        r = cluster.clmgr("n3", "online", "resource_group", "web_rg", "NODE=n3", check=False,
                          timeout=30)
        assert r.returncode != 0
        assert not cluster.node_has_ip("n3", cluster.service_ip)
    finally:
        restore(cluster)
