"""Fallover using dynamic node priority (FALLOVER=FUDNP) on the shared
3-node lab cluster: a user script's exit code (cl_highest_udscript_rc)
makes n3 win over n2, the next node of the list; when the owner n1
crashes, the group goes to n3, not n2 (web_rg, FNPN, goes to n2). The
values are in clmgr -j status and clRGinfo -v, the reason in clmgr why."""
import json
import os

from conftest import restore

RG = "dnp_rg"


def _group(lab, via, name):
    return [g for g in lab.status(via)["groups"] if g["NAME"] == name][0]


def test_fudnp_user_script_chooses_n3(cluster, s1):
    lab = cluster
    d = os.path.join(lab.run_dir, "dnp")
    os.makedirs(d, exist_ok=True)
    script = os.path.join(d, "score.sh")
    with open(script, "w") as f:
        # each node's exit code from a file the test writes
        f.write("#!/bin/sh\nv=0\nread v < %s/score-$HAMR_NODE 2>/dev/null\nexit $v\n" % d)
    os.chmod(script, 0o755)
    for node, score in (("n1", 1), ("n2", 3), ("n3", 7)):
        with open(os.path.join(d, "score-" + node), "w") as f:
            f.write("%d\n" % score)
    lab.clmgr("n1", "add", "resource_group", RG, "NODES=n1 n2 n3", "STARTUP=OHN",
              "FALLOVER=FUDNP", "FALLBACK=NFB", "NODE_PRIORITY_POLICY=cl_highest_udscript_rc",
              f"NODE_PRIORITY_POLICY_SCRIPT={script}.missing", "NODE_PRIORITY_POLICY_TIMEOUT=5")
    try:
        # the sync's verify checks the script on the group's nodes
        r = lab.clmgr("n1", "sync", "cluster", check=False)
        assert r.returncode != 0 and \
            f"NODE_PRIORITY_POLICY_SCRIPT of resource_group {RG}: {script}.missing" in \
            r.stdout + r.stderr, r
        lab.clmgr("n1", "modify", "resource_group", RG, f"NODE_PRIORITY_POLICY_SCRIPT={script}")
        lab.clmgr("n1", "sync", "cluster")
        # an administrator's online is no fallover: the home node, whatever the values
        lab.clmgr("n1", "online", "resource_group", RG, timeout=120)
        lab.wait_group_online(RG, "n1", timeout=60)
        # every node runs the script every few seconds and reports its value
        want = {"n1": "exit code 1", "n2": "exit code 3", "n3": "exit code 7"}
        g = lab.wait_for(lambda: (lambda x: x.get("DNP_VALUES") == want and x)(
            _group(lab, "n2", RG)), 60, what="DNP values of every node in the status")
        assert g["NODE_PRIORITY_POLICY"] == "cl_highest_udscript_rc"
        # values that change every few seconds do not keep the cluster unstable
        lab.wait_for(lambda: lab.status("n3")["cluster"]["STATE"] == "STABLE", 30,
                     what="cluster STABLE with DNP values reported")
        nodes = lab.status("n1")["nodes"]
        assert all("FREE_MEM_MB" in n["DNP"] for n in nodes), nodes
        saved = lab.clmgr_bin  # clRGinfo: clmgr under its other name
        lab.clmgr_bin = os.path.join(os.path.dirname(saved), "clRGinfo")
        try:
            v = lab.clmgr("n1", "-v", RG).stdout
        finally:
            lab.clmgr_bin = saved
        assert "Fallover Using Dynamic Node Priority" in v, v
        assert "DNP values: n1 exit code 1; n2 exit code 3; n3 exit code 7;" in v, v
        with s1():
            lab.crash("n1")
            lab.wait_group_online(RG, "n3", timeout=60, via="n2")
            lab.wait_group_online("web_rg", "n2", timeout=60, via="n2")
        assert _group(lab, "n2", RG)["NODES"]["n2"] == "OFFLINE"
        why = lab.clmgr("n2", "why", "resource_group", RG).stdout
        print(why)
        assert "fallover to n3: highest user script exit code (exit code 7)" in why, why
        js = json.loads(lab.clmgr("n3", "-j", "why", "resource_group", RG).stdout)
        assert js["TARGET"] == "n3", js
    finally:
        restore(lab)
        lab.clmgr("n1", "offline", "resource_group", RG, timeout=120, check=False)
        lab.clmgr("n1", "delete", "resource_group", RG, check=False)
        lab.clmgr("n1", "sync", "cluster", check=False)
        lab.wait_for(lambda: lab.status("n1")["cluster"]["STATE"] == "STABLE", 60,
                     what="cluster STABLE again")
