#!/bin/sh
# A start script that fails, for the ERROR tests: says why, exits 3.
echo "fail_start: cannot start: license server unreachable (lab test)" >&2
exit 3
