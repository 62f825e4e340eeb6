package io.baseimage.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples of docs/embedding-env-core.md, verbatim between the "docs:" markers, so that they
 * compile (with --release 17, like the library) and do what the guide says. Each takes the
 * directory that stands for /etc.
 */
class EmbeddingExamplesTest {
  @TempDir Path etc;

  @BeforeEach
  void image() throws IOException {
    Path dir = Files.createDirectory(etc.resolve("container_environment"));
    Files.writeString(dir.resolve("AWS_REGION"), "eu-west-1\n");
    Files.writeString(dir.resolve("SECRET"), "s3cr\u00e9t\n");
    JsonDump.write(
        etc.resolve("container_environment.json"),
        EnvironmentDirectory.read(dir).value().with("HOME", "/root"));
  }

  // docs: quick-start
  static String quickStart(Path etc) throws IOException {
    ContainerEnvironment env = JsonDump.read(etc.resolve("container_environment.json")).value();
    // or, with the exact bytes of every value (root and group docker_env, as the dumps):
    // ContainerEnvironment env =
    // EnvironmentDirectory.read(etc.resolve("container_environment")).value();

    String region = env.get("AWS_REGION").orElse("us-east-1"); // String view (UTF-8)
    byte[] secret =
        env.getBytes("SECRET") // exact bytes
            .map(ByteString::toByteArray)
            .orElseThrow(() -> new IllegalStateException("SECRET is not set"));
    return region + " " + secret.length;
  }

  // docs: end

  @Test
  void quickStartReadsTheJsonDump() throws IOException {
    assertThat(quickStart(etc)).isEqualTo("eu-west-1 7");
  }

  // docs: directory
  static ContainerEnvironment readAndWriteDirectory(Path etc, Path scratch) throws IOException {
    Decoded<ContainerEnvironment> read =
        EnvironmentDirectory.read(etc.resolve("container_environment"));
    for (Problem problem : read.problems()) {
      System.err.println("warning: " + problem); // e.g. ".../x: skipped: a directory"
    }
    ContainerEnvironment env = read.value().with("GREETING", "hello\n");
    // A directory of your own: my_init rewrites /etc/container_environment at every boot.
    Path mine = scratch.resolve("environment");
    List<Problem> skipped = EnvironmentDirectory.write(mine, env); // GREETING file: "hello\n\n"
    skipped.forEach(problem -> System.err.println("warning: " + problem));
    return EnvironmentDirectory.read(mine).value(); // GREETING = "hello\n" again
  }

  // docs: end

  @Test
  void directoryRoundTrips(@TempDir Path scratch) throws IOException {
    ContainerEnvironment env = readAndWriteDirectory(etc, scratch);

    assertThat(env.get("GREETING")).hasValue("hello\n");
    assertThat(env.get("AWS_REGION")).hasValue("eu-west-1");
    assertThat(Files.readString(scratch.resolve("environment/GREETING"))).isEqualTo("hello\n\n");
    assertThat(etc.resolve("container_environment/GREETING")).doesNotExist();
  }

