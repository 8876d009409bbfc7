#!/usr/bin/env bash
# Check the membership/takeover model with spin: S1 and the view-id bound
# (safety run), then liveness (LTL "live", weak fairness). Exit 1 on any error
# or on an incomplete search. Usage: tests/model/check.sh [extra spin -D flags]
# (extra flags, e.g. -DHANG, are for experiments: see README.md).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
model=hamr_memb.pml
depth=20000          # the model's deepest path is under 300 steps

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
# under weak fairness. NFAIR must cover the model's 18 processes.
gcc -O2 -w -DNFAIR=6 -DVECTORSZ=1024 -o pan_live live/pan.c
./pan_live -a -f -m"$depth" -w24 -N live >live.out 2>&1 || true
verdict "live (LTL, weak fairness)" live.out

if [ "$fail" -ne 0 ]; then
        echo "spin: model check failed; reproduce with: cd tests/model && spin -a $* $model && gcc -DSAFETY -DNOCLAIM -o pan pan.c && ./pan && spin -t $model | grep MSC" >&2
        exit 1
fi
