#!/bin/sh
# The README's first command: builds everything (Maven, without tests), builds the image and runs
# my_init in a container. With a terminal: an interactive login shell under my_init (exit to
# stop it). Without one: a one-shot command that shows the process tree and the environment.
#
#   jlink-image/scripts/quickstart.sh [--debian]
#
# The image is built FROM Amazon Linux 2023; where that cannot be pulled (or with --debian) FROM a
# local Debian 12 base (scripts/debian-base.sh, needs root and mmdebstrap).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. jlink-image/scripts/lib.sh
CONTAINER_TOOL=$(container_tool) || exit 1
export CONTAINER_TOOL
tool=$CONTAINER_TOOL

./mvnw -B -q -DskipTests package

flavour=${1:-}
if [ -z "$flavour" ] && [ -z "${BASE_IMAGE:-}" ]; then
    if ! "$tool" pull -q public.ecr.aws/amazonlinux/amazonlinux:2023 >/dev/null 2>&1; then
        echo "quickstart: Amazon Linux 2023 cannot be pulled here; building on Debian 12 instead"
        flavour=--debian
    fi
fi
jlink-image/scripts/build-image.sh $flavour

if [ -t 0 ] && [ -t 1 ]; then
    exec "$tool" run --rm -it localhost/baseimage-amzn:latest /sbin/my_init -- /bin/bash -l
fi
exec "$tool" run --rm --env HELLO='my beautiful world' localhost/baseimage-amzn:latest \
    /sbin/my_init -- /bin/bash -lc 'pstree -T; echo "HELLO=$HELLO"; ls -l /etc/container_environment.sh'