  // docs: shell-dump
  static ContainerEnvironment shellDump() throws MalformedDumpException {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("my.var", "it's", "HOME", "/root"));
    Encoded script = ShellDump.format(env);
    // script.bytes() is "export my_var='it'\''s'\n": HOME is left out, my.var becomes my_var
    script.problems().forEach(problem -> System.err.println("warning: " + problem));
    return ShellDump.parse(script.bytes().toByteArray()).value(); // {my_var=it's}
  }

  // docs: end

  @Test
  void shellDumpExample() throws IOException {
    assertThat(shellDump().asStringMap().value()).containsExactly(Map.entry("my_var", "it's"));
    assertThat(
            ShellDump.format(ContainerEnvironment.of(Map.of("my.var", "it's", "HOME", "/root")))
                .bytes())
        .isEqualTo(ByteString.of("export my_var='it'\\''s'\n"));
  }

  // docs: json-dump
  static ContainerEnvironment jsonDump() throws MalformedDumpException {
    ContainerEnvironment env =
        ContainerEnvironment.ofBytes(
            Map.of(
                ByteString.of("LANG"), ByteString.of("C.UTF-8"),
                ByteString.of("RAW"), ByteString.of(new byte[] {(byte) 0xff, 'x'})));
    Encoded json = JsonDump.format(env);
    // json.bytes() is {"LANG":"C.UTF-8","RAW":"\uFFFDx"} and a newline;
    // json.problems() has one entry: "RAW: not valid UTF-8: ..."
    json.problems().forEach(problem -> System.err.println("warning: " + problem));
    return JsonDump.parse(json.bytes().toByteArray())
        .value(); // throws MalformedDumpException for anything but {"name":"value",...}
  }

  // docs: end

  @Test
  void jsonDumpExample() throws IOException {
    assertThat(jsonDump().asStringMap().value())
        .containsExactly(Map.entry("LANG", "C.UTF-8"), Map.entry("RAW", "\uFFFDx"));
  }

  // docs: dump-file
  static void writeDumps(ContainerEnvironment env, Path dir) throws IOException {
    // Dumps of your own in dir: my_init rewrites /etc/container_environment.{sh,json} at boot.
    try {
      ShellDump.write(dir.resolve("environment.sh"), env)
          .forEach(problem -> System.err.println("warning: " + problem));
      JsonDump.write(dir.resolve("environment.json"), env)
          .forEach(problem -> System.err.println("warning: " + problem));
    } catch (NotWritableException e) {
      // docker run --read-only, or not root: say so once and carry on.
      System.err.println("warning: " + e.getMessage()); // cannot write PATH: read-only file system
    }
    ContainerEnvironment back = ShellDump.read(dir.resolve("environment.sh")).value();
  }

  // docs: end

  @Test
  void dumpFileExample() throws IOException {
    writeDumps(ContainerEnvironment.of(Map.of("A", "1")), etc);

    assertThat(Files.readString(etc.resolve("environment.sh"))).isEqualTo("export A=1\n");
    assertThat(Files.readString(etc.resolve("environment.json"))).isEqualTo("{\"A\":\"1\"}\n");
    assertThat(Files.getPosixFilePermissions(etc.resolve("environment.json")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
  }

  // docs: stores
  static ContainerEnvironment boot(Path root, ContainerEnvironment process) {
    // Stores of your own under root (a test's directory): never the image's /etc, which my_init
    // keeps.
    EnvironmentStores stores =
        EnvironmentStores.of(
            root.resolve("container_environment"),
            root.resolve("container_environment.sh"),
            root.resolve("container_environment.json"));
    // At boot: process (docker run -e, ENV) wins over the files; all three stores are written.
    EnvironmentStores.Synced boot = stores.atBoot(process);
    boot.problems().forEach(problem -> System.err.println("warning: " + problem));
    // Around a startup script: what it changed in the directory; everything else keeps its value.
    stores.beforeScript().forEach(problem -> System.err.println("warning: " + problem));
    runStartupScript(root); // yours; here it writes container_environment/FROM_SCRIPT
    EnvironmentStores.Synced after = stores.afterScript(boot.environment());
    after.problems().forEach(problem -> System.err.println("warning: " + problem));
    return after.environment();
  }

  // docs: end

  /** The startup script of the example above. */
  static void runStartupScript(Path root) {
    try {
      Files.writeString(root.resolve("container_environment/FROM_SCRIPT"), "yes\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void storesExample() throws IOException {
    ContainerEnvironment env =
        boot(etc, ContainerEnvironment.of(Map.of("HOME", "/app", "SECRET", "from -e")));

    assertThat(env.get("FROM_SCRIPT")).hasValue("yes");
    assertThat(env.get("AWS_REGION")).hasValue("eu-west-1");
    assertThat(env.get("SECRET")).hasValue("from -e");
    assertThat(env.get("HOME"))
        .as("never in the directory, so no script removed it")
        .hasValue("/app");
    assertThat(Files.readString(etc.resolve("container_environment/SECRET"))).isEqualTo("from -e");
    assertThat(Files.readString(etc.resolve("container_environment.sh")))
        .contains("export FROM_SCRIPT=yes\n");
  }

  // docs: byte-string
  static void byteStrings(long pid) throws IOException {
    ByteString value = ByteString.of(new byte[] {'h', (byte) 0xc3, (byte) 0xa9, (byte) 0xff});
    value.isValidUtf8(); // false
    value.toString(); // "hé\uFFFD": the String view
    value.toByteArray(); // {'h', 0xc3, 0xa9, 0xff}: the exact bytes
    ByteString.of("héllo"); // UTF-8 bytes of a String

    // The environment a process started with, as bytes (Linux; another user's needs root):
    ContainerEnvironment mine = ContainerEnvironment.ofProcess();
    ContainerEnvironment other =
        ContainerEnvironment.ofProcess(Path.of("/proc/" + pid + "/environ"));
    List<byte[]> forExecve = mine.toEnviron(); // "NAME=VALUE" byte strings, sorted
  }

  // docs: end

  @Test
  void byteStringExampleRuns() throws IOException {
    byteStrings(ProcessHandle.current().pid());
  }

  @Test
  void guideShowsTheseExamplesVerbatim() throws IOException {
    // Surefire runs in the module's directory; the guide is in the repository's docs/.
    Path guide = Path.of("../docs/embedding-env-core.md");
    Commands.assume(Files.exists(guide), "skipped: " + guide.toAbsolutePath() + " is not here");
    String source =
        Files.readString(Path.of("src/test/java/io/baseimage/env/EmbeddingExamplesTest.java"));
    String docs = Files.readString(guide);
    Matcher block =
        Pattern.compile("(?s)  // docs: ([a-z-]+)\n(.*?)  // docs: end\n").matcher(source);
    int blocks = 0;
    while (block.find()) {
      String code = block.group(2).replaceAll("(?m)^  ", "");
      assertThat(docs)
          .as("docs/embedding-env-core.md shows example '%s' as in this test", block.group(1))
          .contains("```java\n" + code + "```");
      blocks++;
    }
    assertThat(blocks).isEqualTo(7);
  }
}
