"""README.md "Using it" works as written: its marked command blocks run on
three lab nodes, and what the README promises happens.

The blocks are the ```sh blocks right after a `<!-- readme-test: NAME ...
-->` line: key (run on n1), daemon (run on every node), configure and run
(clmgr on n1). Only what a lab node cannot have is substituted:

* paths: the shared disk -> the lab's repository, /etc/hamr -> each lab
  node's directory (so /etc/hamr/cluster.key is the node's key path),
  /etc/default/hamrd -> a file per node, the start/stop scripts -> the lab
  web app's (lab/app);
* addresses: the README's 10.0.0.X are the lab's 198.18.0.X (the same host
  numbers: n1 .11, n2 .12, n3 .13, service .50);
* `ssh root@N CMD` and `scp SRC root@N:DST` reach lab node N (a shim on
  PATH that maps /etc/hamr to N's directory);
* `systemctl enable --now hamrd` starts the ExecStart of the unit this build
  ships (contrib/systemd) with the options of the /etc/default/hamrd the
  block wrote, on the lab node (lab.start_daemon_argv), plus the lab's
  --key/--socket/--state-dir paths and --watchdog <the lab's FIFO> (lab
  nodes have no /dev/watchdog). No --node: the lab node's hostname is its
  name, as the README says.

A command the test does not know how to run, a clmgr that fails, or an
outcome that differs from the README's fails the test.
"""
import json
import os
import re
import shlex
import subprocess
import tempfile

import pytest

from conftest import ROOT, S1Sampler, check_sanitizer_reports, hamrlab, require_root

README = os.path.join(ROOT, "README.md")
BLOCK_RE = re.compile(r"^<!-- readme-test: (\w+)[^>]*-->\n```sh\n(.*?)^```$", re.M | re.S)
EXAMPLE_ADDR_RE = re.compile(r"\b10\.0\.0\.(\d{1,3})\b")

README_DISK = "/dev/disk/by-id/shared-lun"
README_ETC = "/etc/hamr"
README_DEFAULTS = "/etc/default/hamrd"
README_SCRIPTS = {"/usr/local/bin/web-start": "app_start", "/usr/local/bin/web-stop": "app_stop"}

SHIM = r'''#!/usr/bin/python3
# test_readme: %(what)s to a lab node: HOST is root@nK or nK; /etc/hamr
# paths (already rewritten to the local node's directory) go to nK's.
import json, os, shutil, subprocess, sys
dirs = json.loads(os.environ["README_NODE_DIRS"])
local = os.environ["README_LOCAL_DIR"]
def node_of(host):
    host = host.split("@", 1)[-1]
    if host not in dirs:
        sys.exit("test_readme %(what)s: unknown host %%r (lab nodes: %%s)" %% (host, ", ".join(dirs)))
    return host
def remap(arg, node):
    return arg.replace(local, dirs[node])
args = sys.argv[1:]
if "%(what)s" == "ssh":
    node = node_of(args[0])
    cmd = [remap(a, node) for a in args[1:]]
    sys.exit(subprocess.run(cmd).returncode)
opts = [a for a in args if a.startswith("-")]
rest = [a for a in args if not a.startswith("-")]
if set(opts) - {"-p"} or len(rest) != 2 or ":" not in rest[1]:
    sys.exit("test_readme scp: only 'scp [-p] FILE HOST:PATH' is emulated, got %%r" %% (args,))
host, path = rest[1].split(":", 1)
node = node_of(host)
dst = remap(path, node)
(shutil.copy2 if "-p" in opts else shutil.copy)(rest[0], dst)
'''


def readme_blocks():
    with open(README) as f:
        text = f.read()
    using = text[text.index("## Using it"):]
    using = using[:using.index("\n## ", 1)]
    blocks = {m.group(1): m.group(2) for m in BLOCK_RE.finditer(using)}
    for name in ("key", "daemon", "configure", "run"):
        assert name in blocks, f"README 'Using it' has no marked block {name!r}: {list(blocks)}"
    return blocks


