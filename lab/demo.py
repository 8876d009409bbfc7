#!/usr/bin/python3
"""hamr demo: a 3-node lab cluster on this machine serving a small web
application through a service IP. The owning node is crashed and the group
fails over to the next node while a client keeps asking; the measured
interruption is printed. Everything is cleaned up at the end."""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hamrlab  # noqa: E402

BOLD = "\033[1m" if sys.stdout.isatty() else ""
RESET = "\033[0m" if sys.stdout.isatty() else ""


def say(text):
    print(f"\n{BOLD}== {text}{RESET}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(__file__), "..", "build"))
    ap.add_argument("--profile", choices=["default", "fast"], default="default",
                    help="hamr timer profile (default: hamr's defaults)")
    args = ap.parse_args()

    lab = hamrlab.Lab(nodes=3, build_dir=os.path.abspath(args.build), profile=args.profile)
    real_clmgr = lab.clmgr

    def clmgr(name, *a, **kw):
        if a and a[0] == "-j":  # the lab's own status polls: not part of the story
            return real_clmgr(name, *a, **kw)
        print(f"  [{name}]$ clmgr {' '.join(shlex.quote(str(x)) for x in a)}", flush=True)
        r = real_clmgr(name, *a, **kw)
        if r.stdout.strip():
            print("    " + r.stdout.rstrip().replace("\n", "\n    "), flush=True)
        return r

    try:
        say(f"Building a lab: 3 nodes (network namespaces n1..n3 on bridge {lab.prefix}-b0), "
            "a client, a shared repository file")
        lab.setup()
        lab.start_all()
        say("Defining the cluster with clmgr (PowerHA syntax), then sync")
        lab.clmgr = clmgr  # echo the commands configure() runs
        lab.configure()
        lab.clmgr = real_clmgr
        say("Starting cluster services on every node")
        clmgr("n2", "start", "cluster")
        owner = lab.wait_group_online("web_rg", timeout=60)
        say("Cluster status (any node can answer)")
        clmgr("n3", "status")
        say(f"The client asks http://{lab.service_ip}:8080/ (service IP)")
        print("  " + (lab.wait_for(lambda: lab.client_get(), 30, what="client answer") or "").strip())

        say(f"Crashing {owner}, the owner (cgroup.kill + link down), while the client keeps asking")
        probe = lab.run_in_client(
            ["/usr/bin/python3", os.path.join(os.path.dirname(__file__), "probe.py"),
             "--url", f"http://{lab.service_ip}:8080/", "--interval", "0.01",
             "--timeout", "0.1", "--duration", "20"],
            stdout=subprocess.PIPE, text=True)
        time.sleep(1.0)
        t_crash = time.monotonic()
        lab.crash(owner)
        survivors = [n for n in lab.node_names if n != owner]
        new_owner = lab.wait_for(
            lambda: (lambda o: o if o and o != owner else None)(lab.owner_of("web_rg", via=survivors[0])),
            60, what="web_rg online on another node")
        first_ok = lab.wait_for(lambda: lab.client_get(), 30, what="client answer after failover")
        probe.terminate()
        out, _ = probe.communicate(timeout=10)
        t_back = None
        for line in out.splitlines():
            ev = json.loads(line)
            if ev.get("ok") and ev.get("node") == new_owner and ev["t"] > t_crash:
                t_back = ev["t"]
                break
        say(f"web_rg is ONLINE on {new_owner}")
        clmgr(survivors[0], "status")
        print("  client: " + first_ok.strip())
        if t_back:
            print(f"\n  {BOLD}Interruption: {t_back - t_crash:.3f} s from the crash until the "
                  f"client got its first answer from {new_owner}{RESET}")
        say("Cleaning up")
    finally:
        lab.cleanup()
    print("done: nothing left behind (namespaces, links, cgroups, files)")


if __name__ == "__main__":
    main()
