#!/bin/sh
# Builds a Debian 12 (bookworm) base image for testing the baseimage Containerfile on machines
# where Amazon Linux 2023 cannot be pulled. The image mimics the official debian:bookworm image
# (minbase variant, deb.debian.org + updates + security) and has a PATH in its config.
#
#   jlink-image/scripts/debian-base.sh            # skips if the image already exists
#   FORCE=1 jlink-image/scripts/debian-base.sh    # rebuild
#
# The root file system is kept in target/: a second engine (podman, then docker) imports the same
# tar instead of bootstrapping Debian again.
#
# Env: DEBIAN_BASE_IMAGE (default localhost/baseimage-debian-base:bookworm),
#      DEBIAN_MIRROR (default http://deb.debian.org/debian), DEBIAN_SUITE (default bookworm),
#      CONTAINER_TOOL (default docker if its engine answers, else podman: scripts/lib.sh).
# Needs root (mmdebstrap in root mode) and mmdebstrap + podman or docker (see .ci/podman-setup.sh).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)          # jlink-image/
. "$here/scripts/lib.sh"
image=${DEBIAN_BASE_IMAGE:-localhost/baseimage-debian-base:bookworm}
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
tool=$(container_tool) || exit 1
out="$here/target/debian-$suite-minbase.tar"

if [ -z "${FORCE:-}" ] && "$tool" image inspect "$image" >/dev/null 2>&1; then
    echo "debian-base: $image already exists (FORCE=1 to rebuild)"
    exit 0
fi

# Same sources as the official image. The merged-usr hook makes /bin, /sbin, /lib symlinks into /usr
# like the official image, without installing the usrmerge package (which drags in ~60 MB of perl).
# PATH is not set by mmdebstrap; the image gets it via --change. Only a whole tar is ever reused.
bootstrap() {
    command -v mmdebstrap >/dev/null || { echo "debian-base: mmdebstrap not found (apt-get install mmdebstrap)" >&2; exit 1; }
    mkdir -p "$here/target"
    partial=${out%.tar}.partial.tar
    printf '%s\n' \
        "deb $mirror $suite main" \
        "deb $mirror $suite-updates main" \
        "deb $security $suite-security main" |
    mmdebstrap --variant=minbase \
        --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
        --customize-hook='rm -f "$1"/etc/hostname "$1"/etc/resolv.conf' \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
        "$suite" "$partial" - &&
    mv "$partial" "$out"
}
if [ -n "${FORCE:-}" ] || [ ! -s "$out" ]; then
    bootstrap
fi

"$tool" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    "$out" "$image"
echo "debian-base: built $image from $out ($(du -h "$out" | cut -f1))"
