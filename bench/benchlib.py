"""bench/benchlib: what the benchmarks share: percentiles, the summary line,
and the client probe that times the first answer from the new owner."""
import json
import os
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE = os.path.join(ROOT, "lab", "probe.py")


def pct(values, p):
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1)))))
    return v[k]


def summary(name, values):
    if not values:
        return f"{name:<34} no successful trial"
    return (f"{name:<34} n={len(values):<3} min={min(values):.3f}s "
            f"median={statistics.median(values):.3f}s p95={pct(values, 95):.3f}s "
            f"max={max(values):.3f}s")


def start_probe(lab, duration):
    return lab.run_in_client(["/usr/bin/python3", PROBE, "--url", f"http://{lab.service_ip}:8080/",
                              "--interval", "0.005", "--timeout", "0.05",
                              "--duration", str(duration)],
                             stdout=subprocess.PIPE, text=True)


def first_answer_from(probe, new_owner_pred, t0, deadline_s=60):
    """Read probe events until an ok answer from a node accepted by the
    predicate, after t0. Returns that time or None."""
    end = time.monotonic() + deadline_s
    for line in probe.stdout:
        ev = json.loads(line)
        if ev.get("summary"):
            break
        if ev.get("ok") and ev["t"] > t0 and new_owner_pred(ev.get("node")):
            return ev["t"]
        if time.monotonic() > end:
            break
    return None


def stop_probe(probe):
    probe.terminate()
    try:
        probe.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        probe.kill()


