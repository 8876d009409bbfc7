"""Failover, administration and policy behaviour of a 3-node lab cluster.
Every scenario samples S1 (never the service IP or the application on two
nodes) while it runs."""
import json
import os
import socket
import struct
import time

import pytest

from conftest import restore

WEB = "web_rg"


def test_start_cluster_group_on_home_node_and_client_answers(cluster):
    assert cluster.owner_of(WEB) == "n1"
    body = cluster.wait_for(lambda: cluster.client_get(), 30, what="client answer")
    assert "node n1" in body
    st = cluster.status("n2")
    assert st["cluster"]["STATE"] == "STABLE"
    assert st["cluster"]["QUORUM"] is True
    assert [n["STATE"] for n in st["nodes"]] == ["ONLINE"] * 3
    grp = [g for g in st["groups"] if g["NAME"] == WEB][0]
    assert grp["NODES"] == {"n1": "ONLINE", "n2": "OFFLINE", "n3": "OFFLINE"}


def test_crash_owner_fails_over_to_next_node(cluster, s1):
    with s1():
        cluster.crash("n1")
        owner = cluster.wait_for(lambda: cluster.owner_of(WEB, via="n2") == "n2" and "n2",
                                 60, what="web_rg online on n2")
        body = cluster.wait_for(lambda: cluster.client_get(), 30, what="client answer after failover")
        assert "node n2" in body
        st = cluster.status("n2")
        states = {n["NAME"]: n["STATE"] for n in st["nodes"]}
        assert states["n1"] == "DOWN"
    assert owner == "n2"
    # clmgr why (hamr extension), asked on n3 and answered by the coordinator:
    # where the group is, the planner's reason, and the chain of causes
    why = cluster.clmgr("n3", "why", "resource_group", WEB).stdout
    print(why)
    assert "Resource group web_rg: target node n2" in why, why
    lines = why.splitlines()
    gone = [i for i, ln in enumerate(lines) if "node n1 " in ln and
            ("left the cluster view" in ln or "was not in the cluster view" in ln)]
    moved = [i for i, ln in enumerate(lines) if "web_rg: target " in ln and ln.endswith(
             "-> n2 (fallover to next priority node)")]
    assert gone and moved and gone[0] < moved[-1], why
    js = json.loads(cluster.clmgr("n2", "-j", "why", "resource_group", WEB).stdout)
    assert js["TARGET"] == "n2" and js["HISTORY"], js
    r = cluster.clmgr("n2", "why", "resource_group", "no_such_rg", check=False)
    assert r.returncode != 0 and "no_such_rg" in r.stderr + r.stdout
    restore(cluster)


def test_crashed_node_restarts_and_rejoins(cluster):
    cluster.crash("n3")
    cluster.wait_for(lambda: {n["NAME"]: n["STATE"] for n in cluster.status("n1")["nodes"]}["n3"] == "DOWN",
                     30, what="n3 seen DOWN")
    cluster.restart("n3")
    cluster.wait_for(lambda: {n["NAME"]: n["STATE"] for n in cluster.status("n1")["nodes"]}["n3"] == "ONLINE",
                     60, what="n3 back ONLINE (cluster services restarted on rejoin)")
    assert cluster.owner_of(WEB) == "n1"  # no needless move


def test_stop_owner_with_move_moves_the_group(cluster, s1):
    with s1():
        cluster.clmgr("n2", "stop", "node", "n1", "MANAGE=move", timeout=120)
        cluster.wait_group_online(WEB, "n2", timeout=60)
        st = cluster.status("n3")
        assert {n["NAME"]: n["STATE"] for n in st["nodes"]}["n1"] == "OFFLINE"
        assert not cluster.node_has_ip("n1", cluster.service_ip)
    restore(cluster)


def test_stop_owner_with_offline_takes_the_group_offline(cluster, s1):
    with s1():
        cluster.clmgr("n3", "stop", "node", "n1", "MANAGE=offline", timeout=120)
        cluster.wait_for(lambda: _group(cluster, "n2")["STATE"] == "OFFLINE", 60,
                         what="web_rg OFFLINE")
        time.sleep(1.0)  # and it stays offline: nobody takes it
        assert _group(cluster, "n2")["STATE"] == "OFFLINE"
        assert cluster.client_get() is None
    restore(cluster)


