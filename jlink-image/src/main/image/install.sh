#!/bin/sh
# Turns a plain Amazon Linux 2023 (dnf/yum) or Debian-family (apt) root into the baseimage:
# packages, container-friendly rsyslog/cron/logrotate, runit services, users and the
# container-environment files. Runs once, as root, inside the Containerfile's RUN; $0's
# directory holds the files of src/main/image/. The my_init/setuser overlay is copied
# afterwards by the Containerfile.
# Env (Containerfile ARGs): LL_USER_UID, LL_USER_GID.
set -eu

src=$(cd "$(dirname "$0")" && pwd)
uid=${LL_USER_UID:-500}
gid=${LL_USER_GID:-500}
docker_env_gid=8377

if command -v dnf >/dev/null 2>&1 || command -v yum >/dev/null 2>&1; then
    family=rhel
elif command -v apt-get >/dev/null 2>&1; then
    family=debian
else
    echo "install.sh: no dnf, yum or apt-get in the base image" >&2
    exit 1
fi
echo "install.sh: $family family base"

# ---------------------------------------------------------------- packages
if [ "$family" = rhel ]; then
    pm=dnf; command -v dnf >/dev/null 2>&1 || pm=yum
    # The AL2023 container image is minimal: no shadow-utils, procps-ng, psmisc, findutils,
    # util-linux (logger), pam, tar, gzip. cronie-anacron runs /etc/cron.daily.
    $pm install -y --setopt=install_weak_deps=False \
        rsyslog cronie cronie-anacron crontabs logrotate \
        procps-ng psmisc shadow-utils findutils util-linux tar gzip gawk sed grep \
        glibc-langpack-en
    $pm clean all
    rm -rf /var/cache/dnf /var/cache/yum /var/log/dnf*.log /var/log/hawkey.log
    # runit: built from source by the Containerfile's first stage, copied to /usr/bin.
    for t in runsvdir runsv sv chpst svlogd; do
        [ -x "/usr/bin/$t" ] || { echo "install.sh: /usr/bin/$t missing (runit stage)" >&2; exit 1; }
    done
else
    export DEBIAN_FRONTEND=noninteractive
    # No daemon may start inside the build: deny every invoke-rc.d action while installing.
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    apt-get update
    # runit (not runit-init: that one wants to be PID 1 and conflicts with other inits; it is
    # only a Recommends, and --no-install-recommends keeps it out).
    apt-get install -y --no-install-recommends \
        rsyslog cron logrotate runit procps psmisc locales
    rm -f /usr/sbin/policy-rc.d
    # en_US.UTF-8 is the image's LANG/LC_CTYPE (/etc/container_environment).
    sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' /etc/locale.gen
    locale-gen
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log \
        /var/cache/debconf/*-old
    # Debian's runit makes /etc/service a symlink into /etc/runit/runsvdir/; this image's
    # services live in a real /etc/service (runsvdir -P /etc/service, as in baseimage-docker).
    if [ -L /etc/service ]; then
        rm /etc/service
    fi
fi

# ---------------------------------------------------------------- files
# rsyslog: /dev/log input, no kernel log, no journal.
install -m 0644 "$src/$family/etc/rsyslog.conf" /etc/rsyslog.conf
mkdir -p /etc/rsyslog.d /var/spool/rsyslog /var/lib/rsyslog
# logrotate tells rsyslog to reopen its files through runit (the distribution's postrotate
# uses systemctl or an init script with a pid file).
if [ -f /etc/logrotate.d/rsyslog ]; then
    awk '
        /^[[:space:]]*postrotate[[:space:]]*$/ { print; print "\t\t/usr/bin/sv hup /etc/service/rsyslog >/dev/null 2>&1 || true"; skip = 1; next }
        /^[[:space:]]*endscript[[:space:]]*$/ { skip = 0 }
        !skip { print }
    ' /etc/logrotate.d/rsyslog > /etc/logrotate.d/rsyslog.new
    mv /etc/logrotate.d/rsyslog.new /etc/logrotate.d/rsyslog
    chmod 0644 /etc/logrotate.d/rsyslog
    grep -q 'sv hup /etc/service/rsyslog' /etc/logrotate.d/rsyslog
fi

# cron: pam_loginuid needs CAP_AUDIT_CONTROL, which containers do not get; with it "required"
# every cron job fails. (Debian: /etc/pam.d/cron, cronie: /etc/pam.d/crond.)
for f in /etc/pam.d/cron /etc/pam.d/crond; do
    [ -f "$f" ] || continue
    sed -i 's/^\([[:space:]]*session[[:space:]]\{1,\}required[[:space:]]\{1,\}pam_loginuid\.so.*\)$/#\1/' "$f"
    if grep -q '^[[:space:]]*session[[:space:]].*pam_loginuid' "$f"; then
        echo "install.sh: could not disable pam_loginuid in $f" >&2; exit 1
    fi
done

# logrotate daily: Debian's logrotate package ships /etc/cron.daily/logrotate; the Fedora family
# uses a systemd timer instead, so add the cron.daily script there.
if [ "$family" = rhel ]; then
    mkdir -p /etc/cron.daily
    install -m 0755 "$src/rhel/etc/cron.daily/logrotate" /etc/cron.daily/logrotate
fi
[ -x /etc/cron.daily/logrotate ]

# runit services and the login-shell hook.
mkdir -p /etc/service
for s in rsyslog cron; do
    mkdir -p "/etc/service/$s"
    install -m 0755 "$src/rootfs/etc/service/$s/run" "/etc/service/$s/run"
    # runsv keeps its state in ./supervise. A dangling symlink makes runsv (upstream 2.1.2 and
    # Debian's) mkdir its target -- one level only, hence directly under /run. So the services
    # also run with a read-only root (docker/podman run --read-only, Kubernetes
    # readOnlyRootFilesystem), where /run is a tmpfs and /etc/service cannot be written.
    ln -s "/run/runit-supervise.$s" "/etc/service/$s/supervise"
    # rsyslog (the /dev/log socket, /var/log) and cron (setuid to each job's user) need root: a
    # non-root my_init leaves them out instead of letting them crash-loop (docs/architecture.md).
    : > "/etc/service/$s/root-only"
done
install -m 0644 "$src/rootfs/etc/profile.d/container_environment.sh" /etc/profile.d/container_environment.sh

# my_init's directories.
for d in /etc/my_init.d /etc/my_init.pre_shutdown.d /etc/my_init.post_shutdown.d /etc/service; do
    mkdir -p "$d"
    chmod 0755 "$d"
done

# ---------------------------------------------------------------- users
groupadd -g "$docker_env_gid" docker_env
groupadd -g "$gid" ll-user
useradd -u "$uid" -g "$gid" -m -d /home/ll-user -s /bin/bash -c "baseimage user" ll-user

# ---------------------------------------------------------------- container environment
# The directory's defaults come from the overlay; the dumps are written by my_init at boot
# (docs/user-guide.md, "The dumps") and exist empty, with their final owner and mode, from the
# start.
# Readable by root and the docker_env group, as the dumps: a non-root container started with
# `--group-add 8377` gets the build-time variables too (docs/user-guide.md, "Read-only and
# non-root containers").
mkdir -p /etc/container_environment
chown root:docker_env /etc/container_environment
chmod 0750 /etc/container_environment
for f in /etc/container_environment.sh /etc/container_environment.json; do
    : > "$f"
    chown root:docker_env "$f"
    chmod 0640 "$f"
done

rm -rf /tmp/* /var/tmp/*
echo "install.sh: done"
