package io.baseimage.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk, for real: a small tmpfs filled to the last block. Needs root (CI runs as root);
 * skipped with a message otherwise. The old value stays whole and the problem says why
 * (docs/user-guide.md, "Defining variables at build time").
 */
class FullDiskTest {
  private static final String BIG = "x".repeat(12_000);

  @TempDir Path temp;
  private Path etc;
  private boolean mounted;

  @BeforeEach
  void mountFullEtc() throws Exception {
    etc = Files.createDirectory(temp.resolve("etc"));
    Commands.mountTmpfs(etc, "256k");
    mounted = true;
    Files.createDirectory(etc.resolve("container_environment"));
    Files.writeString(etc.resolve("container_environment/BIG"), "old");
    Files.writeString(etc.resolve("container_environment.json"), "{\"BIG\":\"old\"}\n");
    try {
      Files.write(etc.resolve("filler"), new byte[1024 * 1024]);
    } catch (IOException full) {
      // as intended: not one block left
    }
  }

  @AfterEach
  void unmount() {
    if (mounted) {
      Commands.unmount(etc);
    }
  }

  @Test
  void directoryWriteKeepsTheOldValueWholeAndNamesTheReason() throws Exception {
    Path dir = etc.resolve("container_environment");

    List<Problem> problems =
        EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("BIG", BIG)));

    assertThat(problems)
        .containsExactly(
            new Problem(
                Problem.Kind.NOT_WRITTEN, dir + "/BIG", "not written: No space left on device"));
    assertThat(Files.readString(dir.resolve("BIG"))).isEqualTo("old");
    assertThat(leftovers(dir)).isEmpty();
  }

  @Test
  void dumpWriteKeepsTheOldDumpWhole() throws Exception {
    Path json = etc.resolve("container_environment.json");

    Assertions.assertThatThrownBy(
            () ->
                DumpFile.write(
                    json, JsonDump.format(ContainerEnvironment.of(Map.of("BIG", BIG))).bytes()))
        .hasMessageContaining("No space left on device");
    assertThat(Files.readString(json)).isEqualTo("{\"BIG\":\"old\"}\n");
    assertThat(leftovers(etc)).isEmpty();
  }

  @Test
  void storesReturnEachFailureOnceAndKeepTheValue() throws Exception {
    Path dir = etc.resolve("container_environment");
    EnvironmentStores stores =
        EnvironmentStores.of(
            dir,
            etc.resolve("container_environment.sh"),
            etc.resolve("container_environment.json"));

    EnvironmentStores.Synced boot = stores.atBoot(ContainerEnvironment.of(Map.of("BIG", BIG)));
    assertThat(stores.beforeScript()).isEmpty();
    EnvironmentStores.Synced after = stores.afterScript(boot.environment());

    // Each failure names its store, and is returned once.
    assertThat(boot.problems())
        .extracting(StoreProblem::toString)
        .containsExactly(
            dir + "/BIG: not written: No space left on device",
            "cannot write "
                + etc.resolve("container_environment.sh")
                + " (No space left on device); it is left as it was",
            "cannot write "
                + etc.resolve("container_environment.json")
                + " (No space left on device); it is left as it was");
    assertThat(after.problems()).isEmpty();
    assertThat(after.environment().get("BIG")).hasValue(BIG);
    assertThat(Files.readString(dir.resolve("BIG"))).isEqualTo("old");
    assertThat(Files.readString(etc.resolve("container_environment.json")))
        .isEqualTo("{\"BIG\":\"old\"}\n");
    assertThat(leftovers(dir)).isEmpty();
    assertThat(leftovers(etc)).isEmpty();
  }

  private static List<Path> leftovers(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".baseimage-tmp.")).toList();
    }
  }
}