def test_stop_cluster_graceful_short_form(cluster):
    cluster.clmgr("n2", "stop", "cluster", "-m", "graceful", timeout=120)
    st = cluster.status("n2")
    assert [n["STATE"] for n in st["nodes"]] == ["OFFLINE"] * 3
    assert _group(cluster, "n2")["STATE"] == "OFFLINE"
    cluster.clmgr("n2", "start", "cluster", "WHEN=both", "-o", "home", timeout=120)
    cluster.wait_group_online(WEB, "n1", timeout=60)


def test_clmgr_move_and_online_offline(cluster, s1):
    with s1():
        r = cluster.clmgr("n3", "move", "resource_group", WEB, "NODE=n3", timeout=120)
        assert r.returncode == 0
        cluster.wait_group_online(WEB, "n3", timeout=60)
        assert "node n3" in cluster.wait_for(lambda: cluster.client_get(), 30, what="answer from n3")
        cluster.clmgr("n1", "offline", "resource_group", WEB, timeout=120)
        assert _group(cluster, "n1")["STATE"] == "OFFLINE"
        cluster.clmgr("n1", "online", "resource_group", WEB, "NODE=n1", timeout=120)
        cluster.wait_group_online(WEB, "n1", timeout=60)
    restore(cluster)


def test_move_to_unknown_node_is_refused(cluster):
    r = cluster.clmgr("n1", "move", "resource_group", WEB, "NODE=n9", check=False)
    assert r.returncode != 0
    assert "n9" in r.stderr
    assert cluster.owner_of(WEB) == "n1"


def _group(lab, via, name=WEB):
    return [g for g in lab.status(via)["groups"] if g["NAME"] == name][0]


def _add_ip_group(lab, name, ip, fallback):
    lab.clmgr("n1", "add", "service_ip", f"{name}_ip", f"ADDRESS={ip}", "NETWORK=net_ether_01")
    lab.clmgr("n1", "add", "resource_group", name, "NODES=n1 n2 n3", "STARTUP=OHN",
              "FALLOVER=FNPN", f"FALLBACK={fallback}", f"SERVICE_LABEL={name}_ip")
    lab.clmgr("n1", "sync", "cluster")
    lab.clmgr("n1", "online", "resource_group", name, timeout=120)
    lab.wait_group_online(name, "n1", timeout=60)


def _delete_group(lab, name):
    lab.clmgr("n1", "offline", "resource_group", name, timeout=120)
    lab.clmgr("n1", "delete", "resource_group", name)
    lab.clmgr("n1", "delete", "service_ip", f"{name}_ip")
    lab.clmgr("n1", "sync", "cluster")


@pytest.mark.parametrize("fallback,expect_home", [("FBHPN", True), ("NFB", False)])
def test_fallback_policy_when_home_node_returns(cluster, fallback, expect_home):
    name = "fb_rg" if expect_home else "nfb_rg"
    ip = "198.18.0.61" if expect_home else "198.18.0.62"
    _add_ip_group(cluster, name, ip, fallback)
    try:
        cluster.crash("n1")
        cluster.wait_group_online(name, "n2", timeout=60, via="n2")
        cluster.restart("n1")
        cluster.wait_for(lambda: {n["NAME"]: n["STATE"] for n in cluster.status("n2")["nodes"]}["n1"] == "ONLINE",
                         60, what="n1 rejoined")
        if expect_home:
            cluster.wait_group_online(name, "n1", timeout=60)
        else:
            time.sleep(2.0)
            assert cluster.owner_of(name, via="n2") == "n2"
    finally:
        restore(cluster)
        _delete_group(cluster, name)


