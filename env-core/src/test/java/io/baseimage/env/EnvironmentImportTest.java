package io.baseimage.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentImportTest {
  @Test
  void processEnvironmentWinsAtBoot() {
    ContainerEnvironment directory = ContainerEnvironment.of(Map.of("A", "file", "B", "file", "HOME", "/root"));
    ContainerEnvironment process = ContainerEnvironment.of(Map.of("A", "docker -e", "C", "ENV"));

    ContainerEnvironment env = EnvironmentImport.atBoot(directory, process);

    assertThat(env.asStringMap()).containsExactly(
        Map.entry("A", "docker -e"), Map.entry("B", "file"), Map.entry("C", "ENV"), Map.entry("HOME", "/root"));
  }

  @Test
  void appliesWhatTheScriptAddedChangedAndRemoved() {
    ContainerEnvironment current = ContainerEnvironment.of(Map.of("KEEP", "1", "CHANGE", "old", "DELETE", "gone"));
    ContainerEnvironment before = ContainerEnvironment.of(Map.of("KEEP", "1", "CHANGE", "old", "DELETE", "gone"));
    ContainerEnvironment after = ContainerEnvironment.of(Map.of("KEEP", "1", "CHANGE", "new", "ADD", "added"));

    ContainerEnvironment env = EnvironmentImport.afterScript(current, before, after);

    assertThat(env.asStringMap()).containsExactly(
        Map.entry("ADD", "added"), Map.entry("CHANGE", "new"), Map.entry("KEEP", "1"));
  }

  @Test
  void keepsAValueWhoseFileTheScriptDidNotTouch() {
    // docker run -e FOO=cli, and the image's FOO file could not be replaced (a symlink, a full disk).
    ContainerEnvironment current = ContainerEnvironment.of(Map.of("FOO", "cli", "BIG", "12000 bytes"));
    ContainerEnvironment directory = ContainerEnvironment.of(Map.of("FOO", "image", "BIG", "old"));

    ContainerEnvironment env = EnvironmentImport.afterScript(current, directory, directory);

    assertThat(env).isEqualTo(current);
  }

  @Test
  void keepsIdentityVariablesUnlessTheScriptChangedTheirFile() {
    // docker run -e HOME=/app, and the image ships HOME=/root in the directory.
    ContainerEnvironment current = ContainerEnvironment.of(Map.of("HOME", "/app", "USER", "root", "SHELL", "/bin/bash"));
    ContainerEnvironment before = ContainerEnvironment.of(Map.of("HOME", "/root"));

    assertThat(EnvironmentImport.afterScript(current, before, before).get("HOME")).hasValue("/app");
    assertThat(EnvironmentImport.afterScript(current, before, ContainerEnvironment.of(Map.of("HOME", "/home/app"))).get("HOME"))
        .hasValue("/home/app");
    assertThat(EnvironmentImport.afterScript(current, before, ContainerEnvironment.empty()).get("HOME"))
        .as("a removed file does not unset an identity variable").hasValue("/app");
  }

  @Test
  void homeSurvivesAWholeBootThroughTheDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    // phusion/baseimage-docker#119: HOME is never written to the directory, so re-reading it lost HOME.
    ContainerEnvironment env = EnvironmentImport.atBoot(
        EnvironmentDirectory.read(dir).value(), ContainerEnvironment.of(Map.of("HOME", "/root", "A", "1")));
    EnvironmentDirectory.write(env, dir);
    ContainerEnvironment before = EnvironmentDirectory.read(dir).value();
    java.nio.file.Files.writeString(dir.resolve("B"), "from script\n");

    ContainerEnvironment after = EnvironmentImport.afterScript(env, before, EnvironmentDirectory.read(dir).value());

    assertThat(after.asStringMap()).containsExactly(
        Map.entry("A", "1"), Map.entry("B", "from script"), Map.entry("HOME", "/root"));
  }
}
