#!/bin/bash
# Speed and footprint of my_init and setuser (docs/benchmarks.md), side by side with tini,
# dumb-init, a bare python3 start and (when given) a copy of phusion's Python my_init/setuser, in
# one run on one machine. Every init runs as PID 1 of a fresh pid namespace in one sandbox root:
# an overlayfs over the host root (or --base DIR) with the built overlay copied in. Prints a
# markdown table of medians and ratios and writes it, with the raw numbers and logs, to --out DIR.
#
#   jlink-image/scripts/benchmark.sh [--overlay DIR] [--phusion DIR] [--runs N] [--base DIR] [--out DIR]
#
#   --overlay DIR   the built rootfs overlay (default jlink-image/target/overlay; it is copied first,
#                   so a concurrent rebuild cannot change it mid-run)
#   --phusion DIR   a directory with phusion's my_init and setuser (Python); never downloaded or
#                   bundled by this script
#   --runs N        runs per measure (default 10; the slow measure 8 runs at most 2 times); medians
#                   are reported (and the worst run for 7 and 8)
#   --base DIR      lower layer of the sandbox root (default /, the host root); must have runit
#                   (/usr/bin/runsvdir, /usr/bin/sv), /usr/bin/python3, /usr/bin/tini, /usr/bin/dumb-init
#   --out DIR       where results go (default /tmp/baseimage-bench-DATE)
#
# Root only (mounts, pid namespaces). Needs unshare, gcc (static libc), hyperfine, runit, python3,
# tini, dumb-init: as root on Debian, missing ones are installed with apt-get. my_init never runs
# on the host itself: only inside the sandbox (it writes /etc/container_environment* and kills all
# processes of its pid namespace when it ends).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
repo=$(cd "$here/../.." && pwd)
overlay=$repo/jlink-image/target/overlay
phusion=
runs=10
base=/
out=/tmp/baseimage-bench-$(date +%Y%m%d-%H%M%S)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "benchmark: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case $1 in
        --overlay) overlay=$2; shift 2 ;;
        --phusion) phusion=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --base) base=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --inner) inner=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done
case $runs in ''|*[!0-9]*|0) die "--runs needs a positive number" ;; esac

PY=/usr/bin/python3   # the host's system python, for parsing results (not a pyenv shim)

# ---------------------------------------------------------------------------------------------
# Outside: checks, tools, then re-run ourselves in a private mount namespace (mounts vanish on exit).
if [ -z "${inner:-}" ]; then
    [ "$(id -u)" = 0 ] || die "run as root (needs mounts and pid namespaces)"
    [ -x "$overlay/sbin/my_init" ] && [ -x "$overlay/sbin/setuser" ] ||
        die "no built overlay at $overlay (./mvnw -B -o -pl jlink-image -am package -DskipTests)"
    if [ -n "$phusion" ]; then
        [ -f "$phusion/my_init" ] && [ -f "$phusion/setuser" ] || die "--phusion $phusion: needs my_init and setuser"
    fi
    missing=
    for t in /usr/bin/unshare:util-linux /usr/bin/gcc:gcc /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev \
             /usr/bin/hyperfine:hyperfine /usr/bin/python3:python3; do
        [ -e "${t%%:*}" ] || missing="$missing ${t##*:}"
    done
    if [ "$base" = / ]; then
        for t in /usr/bin/runsvdir:runit /usr/bin/tini:tini /usr/bin/dumb-init:dumb-init; do
            [ -e "${t%%:*}" ] || missing="$missing ${t##*:}"
        done
    else
        for f in usr/bin/runsvdir usr/bin/sv usr/bin/python3 usr/bin/tini usr/bin/dumb-init bin/sh; do
            [ -e "$base/$f" ] || die "--base $base lacks /$f (install runit python3 tini dumb-init there)"
        done
    fi
    if [ -n "$missing" ]; then
        command -v apt-get >/dev/null || die "missing:$missing — install them"
        echo "benchmark: installing:$missing" >&2
        apt-get install -y --no-install-recommends $missing >&2 ||
            { apt-get update >&2 && apt-get install -y --no-install-recommends $missing >&2; } ||
            die "could not install:$missing"
    fi
    mkdir -p "$out"
    private=$(mktemp -d /tmp/bench-overlay.XXXXXX)
    trap 'rm -rf "$private"' EXIT
    # A private copy: other builds may rewrite target/overlay while we measure.
    cp -a "$overlay/." "$private/"
    set +e
    args=(--inner --overlay "$private" --runs "$runs" --base "$base" --out "$out")
    [ -n "$phusion" ] && args+=(--phusion "$(cd "$phusion" && pwd)")
    unshare --mount --propagation private -- "$0" "${args[@]}"
    exit $?
