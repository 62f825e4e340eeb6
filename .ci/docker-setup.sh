#!/bin/sh
# A private docker engine for the image tests on a Debian 12 machine (run as root), beside podman.
#
#   .ci/docker-setup.sh              # install Debian's docker.io; no service is started
#   eval "$(.ci/docker-setup.sh start)"   # start the private engine; prints DOCKER_HOST and DOCKER
#                                    # (and DOCKER_SETUP_STARTED=1 unless it was running already)
#   .ci/docker-setup.sh stop         # stop it (its containers end with it)
#
# The engine is Debian's dockerd 20.10 with its own data root ($DATA, default
# /var/tmp/baseimage-dockerd: images stay there between runs), its own exec root and socket under
# $STATE (default /run/baseimage-dockerd), and no networking of its own (no iptables rules, no
# bridge: this machine allows neither). Containers get a loopback interface only; builds use --network host
# (scripts/lib.sh build_options, Engine.java). No system dockerd is started and /var/lib/docker
# is not used. What dockerd and its containerd still write outside those directories, whatever
# flags they get: /etc/docker/key.json, /run/docker/plugins and containerd's shim sockets in
# /run/containerd/s. On a host that boots with systemd, the package enables docker.service, as
# any install of docker.io does.
#
# DOCKER is Debian's client, /usr/bin/docker, of the engine's version: it has BuildKit built in.
# A newer client elsewhere on PATH (docker 28 in /usr/local/bin here) needs the buildx plugin
# for BuildKit, which Debian 12 does not package.
set -eu

DATA=${DATA:-/var/tmp/baseimage-dockerd}
RUN=${STATE:-/run/baseimage-dockerd}   # exec root and socket: a short path, for socket names
SOCKET=$RUN/docker.sock
PIDFILE=$RUN/dockerd.pid
CLIENT=/usr/bin/docker

answers() {
    DOCKER_HOST=unix://$SOCKET "$CLIENT" info >/dev/null 2>&1
}

# The pid of our dockerd, from its pidfile, if that process is alive and is a dockerd: a stale
# pidfile may name a process that has nothing to do with us.
running_pid() {
    [ -s "$PIDFILE" ] || return 1
    pid=$(cat "$PIDFILE")
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(command -v dockerd)" ] && echo "$pid"
}

if [ "$(id -u)" != 0 ]; then
    echo "docker-setup: must run as root" >&2
    exit 1
fi

case "${1:-install}" in
install)
    if dpkg-query -W -f='${Status}' docker.io 2>/dev/null | grep -q '^install ok installed$'; then
        echo "docker-setup: docker.io already installed"
        exit 0
    fi
    # The package's maintainer scripts would start the system's dockerd: a policy-rc.d that says
    # "no" (101) keeps them from it, and is removed again if we wrote it.
    ours=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        ours=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -q && apt-get install -y -q --no-install-recommends docker.io; } || status=$?
    [ -z "$ours" ] || rm -f /usr/sbin/policy-rc.d
    [ "${status:-0}" = 0 ] || exit "$status"
    echo "docker-setup: installed docker.io"
    ;;
start)
    mkdir -p "$DATA" "$RUN"
    started=
    if ! answers; then
        pid=$(running_pid) || pid=
        if [ -z "$pid" ]; then
            rm -f "$PIDFILE"   # stale: dockerd refuses to start beside it
            # Output to a log: the caller reads only the export line on stdout.
            dockerd --iptables=false --ip-masq=false --bridge=none \
                --data-root "$DATA/data" --exec-root "$RUN/exec" \
                -H "unix://$SOCKET" --pidfile "$PIDFILE" > "$DATA/dockerd.log" 2>&1 &
            pid=$!
            started=1
        fi
        tries=0
        until answers; do
            tries=$((tries + 1))
            if ! kill -0 "$pid" 2>/dev/null; then
                echo "docker-setup: dockerd $pid exited; $DATA/dockerd.log:" >&2
                tail -n 20 "$DATA/dockerd.log" >&2
                exit 1
            fi
            if [ "$tries" -gt 300 ]; then
                echo "docker-setup: dockerd $pid did not answer within 60 s; $DATA/dockerd.log:" >&2
                tail -n 20 "$DATA/dockerd.log" >&2
                exit 1
            fi
            sleep 0.2
        done
        echo "docker-setup: dockerd $(DOCKER_HOST=unix://$SOCKET "$CLIENT" version --format '{{.Server.Version}}') on $SOCKET" >&2
    fi
    [ -z "$started" ] || echo "DOCKER_SETUP_STARTED=1"
    echo "export DOCKER_HOST=unix://$SOCKET DOCKER=$CLIENT"
    ;;
stop)
    pid=$(running_pid) || { echo "docker-setup: no private dockerd running"; exit 0; }
    kill -TERM "$pid"
    tries=0
    while kill -0 "$pid" 2>/dev/null; do
        tries=$((tries + 1))
        # dockerd gives its containers 10 s and containerd a few more.
        [ "$tries" -lt 300 ] || { echo "docker-setup: dockerd $pid did not stop; killing it" >&2; kill -KILL "$pid"; }
        sleep 0.2
    done
    echo "docker-setup: stopped dockerd $pid"
    ;;
*)
    echo "docker-setup: unknown command '$1' (install, start, stop)" >&2
    exit 2
    ;;
esac
