package io.baseimage.env;

import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker run --read-only}, for real: a tmpfs is mounted on a temporary directory, filled,
 * and remounted read-only. Needs root (CI runs as root); skipped with a message otherwise.
 */
class ReadOnlyFileSystemTest {
  private static final ContainerEnvironment ENV =
      ContainerEnvironment.of(Map.of("A", "1", "B", "new"));

  @TempDir Path temp;
  private Path etc;
  private boolean mounted;

  @BeforeEach
  void mountReadOnlyEtc() throws Exception {
    etc = Files.createDirectory(temp.resolve("etc"));
    Commands.mountTmpfs(etc, "1m");
    mounted = true;
    Files.createDirectory(etc.resolve("container_environment"));
    Files.writeString(etc.resolve("container_environment/B"), "old");
    Files.writeString(etc.resolve("container_environment.json"), "{\"B\":\"old\"}\n");
    Commands.checked("mount", "-o", "remount,ro", etc.toString());
  }

  @AfterEach
  void unmount() {
    if (mounted) {
      Commands.unmount(etc);
    }
  }

  @Test
  void dumpFileWriteReportsReadOnlyFileSystem() throws Exception {
    Path target = etc.resolve("container_environment.json");

    assertThatThrownBy(() -> DumpFile.write(target, JsonDump.format(ENV).bytes()))
        .isExactlyInstanceOf(NotWritableException.class)
        .satisfies(
            e -> {
              NotWritableException notWritable = (NotWritableException) e;
              assertThat(notWritable.reason())
                  .isEqualTo(NotWritableException.Reason.READ_ONLY_FILE_SYSTEM);
              assertThat(notWritable.path()).isEqualTo(target);
              assertThat(notWritable.getMessage())
                  .contains(target.toString())
                  .contains("read-only file system");
            });
    assertThat(Files.readString(target)).isEqualTo("{\"B\":\"old\"}\n");
  }

  @Test
  void dumpFileWriteOfNewFileReportsReadOnlyFileSystem() {
    assertThatThrownBy(
            () ->
                DumpFile.write(
                    etc.resolve("container_environment.sh"), ByteString.of(utf8("export A=1\n"))))
        .isInstanceOfSatisfying(
            NotWritableException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(NotWritableException.Reason.READ_ONLY_FILE_SYSTEM));
  }

  @Test
  void directoryWriteReportsReadOnlyFileSystem() throws Exception {
    Path dir = etc.resolve("container_environment");

    assertThatThrownBy(() -> EnvironmentDirectory.write(dir, ENV))
        .isInstanceOfSatisfying(
            NotWritableException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(NotWritableException.Reason.READ_ONLY_FILE_SYSTEM));
    assertThat(Files.readString(dir.resolve("B"))).isEqualTo("old");
  }

  @Test
  void directoryWriteOfExistingFileOnlyReportsReadOnlyFileSystem() {
    // B exists: creating it fails with EEXIST, opening it for writing with EROFS.
    ContainerEnvironment onlyB = ContainerEnvironment.of(Map.of("B", "new"));

    assertThatThrownBy(
            () -> EnvironmentDirectory.write(etc.resolve("container_environment"), onlyB))
        .isInstanceOfSatisfying(
            NotWritableException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(NotWritableException.Reason.READ_ONLY_FILE_SYSTEM));
  }

  @Test
  void missingDirectoryOnReadOnlyFileSystemReportsReadOnlyFileSystem() {
    assertThatThrownBy(() -> EnvironmentDirectory.write(etc.resolve("missing"), ENV))
        .isInstanceOfSatisfying(
            NotWritableException.class,
            e ->
                assertThat(e.reason())
                    .isEqualTo(NotWritableException.Reason.READ_ONLY_FILE_SYSTEM));
  }

  @Test
  void storesReturnOneProblemForAllAndKeepTheEnvironment() throws Exception {
    Path dir = etc.resolve("container_environment");
    EnvironmentStores stores =
        EnvironmentStores.of(
            dir,
            etc.resolve("container_environment.sh"),
            etc.resolve("container_environment.json"));

    EnvironmentStores.Synced boot = stores.atBoot(ENV);
    assertThat(stores.beforeScript()).isEmpty();
    EnvironmentStores.Synced after = stores.afterScript(boot.environment());

    assertThat(boot.environment()).isEqualTo(ENV);
    assertThat(boot.problems())
        .singleElement()
        .isEqualTo(
            new StoreProblem.NotWritable(
                List.of(
                    dir,
                    etc.resolve("container_environment.sh"),
                    etc.resolve("container_environment.json")),
                NotWritableException.Reason.READ_ONLY_FILE_SYSTEM))
        .hasToString(
            "cannot save the environment to "
                + dir
                + ", "
                + dir
                + ".sh and "
                + dir
                + ".json (read-only file system); they are left as they were, but every process"
                + " started still gets the environment");
    assertThat(after).isEqualTo(new EnvironmentStores.Synced(ENV, List.of()));
    assertThat(Files.readString(dir.resolve("B"))).isEqualTo("old");
  }

  @Test
  void readingStillWorks() throws Exception {
    assertThat(EnvironmentDirectory.read(etc.resolve("container_environment")).value().get("B"))
        .hasValue("old");
    assertThat(
            JsonDump.parse(Files.readAllBytes(etc.resolve("container_environment.json")))
                .value()
                .get("B"))
        .hasValue("old");
  }
}