def logical_lines(block):
    """Commands of a block: backslash continuations joined, comments and
    blank lines dropped."""
    out, cur = [], ""
    for line in block.splitlines():
        if line.rstrip().endswith("\\"):
            cur += line.rstrip()[:-1] + " "
            continue
        cur += line
        if shlex.split(cur, comments=True):
            out.append(cur)
        cur = ""
    assert not cur.strip(), f"dangling continuation in README block: {cur!r}"
    return out


def lab_addr(m):
    return "198.18.0.%s" % m.group(1)


def clmgr_args(lab, line):
    words = shlex.split(line, comments=True)
    assert words[0] == "clmgr", f"README clmgr block: not a clmgr command: {line!r}"
    args = []
    for w in words[1:]:
        w = EXAMPLE_ADDR_RE.sub(lab_addr, w)
        w = w.replace(README_DISK, lab.disk_path("repo"))
        for path, attr in README_SCRIPTS.items():
            w = w.replace(path, getattr(lab, attr))
        args.append(w)
    return args


def check_addresses(lab, args):
    """The README's node addresses are the nodes' own (mapped to the lab):
    a wrong COMMPATH is tolerated by the cluster while the network path
    works, so it is checked here."""
    attrs = dict(a.split("=", 1) for a in args if "=" in a)
    if args[:2] == ["add", "node"]:
        assert attrs.get("COMMPATH") == lab.addr(args[2]), f"COMMPATH of {args[2]}: {args}"
    if args[:2] == ["add", "network"]:
        for pair in attrs.get("INTERFACES", "").split():
            n, _, a = pair.partition("=")
            assert a == lab.addr(n), f"INTERFACES address of {n}: {pair}"


def unit_argv(build_dir, env_file):
    """ExecStart of the shipped unit with $HAMRD_OPTS from env_file."""
    unit = os.path.join(build_dir, "contrib", "systemd", "hamrd.service")
    assert os.path.exists(unit), f"the build does not make the systemd unit {unit}"
    with open(unit) as f:
        lines = [ln.strip() for ln in f if "=" in ln and not ln.lstrip().startswith("#")]
    kv = {}
    for ln in lines:
        k, v = ln.split("=", 1)
        kv.setdefault(k, v)
    assert kv.get("EnvironmentFile", "").lstrip("-") == README_DEFAULTS, \
        f"the unit does not read {README_DEFAULTS}: {kv.get('EnvironmentFile')}"
    env = {}
    with open(env_file) as f:
        for ln in f:
            words = shlex.split(ln, comments=True)
            for w in words:
                k, _, v = w.partition("=")
                env[k] = v
    argv = []
    for w in shlex.split(kv["ExecStart"]):
        m = re.fullmatch(r"\$\{?(\w+)\}?", w)
        if m:
            argv += env.get(m.group(1), "").split()   # systemd splits $VAR at whitespace
        else:
            argv.append(w)
    assert os.path.basename(argv[0]) == "hamrd", f"ExecStart does not run hamrd: {argv}"
    return argv[1:]


