#!/bin/sh
# Creates a FAKE rootfs overlay (same layout as the Maven build's target/overlay/) for testing the
# image before the real my_init/setuser exist:  scripts/fake-overlay.sh [DIR]
# (default jlink-image/target/fake-overlay). my_init here is a few lines of sh: it runs
# runsvdir (or a one-shot command) and stops runit on SIGTERM; setuser uses runit's chpst.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$here/target/fake-overlay}
rm -rf "$dir"
mkdir -p "$dir/sbin" "$dir/usr/lib/baseimage-java" "$dir/etc/container_environment"

cat > "$dir/sbin/my_init" <<'SH'
#!/bin/sh
# FAKE my_init (test overlay): not the real thing.
case "${1:-}" in --version) echo "my_init FAKE"; exit 0 ;; esac
[ "${1:-}" = -- ] && shift
for f in /etc/container_environment/*; do
    [ -f "$f" ] && export "$(basename "$f")=$(cat "$f")"
done
/usr/bin/runsvdir -P /etc/service &
runit=$!
stop() {
    kill -HUP "$runit" 2>/dev/null   # runsvdir: TERM to every runsv, which stop their services
    wait "$runit"
    exit "${1:-0}"
}
trap 'stop 143' TERM INT
if [ $# -gt 0 ]; then
    "$@"
    stop $?
fi
while :; do wait "$runit"; kill -0 "$runit" 2>/dev/null || exit 0; done
SH

cat > "$dir/sbin/setuser" <<'SH'
#!/bin/sh
# FAKE setuser (test overlay): runit's chpst with HOME set.
case "${1:-}" in --version) echo "setuser FAKE"; exit 0 ;; esac
user=$1; shift
HOME=$(getent passwd "$user" | cut -d: -f6) exec chpst -u "$user" "$@"
SH
chmod 0755 "$dir/sbin/my_init" "$dir/sbin/setuser"
echo "FAKE runtime" > "$dir/usr/lib/baseimage-java/README"

printf '%s' /root > "$dir/etc/container_environment/HOME"
printf '%s' en_US.UTF-8 > "$dir/etc/container_environment/LANG"
printf '%s' en_US.UTF-8 > "$dir/etc/container_environment/LC_CTYPE"
printf '%s' xterm > "$dir/etc/container_environment/TERM"
printf '%s' '[\u@\h] \w \$ ' > "$dir/etc/container_environment/PS1"
chmod 0700 "$dir/etc/container_environment"
echo "fake overlay: $dir"
