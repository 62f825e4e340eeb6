# What the scripts of jlink-image share. Sourced, never run; POSIX sh, as some of them run under
# dash:
#
#   . "$(dirname "$0")/lib.sh"          # from jlink-image/scripts/
#
# Defines no variables and changes no shell options: each function fails when a step of it fails,
# whether or not the caller runs with set -e.

# Prints the container engine to use: $CONTAINER_TOOL when set, else docker when its engine answers
# (`docker info`: a docker client without an engine is common, and useless), else podman. Fails,
# with the reason on stderr, when there is neither. Exported, the choice reaches the scripts this
# one starts:
#
#   CONTAINER_TOOL=$(container_tool) || exit 1; export CONTAINER_TOOL
container_tool() {
    if [ -n "${CONTAINER_TOOL:-}" ]; then
        echo "$CONTAINER_TOOL"
    elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
        echo docker
    elif command -v podman >/dev/null 2>&1; then
        echo podman
    else
        echo "${0##*/}: neither a working docker (docker info) nor podman found; or set CONTAINER_TOOL" >&2
        return 1
    fi
}

# Prints the options every build with engine $1 needs beyond the Containerfile's: the RUN steps
# reach a package mirror, and a docker engine without its bridge network (dockerd --bridge=none,
# as .ci/docker-setup.sh starts one) gives them none unless told to use the host's.
build_options() {
    case "${1##*/}" in
        docker) "$1" network inspect bridge >/dev/null 2>&1 || echo "--network host" ;;
    esac
}

# mount_root LOWER UPPER WORK ROOT: mounts at ROOT an overlayfs of LOWER (read-only, shared) under
# UPPER (the changes, readable afterwards), with WORK as overlayfs's work directory, and binds the
# host's /dev into it. For a private mount namespace (unshare --mount --propagation private):
# nothing is unmounted here.
mount_root() {
    mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4" &&
        mount --rbind /dev "$4/dev"
}

# install_overlay OVERLAY ROOT: copies the built rootfs overlay (jlink-image/target/overlay) onto
# the root file system ROOT, which then has my_init's directories as the image lays them out, but
# with no service or script in them, the overlay's default environment directory and no dumps.
# /etc/service becomes a real directory: Debian's runit package makes it a link, the image does not.
install_overlay() {
    rm -rf "$2/etc/service" "$2/etc/my_init.d" "$2/etc/my_init.pre_shutdown.d" "$2/etc/my_init.post_shutdown.d" \
        "$2/etc/rc.local" "$2/etc/container_environment" "$2/etc/container_environment.sh" "$2/etc/container_environment.json" &&
        mkdir -p "$2/etc/service" "$2/etc/my_init.d" "$2/etc/my_init.pre_shutdown.d" "$2/etc/my_init.post_shutdown.d" &&
        # Debian 12 is merged-/usr: its /sbin -> usr/sbin link must stay a link.
        tar -C "$1" -cf - . | tar -C "$2" -xf - --keep-directory-symlink
}