def run_key_block(lab, block, tmp):
    """Run the key block on the host with /etc/hamr = n1's directory and the
    ssh/scp shims; every node's lab key is removed first."""
    dirs = {n: lab.node(n).dir for n in lab.node_names}
    for n in lab.node_names:
        os.unlink(lab.node(n).key)
    shims = os.path.join(tmp, "bin")
    os.makedirs(shims)
    for what in ("ssh", "scp"):
        path = os.path.join(shims, what)
        with open(path, "w") as f:
            f.write(SHIM % {"what": what})
        os.chmod(path, 0o755)
    script = block.replace(README_ETC, dirs["n1"])
    env = dict(os.environ, PATH=shims + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
               README_NODE_DIRS=json.dumps(dirs), README_LOCAL_DIR=dirs["n1"])
    r = subprocess.run(["/bin/sh", "-e", "-c", script], env=env, capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 0, f"README key block failed ({r.returncode}): {r.stderr}"
    keys = set()
    for n in lab.node_names:
        st = os.stat(lab.node(n).key)
        assert st.st_mode & 0o777 == 0o600, f"{n}: key mode {oct(st.st_mode & 0o777)}"
        with open(lab.node(n).key, "rb") as f:
            keys.add(f.read())
    assert len(keys) == 1 and len(next(iter(keys))) == 32, "the nodes' keys differ or are not 32 bytes"
    with open(lab.key, "rb") as f:
        assert next(iter(keys)) != f.read(), "the README's key is the lab's own"


def start_daemons(lab, block, tmp, build_dir):
    """The daemon block on every node, before any configuration."""
    started = set()
    for n in lab.node_names:
        nd = lab.node(n)
        defaults = os.path.join(tmp, n + ".default-hamrd")
        for line in logical_lines(block):
            words = shlex.split(line, comments=True)
            if words[0] == "echo" and README_DEFAULTS in line:
                r = subprocess.run(["/bin/sh", "-e", "-c", line.replace(README_DEFAULTS, defaults)],
                                   capture_output=True, text=True, timeout=10)
                assert r.returncode == 0, f"{line!r}: {r.stderr}"
            elif words == ["systemctl", "daemon-reload"]:
                pass
            elif words in (["systemctl", "enable", "--now", "hamrd"],
                           ["systemctl", "start", "hamrd"]):
                args = [a.replace(README_DISK, lab.disk_path("repo"))
                        for a in unit_argv(build_dir, defaults)]
                assert lab.disk_path("repo") in args, f"hamrd is not given the shared disk: {args}"
                args += ["--key", nd.key, "--socket", nd.sock, "--state-dir", nd.state_dir,
                         "--watchdog", nd.watchdog]
                lab.start_daemon_argv(n, args)
                started.add(n)
            else:
                pytest.fail(f"README daemon block: the test does not know how to run {line!r}")
    assert started == set(lab.node_names), "the daemon block starts no hamrd"


def node_state(lab, name):
    st = lab.status("n1")
    for nd in st.get("nodes", []):
        if nd.get("NAME") == name:
            return nd
    return {}


def members(lab):
    """Members clmgr status (text, on n1) shows in its first line with
    "Quorum: yes", as the README tells the reader to check."""
    r = lab.clmgr("n1", "status", check=False, timeout=15)
    m = re.search(r"Members: (.*?)  Quorum: yes$", r.stdout, re.M)
    return set(m.group(1).split()) if m else set()


def served_by(lab, timeout=15):
    """Node named by the web app behind the service address."""
    def who():
        body = lab.client_get()
        m = re.search(r"on node (\S+)", body or "")
        return m.group(1) if m else None
    return lab.wait_for(who, timeout, interval=0.1, what="the service address answering")


def check_after(lab, args, out):
    """What the README promises after each command of the run block."""
    verb = [a for a in args if not a.startswith("-")][:3]
    if verb[:2] == ["start", "cluster"]:
        lab.wait_group_online("web_rg", "n1", timeout=60)   # home node (STARTUP=OHN)
        assert served_by(lab) == "n1"
    elif verb[:1] == ["status"]:
        assert "web_rg" in out
    elif verb[:2] == ["move", "resource_group"]:
        to = [a.split("=", 1)[1] for a in args if a.upper().startswith("NODE=")][0]
        assert lab.owner_of(verb[2]) == to
        lab.wait_for(lambda: served_by(lab) == to, 15, what=f"web app served from {to}")
    elif verb[:2] == ["query", "resource_group"]:
        assert json.loads(out)
    elif verb[:2] == ["why", "resource_group"]:
        # after the move: the group's target and the move as its reason
        owner = lab.owner_of(verb[2])
        assert f"Resource group {verb[2]}: target node {owner}" in out, out
        assert "priority override location" in out, out
    elif verb[:1] == ["simulate"]:
        assert "(nothing is changed)" in out and "would" in out, out
    elif verb[:2] == ["stop", "node"]:
        stopped = verb[2]
        owner = lab.wait_group_online("web_rg", timeout=60)
        assert owner != stopped, f"web_rg still on {stopped} after it stopped"
        lab.wait_for(lambda: served_by(lab) == owner, 15, what=f"web app served from {owner}")
        nd = node_state(lab, stopped)
        assert nd.get("REACHABLE") and nd.get("STATE") != "ONLINE", nd   # daemon up, services stopped
    elif verb[:2] == ["start", "node"]:
        lab.wait_for(lambda: node_state(lab, verb[2]).get("STATE") == "ONLINE", 30,
                     what=f"{verb[2]} services online")
        lab.wait_group_online("web_rg", timeout=60)
    elif verb[:2] == ["stop", "cluster"]:
        lab.wait_for(lambda: lab.owner_of("web_rg") is None, 30, what="web_rg offline")
        lab.wait_for(lambda: not any(lab.node_has_ip(n, lab.service_ip) for n in lab.node_names),
                     15, what="the service address gone from every node")
        assert lab.client_get() is None
        assert all(lab.daemon_running(n) for n in lab.node_names), "a daemon stopped"
    else:
        pytest.fail(f"README run block: no expected outcome known for clmgr {' '.join(args)}")
    return tuple(verb[:2])


def test_readme_using_it(build_dir):
    """Key, daemons, configuration, start, move, stop: as the README says."""
    require_root()
    blocks = readme_blocks()
    lab = hamrlab.Lab(nodes=3, build_dir=build_dir, profile="default")
    try:
        lab.setup()
        for i, n in enumerate(lab.node_names, 1):      # the README's addresses map to the lab's
            assert lab.addr(n) == "198.18.0.%d" % (10 + i)
        assert lab.service_ip == "198.18.0.50"
        # no daemon yet: clmgr's error points at what exists
        r = lab.clmgr("n1", "status", check=False)
        assert r.returncode == 1
        for hint in ("systemctl start hamrd", "contrib/systemd/hamrd.service",
                     "hamrd --repository", "HAMR_SOCKET"):
            assert hint in r.stderr, f"no-daemon error lacks {hint!r}: {r.stderr}"
        with tempfile.TemporaryDirectory(prefix="test_readme.") as tmp:
            run_key_block(lab, blocks["key"], tmp)
            start_daemons(lab, blocks["daemon"], tmp, build_dir)
        # README: a REPOSITORY other than hamrd's --repository is refused,
        # naming both paths and the fix; nothing is formatted or staged
        other = os.path.join(lab.run_dir, "other-disk")
        r = lab.clmgr("n1", "add", "cluster", "prod", "REPOSITORY=" + other, check=False)
        assert r.returncode == 4, (r.returncode, r.stderr)
        for part in (other, lab.disk_path("repo"), "REPOSITORY", "--repository " + other):
            assert part in r.stderr, f"REPOSITORY error lacks {part!r}: {r.stderr}"
        assert not os.path.exists(other)
        configured = []
        for line in logical_lines(blocks["configure"]):
            args = clmgr_args(lab, line)
            check_addresses(lab, args)
            lab.clmgr("n1", *args, timeout=60)
            configured.append(tuple(args[:2]))
        assert ("add", "cluster") in configured and ("sync", "cluster") in configured
        # README: clmgr start cluster right after the sync (clmgr waits for
        # the nodes that are still reading the new configuration and joining)
        done = set()
        with S1Sampler(lab):
            for line in logical_lines(blocks["run"]):
                args = clmgr_args(lab, line)
                r = lab.clmgr("n1", *args, timeout=150)
                done.add(check_after(lab, args, r.stdout))
        for want in (("start", "cluster"), ("move", "resource_group"), ("stop", "node"),
                     ("stop", "cluster")):
            assert want in done, f"README run block lacks clmgr {' '.join(want)}"
        check_sanitizer_reports(lab)
    finally:
        keep = os.environ.get("HAMR_KEEP_LOGS")
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
