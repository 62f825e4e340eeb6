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
  void directoryReplacesEnvironmentAfterScript() {
    ContainerEnvironment current = ContainerEnvironment.of(Map.of("KEEP", "1", "CHANGE", "old", "DELETE", "gone"));
    ContainerEnvironment directory = ContainerEnvironment.of(Map.of("KEEP", "1", "CHANGE", "new", "ADD", "added"));

    ContainerEnvironment env = EnvironmentImport.afterScript(current, directory);

    assertThat(env.asStringMap()).containsExactly(
        Map.entry("ADD", "added"), Map.entry("CHANGE", "new"), Map.entry("KEEP", "1"));
  }

  @Test
  void keepsIdentityVariablesThatTheDirectoryLacks() {
    ContainerEnvironment current = ContainerEnvironment.of(Map.of(
        "HOME", "/root", "USER", "root", "GROUP", "root", "UID", "0", "GID", "0", "SHELL", "/bin/bash",
        "OTHER", "x"));

    ContainerEnvironment env = EnvironmentImport.afterScript(current, ContainerEnvironment.empty());

    assertThat(env.asStringMap()).containsOnlyKeys("HOME", "USER", "GROUP", "UID", "GID", "SHELL");
    assertThat(env.get("HOME")).hasValue("/root");
    assertThat(env.get("SHELL")).hasValue("/bin/bash");
  }

  @Test
  void directoryFileForIdentityVariableWins() {
    ContainerEnvironment current = ContainerEnvironment.of(Map.of("HOME", "/root", "USER", "root"));
    ContainerEnvironment directory = ContainerEnvironment.of(Map.of("HOME", "/home/app"));

    ContainerEnvironment env = EnvironmentImport.afterScript(current, directory);

    assertThat(env.get("HOME")).hasValue("/home/app");
    assertThat(env.get("USER")).hasValue("root");
  }

  @Test
  void doesNotInventIdentityVariables() {
    ContainerEnvironment env = EnvironmentImport.afterScript(
        ContainerEnvironment.of(Map.of("A", "1")), ContainerEnvironment.of(Map.of("B", "2")));

    assertThat(env.asStringMap()).containsOnlyKeys("B");
  }

  @Test
  void homeSurvivesAWholeBootThroughTheDirectory(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    // phusion/baseimage-docker#119: HOME is never written to the directory, so re-reading it lost HOME.
    ContainerEnvironment env = EnvironmentImport.atBoot(
        EnvironmentDirectory.read(dir).value(), ContainerEnvironment.of(Map.of("HOME", "/root", "A", "1")));
    EnvironmentDirectory.write(env, dir);
    java.nio.file.Files.writeString(dir.resolve("B"), "from script\n");

    ContainerEnvironment after = EnvironmentImport.afterScript(env, EnvironmentDirectory.read(dir).value());

    assertThat(after.asStringMap()).containsExactly(
        Map.entry("A", "1"), Map.entry("B", "from script"), Map.entry("HOME", "/root"));
  }
}
