"""Shared fixtures for the cluster tests: one 3-node lab cluster reused by
every test that can leave it healthy (tests restore what they break)."""
import os
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "lab"))

import hamrlab  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--build", default=os.path.join(ROOT, "build"),
                     help="meson build directory holding hamrd and clmgr")


@pytest.fixture(scope="session")
def build_dir(request):
    d = os.path.abspath(request.config.getoption("--build"))
    if not os.path.exists(os.path.join(d, "src", "daemon", "hamrd")):
        pytest.skip(f"hamrd not built in {d}")
    return d


def require_root():
    if os.geteuid() != 0:
        pytest.skip("the lab needs root")


def started_lab(build_dir, nodes=3, extra_commands=(), need_repofs=False, timers=None):
    """Generator for a fixture: a started lab cluster (test timers) with
    web_rg online on n1; checks the sanitizer reports and cleans up.
    extra_commands: clmgr argument lists, or a function of the lab giving them.
    timers: cluster timer attributes replacing the test profile's."""
    require_root()
    lab = hamrlab.Lab(nodes=nodes, build_dir=build_dir, profile="test")
    if timers:
        lab.timers.update(timers)
    try:
        lab.setup()
        if need_repofs and lab.repofs_proc is None:
            pytest.skip("hamr-repofs not built")
        lab.start_all()
        lab.configure(extra_commands=extra_commands(lab) if callable(extra_commands)
                      else extra_commands)
        lab.clmgr("n1", "start", "cluster", "WHEN=both")
        lab.wait_group_online("web_rg", "n1", timeout=60)
        yield lab
        check_sanitizer_reports(lab)
    finally:
        keep = os.environ.get("HAMR_KEEP_LOGS")  # a folder: keep the daemons' logs
        if keep:
            import shutil
            dst = os.path.join(keep, lab.prefix)
            os.makedirs(dst, exist_ok=True)
            for n in lab.node_names:
                try:
                    shutil.copy(lab.node(n).log, os.path.join(dst, n + ".log"))
                except OSError:
                    pass
        lab.cleanup()


@pytest.fixture(scope="session")
def cluster(build_dir):
    """The shared 3-node cluster, reused by every test that restores it."""
    yield from started_lab(build_dir)


SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                     "runtime error:")


def check_sanitizer_reports(lab):
    """Fail the run if any daemon printed a sanitizer report (ASan builds)."""
    found = []
    for n in lab.node_names:
        path = lab.node(n).log
        try:
            with open(path, errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        if any(m in text for m in SANITIZER_MARKERS):
            found.append(f"--- {n} ({path})\n{text[-4000:]}")
    assert not found, "sanitizer reports in hamrd logs:\n" + "\n".join(found)


class S1Sampler:
    """Samples every powered-on node's addresses, web app and (with shared
    block devices) mounted filesystems in the background and records any
    moment where two nodes hold the group or mount one filesystem."""

    def __init__(self, lab, interval=0.05):
        self.lab = lab
        self.interval = interval
        self.samples = 0
        self.violations = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        deadline = time.monotonic() + 600  # bounded even if never stopped
        while not self._stop.is_set() and time.monotonic() < deadline:
            sample = self.lab.s1_sample()
            self.samples += 1
            ip = [n for n, s in sample.items() if s["ip"]]
            app = [n for n, s in sample.items() if s["app"]]
            if len(ip) > 1 or len(app) > 1 or hamrlab.Lab.fs_double_mounts(sample):
                self.violations.append((time.monotonic(), sample))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=30)
        assert self.samples > 0, "the S1 sampler took no sample"
        assert not self.violations, f"S1 violated: {self.violations[:3]}"
        test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
        print(f"\nS1: {self.samples} samples, no double owner ({test})")


@pytest.fixture
def s1(cluster):
    return lambda: S1Sampler(cluster)


def restore(lab, home="n1"):
    """Bring the shared cluster back: every node up and active, web_rg on n1."""
    for n in lab.node_names:
        if lab.is_crashed(n):
            lab.restart(n)
    lab.heal()
    for n in lab.node_names:
        lab.restore_link(n)
    if lab.repofs_proc is not None:
        lab.repo_fault("all", "ok")
    first = lab.node_names[0]
    lab.wait_for(lambda: all(x["STATE"] != "DOWN" for x in lab.status(first)["nodes"]),
                 60, what="all nodes reachable")
    def start():  # the coordinator may change while nodes rejoin: retry
        r = lab.clmgr(first, "start", "cluster", "WHEN=both", timeout=120, check=False)
        return r.returncode == 0
    lab.wait_for(start, 60, interval=0.5, what="clmgr start cluster accepted")
    if lab.owner_of("web_rg") != home:
        lab.clmgr(first, "move", "resource_group", "web_rg", f"NODE={home}", timeout=120)
    lab.wait_group_online("web_rg", home, timeout=60)
