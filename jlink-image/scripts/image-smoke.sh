#!/bin/bash
# Smoke test of a built baseimage with podman or docker:  scripts/image-smoke.sh [--quick] [--full] IMAGE
# Prints one PASS/FAIL line per check and exits 1 if any failed.
#   --quick  skip the cron-job check (it waits for the next minute, up to ~70 s)
#   --full   also run the README examples that need the REAL my_init/setuser (env import,
#            dumps, one-shot command, startup script, setuser service). ImageIT (mvn verify)
#            covers these in detail; this script is for images built elsewhere (docker, AL2023)
#            and for the cron-job check, which waits up to 75 s.
# Env: CONTAINER_TOOL (default docker if its engine answers, else podman: scripts/lib.sh).
set -u
. "$(dirname "$0")/lib.sh"

quick= full=
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --full) full=1 ;;
        -*) echo "usage: $0 [--quick] [--full] IMAGE" >&2; exit 2 ;;
        *) break ;;
    esac
    shift
done
image=${1:?usage: $0 [--quick] [--full] IMAGE}
tool=$(container_tool) || exit 1
name=baseimage-smoke-$$
failures=0

pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; failures=$((failures + 1)); }
# check NAME EXPECTED-REGEX ACTUAL
check() {
    if [[ $3 =~ $2 ]]; then pass "$1"; else fail "$1"; printf '      expected /%s/, got:\n%s\n' "$2" "$3" | sed 's/^/      /'; fi
}
x() { "$tool" exec "$name" "$@" 2>&1; }
cleanup() {
    if [ "$failures" != 0 ]; then
        echo "---- container state and log (for the failures above)"
        "$tool" inspect --format '{{.State.Status}} exit={{.State.ExitCode}}' "$name" 2>&1 | sed 's/^/      /'
        "$tool" logs "$name" 2>&1 | tail -20 | sed 's/^/      /'
    fi
    "$tool" rm -f -t 0 "$name" >/dev/null 2>&1 || "$tool" rm -f "$name" >/dev/null 2>&1; }
trap cleanup EXIT

# ---------------------------------------------------------------- static checks (no my_init)
label=$("$tool" image inspect --format '{{index .Config.Labels "version"}}' "$image" 2>&1)
check "label version is YYYY.MM-NNN ($label)" '^[0-9]{4}\.[0-9]{2}-[0-9]{3}$' "$label"
cmd=$("$tool" image inspect --format '{{json .Config.Cmd}}' "$image" 2>&1)
check "CMD is /sbin/my_init" '^\["/sbin/my_init"\]$' "$cmd"

# ---------------------------------------------------------------- running container
if ! "$tool" run -d --name "$name" "$image" >/dev/null; then
    fail "container starts"; exit 1
fi
# Wait for both services to be up (runsv status: "run: ...").
for _ in $(seq 50); do
    st=$(x sv status /etc/service/rsyslog /etc/service/cron)
    [[ $st == *"run: /etc/service/rsyslog"*"run: /etc/service/cron"* || $st == *"run: /etc/service/cron"*"run: /etc/service/rsyslog"* ]] && break
    sleep 0.2
done
check "services up (sv status)" 'run: /etc/service/(cron|rsyslog).*run: /etc/service/(cron|rsyslog)' "$(echo $st)"

if [ -z "$quick" ]; then
    # Runs at the next minute boundary; checked at the end. Proves cron's PAM works in a container.
    x sh -c 'echo "* * * * * root echo cron-ok > /tmp/cron-smoke" > /etc/cron.d/smoke; chmod 0644 /etc/cron.d/smoke' >/dev/null
    cron_started=$(date +%s)
fi

