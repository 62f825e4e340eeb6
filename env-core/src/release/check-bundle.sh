#!/bin/bash
# Checks and lists the Maven Central bundle of env-core that the release profile makes, and puts
# it at TARGET_DIR/central-bundle.zip:
#
#   check-bundle.sh MADE_ZIP TARGET_DIR GROUP_ID PARENT_ARTIFACT_ID VERSION GPG_SKIP
#
# MADE_ZIP is the publishing plugin's. The bundle must hold, in the Maven repository layout, the parent pom, env-core's pom, jar and
# sources jar, and its javadoc jar whenever the build made one (TARGET_DIR/env-core-V-javadoc.jar);
# each with an .md5 and a .sha1 that match it and, unless GPG_SKIP is true, an .asc signature that
# gpg verifies. Unsigned, the bundle is only for looking at: Central refuses it.
set -euo pipefail

made=$1 target=$2 group=$3 parent=$4 version=$5 unsigned=$6
fail() { echo "central bundle: $*" >&2; exit 1; }

bundle=$target/central-bundle.zip
rm -f "$bundle"
[ -s "$made" ] || fail "$made was not made"
work=$target/central-bundle-check
rm -rf "$work"
mkdir -p "$work"
unzip -q "$made" -d "$work"

dir=${group//.//}
required=(
  "$dir/$parent/$version/$parent-$version.pom"
  "$dir/env-core/$version/env-core-$version.pom"
  "$dir/env-core/$version/env-core-$version.jar"
  "$dir/env-core/$version/env-core-$version-sources.jar"
)
if [ -f "$target/env-core-$version-javadoc.jar" ]; then
  required+=("$dir/env-core/$version/env-core-$version-javadoc.jar")
fi

for file in "${required[@]}"; do
  [ -f "$work/$file" ] || fail "$file is missing"
  for sum in md5 sha1; do
    [ -f "$work/$file.$sum" ] || fail "$file.$sum is missing"
    actual=$("${sum}sum" "$work/$file" | cut -d' ' -f1)
    [ "$(tr -d ' \n' < "$work/$file.$sum")" = "$actual" ] || fail "$file.$sum does not match the file"
  done
  if [ "$unsigned" = true ]; then
    [ ! -e "$work/$file.asc" ] || fail "$file.asc is there though signing was skipped"
  else
    [ -f "$work/$file.asc" ] || fail "$file.asc is missing"
    gpg --batch --verify "$work/$file.asc" "$work/$file" 2> /dev/null || fail "$file.asc does not verify"
  fi
done
[ -f "$target/env-core-$version-javadoc.jar" ] \
  || echo "central bundle: WARNING: no javadoc jar was built; Central requires one"

cp "$made" "$bundle"
echo "central bundle: $bundle"
(cd "$work" && find . -type f | sed 's#^\./#  #' | sort)
if [ "$unsigned" = true ]; then
  echo "central bundle: WARNING: not signed (no -Dgpg.keyname=KEY given), so Central would refuse it;"
  echo "central bundle: WARNING: sign it with ./mvnw -B -Prelease -pl env-core -am verify -DskipITs -Dgpg.keyname=KEY"
else
  echo "central bundle: signed; every .asc verifies"
fi