fi

# ---------------------------------------------------------------------------------------------
# Inside the private mount namespace: one sandbox root for every measure.
# On disk, not in /dev/shm: the runtime is copied into the sandbox's upper layer, and a container's
# image layers are on disk too. Pages of a tmpfs file cannot be given back without swap, which
# would add ~6 MB to my_init's idle RSS that no container has (docs/benchmarks.md).
work=$(mktemp -d /var/tmp/bench.XXXXXX)
R=$work/m
cleanup() {
    # Anything still running in a sandbox namespace dies with its PID 1.
    for p in $(jobs -p); do kill -KILL "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    umount -R "$R" 2>/dev/null || umount -lR "$R" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/u" "$work/w" "$R"
mount_root "$base" "$work/u" "$work/w" "$R"
mount -t proc proc "$R/proc"            # for setuser (chroot); pid-namespace runs mount their own
mount --rbind /sys "$R/sys"; mount -o remount,bind,ro "$R/sys" 2>/dev/null || true
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
mount -t tmpfs -o mode=755 tmpfs "$R/run"
install_overlay "$overlay" "$R"
# Written back, as an image layer pulled long ago is: a page still dirty cannot be given back, and
# my_init gives the runtime's pages back once idle.
sync
# The image's group for the dumps (jlink-image/src/main/image/install.sh): without it every dump
# write asks the name service for a group that does not exist.
grep -q '^docker_env:' "$R/etc/group" || echo 'docker_env:x:8377:' >> "$R/etc/group"
mkdir -p "$R/bench"
cp -a "$R/etc/container_environment" "$work/container_environment.image"
if [ -n "$phusion" ]; then
    mkdir -p "$R/opt/phusion"
    cp "$phusion/my_init" "$phusion/setuser" "$R/opt/phusion/"
    chmod 755 "$R/opt/phusion/my_init" "$R/opt/phusion/setuser"
    head -1 "$R/opt/phusion/my_init" | grep -q '^#!/usr/bin/python3' || echo "benchmark: note: phusion my_init shebang is $(head -1 "$R/opt/phusion/my_init")" >&2
fi
gcc -O2 -static -o "$R/bench/orphans" "$here/orphans.c"

# Share of CPU time idle over one second: other work on the machine makes every number noisier.
cpu_idle() {
    local a b
    a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
    awk -v i=$(( b[4] + b[5] - a[4] - a[5] )) -v t=$(( b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]+b[8] - a[1]-a[2]-a[3]-a[4]-a[5]-a[6]-a[7]-a[8] )) \
        'BEGIN { printf "%.0f%%", t ? 100 * i / t : 0 }'
}
mkdir -p "$out"
{
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), CPU idle at start: $(cpu_idle)"
    echo "- versions: $(/usr/bin/tini --version 2>&1 | head -1); dumb-init $(/usr/bin/dumb-init --version 2>&1 | head -1 | sed 's/^dumb-init //'); $(/usr/bin/python3 --version); runit $(dpkg-query -W -f='${Version}' runit 2>/dev/null || echo '?'); JVM: $(grep JAVA_VERSION= "$overlay/usr/lib/baseimage-java/release" | cut -d'"' -f2)"
} > "$out/machine.txt"
raw=$out/raw.tsv          # measure <TAB> subject <TAB> value
: > "$raw"
log=$out/log; mkdir -p "$log"
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$raw"; }
say() { echo "benchmark: $*" >&2; }

