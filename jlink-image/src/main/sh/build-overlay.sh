#!/bin/bash
# Builds the rootfs overlay: a jlink'd runtime with my_init and setuser, their /sbin launchers and
# the default environment directory, plus one AOT cache made by a training run of both launchers.
#
#   build-overlay.sh JAVA_HOME MODULES_DIR OVERLAY_DIR WORK_DIR
#
# MODULES_DIR holds the launchers' jars and all their dependencies (jffi is an automatic module,
# which jlink refuses: it gets a generated module-info here).
set -euo pipefail

java_home=$1 modules=$2 overlay=$3 work=$4
runtime_path=/usr/lib/baseimage-java          # where the runtime lives in the image
runtime=$overlay$runtime_path
jdk() { "$java_home/bin/$@"; }

# Skip the minute this takes when neither the jars nor this script or its sources changed.
launcher_source=$(dirname "$0")/../c/launcher.c
jvm_options=$(dirname "$0")/../jvm/launcher.args
stamp=$(cat "$0" "$launcher_source" "$jvm_options" "$modules"/*.jar | sha256sum | cut -d' ' -f1)
if [ -f "$work/stamp" ] && [ "$(cat "$work/stamp")" = "$stamp" ] && [ -x "$overlay/sbin/my_init" ]; then
  echo "overlay: $overlay is up to date"
  exit 0
fi

rm -rf "$overlay" "$work"
mkdir -p "$work/explicit" "$work/native"

# 1. Make every automatic module explicit. jffi's native jar is not a module: its library is
#    shipped unpacked instead (jffi would extract it to /tmp, which fails on a read-only root).
arch=$(uname -m)
for jar in "$modules"/*.jar; do
  name=$(basename "$jar")
  case $name in
    jffi-*-native.jar)
      unzip -q -j -o "$jar" "jni/$arch-Linux/libjffi-*.so" -d "$work/native"
      continue ;;
  esac
  cp "$jar" "$work/explicit/$name"
done
for jar in "$work/explicit"/*.jar; do
  if jdk jar --describe-module --file "$jar" | grep -q '^No module descriptor\|automatic'; then
    name=$(basename "$jar" .jar)
    info=$work/info/$name
    mkdir -p "$info"
    jdk jdeps --multi-release 25 --ignore-missing-deps --module-path "$work/explicit" \
      --generate-module-info "$info" "$jar" > /dev/null
    module_dir=$(dirname "$(find "$info" -name module-info.java)")
    module=$(basename "$module_dir")
    mkdir -p "$work/classes/$module"
    (cd "$work/classes/$module" && jdk jar xf "$jar")
    jdk javac --release 25 -nowarn --module-path "$work/explicit" -d "$work/classes/$module" \
      --patch-module "$module=$work/classes/$module" "$module_dir/module-info.java"
    jdk jar --update --file "$jar" -C "$work/classes/$module" module-info.class
  fi
done

# 2. The runtime: only what the two launchers need.
jdk jlink --module-path "$work/explicit" \
  --add-modules io.baseimage.launchers \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --output "$runtime"
# Linked from a runtime without jmods/ (Temurin 25), jlink writes only JAVA_VERSION and MODULES
# into the runtime's release file. The JDK's identity, vendor and exact build, is copied from the
# JDK's: the SBOM (src/main/python/build_sbom.py) and image scanners name the JDK by it.
grep -E '^(IMPLEMENTOR|IMPLEMENTOR_VERSION|JAVA_RUNTIME_VERSION|JAVA_VERSION_DATE|LIBC|OS_ARCH|OS_NAME|SOURCE_REPO|FULL_VERSION|SEMANTIC_VERSION|JVM_VARIANT|JVM_VERSION)=' \
  "$java_home/release" >> "$runtime/release"
cp "$work"/native/libjffi-*.so "$runtime/lib/"
# Its symbol table is 5 MB that a production JVM never reads.
strip --strip-unneeded "$runtime/lib/server/libjvm.so"

# 3. The launchers. The kernel starts bin/launcher (src/main/c/launcher.c) from the "#!" line; it
#    holds back the container's Java option variables from our JVM, resets the signal state it
#    inherited, and execs the runtime's java with the flags in an @argfile (made from
#    src/main/jvm/launcher.args). A /bin/sh in between would be dash on Debian, which drops
#    environment variables whose names are not shell names (A.B=1) before my_init could read them.
#    Run as `sh /sbin/my_init`, the second line does the same through the shell.
cc -O2 -s -Wall -Wextra -Werror -o "$runtime/bin/launcher" "$launcher_source"
flags() { # RUNTIME_DIR MODULE/CLASS: the JVM options of src/main/jvm/launcher.args, filled in
  sed -e '/^#/d' -e '/^$/d' -e "s#@RUNTIME@#$1#g" -e "s#@MAIN@#$2#g" "$jvm_options"
}
launcher() { # NAME CLASS
  { echo "-XX:AOTCache=$runtime_path/lib/launchers.aot"; flags "$runtime_path" "io.baseimage.launchers/$2"; } \
    > "$runtime/$1.args"
  mkdir -p "$overlay/sbin"
  cat > "$overlay/sbin/$1" <<SHIM
#!$runtime_path/bin/launcher @$runtime_path/$1.args
exec $runtime_path/bin/launcher @$runtime_path/$1.args "\$0" "\$@"
SHIM
  chmod 755 "$overlay/sbin/$1"
}
launcher my_init io.baseimage.launchers.MyInit
launcher setuser io.baseimage.launchers.Setuser
# The training run uses the runtime where it is now.
flags "$runtime" io.baseimage.launchers/io.baseimage.launchers.AotTraining > "$work/training.args"
# What a non-root my_init hands runsvdir when it may run none of the services and has nowhere to
# write a list of them (docs/architecture.md, "Not root").
mkdir -p "$runtime/no-services"

# 4. The AOT cache, from one training run with the same flags on the launchers' real paths: the
#    JVM shares a cache only between runs of one main module (docs/architecture.md, "One AOT
#    cache"), and one JVM takes both launchers' paths (io.baseimage.launchers.AotTraining; its
#    first argument stands for the script path the kernel passes a launcher, and is dropped).
#    setuser goes first, up to its exec: its command does not exist, so it returns. my_init then
#    runs a whole boot (environment import and dumps, a startup script, runit with a service, a
#    command, shutdown) in a scratch root, so the build machine's /etc is never touched. The
#    service makes the shutdown's service stop part of the cache: without it, the classes that
#    stop services would be loaded and linked, interpreted, during every docker stop. The command
#    outlasts the second of quiet after which my_init gives memory back, a post-shutdown script
#    runs, the service is essential and waited for (MY_INIT_WAIT_FOR_SERVICES, which also parses a
#    number of seconds), and my_init --status runs in the same JVM once the command has started
#    (io.baseimage.launchers.StatusProbe): a class that only those paths need would otherwise be read
#    from the module image (MyInitIT checks that a boot takes every class from the cache).
train=$work/train
# run/: my_init publishes its state there (my_init.state, for --status) at every phase of the boot.
mkdir -p "$train/etc/my_init.d" "$train/etc/my_init.post_shutdown.d" "$train/etc/container_environment" \
  "$train/etc/service/train" "$train/run"
printf '#!/bin/sh
exec sleep 60
' > "$train/etc/service/train/run"
chmod 755 "$train/etc/service/train/run"
touch "$train/etc/service/train/essential"
printf 'x\n' > "$train/etc/container_environment/FROM_FILE"
printf '#!/bin/sh\necho y > "$1/etc/container_environment/FROM_SCRIPT"\n' > "$train/etc/my_init.d/10-train"
sed -i "s#\\\$1#$train#" "$train/etc/my_init.d/10-train"
chmod 755 "$train/etc/my_init.d/10-train"
printf '#!/bin/sh\ntrue\n' > "$train/etc/my_init.post_shutdown.d/10-train"
chmod 755 "$train/etc/my_init.post_shutdown.d/10-train"
# As PID 1 of a pid namespace of its own where the build may make one (root, as in CI): a
# container's my_init is PID 1, and its shutdown's kill(-1) is then part of the cache too.
pid1=()
if unshare --pid --fork --mount-proc true 2> /dev/null; then pid1=(unshare --pid --fork --mount-proc --kill-child); fi
# A container's PATH: runsvdir finds runsv on it (runit built from source lives in /usr/local/sbin).
container_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
for tool in runsvdir runsv sv; do
  PATH=$container_path command -v "$tool" > /dev/null || { echo "build-overlay: the AOT training needs runit's $tool on $container_path"; exit 1; }
done
# The command starts once the service is ready (MY_INIT_WAIT_FOR_SERVICES), lets the status probe
# run (it answers with run/training-probed, waited for at most 10 s) and then outlasts the second of
# quiet after which my_init gives memory back.
(cd "$train" && env -i PATH=$container_path HOME=/root "A.B=1" MY_INIT_WAIT_FOR_SERVICES=30 "${pid1[@]}" "$runtime/bin/java" \
  -XX:AOTCacheOutput="$runtime/lib/launchers.aot" -Dbaseimage.root="$train" @"$work/training.args" \
  AotTraining "$(id -un)" /nonexistent/command --quiet -- /bin/sh -c "touch '$train/run/training-command'; for i in \$(seq 200); do [ -e '$train/run/training-probed' ] && break; sleep 0.05; done; sleep 1.5") \
  > "$work/train.log" 2>&1 \
  || { cat "$work/train.log"; exit 1; }
[ -s "$runtime/lib/launchers.aot" ] || { echo "no AOT cache"; cat "$work/train.log"; exit 1; }
[ -e "$train/run/training-probed" ] || { echo "the AOT training's status probe did not run"; cat "$work/train.log"; exit 1; }

# What java.base ships that neither launcher ever opens (no TLS, no keystore, no ProcessBuilder,
# no jrt:/ file system for other JDKs, no default CDS dump, no signal chaining): ~0.6 MB. Only now:
# the training JVMs spawn the cache's assembler through ProcessBuilder (jspawnhelper). The legal
# notices stay.
rm -f "$runtime"/lib/{classlist,jexec,jrt-fs.jar,jspawnhelper,libjsig.so,libsyslookup.so} \
  "$runtime"/lib/security/{cacerts,public_suffix_list.dat} "$runtime"/bin/keytool

# 5. Default environment directory of the image (docs/user-guide.md, "Defining variables at build
#    time").
env_dir=$overlay/etc/container_environment
mkdir -p "$env_dir"
chmod 700 "$env_dir"
printf '%s' /root > "$env_dir/HOME"
printf '%s' en_US.UTF-8 > "$env_dir/LANG"
printf '%s' en_US.UTF-8 > "$env_dir/LC_CTYPE"
printf '%s' xterm > "$env_dir/TERM"
printf '%s' '[\u@\h] \w \$ ' > "$env_dir/PS1"
chmod 600 "$env_dir"/*

echo "$stamp" > "$work/stamp"
echo "overlay: $overlay ($(du -sh "$runtime" | cut -f1) runtime)"
