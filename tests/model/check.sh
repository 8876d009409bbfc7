#!/usr/bin/env bash
# Check the membership/takeover model with spin: S1 and the view-id bound
# (safety run), then liveness (LTL "live", weak fairness); then the timed
# fencing model hamr_fence.pml (S1 must verify in its CI configurations, and
# its negative configurations must show a violation). Exit 1 on any error,
# on an incomplete search or on a negative configuration without violation. Usage: tests/model/check.sh [extra spin -D flags]
# (extra flags, e.g. -DHANG, are for experiments: see README.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
model=hamr_memb.pml
depth=20000          # the model's deepest path is under 400 steps

command -v spin >/dev/null || { echo "spin: not installed" >&2; exit 1; }
command -v gcc >/dev/null || { echo "spin: gcc not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/$model" "$tmp/"
cd "$tmp"

spin -a "$@" "$model" >spin.out 2>&1 || { cat spin.out >&2; exit 1; }
# Liveness runs on the default model (= the C code, with the fix of finding 8).
mkdir live && cp "$model" live/ && (cd live && spin -a "$@" "$model" >spin.out 2>&1) ||
        { cat live/spin.out >&2; exit 1; }

fail=0

# $1 = name, $2 = pan output file; prints a summary line, sets fail.
verdict() {
        local name=$1 out=$2 states depthr secs
        states=$(awk '/states, stored/ {print $1; exit}' "$out")
        depthr=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$out" | head -n1)
        secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\).*/\1/p' "$out" | head -n1)
        if grep -q 'errors: 0$' "$out" &&
           ! grep -qE 'max search depth too small|Search not completed|out of memory|VECTORSZ' "$out"; then
                echo "spin: $name verified: ${states:-?} states, depth ${depthr:-?}, ${secs:-?} s"
        else
                echo "spin: $name FAILED" >&2
                grep -E 'assertion violated|acceptance cycle|errors:|max search depth|Search not completed|out of memory|VECTORSZ' "$out" >&2 || true
                fail=1
        fi
}

# Safety: S1 (monitor assertion) and VB (view ids stay within MAXV).
gcc -O2 -w -DSAFETY -DNOCLAIM -DVECTORSZ=1024 -o pan_safety pan.c
./pan_safety -m"$depth" -w24 >safety.out 2>&1 || true
verdict "S1 + view-id bound (safety)" safety.out

# Liveness: [] ((quiet && majority up) -> <> some quorate node ONLINE),
# under weak fairness. NFAIR must cover the model's 21 processes.
gcc -O2 -w -DNFAIR=8 -DVECTORSZ=1024 -o pan_live live/pan.c
./pan_live -a -f -m"$depth" -w24 -N live >live.out 2>&1 || true
verdict "live (LTL, weak fairness)" live.out

# Fencing rule (hamr_fence.pml, timed): fixed configurations, independent of
# the extra flags above. $1 = expect (verify | violate), $2 = name, rest = -D flags.
fence() {
        local expect=$1 name=$2 out
        shift 2
        out="fence$(echo "$*" | tr -c 'A-Za-z0-9' _).out"
        mkdir -p fence && cp "$here/hamr_fence.pml" fence/
        if ! (cd fence && spin -a "$@" hamr_fence.pml >spin.out 2>&1 &&
              gcc -O2 -w -DSAFETY -DNOCLAIM -o pan pan.c >>spin.out 2>&1); then
                cat fence/spin.out >&2
                fail=1
                return
        fi
        (cd fence && ./pan -m"$depth" -w24 >"../$out" 2>&1) || true
        if [ "$expect" = verify ]; then
                verdict "fence: $name" "$out"
        elif grep -q 'assertion violated' "$out"; then
                echo "spin: fence: $name: violation found, as it must ($(grep -m1 'assertion violated' "$out" | sed 's/^pan:[0-9]*: //'))"
        else
                echo "spin: fence: $name: NO violation found, but one must be" >&2
                grep -E 'errors:|states, stored|Search not completed|out of memory' "$out" >&2 || true
                fail=1
        fi
}
fence verify  "S1, N = 3"                                   # CI: must verify
fence verify  "S1, N = 2 + lease"                 -DN2
fence verify  "D < W + M: S1, and nobody ever acquires" -DBADTIMING -DREACHHOLD
fence violate "takeover reachable (sanity)"       -DREACH
fence violate "takeover reachable (sanity), N = 2" -DN2 -DREACH
fence violate "holder ignores its deadline"       -DNOFENCE
fence violate "holder ignores its deadline, N = 2" -DN2 -DNOFENCE

if [ "$fail" -ne 0 ]; then
        echo "spin: model check failed; reproduce with: cd tests/model && spin -a $* $model && gcc -DSAFETY -DNOCLAIM -o pan pan.c && ./pan && spin -t $model | grep MSC" >&2
        echo "spin: (fence lines: the same with hamr_fence.pml and the -D flags of the failing line)" >&2
        exit 1
fi
