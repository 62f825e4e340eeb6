#!/bin/sh
# Builds the plain Debian 12 root file system that the integration tests run my_init and setuser
# in, as PID 1 of a pid namespace (no container runtime): minbase plus runit, procps and psmisc.
#
#   jlink-image/scripts/it-rootfs.sh OUT.tar      # skips if OUT.tar exists
#
# Needs root and mmdebstrap.
set -eu
out=$1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ -s "$out" ] && { echo "it-rootfs: $out exists"; exit 0; }
command -v mmdebstrap >/dev/null || { echo "it-rootfs: mmdebstrap not found (apt-get install mmdebstrap)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
mmdebstrap --variant=minbase --format=tar --include=runit,procps,psmisc \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
    bookworm "$out.tmp" "$mirror"
mv "$out.tmp" "$out"
echo "it-rootfs: built $out ($(du -h "$out" | cut -f1))"
