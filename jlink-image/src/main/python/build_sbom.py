#!/usr/bin/env python3
"""The overlay's SBOM: CycloneDX JSON of the jlink'd runtime and what is linked into it.

    build_sbom.py MAVEN_SBOM RUNTIME_DIR OUTPUT

MAVEN_SBOM is cyclonedx-maven-plugin's BOM of jlink-image's runtime dependencies: our modules,
jackson-core, jffi and jffi's native jar. This adds the JDK the runtime was linked from, named by
RUNTIME_DIR/release (build-overlay.sh puts the JDK's vendor and exact build there), notes where
jffi's native library lies in the runtime, writes OUTPUT and checks it: read back with json.load,
every component named, versioned and with a purl, every reference resolved, and each of the
REQUIRED components there. Any failure exits 1, which fails the build.

The JDK gets the identifiers that Syft gives a JDK it finds by its release file, and that Grype
matches OpenJDK's vulnerabilities by: the purl-spec has no type for a JDK, so pkg:generic/oracle/
openjdk@JAVA_RUNTIME_VERSION (with the source repository), and the NVD's CPE cpe:2.3:a:oracle:
openjdk:JAVA_VERSION. The vendor is the supplier.
"""

import json
import sys
import urllib.parse
from pathlib import Path

# (group, name, classifier): the components the runtime consists of, besides the JDK.
REQUIRED = [
    ("io.baseimage", "env-core", None),
    ("io.baseimage", "posix", None),
    ("io.baseimage", "startup-core", None),
    ("io.baseimage", "setuser", None),
    ("io.baseimage", "myinit-launcher", None),
    ("io.baseimage", "launchers", None),
    ("com.fasterxml.jackson.core", "jackson-core", None),
    ("com.github.jnr", "jffi", None),
    ("com.github.jnr", "jffi", "native"),
]
# The keys of the runtime's release file the JDK component is made from.
RELEASE_KEYS = ["IMPLEMENTOR", "IMPLEMENTOR_VERSION", "JAVA_VERSION", "JAVA_RUNTIME_VERSION"]
JDK_LICENSE = "GPL-2.0-only WITH Classpath-exception-2.0"


class SbomError(Exception):
    pass


def read_release(path):
    """The KEY="value" lines of a JDK's release file."""
    release = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not (len(value) >= 2 and value[0] == value[-1] == '"'):
            raise SbomError(f"{path}:{number}: not KEY=\"value\": {line!r}")
        release[key] = value[1:-1]
    missing = [key for key in RELEASE_KEYS if not release.get(key)]
    if missing:
        raise SbomError(f"{path}: no {', '.join(missing)}: build-overlay.sh copies them from the JDK")
    if not release["JAVA_RUNTIME_VERSION"].startswith(release["JAVA_VERSION"]):
        raise SbomError(
            f"{path}: JAVA_RUNTIME_VERSION {release['JAVA_RUNTIME_VERSION']} is not of "
            f"JAVA_VERSION {release['JAVA_VERSION']}: the identity of another JDK?"
        )
    return release


def jdk_component(release):
    version = release["JAVA_RUNTIME_VERSION"]
    purl = "pkg:generic/oracle/openjdk@" + urllib.parse.quote(version, safe="")
    if release.get("SOURCE_REPO"):
        purl += "?repository_url=" + urllib.parse.quote(release["SOURCE_REPO"], safe="")
    properties = [
        {"name": "baseimage:jdk:" + key, "value": release[key]}
        for key in ["IMPLEMENTOR_VERSION", "JAVA_VERSION_DATE", "OS_ARCH", "LIBC", "MODULES"]
        if release.get(key)
    ]
    return {
        "type": "platform",
        "bom-ref": purl,
        "supplier": {"name": release["IMPLEMENTOR"]},
        "publisher": release["IMPLEMENTOR"],
        "name": "openjdk",
        "version": version,
        "description": (
            f"{release['IMPLEMENTOR']} {release['IMPLEMENTOR_VERSION']}: the Java runtime, "
            "linked by jlink with only the modules in baseimage:jdk:MODULES"
        ),
        "licenses": [{"expression": JDK_LICENSE}],
        "cpe": f"cpe:2.3:a:oracle:openjdk:{release['JAVA_VERSION']}:*:*:*:*:*:*:*",
        "purl": purl,
        "properties": properties,
    }


