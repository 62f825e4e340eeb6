#!/bin/bash
# env-core as an application on Java 17 sees it: the consumer in env-core/src/it/consumer/ is
# compiled with a JDK 17's javac --release 17 against the built env-core jar and jackson-core, and
# run on that JDK once from the module path and once from the class path, on an environment
# directory made here. Any other output than the expected line fails the run.
#
#   .ci/consumer-jdk17.sh [JDK17_HOME]     # after the build made env-core/target/env-core-V.jar
#
# JDK17_HOME defaults to $JAVA_HOME_17, else Debian's /usr/lib/jvm/java-17-openjdk-amd64. Maven
# (./mvnw, run with the JAVA_HOME of the build, JDK 25) only copies env-core's runtime
# dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

jdk17=${1:-${JAVA_HOME_17:-/usr/lib/jvm/java-17-openjdk-amd64}}
fail() { echo "consumer-jdk17: FAILED: $*" >&2; exit 1; }

"$jdk17/bin/java" -version 2>&1 | grep -q '^[a-z]* version "17[."]' \
  || fail "$jdk17 is not a JDK 17: $("$jdk17/bin/java" -version 2>&1 | head -1)"
properties=env-core/target/maven-archiver/pom.properties
[ -f "$properties" ] || fail "env-core is not built ($properties): run ./mvnw -B package first"
version=$(sed -n 's/^version=//p' "$properties")
jar=$PWD/env-core/target/env-core-$version.jar
[ -f "$jar" ] || fail "$jar is missing"

work=$PWD/env-core/target/consumer-jdk17
rm -rf "$work"
mkdir -p "$work/lib" "$work/env"
./mvnw -B -q -pl env-core dependency:copy-dependencies -DincludeScope=runtime \
  -DoutputDirectory="$work/lib"
deps=$(find "$work/lib" -name '*.jar' | sort | paste -sd:)
case $deps in
  "$work"/lib/jackson-core-*.jar) ;;
  *) fail "env-core's runtime dependencies are not jackson-core alone: ${deps:-none}" ;;
esac

# The environment directory: one file per variable, its content the value.
printf '%s' 'hello from a file' > "$work/env/GREETING"
printf '%s' '/home/app' > "$work/env/HOME"

sources=env-core/src/it/consumer
"$jdk17/bin/javac" --release 17 -Xlint:all -Werror -d "$work/module" --module-path "$jar:$deps" \
  "$sources/module-info.java" "$sources/com/example/consumer/Main.java"
"$jdk17/bin/javac" --release 17 -Xlint:all -Werror -d "$work/classpath" -cp "$jar:$deps" \
  "$sources/com/example/consumer/Main.java"

check() { # HOW EXPECTED COMMAND...
  local how=$1 expected=$2 actual
  shift 2
  actual=$("$@" 2>&1) || fail "$how: exit $?: $actual"
  [ "$actual" = "$expected" ] || fail "$how: expected '$expected', got '$actual'"
  echo "consumer-jdk17: $how: $actual"
}
line='size=2 MODE=embedded GREETING=hello from a file variables=2'
check "module path" "java=17 env-core=io.baseimage.env $line" \
  "$jdk17/bin/java" --module-path "$jar:$deps:$work/module" \
  --module com.example.consumer/com.example.consumer.Main "$work/env"
check "class path" "java=17 env-core=class path $line" \
  "$jdk17/bin/java" -cp "$jar:$deps:$work/classpath" com.example.consumer.Main "$work/env"
echo "consumer-jdk17: env-core $version works on $("$jdk17/bin/java" -version 2>&1 | head -1)"
