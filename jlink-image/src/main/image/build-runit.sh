#!/bin/sh
# Builds runit from source into $1 (a directory of binaries for /usr/bin) where the distribution
# has no runit package (Amazon Linux). On apt-based bases it leaves $1 empty: runit comes from apt.
# Env (from the Containerfile's ARGs): RUNIT_FROM_SOURCE (auto|yes|no), RUNIT_VERSION,
# RUNIT_URL, RUNIT_SHA256.
set -eu
out=$1
mkdir -p "$out"

case "${RUNIT_FROM_SOURCE:-auto}" in
    yes|1|true) ;;
    no|0|false) echo "runit: RUNIT_FROM_SOURCE=no, not building"; exit 0 ;;
    *) if command -v apt-get >/dev/null 2>&1; then
           echo "runit: apt-based base, runit comes from the distribution package"
           exit 0
       fi ;;
esac

if command -v dnf >/dev/null 2>&1; then
    dnf install -y --setopt=install_weak_deps=False gcc make tar gzip findutils sed
elif command -v yum >/dev/null 2>&1; then
    yum install -y gcc make tar gzip findutils
elif command -v apt-get >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev make curl ca-certificates
fi

work=$(mktemp -d)
cd "$work"
echo "runit: downloading $RUNIT_URL"
curl -fsSL --retry 3 -o runit.tar.gz "$RUNIT_URL"
echo "$RUNIT_SHA256  runit.tar.gz" | sha256sum -c -
tar -xzf runit.tar.gz
cd "admin/runit-$RUNIT_VERSION/src"
# Newer compilers turn runit's old-style C into errors; keep them warnings.
echo "gcc -O2 -Wall -Wno-error=implicit-function-declaration -Wno-error=implicit-int -Wno-error=incompatible-pointer-types -Wno-error=int-conversion" > conf-cc
# runit/runit-init (the PID-1 init) link statically, which would need glibc-static; they are not
# installed (/sbin/my_init is this image's init), so link them dynamically and build everything
# with upstream's default target. The build runs a probe that calls setgroups(), which works
# because image builds run as root.
sed -i 's/ -static//g' Makefile
make
for t in chpst runsv runsvchdir runsvdir sv svlogd utmpset; do
    install -m 0755 "$t" "$out/$t"
done
strip "$out"/* 2>/dev/null || true
cd /
rm -rf "$work"
ls -l "$out"