def test_failing_start_script_gives_error_with_reason(cluster):
    app = os.path.join(cluster.lab_dir, "app", "fail_start.sh")
    # the start fails, the stop (the undo) works: each node gives the group up cleanly
    cluster.clmgr("n1", "add", "application_controller", "badapp", f"STARTSCRIPT={app}",
                  "STOPSCRIPT=/bin/true", "START_TIMEOUT=10", "STOP_TIMEOUT=10")
    cluster.clmgr("n1", "add", "resource_group", "bad_rg", "NODES=n2 n3", "APPLICATIONS=badapp")
    cluster.clmgr("n1", "sync", "cluster")
    try:
        r = cluster.clmgr("n1", "online", "resource_group", "bad_rg", check=False, timeout=120)
        assert r.returncode != 0
        # the acquisition failed on n2 (undone): the group moved on to n3,
        # failed there too, and ends ERROR on both, each with its reason
        g = cluster.wait_for(
            lambda: (lambda x: x["NODES"] == {"n2": "ERROR", "n3": "ERROR"} and x)(
                _group(cluster, "n1", "bad_rg")), 60, what="bad_rg ERROR on n2 and n3")
        assert g["STATE"] == "ERROR"
        assert "STARTSCRIPT" in g["ERROR"] and "status 3" in g["ERROR"]
        assert "cannot start" in g["ERROR"]  # the script's own last line
        assert set(g["ERRORS"]) == {"n2", "n3"}, g
        assert all("status 3" in e for e in g["ERRORS"].values()), g
        q = cluster.clmgr("n3", "query", "resource_group", "bad_rg").stdout
        assert 'STATE="ERROR"' in q
        text = cluster.clmgr("n3", "status").stdout
        assert "error on n2: " in text and "error on n3: " in text, text
        why = cluster.clmgr("n2", "why", "resource_group", "bad_rg").stdout
        assert "node n2 failed bad_rg (its acquisition failed" in why, why
        assert "bad_rg: target n2 -> n3" in why or "bad_rg: target none -> n3" in why, why
        assert cluster.owner_of(WEB) == "n1"  # other groups untouched
    finally:
        cluster.clmgr("n1", "offline", "resource_group", "bad_rg", timeout=120, check=False)
        cluster.clmgr("n1", "delete", "resource_group", "bad_rg")
        cluster.clmgr("n1", "delete", "application_controller", "badapp")
        cluster.clmgr("n1", "sync", "cluster")


def test_failed_undo_keeps_the_group_held_where_it_failed(cluster):
    """A start that fails and whose undo (the stop script) fails too leaves
    the application in an unknown state: the group stays ERROR on that node,
    counted as held, and is not started on the next node (no second copy)."""
    app = os.path.join(cluster.lab_dir, "app", "fail_start.sh")
    cluster.clmgr("n1", "add", "application_controller", "badapp2", f"STARTSCRIPT={app}",
                  f"STOPSCRIPT={app}", "START_TIMEOUT=10", "STOP_TIMEOUT=10")
    cluster.clmgr("n1", "add", "resource_group", "held_rg", "NODES=n2 n3", "APPLICATIONS=badapp2")
    cluster.clmgr("n1", "sync", "cluster")
    try:
        r = cluster.clmgr("n1", "online", "resource_group", "held_rg", check=False, timeout=120)
        assert r.returncode != 0
        cluster.wait_for(lambda: _group(cluster, "n1", "held_rg")["NODES"]["n2"] == "ERROR", 30,
                         what="held_rg ERROR on n2")
        time.sleep(2.0)  # the planner had every chance to move it
        g = _group(cluster, "n1", "held_rg")
        assert g["NODES"] == {"n2": "ERROR", "n3": "OFFLINE"}, g
        assert "STARTSCRIPT" in g["ERROR"], g
    finally:
        # the administrator fixes the stop script and takes the group offline
        cluster.clmgr("n1", "modify", "application_controller", "badapp2", "STOPSCRIPT=/bin/true")
        cluster.clmgr("n1", "sync", "cluster")
        cluster.clmgr("n1", "offline", "resource_group", "held_rg", timeout=120, check=False)
        cluster.clmgr("n1", "delete", "resource_group", "held_rg")
        cluster.clmgr("n1", "delete", "application_controller", "badapp2")
        cluster.clmgr("n1", "sync", "cluster")


