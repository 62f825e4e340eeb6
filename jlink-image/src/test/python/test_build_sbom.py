"""Unit tests of src/main/python/build_sbom.py, run by the build in the test phase:

    python3 -m unittest discover -s jlink-image/src/test/python
"""

import copy
import io
import json
import shutil
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "main" / "python"))
import build_sbom  # noqa: E402

RELEASE = """JAVA_VERSION="25.0.3"
MODULES="java.base com.fasterxml.jackson.core io.baseimage.env"
IMPLEMENTOR="Eclipse Adoptium"
IMPLEMENTOR_VERSION="Temurin-25.0.3+9"
JAVA_RUNTIME_VERSION="25.0.3+9-LTS"
JAVA_VERSION_DATE="2026-04-21"
OS_ARCH="x86_64"
SOURCE_REPO="https://github.com/adoptium/jdk25u.git"
"""
ROOT = "pkg:maven/io.baseimage/jlink-image@1?type=jar"


def maven_component(group, name, version, classifier=None):
    purl = f"pkg:maven/{group}/{name}@{version}?" + (
        f"classifier={classifier}&type=jar" if classifier else "type=jar"
    )
    return {"type": "library", "bom-ref": purl, "group": group, "name": name, "version": version,
            "purl": purl}


MAVEN_SBOM = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "metadata": {"component": {"type": "application", "bom-ref": ROOT, "group": "io.baseimage",
                               "name": "jlink-image", "version": "1", "purl": ROOT}},
    "components": [maven_component(g, n, "1", c) for g, n, c in build_sbom.REQUIRED],
    "dependencies": [{"ref": ROOT, "dependsOn": ["pkg:maven/io.baseimage/setuser@1?type=jar"]}],
}


class BuildSbomTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.dir)
        self.runtime = self.dir / "runtime"
        (self.runtime / "lib").mkdir(parents=True)
        (self.runtime / "lib" / "libjffi-1.2.so").write_bytes(b"")
        (self.runtime / "release").write_text(RELEASE)
        self.write_maven(MAVEN_SBOM)
        self.output = self.dir / "sbom.cdx.json"

    def write_maven(self, bom):
        (self.dir / "maven.json").write_text(json.dumps(bom))

    def run_script(self):
        err = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            status = build_sbom.main([str(self.dir / "maven.json"), str(self.runtime), str(self.output)])
        return status, err.getvalue()

    def component(self, bom, name, classifier=None):
        [found] = [c for c in bom["components"]
                   if c["name"] == name and build_sbom.classifier(c) == classifier]
        return found

    def test_adds_the_jdk_named_by_the_runtimes_release_file(self):
        self.assertEqual(self.run_script(), (0, ""))
        bom = json.loads(self.output.read_text())
        jdk = self.component(bom, "openjdk")
        self.assertEqual(jdk["type"], "platform")
        self.assertEqual(jdk["version"], "25.0.3+9-LTS")
        self.assertEqual(jdk["supplier"], {"name": "Eclipse Adoptium"})
        self.assertEqual(jdk["purl"], "pkg:generic/oracle/openjdk@25.0.3%2B9-LTS"
                         "?repository_url=https%3A%2F%2Fgithub.com%2Fadoptium%2Fjdk25u.git")
        self.assertEqual(jdk["cpe"], "cpe:2.3:a:oracle:openjdk:25.0.3:*:*:*:*:*:*:*")
        self.assertIn("Temurin-25.0.3+9", jdk["description"])
        self.assertIn({"name": "baseimage:jdk:MODULES",
                       "value": "java.base com.fasterxml.jackson.core io.baseimage.env"},
                      jdk["properties"])
        [root] = [d for d in bom["dependencies"] if d["ref"] == ROOT]
        self.assertEqual(root["dependsOn"][0], jdk["bom-ref"])
        self.assertEqual(build_sbom.check(bom), [])

    def test_names_where_jffis_native_library_lies_in_the_runtime(self):
        self.run_script()
        native = self.component(json.loads(self.output.read_text()), "jffi", "native")
        self.assertEqual(native["properties"],
                         [{"name": "baseimage:installed-as", "value": "lib/libjffi-1.2.so"}])

    def test_writes_the_same_bytes_from_the_same_inputs(self):
        self.run_script()
        first = self.output.read_bytes()
        self.run_script()
        self.assertEqual(self.output.read_bytes(), first)

    def test_fails_on_a_release_file_without_the_jdks_vendor(self):
        (self.runtime / "release").write_text(RELEASE.replace('IMPLEMENTOR="Eclipse Adoptium"\n', ""))
        status, err = self.run_script()
        self.assertEqual(status, 1)
        self.assertIn("no IMPLEMENTOR", err)

    def test_fails_on_a_release_file_line_that_is_not_key_value(self):
        (self.runtime / "release").write_text(RELEASE + "JUNK\n")
        status, err = self.run_script()
        self.assertEqual(status, 1)
        self.assertIn(":9: not KEY=", err)

    def test_fails_without_jffis_native_jar(self):
        bom = copy.deepcopy(MAVEN_SBOM)
        bom["components"] = [c for c in bom["components"] if build_sbom.classifier(c) != "native"]
        self.write_maven(bom)
        status, err = self.run_script()
        self.assertEqual(status, 1)
        self.assertIn("no component com.github.jnr:jffi:native", err)

    def test_fails_on_a_component_without_a_purl(self):
        bom = copy.deepcopy(MAVEN_SBOM)
        del bom["components"][0]["purl"]
        self.write_maven(bom)
        status, err = self.run_script()
        self.assertEqual(status, 1)
        self.assertIn("has no purl", err)

    def test_fails_on_a_dependency_on_an_unknown_component(self):
        bom = copy.deepcopy(MAVEN_SBOM)
        bom["dependencies"][0]["dependsOn"].append("pkg:maven/x/y@1")
        self.write_maven(bom)
        status, err = self.run_script()
        self.assertEqual(status, 1)
        self.assertIn("unknown bom-ref: pkg:maven/x/y@1", err)


if __name__ == "__main__":
    unittest.main()
