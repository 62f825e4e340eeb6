#!/bin/sh
# Sets up podman as the container engine on a fresh Debian 12 machine (run as root). Idempotent.
#
#   sudo .ci/podman-setup.sh            # install packages + write the containers.conf drop-in
#   sudo .ci/podman-setup.sh --check    # also run a throw-away container to prove it works
#
# Why a config is needed (jlink-image/IMAGE-NOTES.md, "Decisions / surprises"): on kernels/VMs with
# cgroups in hybrid (v1) mode, crun fails, and podman's default RLIMIT_NOFILE/NPROC can't be set.
# The drop-in selects runc and sets default ulimits. podman >= 4.x reads
# /etc/containers/containers.conf.d/*.conf automatically; nothing needs to be exported.
# If you prefer not to touch /etc/containers, set CONF=/some/file and then
#   export CONTAINERS_CONF=/some/file
# (CONTAINERS_CONF replaces every other containers.conf, which is fine for this content).
set -eu

CONF=${CONF:-/etc/containers/containers.conf.d/50-baseimage-java.conf}
# iptables: netavark, podman's network stack, needs it for every bridged container and every
# RUN step of a build ("netavark: No such file or directory" without it); nothing else pulls it in.
PACKAGES="podman runc catatonit uidmap mmdebstrap fuse-overlayfs slirp4netns netavark aardvark-dns iptables buildah"

if [ "$(id -u)" != 0 ]; then
    echo "podman-setup: must run as root" >&2
    exit 1
fi

missing=
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "podman-setup: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # Naming runc explicitly makes apt satisfy podman's "crun | runc" with runc (crun fails on cgroup v1 hybrid).
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
else
    echo "podman-setup: packages already installed"
fi

content='# Written by .ci/podman-setup.sh (baseimage-amzn in Java). crun fails on cgroups hybrid mode;
# the default RLIMIT_NOFILE/NPROC of the host cannot be applied inside containers here.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"'

mkdir -p "$(dirname "$CONF")"
if [ -f "$CONF" ] && [ "$(cat "$CONF")" = "$content" ]; then
    echo "podman-setup: $CONF up to date"
else
    printf '%s\n' "$content" > "$CONF.tmp" && mv "$CONF.tmp" "$CONF"
    echo "podman-setup: wrote $CONF"
fi

case "$CONF" in
    /etc/containers/containers.conf.d/*) echo "podman-setup: podman picks up $CONF by itself" ;;
    *) echo "podman-setup: now run:  export CONTAINERS_CONF=$CONF" ;;
esac

if [ "${1:-}" = "--check" ]; then
    case "$CONF" in /etc/containers/containers.conf.d/*) ;; *) export CONTAINERS_CONF="$CONF" ;; esac
    podman info --format '{{.Host.OCIRuntime.Name}} cgroup{{.Host.CgroupsVersion}} {{.Host.CgroupManager}}'
    # Needs no registry: a scratch image holding a static busybox is overkill; use an imported host dir.
    if ! podman image exists localhost/podman-setup-check:latest; then
        tmp=$(mktemp -d)
        mkdir -p "$tmp/bin"
        cp /bin/sh "$tmp/bin/sh" 2>/dev/null || true
        # copy sh with its libraries (dash needs libc only)
        for lib in $(ldd /bin/sh | awk '/=>/ {print $3} /^\t\/lib/ {print $1}'); do
            mkdir -p "$tmp$(dirname "$lib")"; cp -L "$lib" "$tmp$lib"
        done
        tar -C "$tmp" -cf - . | podman import - localhost/podman-setup-check:latest >/dev/null
        rm -rf "$tmp"
    fi
    out=$(podman run --rm localhost/podman-setup-check:latest /bin/sh -c 'ulimit -n; echo ok')
    echo "podman-setup: container says: $(echo $out)"
    podman rmi localhost/podman-setup-check:latest >/dev/null
    [ "$(echo $out)" = "1024 ok" ] || { echo "podman-setup: CHECK FAILED" >&2; exit 1; }
    echo "podman-setup: CHECK OK"
fi