def classifier(component):
    query = urllib.parse.urlsplit(component.get("purl", "")).query
    return dict(urllib.parse.parse_qsl(query)).get("classifier")


def merge(bom, release, runtime_dir):
    jdk = jdk_component(release)
    components = bom.setdefault("components", [])
    components.insert(0, jdk)
    for component in components:
        if component.get("name") == "jffi" and classifier(component) == "native":
            # Unpacked from the jar into the runtime, where jffi loads it (build-overlay.sh).
            for library in sorted(runtime_dir.glob("lib/libjffi-*.so")):
                component.setdefault("properties", []).append(
                    {"name": "baseimage:installed-as", "value": str(library.relative_to(runtime_dir))}
                )
    root = bom["metadata"]["component"]["bom-ref"]
    dependencies = bom.setdefault("dependencies", [])
    for dependency in dependencies:
        if dependency["ref"] == root:
            dependency.setdefault("dependsOn", []).insert(0, jdk["bom-ref"])
    dependencies.append({"ref": jdk["bom-ref"], "dependsOn": []})
    return bom


def check(bom):
    """Problems of a merged BOM, as messages; none if it is complete."""
    problems = []
    if bom.get("bomFormat") != "CycloneDX" or not bom.get("specVersion"):
        problems.append("not a CycloneDX BOM (bomFormat, specVersion)")
    metadata = bom.get("metadata", {}).get("component", {})
    for field in ["name", "version", "bom-ref"]:
        if not metadata.get(field):
            problems.append(f"metadata.component has no {field}")
    components = bom.get("components", [])
    refs = [metadata.get("bom-ref")]
    for component in components:
        label = component.get("bom-ref") or component.get("name") or repr(component)
        for field in ["type", "name", "version", "purl", "bom-ref"]:
            if not component.get(field):
                problems.append(f"component {label} has no {field}")
        if not str(component.get("purl", "")).startswith("pkg:"):
            problems.append(f"component {label}: purl is not a purl: {component.get('purl')!r}")
        refs.append(component.get("bom-ref"))
    duplicates = sorted({ref for ref in refs if ref and refs.count(ref) > 1})
    if duplicates:
        problems.append(f"bom-refs used twice: {duplicates}")
    for dependency in bom.get("dependencies", []):
        for ref in [dependency.get("ref")] + dependency.get("dependsOn", []):
            if ref not in refs:
                problems.append(f"dependency on an unknown bom-ref: {ref}")
    jdks = [c for c in components if c.get("type") == "platform" and c.get("name") == "openjdk"]
    if len(jdks) != 1 or not jdks[0].get("supplier", {}).get("name"):
        problems.append("no single openjdk platform component with a supplier")
    present = {(c.get("group"), c.get("name"), classifier(c)) for c in components}
    for group, name, kind in REQUIRED:
        if (group, name, kind) not in present:
            problems.append(f"no component {group}:{name}" + (f":{kind}" if kind else ""))
    return problems


def main(args):
    if len(args) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    maven_sbom, runtime_dir, output = Path(args[0]), Path(args[1]), Path(args[2])
    try:
        bom = json.loads(maven_sbom.read_text(encoding="utf-8"))
        merge(bom, read_release(runtime_dir / "release"), runtime_dir)
        output.write_text(json.dumps(bom, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        with output.open(encoding="utf-8") as written:
            problems = check(json.load(written))
    except (OSError, ValueError, KeyError, SbomError) as e:
        print(f"sbom: {e}", file=sys.stderr)
        return 1
    if problems:
        for problem in problems:
            print(f"sbom: {output}: {problem}", file=sys.stderr)
        return 1
    names = ", ".join(
        f"{c['name']}{':' + classifier(c) if classifier(c) else ''} {c['version']}"
        for c in bom["components"]
    )
    print(f"sbom: {output}: {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