sleep 1  # let the daemons settle before looking at the tree
tree=$(x /usr/bin/pstree)
check "pstree: PID 1 is my_init with runsvdir under it" '^my_init-(--|[+]-)runsvdir' "$tree"
check "pstree: runsvdir-+-runsv---..." 'runsvdir-[+]-runsv---(rsyslogd|crond?)' "$tree"
check "pstree: runsv---rsyslogd" 'runsv---rsyslogd' "$tree"
check "pstree: runsv---cron(d)" 'runsv---crond?' "$tree"

tag="smoke$RANDOM$RANDOM"
x logger -t baseimage-smoke "$tag" >/dev/null
for _ in $(seq 25); do
    logged=$(x sh -c "grep -h '$tag' /var/log/syslog /var/log/messages 2>/dev/null")
    [ -n "$logged" ] && break
    sleep 0.2
done
check "logger message lands in /var/log/syslog or /var/log/messages" "baseimage-smoke.*$tag" "$logged"

# logrotate, then rsyslog must write to the new file (postrotate: sv hup rsyslog).
x logrotate -f /etc/logrotate.conf >/dev/null
tag2="rotated$RANDOM$RANDOM"
x logger -t baseimage-smoke "$tag2" >/dev/null
for _ in $(seq 25); do
    logged=$(x sh -c "grep -h '$tag2' /var/log/syslog /var/log/messages 2>/dev/null")
    [ -n "$logged" ] && break
    sleep 0.2
done
check "after logrotate -f, rsyslog writes to the new log file" "$tag2" "$logged"
check "logrotate runs daily from cron" '^ok$' "$(x sh -c 'test -x /etc/cron.daily/logrotate && echo ok')"

check "id ll-user" '^uid=500\(ll-user\) gid=500\(ll-user\) groups=500\(ll-user\)$' "$(x id ll-user)"
check "ll-user home" '^/home/ll-user 500 500$' "$(x sh -c 'h=$(getent passwd ll-user | cut -d: -f6); echo $h $(stat -c "%u %g" $h)')"
check "getent group docker_env" '^docker_env:x:8377:' "$(x getent group docker_env)"
check "/etc/container_environment 0750 root:docker_env" '^750 root docker_env directory$' \
    "$(x stat -c '%a %U %G %F' /etc/container_environment)"
check "/etc/container_environment.sh 0640 root:docker_env" '^640 root docker_env' \
    "$(x stat -c '%a %U %G' /etc/container_environment.sh)"
check "/etc/container_environment.json 0640 root:docker_env" '^640 root docker_env' \
    "$(x stat -c '%a %U %G' /etc/container_environment.json)"
defaults=$(x sh -c 'cd /etc/container_environment && for f in HOME LANG LC_CTYPE TERM PS1; do printf "%s=%s|" $f "$(cat $f)"; done')
check "env defaults" '^HOME=/root\|LANG=en_US.UTF-8\|LC_CTYPE=en_US.UTF-8\|TERM=xterm\|PS1=\[\\u@\\h\] \\w \\\$ \|$' "$defaults"
check "/sbin/my_init and /sbin/setuser executable" '^ok$' "$(x sh -c 'test -x /sbin/my_init && test -x /sbin/setuser && echo ok')"
check "/etc/service is a real directory; my_init dirs exist" '^ok$' \
    "$(x sh -c 'test ! -L /etc/service && test -d /etc/service && test -d /etc/my_init.d && test -d /etc/my_init.pre_shutdown.d && test -d /etc/my_init.post_shutdown.d && echo ok')"
check "services exec their daemon (run scripts)" '^ok$' \
    "$(x sh -c 'grep -q "^exec rsyslogd -n" /etc/service/rsyslog/run && grep -q "^exec /usr/sbin/cron" /etc/service/cron/run && echo ok')"
check "login shell as ll-user: no error from profile.d" '^ll-user$' \
    "$(x su -s /bin/bash -l ll-user -c 'id -un' 2>&1)"
check "login shell as root sources profile.d hook" '^ok$' \
    "$(x bash -lc 'type -t true >/dev/null && grep -q container_environment.sh /etc/profile.d/container_environment.sh && echo ok' 2>&1)"