def test_packets_without_the_key_change_nothing(cluster):
    before = cluster.status("n2")
    rejected_before = before["cluster"]["WIRE"]["rejected"]
    cluster_id = int(json.loads(cluster.clmgr("n1", "-j", "query", "cluster").stdout)[0]["ID"])
    # Well-formed headers claiming to be n1's new life, with a status body
    # that is not sealed with the cluster key, plus plain garbage.
    pkts = []
    for seq in range(1, 50):
        hdr = struct.pack(">IBBHIQQI", 0x484D5231, 1, 1, 0, cluster_id, 2**62, seq, 64)
        pkts.append(hdr + os.urandom(24 + 64 + 16))
    pkts.append(b"\x00" * 10)
    pkts.append(os.urandom(3000))
    targets = [cluster.addr(n) for n in cluster.node_names]
    cluster.send_udp_from_client(targets, 6190, pkts)
    time.sleep(1.0)
    after = cluster.status("n2")
    rejected_after = after["cluster"]["WIRE"]["rejected"]
    assert rejected_after["auth"] >= rejected_before["auth"] + 49
    assert rejected_after["short"] >= rejected_before["short"] + 1
    assert after["cluster"]["VIEW"] == before["cluster"]["VIEW"]
    assert [n["STATE"] for n in after["nodes"]] == ["ONLINE"] * 3
    assert cluster.owner_of(WEB) == "n1"


def test_bad_clmgr_input_is_refused_and_changes_nothing(cluster):
    before = cluster.clmgr("n1", "-j", "query", "resource_group", WEB).stdout
    cases = [
        (["add", "resourcegroupx", "x"], "resourcegroupx"),
        (["modify", "resource_group", WEB, "STARTUP=SOMETIMES"], "SOMETIMES"),
        (["modify", "resource_group", WEB, "COLOUR=blue"], "COLOUR"),
        (["modify", "resource_group", WEB, "NODES=n1 n9"], "n9"),
        (["modify", "resource_group", "no_such_rg", "STARTUP=OHN"], "no_such_rg"),
        (["modify", "cluster", "HEARTBEAT_FREQUENCY=abc"], "HEARTBEAT_FREQUENCY"),
        (["delete", "service_ip", "websvc"], "websvc"),
        (["frobnicate", "cluster"], "frobnicate"),
    ]
    for args, word in cases:
        r = cluster.clmgr("n2", *args, check=False)
        assert r.returncode != 0, args
        assert word in r.stderr, (args, r.stderr)
    # nothing staged, nothing changed
    assert cluster.clmgr("n3", "-j", "query", "resource_group", WEB).stdout == before
    r = cluster.clmgr("n1", "sync", "cluster")
    assert cluster.owner_of(WEB) == "n1"


def test_case_insensitive_and_runbook_short_forms(cluster):
    out = cluster.clmgr("n2", "QueRY", "Resource_Group", WEB).stdout
    assert f'NAME="{WEB}"' in out and 'STARTUP="OHN"' in out
    out = cluster.clmgr("n2", "-c", "q", "rg").stdout.splitlines()
    assert out[0].startswith("#NAME:")
    cluster.clmgr("n3", "set", "fallback", "-g", WEB, "-m", "never")
    assert 'FALLBACK="NFB"' in cluster.clmgr("n1", "query", "rg", WEB).stdout
    cluster.clmgr("n3", "set", "failover", "-g", WEB, "-m", "next")
    assert 'FALLOVER="FNPN"' in cluster.clmgr("n1", "query", "rg", WEB).stdout
    cluster.clmgr("n1", "modify", "cluster", "HEARTBEAT_FREQUENCY=0.6", "GRACE_PERIOD=0.1",
                  "NETWORK_FAILURE_DETECTION_TIME=0.3")
    gen = cluster.status("n1")["cluster"]["GENERATION"]
    cluster.clmgr("n1", "sync", "cluster")
    cluster.wait_for(lambda: all(cluster.status(n)["cluster"]["GENERATION"] == gen + 1
                                 for n in cluster.node_names), 30, what="new generation everywhere")
    assert 'HEARTBEAT_FREQUENCY="0.6"' in cluster.clmgr("n3", "query", "cluster").stdout
    assert cluster.owner_of(WEB) == "n1"  # timers changed live, group untouched
    cluster.clmgr("n1", "modify", "cluster", *[f"{k}={v}" for k, v in cluster.timers.items()])
    cluster.clmgr("n1", "sync", "cluster")


