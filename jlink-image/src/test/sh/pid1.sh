#!/bin/bash
# Runs a command as PID 1 of a new pid namespace, chrooted into LOWER (read-only, shared by all
# tests) with UPPER over it (this test's changes, readable afterwards), all in a private mount
# namespace that vanishes with the command. The environment passes through unchanged.
#
#   pid1.sh LOWER UPPER WORK -- COMMAND [ARG...]
#
# With PID1_READ_ONLY=yes in the environment the root is remounted read-only before the command
# starts, as `docker run --read-only` does (no writable /tmp either); the variable itself does not
# reach the command. PID1_READ_ONLY=/some/dir makes that directory of the root read-only instead
# (a ConfigMap mounted there, say).
set -euo pipefail
. "$(dirname "$0")/../../../scripts/lib.sh"
lower=$1 upper=$2 work=$3
shift 4
if [ "${PID1_IN_NAMESPACE:-}" != yes ]; then
  PID1_IN_NAMESPACE=yes exec unshare --mount --propagation private -- "$0" "$lower" "$upper" "$work" -- "$@"
fi
unset PID1_IN_NAMESPACE
read_only=${PID1_READ_ONLY:-no}
unset PID1_READ_ONLY
root=$work/root
mkdir -p "$root" "$work/work"
mount_root "$lower" "$upper" "$work/work" "$root"
if [ "$read_only" = yes ]; then
  mount -o remount,ro "$root"
elif [ "$read_only" != no ]; then
  mount --bind "$root$read_only" "$root$read_only"
  mount -o remount,bind,ro "$root$read_only"
fi
# bash added _, SHLVL and PWD to the environment: take them out again. Start the command with
# default signal dispositions, as a container runtime does: the test JVM starts this script
# through posix_spawn, which leaves glibc's signal 32 ignored, and exec would pass that on.
exec unshare --pid --fork --root="$root" --mount-proc -- /usr/bin/env --default-signal -u _ -u SHLVL -u PWD "$@"
