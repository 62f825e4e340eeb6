package io.baseimage.env;

import static io.baseimage.env.Commands.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentStoresTest {
  @TempDir Path etc;
  private Path dir;
  private EnvironmentStores stores;

  @BeforeEach
  void stores() throws IOException {
    dir = Files.createDirectory(etc.resolve("container_environment"));
    stores =
        EnvironmentStores.of(
            dir,
            etc.resolve("container_environment.sh"),
            etc.resolve("container_environment.json"));
  }

  /** What a startup script does to the directory, between beforeScript and afterScript. */
  private EnvironmentStores.Synced script(ContainerEnvironment current, ScriptAction action)
      throws IOException {
    assertThat(stores.beforeScript()).isEmpty();
    action.run();
    return stores.afterScript(current);
  }

  private interface ScriptAction {
    void run() throws IOException;
  }

  // ---- the rules ----------------------------------------------------------------------------

  @Test
  void processEnvironmentWinsAtBoot() throws IOException {
    Files.writeString(dir.resolve("A"), "file\n");
    Files.writeString(dir.resolve("B"), "file\n");
    Files.writeString(dir.resolve("HOME"), "/root\n");
    ContainerEnvironment process = ContainerEnvironment.of(Map.of("A", "docker -e", "C", "ENV"));

    EnvironmentStores.Synced boot = stores.atBoot(process);

    assertThat(boot.environment().asStringMap().value())
        .containsExactly(
            Map.entry("A", "docker -e"),
            Map.entry("B", "file"),
            Map.entry("C", "ENV"),
            Map.entry("HOME", "/root"));
    assertThat(boot.problems()).isEmpty();
  }

  @Test
  void appliesWhatTheScriptAddedChangedAndRemoved() {
    ContainerEnvironment current =
        ContainerEnvironment.of(Map.of("KEEP", "1", "CHANGE", "old", "DELETE", "gone"));
    ContainerEnvironment before =
        ContainerEnvironment.of(Map.of("KEEP", "1", "CHANGE", "old", "DELETE", "gone"));
    ContainerEnvironment after =
        ContainerEnvironment.of(Map.of("KEEP", "1", "CHANGE", "new", "ADD", "added"));

    ContainerEnvironment env = EnvironmentStores.withScriptChanges(current, before, after);

    assertThat(env.asStringMap().value())
        .containsExactly(
            Map.entry("ADD", "added"), Map.entry("CHANGE", "new"), Map.entry("KEEP", "1"));
  }

  @Test
  void keepsAValueWhoseFileTheScriptDidNotTouch() {
    // docker run -e FOO=cli, and the image's FOO file could not be replaced (a symlink, a full
    // disk).
    ContainerEnvironment current =
        ContainerEnvironment.of(Map.of("FOO", "cli", "BIG", "12000 bytes"));
    ContainerEnvironment directory = ContainerEnvironment.of(Map.of("FOO", "image", "BIG", "old"));

    ContainerEnvironment env = EnvironmentStores.withScriptChanges(current, directory, directory);

    assertThat(env).isEqualTo(current);
  }

  @Test
  void keepsIdentityVariablesUnlessTheScriptChangedTheirFile() {
    // docker run -e HOME=/app, and the image ships HOME=/root in the directory.
    ContainerEnvironment current =
        ContainerEnvironment.of(Map.of("HOME", "/app", "USER", "root", "SHELL", "/bin/bash"));
    ContainerEnvironment before = ContainerEnvironment.of(Map.of("HOME", "/root"));

    assertThat(EnvironmentStores.withScriptChanges(current, before, before).get("HOME"))
        .hasValue("/app");
    assertThat(
            EnvironmentStores.withScriptChanges(
                    current, before, ContainerEnvironment.of(Map.of("HOME", "/home/app")))
                .get("HOME"))
        .hasValue("/home/app");
    assertThat(
            EnvironmentStores.withScriptChanges(current, before, ContainerEnvironment.empty())
                .get("HOME"))
        .as("a removed file does not unset an identity variable")
        .hasValue("/app");
  }

  @Test
  void homeSurvivesAWholeBootThroughTheDirectory() throws IOException {
    // phusion/baseimage-docker#119: HOME is never written to the directory, so re-reading it lost
    // HOME.
    ContainerEnvironment env =
        stores.atBoot(ContainerEnvironment.of(Map.of("HOME", "/root", "A", "1"))).environment();

    EnvironmentStores.Synced after =
        script(env, () -> Files.writeString(dir.resolve("B"), "from script\n"));

    assertThat(after.environment().asStringMap().value())
        .containsExactly(
            Map.entry("A", "1"), Map.entry("B", "from script"), Map.entry("HOME", "/root"));
    assertThat(after.problems()).isEmpty();
  }

  // ---- the stores ---------------------------------------------------------------------------

  @Test
  void atBootWritesTheDirectoryAndBothDumps() throws IOException {
    Files.writeString(dir.resolve("FROM_FILE"), "f\n");

    stores.atBoot(ContainerEnvironment.of(Map.of("A", "1", "HOME", "/root")));

    assertThat(Files.readString(dir.resolve("A"))).isEqualTo("1");
    assertThat(dir.resolve("HOME")).doesNotExist();
    assertThat(Files.readString(etc.resolve("container_environment.sh")))
        .isEqualTo("export A=1\nexport FROM_FILE=f\n");
    assertThat(Files.readString(etc.resolve("container_environment.json")))
        .isEqualTo("{\"A\":\"1\",\"FROM_FILE\":\"f\",\"HOME\":\"/root\"}\n");
  }

  @Test
  void afterScriptWritesWhatTheScriptChangedToTheDumps() throws IOException {
    ContainerEnvironment env =
        stores.atBoot(ContainerEnvironment.of(Map.of("A", "1"))).environment();

    script(env, () -> Files.writeString(dir.resolve("ADDED"), "yes"));

    assertThat(Files.readString(etc.resolve("container_environment.sh")))
        .isEqualTo("export A=1\nexport ADDED=yes\n");
    assertThat(Files.readString(etc.resolve("container_environment.json")))
        .contains("\"ADDED\":\"yes\"");
  }

  @Test
  void atBootRemovesTheTemporaryFilesOfAWriterThatCrashed() throws IOException {
    Path inDirectory = Files.writeString(dir.resolve(".baseimage-tmp.99.1"), "secret");
    Path besideTheDumps =
        Files.writeString(etc.resolve(".baseimage-tmp.99.2"), "export SECRET=1\n");

    stores.atBoot(ContainerEnvironment.empty());

    assertThat(inDirectory).doesNotExist();
    assertThat(besideTheDumps).doesNotExist();
  }

  @Test
  void aValueWhoseFileCannotBeWrittenIsNotLostAtTheNextScript() throws IOException {
    Path image = Files.writeString(etc.resolve("image-foo"), "image\n");
    Files.createSymbolicLink(dir.resolve("FOO"), image);

    EnvironmentStores.Synced boot = stores.atBoot(ContainerEnvironment.of(Map.of("FOO", "cli")));
    EnvironmentStores.Synced after =
        script(boot.environment(), () -> Files.writeString(dir.resolve("B"), "b"));

    assertThat(boot.problems())
        .containsExactly(
            new Problem(
                Problem.Kind.NOT_WRITTEN,
                dir + "/FOO",
                "not written: a symbolic link, which is not written through"));
    assertThat(after.environment().get("FOO")).hasValue("cli");
    assertThat(after.environment().get("B")).hasValue("b");
    assertThat(Files.readString(image)).isEqualTo("image\n");
  }

  @Test
  void returnsEachProblemOnce() throws IOException {
    Files.createDirectory(dir.resolve("SUBDIR"));
    ContainerEnvironment process =
        ContainerEnvironment.ofBytes(Map.of(ByteString.of("RAW"), ByteString.of(bytes(0xff))));

    EnvironmentStores.Synced boot = stores.atBoot(process);
    EnvironmentStores.Synced after =
        script(boot.environment(), () -> Files.writeString(dir.resolve("B"), "b"));

    assertThat(boot.problems())
        .extracting(StoreProblem::toString)
        .containsExactly(
            dir + "/SUBDIR: skipped: a directory",
            "RAW: not valid UTF-8: written to the JSON dump with U+FFFD for each invalid byte");
    assertThat(after.problems()).isEmpty();
  }

  @Test
  void anUnreadableDirectoryImportsNothingAndIsNeitherReadNorWrittenAgain() throws IOException {
    Files.delete(dir);
    Files.writeString(dir, "not a directory");

    EnvironmentStores.Synced boot = stores.atBoot(ContainerEnvironment.of(Map.of("A", "1")));

    assertThat(boot.environment().asStringMap().value()).containsExactly(Map.entry("A", "1"));
    assertThat(boot.problems())
        .singleElement()
        .isInstanceOfSatisfying(
            StoreProblem.Unreadable.class,
            unreadable -> {
              assertThat(unreadable.directory()).isEqualTo(dir);
              assertThat(unreadable.toString())
                  .startsWith("cannot read " + dir + " (")
                  .endsWith("); its variables are not imported");
            });
    assertThat(Files.readString(etc.resolve("container_environment.sh"))).isEqualTo("export A=1\n");
    assertThat(stores.beforeScript()).isEmpty();
    assertThat(stores.afterScript(boot.environment()))
        .isEqualTo(new EnvironmentStores.Synced(boot.environment(), List.of()));
    assertThat(Files.readString(dir)).isEqualTo("not a directory");
  }

  @Test
  void aScriptThatReplacesTheDirectoryByAFileDeletesNothing() throws IOException {
    Files.writeString(dir.resolve("FROM_DIRECTORY"), "d");
    ContainerEnvironment env =
        stores.atBoot(ContainerEnvironment.of(Map.of("FOO", "cli"))).environment();

    EnvironmentStores.Synced after =
        script(
            env,
            () -> {
              try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                  Files.delete(file);
                }
              }
              Files.writeString(dir, "a file now");
            });

    assertThat(after.environment()).isEqualTo(env);
    assertThat(after.problems()).singleElement().isInstanceOf(StoreProblem.Unreadable.class);
    assertThat(stores.beforeScript()).isEmpty();
    assertThat(stores.afterScript(env).problems()).as("said once").isEmpty();
  }

  @Test
  void aDumpThatCannotBeWrittenIsOneProblemAndTheOthersAreStillWritten() throws IOException {
    // A rename cannot replace a directory by a file.
    Files.createDirectories(etc.resolve("container_environment.json/x"));

    EnvironmentStores.Synced boot = stores.atBoot(ContainerEnvironment.of(Map.of("A", "1")));
    EnvironmentStores.Synced after =
        script(boot.environment(), () -> Files.writeString(dir.resolve("B"), "b"));

    assertThat(boot.problems())
        .singleElement()
        .isInstanceOfSatisfying(
            StoreProblem.WriteFailed.class,
            failed -> {
              assertThat(failed.store()).isEqualTo(etc.resolve("container_environment.json"));
              assertThat(failed.reason()).isEqualTo("Is a directory");
              assertThat(failed)
                  .hasToString(
                      "cannot write "
                          + etc.resolve("container_environment.json")
                          + " (Is a directory); it is left as it was");
            });
    assertThat(after.problems()).as("the same failure, returned once").isEmpty();
    assertThat(Files.readString(etc.resolve("container_environment.sh")))
        .isEqualTo("export A=1\nexport B=b\n");
    assertThat(Files.readString(dir.resolve("A"))).isEqualTo("1");
  }

  @Test
  void aReadOnlyDirectoryIsNamedAloneAndTheDumpsAreStillWritten() throws IOException {
    // A ConfigMap or Secret mounted at /etc/container_environment is read-only; /etc is not.
    Files.writeString(dir.resolve("A"), "old");
    Commands.mountTmpfs(dir, "1m");
    try {
      Files.writeString(dir.resolve("A"), "from the mount");
      Commands.checked("mount", "-o", "remount,ro", dir.toString());

      EnvironmentStores.Synced boot = stores.atBoot(ContainerEnvironment.of(Map.of("B", "2")));

      assertThat(boot.problems())
          .singleElement()
          .isEqualTo(
              new StoreProblem.NotWritable(
                  List.of(dir), NotWritableException.Reason.READ_ONLY_FILE_SYSTEM))
          .hasToString(
              "cannot save the environment to "
                  + dir
                  + " (read-only file system); it is left as it was, but every process"
                  + " started still gets the environment");
      assertThat(Files.readString(etc.resolve("container_environment.sh")))
          .isEqualTo("export A='from the mount'\nexport B=2\n");
      assertThat(stores.beforeScript()).isEmpty();
      assertThat(stores.afterScript(boot.environment()).problems()).as("named once").isEmpty();
    } finally {
      Commands.unmount(dir);
    }
  }

  @Test
  void aDirectoryThatIsADanglingLinkIsOneProblemThatSaysWhy() throws IOException {
    Files.delete(dir);
    Files.createSymbolicLink(dir, etc.resolve("nowhere"));

    EnvironmentStores.Synced boot = stores.atBoot(ContainerEnvironment.of(Map.of("A", "1")));

    assertThat(boot.problems())
        .singleElement()
        .hasToString(
            "cannot write "
                + dir
                + " (something that is not a directory is in the way); it is left as it was");
    assertThat(Files.readString(etc.resolve("container_environment.sh"))).isEqualTo("export A=1\n");
  }

  @Test
  void afterScriptWithoutBeforeScriptIsAMistake() {
    ContainerEnvironment env = stores.atBoot(ContainerEnvironment.empty()).environment();

    assertThatThrownBy(() -> stores.afterScript(env))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("beforeScript()");
  }

  @Test
  void readsTheDirectoryOnceBeforeEachScript() throws IOException {
    ContainerEnvironment env =
        stores.atBoot(ContainerEnvironment.of(Map.of("A", "1"))).environment();
    stores.beforeScript();
    // Changed by someone between two calls of beforeScript: the script is measured from the first.
    Files.writeString(dir.resolve("A"), "2");
    stores.beforeScript();

    assertThat(stores.afterScript(env).environment().get("A")).hasValue("2");
  }
}
