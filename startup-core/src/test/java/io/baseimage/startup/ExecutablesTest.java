package io.baseimage.startup;

import static io.baseimage.testing.ScratchFiles.executable;
import static io.baseimage.testing.ScratchFiles.plainFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {
  @TempDir Path dir;

  private static String resolve(String program, ContainerEnvironment env) throws SpawnException {
    return new String(
        Executables.resolve(program.getBytes(StandardCharsets.UTF_8), env), StandardCharsets.UTF_8);
  }

  private static ContainerEnvironment path(String path) {
    return ContainerEnvironment.of(Map.of("PATH", path));
  }

  @Test
  void findsTheFirstExecutableOnThePath() throws Exception {
    Path first = executable(dir.resolve("a"), "tool");
    executable(dir.resolve("b"), "tool");

    assertThat(
            resolve(
                "tool",
                path(dir.resolve("missing") + ":" + dir.resolve("a") + ":" + dir.resolve("b"))))
        .isEqualTo(first.toString());
  }

  @Test
  void prefersALaterExecutableOverAnEarlierFileThatIsNotExecutable() throws Exception {
    plainFile(dir.resolve("a"), "tool");
    Path executable = executable(dir.resolve("b"), "tool");

    assertThat(resolve("tool", path(dir.resolve("a") + ":" + dir.resolve("b"))))
        .isEqualTo(executable.toString());
  }

  @Test
  void givesTheFileThatIsNotExecutableSoThatStartingItFailsWith126() throws Exception {
    Path plain = plainFile(dir.resolve("a"), "tool");

    assertThat(resolve("tool", path(dir.resolve("a").toString()))).isEqualTo(plain.toString());
  }

  @Test
  void failsWith127WhenNothingIsFound() {
    assertThatThrownBy(() -> resolve("no-such-tool", path(dir.toString())))
        .isInstanceOfSatisfying(
            SpawnException.class, e -> assertThat(e.shellStatus()).isEqualTo(127))
        .hasMessage("cannot execute no-such-tool: No such file or directory");
  }

  @Test
  void ignoresDirectoriesOfTheProgramsName() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("a/tool"));

    assertThatThrownBy(() -> resolve("tool", path(dir.resolve("a").toString())))
        .isInstanceOf(SpawnException.class);
  }

  @Test
  void takesAProgramWithASlashAsItIs() throws Exception {
    assertThat(resolve("./relative/tool", path(""))).isEqualTo("./relative/tool");
    assertThat(resolve("/does/not/exist", path(dir.toString()))).isEqualTo("/does/not/exist");
  }

  @Test
  void readsAnEmptyPathElementAsTheCurrentDirectory() {
    // The tests run in the module directory, which has a pom.xml (not executable).
    assertThat(search("pom.xml", "")).contains("./pom.xml");
    assertThat(search("pom.xml", "/nonexistent::/also-not")).contains("./pom.xml");
    assertThat(search("pom.xml", "/nonexistent:")).contains("./pom.xml");
    assertThat(search("pom.xml", "/nonexistent")).isEmpty();
  }

  @Test
  void findsAProgramOnAPathEntryOfAnyEncoding() throws Exception {
    // /…/café (UTF-8) and /…/caf\xe9 (no encoding at all): neither may become U+FFFD or throw.
    for (byte[] suffix :
        List.of("café".getBytes(StandardCharsets.UTF_8), new byte[] {'c', 'a', 'f', (byte) 0xe9})) {
      byte[] dirBytes = concat(FileNames.bytesOf(dir), new byte[] {'/'}, suffix);
      Path bin = FileNames.pathOf(dirBytes);
      Files.createDirectories(bin);
      executable(bin, "tool" + suffix.length);
      byte[] path = concat("/nonexistent:".getBytes(StandardCharsets.UTF_8), dirBytes);

      assertThat(
              Executables.resolve(
                  ("tool" + suffix.length).getBytes(StandardCharsets.UTF_8),
                  ContainerEnvironment.empty().with(ByteString.of("PATH"), ByteString.of(path))))
          .isEqualTo(concat(dirBytes, ("/tool" + suffix.length).getBytes(StandardCharsets.UTF_8)));
    }
  }

  private static Optional<String> search(String name, String path) {
    return Executables.resolve(
            name.getBytes(StandardCharsets.UTF_8), path.getBytes(StandardCharsets.UTF_8))
        .map(bytes -> new String(bytes, StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Test
  void usesTheDefaultPathWhenTheEnvironmentHasNone() throws Exception {
    String sh = resolve("sh", ContainerEnvironment.empty());

    assertThat(Path.of(sh).getFileName()).hasToString("sh");
    assertThat(List.of(Executables.DEFAULT_PATH.split(":")))
        .contains(Path.of(sh).getParent().toString());
  }

  @Test
  void defaultPathCoversTheSbinDirectoriesForRunsvdir() {
    assertThat(Executables.DEFAULT_PATH.split(":"))
        .contains("/sbin", "/usr/sbin", "/bin", "/usr/bin");
  }
}