def test_node_restarts_from_its_cached_configuration(cluster):
    """Each node caches the generation it applied; a node whose repository
    cannot be read at start-up still joins with that copy."""
    nd = cluster.node("n3")
    gen = cluster.status("n1")["cluster"]["GENERATION"]
    cluster.wait_for(lambda: cluster.status("n3")["cluster"]["GENERATION"] == gen, 30,
                     what="n3 applied the newest generation")
    # written off the loop, just after the generation is applied
    cluster.wait_for(lambda: f"generation {gen}" in open(os.path.join(nd.state_dir, "applied.conf")).read(),
                     10, what="n3 cached the newest generation")
    cluster.stop_daemon("n3")
    saved = list(cluster.daemon_args)
    cluster.daemon_args += ["--repository", "/nonexistent/hamr-repository"]
    try:
        cluster.start_daemon("n3")
        # the control socket comes up before the configuration is read (off the loop)
        cluster.wait_for(lambda: cluster.status("n3")["cluster"].get("GENERATION") == gen, 30,
                         what="n3 applied its cached configuration")
        cluster.wait_for(lambda: {n["NAME"]: n["STATE"] for n in cluster.status("n1")["nodes"]}["n3"] == "ONLINE",
                         60, what="n3 back ONLINE from its cached configuration")
        assert "cached configuration" in cluster.log_tail("n3", 50)
    finally:
        cluster.daemon_args[:] = saved
        cluster.stop_daemon("n3")
        cluster.start_daemon("n3")
        cluster.wait_for(lambda: {n["NAME"]: n["STATE"] for n in cluster.status("n1")["nodes"]}["n3"] == "ONLINE",
                         60, what="n3 back ONLINE")
    assert cluster.owner_of(WEB) == "n1"


def test_simulate_changes_nothing_and_says_what_would_happen(cluster):
    """clmgr simulate (hamr extension): the planner's what-if on the live
    cluster state, answered by the coordinator, in the words of clmgr why."""
    assert cluster.owner_of(WEB) == "n1"
    out = cluster.clmgr("n2", "simulate", "node_down", "n1").stdout
    print(out)
    assert "Simulated node_down n1 (nothing is changed)" in out, out
    assert "web_rg: n1 -> n2 (fallover to next priority node)" in out, out
    assert "The cluster would be STABLE again." in out, out
    out = cluster.clmgr("n3", "simulate", "network_down", "n1").stdout
    print(out)
    assert "web_rg: n1 -> n2" in out and "selective fallover" in out, out
    out = cluster.clmgr("n1", "simulate", "rg_move", WEB, "NODE=n3").stdout
    print(out)
    assert "web_rg: n1 -> n3 (priority override location)" in out, out
    js = json.loads(cluster.clmgr("n1", "-j", "simulate", "node_down", "n3").stdout)
    assert js["GROUPS"] == [] and js["UNCHANGED"] >= 1 and js["SETTLED"], js
    r = cluster.clmgr("n1", "simulate", "node_up", "n2", check=False)
    assert r.returncode != 0 and "does not apply" in r.stderr + r.stdout
    r = cluster.clmgr("n1", "simulate", "site_down", "n2", check=False)
    assert r.returncode != 0 and "event 'site_down' is not supported" in r.stderr + r.stdout
    # nothing changed: still on n1, no move, the priority override not set
    assert cluster.owner_of(WEB) == "n1"
    st = cluster.status("n1")
    assert st["cluster"]["STATE"] == "STABLE"
    grp = [g for g in st["groups"] if g["NAME"] == WEB][0]
    assert grp.get("PRIORITY_OVERRIDE", "") in ("", None), grp


