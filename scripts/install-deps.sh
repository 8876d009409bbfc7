#!/usr/bin/env bash
# Installs the Debian packages hamr needs to build, test and run its lab,
# only those that are missing. Run as root.
set -euo pipefail
pkgs=(meson ninja-build pkg-config gcc clang libuv1-dev libsodium-dev libmnl-dev libinih-dev
      libjansson-dev libcmocka-dev python3 python3-pytest iproute2 nftables procps
      keepalived stress-ng spin curl util-linux fuse3 libfuse3-dev libblkid-dev e2fsprogs
      libxml2-dev resource-agents kmod redis-server
      postgresql python3-psycopg2)
missing=()
for p in "${pkgs[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