# A typical 20-variable container environment for every start.
ENV20=(
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    HOME=/root HOSTNAME=3f2a9c1d7b6e TERM=xterm LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
    APP_ENV=production APP_NAME=orders-service APP_PORT=8080 APP_LOG_LEVEL=info
    DATABASE_URL=postgres://app:s3cr3t@db.internal:5432/orders?sslmode=require
    REDIS_URL=redis://cache.internal:6379/0 AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1
    JAVA_OPTS=-Xmx512m FEATURE_FLAGS=checkout,search,recommendations
    GREETING="hello world" SENTRY_DSN=https://abc123@o1.ingest.example.com/42
    BUILD_SHA=2403c5825475dbc95d4a44ab91406e20f391c7c5
)
[ ${#ENV20[@]} = 20 ] || die "ENV20 has ${#ENV20[@]} variables"
export_env() { env -i "${ENV20[@]}" "$@"; }
NS=(/usr/bin/unshare --pid --fork --root="$R" --mount-proc --)

reset_state() {
    rm -rf "$R/etc/container_environment" "$R/etc/container_environment.sh" "$R/etc/container_environment.json"
    cp -a "$work/container_environment.image" "$R/etc/container_environment"
    rm -rf "$R"/etc/service/* "$R/bench/ready"
    mkdir -p "$R/bench/ready"
}

# The subjects. PID 1 commands (inside the sandbox root).
declare -A ONESHOT SUPERVISE ORPHANS
subjects=(ours)
ONESHOT[ours]="/sbin/my_init --skip-runit -- /bin/true"
SUPERVISE[ours]="/sbin/my_init"
ORPHANS[ours]="/sbin/my_init --skip-runit -- /bench/orphans"
if [ -n "$phusion" ]; then
    subjects+=(phusion)
    ONESHOT[phusion]="/opt/phusion/my_init --skip-runit -- /bin/true"
    SUPERVISE[phusion]="/opt/phusion/my_init"
    ORPHANS[phusion]="/opt/phusion/my_init --skip-runit -- /bench/orphans"
fi
subjects+=(tini dumb-init)
ONESHOT[tini]="/usr/bin/tini -- /bin/true"
SUPERVISE[tini]="/usr/bin/tini -- /usr/bin/runsvdir -P /etc/service"
ORPHANS[tini]="/usr/bin/tini -- /bench/orphans"
ONESHOT[dumb-init]="/usr/bin/dumb-init /bin/true"
SUPERVISE[dumb-init]="/usr/bin/dumb-init /usr/bin/runsvdir -P /etc/service"
ORPHANS[dumb-init]="/usr/bin/dumb-init /bench/orphans"
ONESHOT[python3]="/usr/bin/python3 -c pass"
ONESHOT[floor]="/bin/true"
# The JVM floor: the same launcher, runtime and AOT cache doing no work.
ONESHOT[jvm]="/sbin/my_init --version"

# ---------------------------------------------------------------------------------------------
# 0. One sanity run of each: exit status, anything on stdout, the AOT cache.
say "sanity runs"
reset_state
odd=$out/odd.txt; : > "$odd"
for s in "${subjects[@]}"; do
    rc=0
    # shellcheck disable=SC2086
    export_env "${NS[@]}" ${ONESHOT[$s]} > "$log/sanity-$s.out" 2> "$log/sanity-$s.err" || rc=$?
    [ $rc = 0 ] || echo "- \`${ONESHOT[$s]}\` exited $rc (see log/sanity-$s.err)" >> "$odd"
    [ -s "$log/sanity-$s.out" ] && echo "- \`${ONESHOT[$s]}\` wrote to stdout: $(head -c 200 "$log/sanity-$s.out" | tr '\n' ' ')" >> "$odd"
done
# Is the AOT cache used? The same flags as the launcher's args file, with -Xlog:aot on.
for prog in my_init setuser; do
    sed -e '/^-Xlog:disable$/d' -e '/^-m /i -Xlog:aot=info:stderr' "$R/usr/lib/baseimage-java/$prog.args" > "$R/bench/$prog-aot.args"
    if [ $prog = my_init ]; then a=(--skip-runit -- /bin/true); else a=(nobody /bin/true); fi
    export_env "${NS[@]}" /usr/lib/baseimage-java/bin/java "@/bench/$prog-aot.args" "/sbin/$prog" "${a[@]}" \
        > /dev/null 2> "$log/aot-$prog.err" || true
    if grep -q '\[error\]' "$log/aot-$prog.err" || ! grep -qi 'opened.*aot cache\|mapped.*aot\|AOT cache.*opened' "$log/aot-$prog.err"; then
        echo "- $prog: the AOT cache looks unused: $(grep -E '\[(error|warning)' "$log/aot-$prog.err" | head -2 | tr '\n' ' ') (log/aot-$prog.err)" >> "$odd"
    fi
done

# ---------------------------------------------------------------------------------------------
# 1. start -> one-shot command done, as PID 1; 3. setuser nobody /bin/true. hyperfine, no shell.
say "1. start -> /bin/true done (hyperfine, $runs runs each)"
reset_state
hf=(/usr/bin/hyperfine -N --style basic --warmup 2 --runs "$runs")
startcmds=()
for s in "${subjects[@]}" python3 floor jvm; do startcmds+=("${NS[*]} ${ONESHOT[$s]}"); done
export_env "${hf[@]}" --export-json "$out/start.json" "${startcmds[@]}" > "$log/start.hyperfine" 2>&1 ||
    die "hyperfine (start) failed: see $log/start.hyperfine"

say "3. setuser nobody /bin/true (hyperfine, $runs runs each)"
setcmds=("/usr/sbin/chroot $R /sbin/setuser nobody /bin/true")
setnames=(ours)
if [ -n "$phusion" ]; then setcmds+=("/usr/sbin/chroot $R /opt/phusion/setuser nobody /bin/true"); setnames+=(phusion); fi
setcmds+=("/usr/sbin/chroot $R /usr/bin/chpst -u nobody /bin/true" "/usr/sbin/chroot $R /usr/bin/python3 -c pass" "/usr/sbin/chroot $R /bin/true"
    "/usr/sbin/chroot $R /sbin/setuser --version")
setnames+=(chpst python3 floor jvm)
export_env "${hf[@]}" --export-json "$out/setuser.json" "${setcmds[@]}" > "$log/setuser.hyperfine" 2>&1 ||
    die "hyperfine (setuser) failed: see $log/setuser.hyperfine"
$PY "$here/hyperfine_samples.py" "$out/start.json" "$out/setuser.json" "${subjects[*]} python3 floor jvm" "${setnames[*]}" >> "$raw"

# The budgets of 1. and 3. are multiples of the JVM floor: their verdicts come from runs of ours
# and the floor interleaved round by round (3 x RUNS rounds), not from two hyperfine batches.
say "1./3. start and setuser, interleaved with their JVM floors ($((3 * runs)) rounds)"
reset_state
export_env $PY "$here/interleaved.py" start_il_ms $((3 * runs)) 2 \
    ours "${NS[*]} ${ONESHOT[ours]}" jvm "${NS[*]} ${ONESHOT[jvm]}" >> "$raw" ||
    die "interleaved start runs failed"
export_env $PY "$here/interleaved.py" setuser_il_ms $((3 * runs)) 2 \
    ours "/usr/sbin/chroot $R /sbin/setuser nobody /bin/true" jvm "/usr/sbin/chroot $R /sbin/setuser --version" >> "$raw" ||
    die "interleaved setuser runs failed"

# ---------------------------------------------------------------------------------------------
# 2. idle memory with runit + two services, and 4. SIGTERM -> exit (two services that stop at once;
# one that ignores TERM, with KILL_PROCESS_TIMEOUT=1); 7. SIGTERM -> exit with a crash-looping
# service; 8. with a service and an orphan that ignore TERM, default timeouts.
write_services() {  # coop | ignore | crash | orphan
    local kind=$1
    case $kind in
        coop|ignore)
            for svc in a b; do
                mkdir -p "$R/etc/service/$svc"
                if [ "$kind" = ignore ] && [ $svc = a ]; then
                    # An ignored signal stays ignored across exec: the sleep ignores TERM too.
                    printf '#!/bin/sh\ntrap "" TERM\n: > /bench/ready/%s\nexec sleep 1000\n' $svc > "$R/etc/service/$svc/run"
                else
                    printf '#!/bin/sh\n: > /bench/ready/%s\nexec sleep 1000\n' $svc > "$R/etc/service/$svc/run"
                fi
            done ;;
        crash)
            # a fails at once: runsv restarts it every second, in a sleep(1) with SIGTERM blocked.
            mkdir -p "$R/etc/service/a" "$R/etc/service/b"
            printf '#!/bin/sh\nexit 1\n' > "$R/etc/service/a/run"
            printf '#!/bin/sh\n: > /bench/ready/b\nexec sleep 1000\n' > "$R/etc/service/b/run" ;;
        orphan)
            # The setsid'd child is the orphan: reparented to PID 1 when the service (or runsv) dies.
            mkdir -p "$R/etc/service/a"
            printf '%s\n' '#!/bin/sh' "trap '' TERM" ': > /bench/ready/a' \
                "setsid sh -c \"trap '' TERM; : > /bench/ready/orphan; exec sleep 1000\" &" 'exec sleep 1000' \
                > "$R/etc/service/a/run" ;;
    esac
    chmod 755 "$R"/etc/service/*/run
    # runsvdir skips a scan while the directory's mtime is the current second (it could miss a
    # change made in that same second): date it back so that every init gets the same first scan.
    touch -d "@$(( $(date +%s) - 10 ))" "$R/etc/service"
}

now_ns() { date +%s%N; }

# Time from runsv's last change of service a's state to NOW (ns): given the 20 bytes of a's
# supervise/status (TAI64N stamp, big-endian, then pid, paused, want, term, state), read just before.
# With a crash loop, how far runsv is into its 1 s restart sleep. In ms.
runsv_phase_ms() {
    local now=$1; shift
    local b=("$@")
    if [ ${#b[@]} != 20 ] || [ "${b[19]}" != 0 ]; then echo nan; return; fi   # not down: no sleep
    local sec=0 nsec=0 k
    for k in 0 1 2 3 4 5 6 7; do sec=$(( sec * 256 + b[k] )); done
    for k in 8 9 10 11; do nsec=$(( nsec * 256 + b[k] )); done
    sec=$(( sec - 4611686018427387914 ))   # 2^62 + 10 (the TAI offset runit uses)
    echo "$(( (now - sec * 1000000000 - nsec) / 1000 ))e-3"
}

stop_cap=40   # s: a PID 1 still running then is SIGKILLed and reported as "> 40 s"

# one_supervised SUBJECT KIND RUN [DELAY]: boot, wait for the services, (coop: idle 2 s, read memory;
# crash: wait DELAY s), SIGTERM to PID 1 from the host, time until it has exited (at most $stop_cap s).
one_supervised() {
    local s=$1 kind=$2 i=$3 delay=${4:-0.3} t0 t1 t2 upid pid="" n=0 wd done="" f ready=() status=()
    local -a tmo=(KILL_PROCESS_TIMEOUT=1 KILL_ALL_PROCESSES_TIMEOUT=1)
    case $kind in
        coop|ignore) ready=(a b) ;;
        crash) ready=(b); tmo=() ;;            # default timeouts
        orphan) ready=(a orphan); tmo=() ;;    # default timeouts
    esac
    reset_state
    write_services "$kind"
    t0=$(now_ns)
    # shellcheck disable=SC2086
    # Not through a shell function: $! must be unshare itself, whose only child is the PID 1.
    env -i "${ENV20[@]}" "${tmo[@]}" "${NS[@]}" ${SUPERVISE[$s]} \
        > "$log/$kind-$s-$i.out" 2> "$log/$kind-$s-$i.err" &
    upid=$!
    for f in "${ready[@]}"; do
        until [ -e "$R/bench/ready/$f" ]; do
            n=$((n + 1))
            if [ $n -gt 3000 ] || ! kill -0 $upid 2>/dev/null; then
                echo "- $s ($kind, run $i): services not up within 30 s (see log/$kind-$s-$i.err)" >> "$odd"
                kill -KILL $upid 2>/dev/null; wait $upid 2>/dev/null || true
                return 0
            fi
            sleep 0.01
        done
    done
    t1=$(now_ns)
    pid=$(awk '{print $1}' "/proc/$upid/task/$upid/children" 2>/dev/null)
    if [ -z "$pid" ] || [ "$(awk '/^NSpid:/{print $NF}' "/proc/$pid/status")" != 1 ]; then
        echo "- $s ($kind, run $i): PID 1 of the sandbox not found" >> "$odd"
        kill -KILL $upid 2>/dev/null; wait $upid 2>/dev/null || true
        return 0
    fi
    record "boot_ms_$kind" "$s" "$(( (t1 - t0) / 1000 ))e-3"
    if [ "$kind" = coop ]; then
        sleep 2
        awk -v s="$s" '/^Rss:/{r=$2} /^Pss:/{p=$2} /^Pss_Anon:/{pa=$2} /^Anonymous:/{a=$2}
            END{printf "rss_kb\t%s\t%s\nanon_kb\t%s\t%s\npss_kb\t%s\t%s\n", s, r, s, a, s, p}' \
            "/proc/$pid/smaps_rollup" >> "$raw"
        record threads "$s" "$(awk '/^Threads:/{print $2}' /proc/$pid/status)"
        if [ "$s" = ours ] && [ "$i" = 1 ]; then
            grep -q 'launchers.aot' "/proc/$pid/maps" || echo "- my_init (PID 1, idle): launchers.aot is not mapped — the AOT cache is not used" >> "$odd"
            cp "/proc/$pid/smaps_rollup" "$log/smaps_rollup-ours.txt"; cp "/proc/$pid/status" "$log/status-ours.txt"
        fi
    else
        sleep "$delay"
    fi
    sleep "$stop_cap" & wd=$!    # the watchdog, started before the clock
    if [ "$kind" = crash ]; then status=($(od -An -tu1 -N20 "$R/etc/service/a/supervise/status" 2>/dev/null)) || true; fi
    t1=$(now_ns)
    kill -TERM "$pid"
    wait -n -p done $upid $wd || true
    t2=$(now_ns)
    if [ "$done" = "$wd" ]; then
        # Still running after $stop_cap s: kill the namespace's PID 1 (and so all in it).
        record "capped_$kind" "$s" 1
        echo "- $s ($kind, run $i): PID 1 still running ${stop_cap} s after SIGTERM, killed (see log/$kind-$s-$i.err)" >> "$odd"
        kill -KILL "$pid" 2>/dev/null || true
        wait $upid || true
    else
        kill "$wd" 2>/dev/null || true; wait "$wd" 2>/dev/null || true
    fi
    record "stop_ms_$kind" "$s" "$(( (t2 - t1) / 1000 ))e-3"
    if [ "$kind" = crash ]; then
        record delay_ms_crash "$s" "$delay"e3; record phase_ms_crash "$s" "$(runsv_phase_ms "$t1" "${status[@]}")"
    fi
}

for kind in coop ignore; do
    say "2./4. runit + two services ($kind), $runs runs each"
    for i in $(seq 1 "$runs"); do
        for s in "${subjects[@]}"; do one_supervised "$s" "$kind" "$i"; done
    done
done

# ---------------------------------------------------------------------------------------------
# 9. my_init --status as a health probe: from outside PID 1's tree (nsenter, as `docker exec` and
# a Kubernetes exec probe enter a container) into a my_init with runit and two services up, side by
# side with `my_init --version` entered the same way (the JVM floor) in one hyperfine run. Peak RSS
# of each with GNU time (the probe JVM is nsenter's waited-for child), when /usr/bin/time exists.
status_probe() {
    local upid pid n=0 f
    reset_state
    write_services coop
    # shellcheck disable=SC2086
    env -i "${ENV20[@]}" "${NS[@]}" ${SUPERVISE[ours]} > "$log/status-pid1.out" 2> "$log/status-pid1.err" &
    upid=$!
    for f in a b; do
        until [ -e "$R/bench/ready/$f" ]; do
            n=$((n + 1))
            if [ $n -gt 3000 ] || ! kill -0 $upid 2>/dev/null; then
                echo "- 9. my_init --status: services not up within 30 s (see log/status-pid1.err)" >> "$odd"
                kill -KILL $upid 2>/dev/null; wait $upid 2>/dev/null || true
                return 0
            fi
            sleep 0.01
        done
    done
    pid=$(awk '{print $1}' "/proc/$upid/task/$upid/children" 2>/dev/null)
    local enter=(/usr/bin/nsenter --target "$pid" --mount --pid --root --wd --)
    # runsv records a run right after its fork: wait until the probe says healthy.
    n=0
    until export_env "${enter[@]}" /sbin/my_init --status > "$log/status-probe.out" 2>&1; do
        n=$((n + 1))
        if [ $n -gt 300 ]; then
            echo "- 9. my_init --status: never healthy (see log/status-probe.out)" >> "$odd"
            break
        fi
        sleep 0.1
    done
    export_env "${hf[@]}" --export-json "$out/status.json" \
        "${enter[*]} /sbin/my_init --status" "${enter[*]} /sbin/my_init --version" \
        > "$log/status.hyperfine" 2>&1 ||
        echo "- 9. hyperfine (my_init --status) failed: see log/status.hyperfine" >> "$odd"
    if [ -x /usr/bin/time ]; then
        for i in $(seq 1 "$runs"); do
            record status_rss_kb ours "$(export_env /usr/bin/time -f %M "${enter[@]}" /sbin/my_init --status 2>&1 >/dev/null | tail -1)"
            record status_rss_kb jvm "$(export_env /usr/bin/time -f %M "${enter[@]}" /sbin/my_init --version 2>&1 >/dev/null | tail -1)"
        done
    fi
    kill -TERM "$pid" 2>/dev/null || true
    wait $upid 2>/dev/null || true
}
say "9. my_init --status inside a my_init with runit + two services, vs my_init --version (hyperfine, $runs runs each)"
status_probe
[ -s "$out/status.json" ] && $PY "$here/hyperfine_samples.py" --status "$out/status.json" >> "$raw"

# 7. Run i sends SIGTERM 1 + (i-1)/runs s after the healthy service is up: the runs sample the whole
# of the crash loop's 1 s cycle (the phase actually hit is read from runsv's status file).
say "7. a crash-looping service + a healthy one, default timeouts, $runs runs each (SIGTERM at 1 + k/$runs s)"
for i in $(seq 1 "$runs"); do
    delay=$($PY -c "import sys; print(f'{1 + (int(sys.argv[1]) - 1) / int(sys.argv[2]):.3f}')" "$i" "$runs")
    for s in "${subjects[@]}"; do one_supervised "$s" crash "$i" "$delay"; done
done

# 8. Slow (phusion waits 30 s + 30 s with its defaults): at most 2 runs, each capped at $stop_cap s.
slow_runs=$(( runs < 2 ? runs : 2 ))
say "8. a service and an orphan ignoring TERM, default timeouts, $slow_runs runs each (capped at ${stop_cap} s)"
for i in $(seq 1 "$slow_runs"); do
    for s in "${subjects[@]}"; do one_supervised "$s" orphan "$i"; done
done

# ---------------------------------------------------------------------------------------------
# 5. orphans reaped per second (10,000 orphans that exit at once).
orphan_runs=$runs
say "5. 10,000 orphans, $orphan_runs runs each"
for i in $(seq 1 $orphan_runs); do
    for s in "${subjects[@]}"; do
        reset_state
        # shellcheck disable=SC2086
        export_env "${NS[@]}" ${ORPHANS[$s]} > "$log/orphans-$s-$i.out" 2> "$log/orphans-$s-$i.err" || true
        line=$(grep -a '^orphans ' "$log/orphans-$s-$i.out" | tail -1 || true)
        if [ -z "$line" ]; then echo "- $s: orphan run $i printed no result (see log/orphans-$s-$i.err)" >> "$odd"; continue; fi
        set -- $line
        record orphans_per_s "$s" "$8"
        record orphans_ms "$s" "$6"
        record orphans_left "$s" "$(( $2 - $4 + ${10} ))"
    done
done

# ---------------------------------------------------------------------------------------------
# 6. bytes the runtime adds to the image.
say "6. runtime size"
rt=(usr/lib/baseimage-java sbin/my_init sbin/setuser)
record size_bytes ours "$(cd "$overlay" && du -scb --apparent-size "${rt[@]}" | tail -1 | cut -f1)"
record size_disk ours "$(( $(cd "$overlay" && du -sck "${rt[@]}" | tail -1 | cut -f1) * 1024 ))"
record size_gz ours "$(tar -C "$overlay" -cf - "${rt[@]}" | gzip -6 | wc -c)"
for s in tini dumb-init; do
    f=$R/usr/bin/$s
    record size_bytes "$s" "$(stat -c %s "$f")"; record size_disk "$s" "$(( $(du -k "$f" | cut -f1) * 1024 ))"
    record size_gz "$s" "$(gzip -6 -c "$f" | wc -c)"
done
if [ -n "$phusion" ]; then
    record size_bytes phusion "$(cat "$R/opt/phusion/my_init" "$R/opt/phusion/setuser" | wc -c)"
    record size_gz phusion "$(cat "$R/opt/phusion/my_init" "$R/opt/phusion/setuser" | gzip -6 | wc -c)"
fi
# python3 itself, for a base without it (Amazon Linux 2023 ships python3.9; Debian slim does not).
pykb=$(chroot "$R" dpkg-query -W -f='${Installed-Size}\n' python3 python3-minimal 'python3.[0-9]*-minimal' \
       'libpython3.[0-9]*-minimal' 'libpython3.[0-9]*-stdlib' 'python3.[0-9]*' 2>/dev/null |
       awk '{s+=$1} END{print s+0}') || pykb=0
record size_bytes python3 "$(( pykb * 1024 ))"

# ---------------------------------------------------------------------------------------------
# Report.
$PY "$here/benchmark_report.py" "$raw" "$out/machine.txt" "$odd" "$runs" "$orphan_runs" "${subjects[*]}" "$slow_runs" "$stop_cap" > "$out/results.md"
cat "$out/results.md"
say "results in $out (results.md, raw.tsv, start.json, setuser.json, log/)"
