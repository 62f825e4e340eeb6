#!/bin/sh
# Builds the baseimage with docker or podman from jlink-image/Containerfile.
#
#   scripts/build-image.sh [--debian] [--base IMAGE] [--overlay DIR] [--version V] [-- EXTRA BUILD ARGS...]
#
#   (default)       FROM public.ecr.aws/amazonlinux/amazonlinux:2023, the product image
#   --debian        FROM the local Debian 12 image of scripts/debian-base.sh (built if missing);
#                   for machines that cannot pull Amazon Linux (like the project's CI/VMs)
#   --base IMAGE    any other dnf/yum/apt based image (also: env BASE_IMAGE)
#   --overlay DIR   overlay directory inside jlink-image/ (default target/overlay; env OVERLAY)
#   --version V     YYYY.MM-NNN (default: env VERSION, else the Maven project version)
#   --tag NAME      image name (default localhost/baseimage-amzn; env IMAGE_NAME); tags NAME:VERSION
#                   and NAME:latest. A NAME with a tag (localhost/baseimage-amzn:it) is the only tag.
# Extra arguments after -- go to "build", e.g. -- --build-arg LL_USER_UID=1000 --build-arg LL_USER_GID=1000
# Tool: env CONTAINER_TOOL, else docker if it has an engine
# (docker info works), else podman.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)     # jlink-image/ = the build context
. "$here/scripts/lib.sh"
base=${BASE_IMAGE:-}
overlay=${OVERLAY:-target/overlay}
version=${VERSION:-}
name=${IMAGE_NAME:-localhost/baseimage-amzn}
debian=
debian_image=${DEBIAN_BASE_IMAGE:-localhost/baseimage-debian-base:bookworm}

while [ $# -gt 0 ]; do
    case "$1" in
        --debian) debian=1 ;;
        --base) base=$2; shift ;;
        --overlay) overlay=$2; shift ;;
        --version) version=$2; shift ;;
        --tag) name=$2; shift ;;
        --) shift; break ;;
        -h|--help) sed -n '2,/^set -eu$/{/^set -eu$/d;p}' "$0"; exit 0 ;;
        *) echo "build-image: unknown argument $1 (--help)" >&2; exit 2 ;;
    esac
    shift
done

CONTAINER_TOOL=$(container_tool) || exit 1
export CONTAINER_TOOL
tool=$CONTAINER_TOOL

if [ -n "$debian" ]; then
    [ -z "$base" ] || { echo "build-image: --debian and --base/BASE_IMAGE together" >&2; exit 2; }
    base=$debian_image
    DEBIAN_BASE_IMAGE=$debian_image "$here/scripts/debian-base.sh"
fi
base=${base:-public.ecr.aws/amazonlinux/amazonlinux:2023}

if [ -z "$version" ]; then
    # The root pom's first <version> is the project's: the image version scheme YYYY.MM-NNN.
    version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$here/../pom.xml" | head -1)
fi
case "$version" in
    [0-9][0-9][0-9][0-9].[0-9][0-9]-[0-9][0-9][0-9]) ;;
    *) echo "build-image: version '$version' is not YYYY.MM-NNN" >&2; exit 2 ;;
esac

case "$overlay" in /*) echo "build-image: --overlay must be relative to $here" >&2; exit 2 ;; esac
if [ ! -x "$here/$overlay/sbin/my_init" ]; then
    echo "build-image: $here/$overlay/sbin/my_init missing: build the overlay first" >&2
    echo "  (./mvnw -pl jlink-image -am package -DskipTests)" >&2
    exit 1
fi

case "${name##*/}" in
    *:*) tag=$name; set -- -t "$name" "$@" ;;               # an explicit tag: only that one
    *) tag=$name:$version; set -- -t "$name:$version" -t "$name:latest" "$@" ;;
esac

echo "build-image: $tool build FROM $base, overlay $overlay, version $version -> $tag"
start=$(date +%s)
# shellcheck disable=SC2046 # build_options prints whole words
"$tool" build $(build_options "$tool") \
    -f "$here/Containerfile" \
    --build-arg BASE_IMAGE="$base" \
    --build-arg OVERLAY="$overlay" \
    --build-arg VERSION="$version" \
    "$@" \
    "$here"
echo "build-image: built $tag in $(( $(date +%s) - start )) s"
"$tool" image inspect --format '{{.Size}}' "$tag" 2>/dev/null |
    awk '{ printf "build-image: size %.1f MB\n", $1 / 1000000 }' || true