def test_verify_checks_the_nodes_and_a_failing_check_blocks_the_sync(cluster):
    """clmgr verify cluster runs the configuration's checks on every member
    (files exist and are executable there, no service address already on a
    node that does not hold its group); sync verifies first and refuses."""
    out = cluster.clmgr("n2", "verify", "cluster").stdout
    print(out)
    assert "Verification on the nodes:" in out, out
    for n in ("n1", "n2", "n3"):
        assert f"  {n}: ok" in out, out
    assert "Verification passed." in out
    spare = "198.18.0.77"
    staged = [["add", "application_controller", "bad_app", "STARTSCRIPT=/nonexistent/start",
               "STOPSCRIPT=/bin/true"],
              ["add", "service_ip", "vsvc", f"ADDRESS={spare}", "NETWORK=net_ether_01"],
              ["add", "resource_group", "vrg", "NODES=n2 n3", "APPLICATIONS=bad_app",
               "SERVICE_LABEL=vsvc"]]
    for c in staged:
        cluster.clmgr("n1", *c)
    cluster.node_exec("n3", ["ip", "addr", "add", f"{spare}/32", "dev", "lo"], check=True)
    try:
        r = cluster.clmgr("n1", "verify", "cluster", check=False)
        print(r.stdout, r.stderr)
        assert r.returncode == 1, r
        assert ("n2: ERROR: STARTSCRIPT of application_controller bad_app: /nonexistent/start: "
                "No such file or directory") in r.stdout, r.stdout
        assert "n3: ERROR: STARTSCRIPT of application_controller bad_app" in r.stdout
        assert (f"n3: ERROR: service_ip vsvc: address {spare} is already on an interface of "
                "this node, which does not hold resource group vrg") in r.stdout
        assert "n1: ok" in r.stdout  # not in vrg's NODES: not checked there
        assert "Verification failed on the nodes (3 error(s))." in r.stdout
        js = json.loads(cluster.clmgr("n2", "-j", "verify", "cluster", check=False).stdout)
        count = {n["NODE"]: len(n["ERRORS"]) for n in js["nodes"]}
        # n2 may also have probed the address on the network by now: n3 answers for it
        assert count["n1"] == 0 and count["n3"] == 2 and count["n2"] in (1, 2), js
        r = cluster.clmgr("n1", "sync", "cluster", check=False)
        print(r.stdout, r.stderr)
        assert r.returncode == 1 and "nothing was synchronized" in r.stderr, r
        assert "vrg" not in [g["NAME"] for g in cluster.status("n2")["groups"]]
    finally:
        cluster.node_exec("n3", ["ip", "addr", "del", f"{spare}/32", "dev", "lo"])
        for c in reversed(staged):
            cluster.clmgr("n1", "delete", c[1], c[2], check=False)
    assert "Verification passed." in cluster.clmgr("n1", "verify", "cluster").stdout