check "en_US.UTF-8 locale available" '^ok$' "$(x sh -c 'LC_ALL=en_US.UTF-8 locale 2>&1 | grep -q "Cannot set" || echo ok')"
check "no package caches" '^ok$' \
    "$(x sh -c 'n=$(ls /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial | wc -l); m=$(ls /var/cache/dnf 2>/dev/null | wc -l); [ $n = 0 ] && [ $m = 0 ] && echo ok')"

if [ -z "$quick" ]; then
    wait_until=$((cron_started + 75))
    while [ "$(date +%s)" -lt $wait_until ]; do
        [ "$(x cat /tmp/cron-smoke 2>/dev/null)" = cron-ok ] && break
        sleep 2
    done
    check "cron runs an /etc/cron.d job (PAM ok in a container)" '^cron-ok$' "$(x cat /tmp/cron-smoke)"
fi

# ---------------------------------------------------------------- README examples needing the real my_init
if [ -n "$full" ]; then
    out=$("$tool" run --rm -e FOO=bar -e HELLO='my beautiful world' "$image" /sbin/my_init -- /bin/bash -lc 'echo "$FOO|$HELLO"' 2>&1)
    check "README: --env reaches bash -l" 'bar\|my beautiful world' "$out"
    out=$("$tool" run --rm "$image" /sbin/my_init -- /bin/sh -c 'exit 3' 2>&1); rc=$?
    check "README: one-shot prints *** lines and propagates status ($rc)" '\*\*\* Running /bin/sh' "$out"
    [ "$rc" = 3 ] && pass "one-shot exit status 3" || fail "one-shot exit status 3 (got $rc)"
    out=$("$tool" run --rm -e FOO=bar "$image" /sbin/my_init -- /bin/sh -c 'cat /etc/container_environment/FOO; echo; ls -l /etc/container_environment.sh /etc/container_environment.json; cat /etc/container_environment.json' 2>&1)
    check "README: dumps written, 0640 root docker_env" 'bar.*-rw-r----- 1 root docker_env.*-rw-r----- 1 root docker_env.*"FOO": ?"bar"' "$(echo $out)"
    out=$("$tool" run --rm "$image" sh -c 'mkdir -p /etc/my_init.d && printf "#!/bin/sh\ndate > /tmp/boottime.txt\n" > /etc/my_init.d/logtime.sh && chmod +x /etc/my_init.d/logtime.sh && echo Apachai Hopachai > /etc/container_environment/MY_NAME && exec /sbin/my_init -- /bin/bash -lc "cat /tmp/boottime.txt >/dev/null && echo \$MY_NAME"' 2>&1)
    check "README: startup script runs; MY_NAME from env dir" 'Apachai Hopachai' "$out"
    out=$("$tool" run --rm "$image" sh -c 'mkdir -p /etc/service/sleeper && printf "#!/bin/sh\nexec /sbin/setuser ll-user sleep 1000\n" > /etc/service/sleeper/run && chmod +x /etc/service/sleeper/run && exec /sbin/my_init -- sh -c "sleep 3; ps -o user=,comm= -C sleep; pkill -x sleep; sleep 3; ps -o user=,comm= -C sleep"' 2>&1)
    check "README: setuser service runs as ll-user and restarts when killed" 'll-user +sleep.*ll-user +sleep' "$(echo $out)"
fi

# ---------------------------------------------------------------- stop
start=$(date +%s%N)
"$tool" stop -t 10 "$name" >/dev/null 2>&1
ms=$(( ($(date +%s%N) - start) / 1000000 ))
status=$("$tool" inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$name" 2>&1)
if [ $ms -lt 5000 ]; then pass "$tool stop in ${ms} ms ($status)"; else fail "$tool stop took ${ms} ms (timeout 10 s: TERM not handled?) ($status)"; fi

echo "---- $failures failure(s) ($image)"
[ $failures = 0 ]