def test_verify_compares_repository_key_subnets_and_the_rto_budget(cluster):
    """The remaining facts verify checks on the nodes: every node reads the
    same repository identity; a node whose key file is not the cluster's key
    is an error (digests compared, the key never sent); a node address that
    is on no interface, or off the others' subnet, is an error; each group's
    worst-case failover time (detection + fence + its measured start), with
    a warning when above its RTO."""
    def verify(node="n2"):
        r = cluster.clmgr(node, "-j", "verify", "cluster", check=False)
        return r.returncode, json.loads(r.stdout)

    # the same repository, as every node reads it
    rc, js = cluster.wait_for(lambda: (lambda v: v if all(n.get("REPOSITORIES")
                                                         for n in v[1]["nodes"]) else None)(
        verify()), 30, interval=0.5, what="every node's repository reading")
    assert rc == 0, js
    ids = {n["NODE"]: [(r["INDEX"], r["KIND"], r["ID"]) for r in n["REPOSITORIES"]]
           for n in js["nodes"]}
    assert len({tuple(v) for v in ids.values()}) == 1 and ids["n1"][0][1] == "repository", ids
    # the RTO budget: web_rg's start was measured on the node that runs it
    rc, js = cluster.wait_for(lambda: (lambda v: v if any(
        x["GROUP"] == "web_rg" and x["START"] for x in v[1].get("rto", [])) else None)(verify()),
        30, interval=0.5, what="web_rg's start time measured")
    web = {x["GROUP"]: x for x in js["rto"]}["web_rg"]
    assert web["START_NODE"] in ("n1", "n2", "n3") and web["WORST"] > web["DETECTION"] > 0, web
    assert web["RTO"] is None and "worst-case failover" in web["TEXT"], web
    cluster.clmgr("n1", "modify", "resource_group", "web_rg", "RTO=0.1")
    try:
        r = cluster.clmgr("n2", "verify", "cluster")  # a warning: verify passes
        print(r.stdout, r.stderr)
        assert "web_rg: worst-case failover" in r.stdout and "above RTO 0.1 s" in r.stdout, r.stdout
        assert "resource_group web_rg: worst-case failover" in r.stdout + r.stderr, r
        cluster.clmgr("n1", "modify", "resource_group", "web_rg", "RTO=3600")
        assert "within RTO 3600 s" in cluster.clmgr("n2", "verify", "cluster").stdout
        # node addresses: one on no interface, one off the others' subnet
        cluster.clmgr("n1", "add", "network", "net_bad", "PREFIX=24",
                      "INTERFACES=n1=198.18.7.1 n2=198.18.7.2 n3=198.18.8.3")
        rc, js = verify()
        errs = {n["NODE"]: n["ERRORS"] for n in js["nodes"]}
        assert rc == 1, js
        assert ("network net_bad: this node's address 198.18.7.1 is not on any of its "
                "interfaces") in " ".join(errs["n1"]), errs
        assert ("network net_bad: node n3's address 198.18.8.3 is not on this node's subnet "
                "198.18.7.0/24") in " ".join(errs["n1"]), errs
    finally:
        cluster.clmgr("n1", "delete", "network", "net_bad", check=False)
        cluster.clmgr("n1", "modify", "resource_group", "web_rg", "RTO=", check=False)
    # a service address of an offline group that another host answers for
    # (n3, outside the group's NODES, has it): the ARP probe of n1 and n2
    spare = "198.18.0.78"
    staged = [["add", "service_ip", "psvc", f"ADDRESS={spare}", "NETWORK=net_ether_01"],
              ["add", "resource_group", "prg", "NODES=n1 n2", "SERVICE_LABEL=psvc"]]
    for c in staged:
        cluster.clmgr("n1", *c)
    cluster.node_exec("n3", ["ip", "addr", "add", f"{spare}/32", "dev", "lo"], check=True)
    try:
        rc, js = cluster.wait_for(lambda: (lambda v: v if all(
            any("answers on the network" in e for e in n["ERRORS"])
            for n in v[1]["nodes"] if n["NODE"] in ("n1", "n2")) else None)(verify()),
            30, interval=0.5, what="n1 and n2 probed the address")
        assert rc == 1, js
        errs = {n["NODE"]: n["ERRORS"] for n in js["nodes"]}
        assert any(f"service_ip psvc: address {spare} answers on the network" in e and
                   "resource group prg is offline on every node" in e for e in errs["n1"]), errs
        assert not errs["n3"], errs  # not in prg's NODES
    finally:
        cluster.node_exec("n3", ["ip", "addr", "del", f"{spare}/32", "dev", "lo"])
        for c in reversed(staged):
            cluster.clmgr("n1", "delete", c[1], c[2], check=False)
    # the cluster key: n3's key file replaced (its hamrd keeps the key in use)
    key = cluster.node("n3").key
    with open(key, "rb") as f:
        good = f.read()
    try:
        with open(key, "wb") as f:
            f.write(bytes(32))
        rc, js = cluster.wait_for(lambda: (lambda v: v if v[0] == 1 else None)(verify()), 30,
                                  interval=0.5, what="verify sees n3's key file")
        errs = {n["NODE"]: " ".join(n["ERRORS"]) for n in js["nodes"]}
        assert f"cluster key file {key} is not the key the cluster uses" in errs["n3"], errs
        assert not errs["n1"] and not errs["n2"], errs
        assert good.hex() not in json.dumps(js)  # digests only
    finally:
        with open(key, "wb") as f:
            f.write(good)
    cluster.wait_for(lambda: verify()[0] == 0, 30, interval=0.5, what="verify passes again")
