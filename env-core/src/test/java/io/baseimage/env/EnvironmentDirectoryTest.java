package io.baseimage.env;

import static io.baseimage.env.Commands.bytes;
import static io.baseimage.env.Commands.concat;
import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentDirectoryTest {
  /** The longest value that a 3-byte name can have: 3 + '=' + value + NUL = 131072. */
  private static final int LIMIT_FOR_3_BYTE_NAME = 131072 - 3 - 2;

  @TempDir Path temp;

  private Path dir() throws Exception {
    return Files.createDirectory(temp.resolve("container_environment"));
  }

  private static ByteString value(Decoded<ContainerEnvironment> read, String name) {
    return read.value().getBytes(name).orElseThrow(() -> new AssertionError("no variable " + name));
  }

  // ---- reading ------------------------------------------------------------------------------

  @ParameterizedTest(name = "file {0} reads as {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // file content (\n, \r escaped) | value
        "hello\\n        | hello",
        "hello           | hello",
        "hello\\n\\n     | hello\\n",
        "hello\\r\\n     | hello\\r",
        "hello\\r        | hello\\r",
        "\"  spaced  \\n\" | \"  spaced  \"",
        "\"hello \\n\"    | \"hello \"",
        "\\n             | \"\"",
        "\\n\\n          | \\n",
        "a\\nb\\n        | a\\nb",
      })
  void removesExactlyOneTrailingNewline(String content, String expected) throws Exception {
    Path dir = dir();
    Files.write(dir.resolve("V"), utf8(unescape(content)));

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(value(read, "V").toString()).isEqualTo(unescape(expected));
    assertThat(read.problems()).isEmpty();
  }

  private static String unescape(String text) {
    return text.replace("\\n", "\n").replace("\\r", "\r");
  }

  @ParameterizedTest(name = "file {0} is as written: {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "hello           | true",
        "\"\"            | true",
        "hello\\n\\n     | true",
        "\\n\\n          | true",
        // what `echo hello >` leaves: read as "hello", which write() writes without the newline
        "hello\\n        | false",
        "\\n             | false",
      })
  void tellsWhichFilesHoldExactlyWhatWriteWouldWrite(String content, boolean asWritten)
      throws Exception {
    Path dir = dir();
    Files.write(dir.resolve("V"), utf8(unescape(content)));
    Map<ByteString, ByteString> found = new HashMap<>();

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir, found);

    if (asWritten) {
      assertThat(found).containsExactly(Map.entry(ByteString.of("V"), value(read, "V")));
    } else {
      assertThat(found).isEmpty();
    }
  }

  @Test
  void aSymbolicLinkIsNeverAsWritten() throws Exception {
    Path dir = dir();
    Files.writeString(temp.resolve("target"), "hello");
    Files.createSymbolicLink(dir.resolve("V"), temp.resolve("target"));
    Map<ByteString, ByteString> found = new HashMap<>();

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir, found);

    assertThat(value(read, "V").toString()).isEqualTo("hello");
    assertThat(found).isEmpty();
  }

  @Test
  void aWriteRightAfterAReadLeavesTheFilesItReadAlone() throws Exception {
    Path dir = dir();
    Path file = dir.resolve("V");
    Files.writeString(file, "old");
    Map<ByteString, ByteString> found = new HashMap<>();
    EnvironmentDirectory.read(dir, found);
    // Changed behind the reader's back: the write trusts what the read found and does not look.
    Files.writeString(file, "changed");

    List<Problem> problems =
        EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("V", "old")), found);

    assertThat(problems).isEmpty();
    assertThat(Files.readString(file)).isEqualTo("changed");
    // Without what the read found, the write compares and rewrites.
    EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("V", "old")));
    assertThat(Files.readString(file)).isEqualTo("old");
  }

  @Test
  void readsEmptyFileAsEmptyValue() throws Exception {
    Path dir = dir();
    Files.createFile(dir.resolve("EMPTY"));

    assertThat(value(EnvironmentDirectory.read(dir), "EMPTY").isEmpty()).isTrue();
  }

  @Test
  void keepsBytesThatAreNotUtf8() throws Exception {
    Path dir = dir();
    byte[] raw = bytes(0xff, 0xfe, 'h', 0xc3, 0xa9, 0x01, 0x7f);
    Files.write(dir.resolve("RAW"), concat(raw, bytes('\n')));

    assertThat(value(EnvironmentDirectory.read(dir), "RAW").toByteArray()).containsExactly(raw);
  }

  @Test
  void readsMissingDirectoryAsEmpty() throws Exception {
    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(temp.resolve("missing"));

    assertThat(read.value().isEmpty()).isTrue();
    assertThat(read.problems()).isEmpty();
  }

  @Test
  void skipsDirectoryWithProblemNamingIt() throws Exception {
    Path dir = dir();
    Files.createDirectory(dir.resolve("SUBDIR"));
    Files.writeString(dir.resolve("OK"), "1");

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().asStringMap().value()).containsOnlyKeys("OK");
    assertThat(read.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.subject()).isEqualTo(dir + "/SUBDIR");
              assertThat(p.toString()).contains("SUBDIR").contains("directory");
            });
  }

  @Test
  @Timeout(20)
  void skipsFifoWithoutOpeningIt() throws Exception {
    Path dir = dir();
    Commands.checked("mkfifo", dir.resolve("FIFO").toString());
    Files.writeString(dir.resolve("OK"), "1");

    // Opening a fifo with no writer would block forever; @Timeout fails the test instead.
    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().asStringMap().value()).containsOnlyKeys("OK");
    assertThat(read.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.subject()).endsWith("/FIFO");
              assertThat(p.reason()).contains("not a regular file");
            });
  }

  @Test
  void skipsSocket() throws Exception {
    Path dir = dir();
    try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      socket.bind(UnixDomainSocketAddress.of(dir.resolve("SOCKET")));

      Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

      assertThat(read.value().isEmpty()).isTrue();
      assertThat(read.problems())
          .singleElement()
          .satisfies(p -> assertThat(p.subject()).endsWith("/SOCKET"));
    }
  }

  @Test
  void skipsDanglingSymlink() throws Exception {
    Path dir = dir();
    Files.createSymbolicLink(dir.resolve("DANGLING"), temp.resolve("nowhere"));

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().isEmpty()).isTrue();
    assertThat(read.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.subject()).endsWith("/DANGLING");
              assertThat(p.reason()).contains("dangling");
            });
  }

  @Test
  void skipsSymlinkLoop() throws Exception {
    Path dir = dir();
    Files.createSymbolicLink(dir.resolve("LOOP"), dir.resolve("LOOP"));

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().isEmpty()).isTrue();
    assertThat(read.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).endsWith("/LOOP"));
  }

  @Test
  void readsSymlinkToRegularFile() throws Exception {
    Path dir = dir();
    Path target = Files.writeString(temp.resolve("target"), "linked\n");
    Files.createSymbolicLink(dir.resolve("LINKED"), target);

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(value(read, "LINKED").toString()).isEqualTo("linked");
    assertThat(read.problems()).isEmpty();
  }

  @Test
  void skipsSymlinkToDirectory() throws Exception {
    Path dir = dir();
    Files.createSymbolicLink(dir.resolve("TODIR"), temp);

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().isEmpty()).isTrue();
    assertThat(read.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).endsWith("/TODIR"));
  }

  @Test
  void rejectsNameWithEquals() throws Exception {
    Path dir = dir();
    Files.writeString(dir.resolve("A=B"), "x");

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().isEmpty()).isTrue();
    assertThat(read.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.subject()).endsWith("/A=B");
              assertThat(p.reason()).contains("'='");
            });
  }

  @Test
  void skipsUnreadableFile() throws Exception {
    Commands.assumeNotRoot(
        "root reads a file whatever its mode, so 'unreadable' cannot be tested as root");
    Path dir = dir();
    Path file = Files.writeString(dir.resolve("SECRET"), "x");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().isEmpty()).isTrue();
    assertThat(read.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.subject()).endsWith("/SECRET");
              assertThat(p.reason()).contains("permission denied");
            });
  }

  @Test
  void keepsValueExactlyAtTheKernelLimit() throws Exception {
    Path dir = dir();
    byte[] value = filled(LIMIT_FOR_3_BYTE_NAME);
    Files.write(dir.resolve("BIG"), value);
    Files.write(dir.resolve("NLB"), concat(value, bytes('\n')));

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.problems()).isEmpty();
    assertThat(value(read, "BIG").length()).isEqualTo(LIMIT_FOR_3_BYTE_NAME);
    assertThat(value(read, "NLB").length()).isEqualTo(LIMIT_FOR_3_BYTE_NAME);
    assertThat(
            ContainerEnvironment.environString(ByteString.of("BIG"), value(read, "BIG")).length + 1)
        .isEqualTo(131072);
  }

  @Test
  void skipsValueOverTheKernelLimit() throws Exception {
    Path dir = dir();
    Files.write(dir.resolve("BIG"), filled(LIMIT_FOR_3_BYTE_NAME + 1));
    Files.write(dir.resolve("NLB"), concat(filled(LIMIT_FOR_3_BYTE_NAME + 1), bytes('\n')));
    Files.write(dir.resolve("HUG"), filled(10 * 1024 * 1024));
    Files.write(dir.resolve("LONGER_NAME"), filled(LIMIT_FOR_3_BYTE_NAME)); // 8 bytes more name

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().isEmpty()).isTrue();
    assertThat(read.problems())
        .extracting(Problem::subject)
        .containsExactly(dir + "/BIG", dir + "/HUG", dir + "/LONGER_NAME", dir + "/NLB");
    assertThat(read.problems()).allSatisfy(p -> assertThat(p.reason()).contains("128 KiB"));
  }

  private static byte[] filled(int length) {
    byte[] value = new byte[length];
    Arrays.fill(value, (byte) 'v');
    return value;
  }

  @Test
  void skipsValueWithNulByte() throws Exception {
    Path dir = dir();
    Files.write(dir.resolve("NUL"), bytes('a', 0, 'b'));

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().isEmpty()).isTrue();
    assertThat(read.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).endsWith("/NUL"));
  }

  @Test
  void readsEntriesInByteOrderOfNames() throws Exception {
    Path dir = dir();
    for (String name : List.of("b", "é", "B", "a", "_", "Z", "9")) {
      Files.writeString(dir.resolve(name), name);
    }
    for (String name : List.of("z=1", "a=1", "m=1")) {
      Files.writeString(dir.resolve(name), name);
    }

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().asMap().keySet())
        .extracting(ByteString::toString)
        .containsExactly("9", "B", "Z", "_", "a", "b", "é");
    assertThat(read.problems())
        .extracting(Problem::subject)
        .containsExactly(dir + "/a=1", dir + "/m=1", dir + "/z=1");
  }

  @Test
  void readsNamesThatAreNotUtf8Exactly() throws Exception {
    Path dir = dir();
    // Created by the shell, so that the name's bytes do not depend on this JVM's file name
    // encoding.
    Commands.checked(
        "/bin/sh",
        "-c",
        "printf 'v\\377' > \"$1/N$(printf '\\377\\303\\251')\"",
        "sh",
        dir.toString());

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    ByteString name = ByteString.of(bytes('N', 0xff, 0xc3, 0xa9));
    assertThat(read.problems()).isEmpty();
    assertThat(read.value().asMap().keySet()).containsExactly(name);
    assertThat(read.value().getBytes(name).orElseThrow().toByteArray())
        .containsExactly(bytes('v', 0xff));
  }

  // ---- writing ------------------------------------------------------------------------------

  @Test
  void writesValueWithoutTrailingNewline() throws Exception {
    Path dir = dir();

    List<Problem> problems =
        EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("A", "hello", "E", "")));

    assertThat(problems).isEmpty();
    assertThat(Files.readAllBytes(dir.resolve("A"))).containsExactly(utf8("hello"));
    assertThat(Files.readAllBytes(dir.resolve("E"))).isEmpty();
  }

  @Test
  void writesOneExtraNewlineAfterValueEndingInNewline() throws Exception {
    Path dir = dir();

    EnvironmentDirectory.write(
        dir, ContainerEnvironment.of(Map.of("A", "hello\n", "B", "\n", "C", "x\n\n")));

    assertThat(Files.readString(dir.resolve("A"))).isEqualTo("hello\n\n");
    assertThat(Files.readString(dir.resolve("B"))).isEqualTo("\n\n");
    assertThat(Files.readString(dir.resolve("C"))).isEqualTo("x\n\n\n");
    assertThat(EnvironmentDirectory.read(dir).value().asStringMap().value())
        .containsExactly(Map.entry("A", "hello\n"), Map.entry("B", "\n"), Map.entry("C", "x\n\n"));
  }

  @Test
  void roundTripsArbitraryBytes() throws Exception {
    long seed = System.nanoTime();
    System.out.println("EnvironmentDirectoryTest.roundTripsArbitraryBytes seed=" + seed);
    Random random = new Random(seed);
    Map<ByteString, ByteString> variables = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      byte[] value = new byte[random.nextInt(i % 50 == 0 ? 20_000 : 40)];
      for (int j = 0; j < value.length; j++) {
        value[j] = (byte) (1 + random.nextInt(255));
      }
      if (i % 7 == 0) {
        value = concat(value, utf8("\n".repeat(1 + random.nextInt(3))));
      }
      if (i % 11 == 0) {
        value = concat(value, utf8(" \r"));
      }
      byte[] name =
          concat(utf8("V" + i), i % 3 == 0 ? bytes(0xff, 0xe9) : utf8(i % 3 == 1 ? "é.x-" : ""));
      variables.put(ByteString.of(name), ByteString.of(value));
    }
    ContainerEnvironment env = ContainerEnvironment.ofBytes(variables);
    Path dir = dir();

    assertThat(EnvironmentDirectory.write(dir, env)).isEmpty();
    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.problems()).isEmpty();
    assertThat(read.value()).isEqualTo(env);
  }

  @Test
  void writesNamesThatAreNotUtf8Exactly() throws Exception {
    Path dir = dir();
    ByteString name = ByteString.of(bytes('N', 0xff, 0xc3, 0xa9));

    EnvironmentDirectory.write(dir, ContainerEnvironment.ofBytes(Map.of(name, ByteString.of("v"))));

    // The shell lists the names as bytes, independent of this JVM's file name encoding.
    byte[] listing =
        Commands.checked("/bin/sh", "-c", "cd \"$1\" && printf '%s\\0' *", "sh", dir.toString())
            .stdout();
    assertThat(listing).containsExactly(bytes('N', 0xff, 0xc3, 0xa9, 0));
  }

  @Test
  void doesNotWriteIdentityVariables() throws Exception {
    Path dir = dir();
    Map<String, String> variables = new HashMap<>();
    for (String name : List.of("HOME", "USER", "GROUP", "UID", "GID", "SHELL", "KEPT", "home")) {
      variables.put(name, "x");
    }

    List<Problem> problems = EnvironmentDirectory.write(dir, ContainerEnvironment.of(variables));

    assertThat(problems).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("KEPT", "home");
    }
  }

  @ParameterizedTest
  @CsvSource({".", "..", "a/b", "/abs", "../escape"})
  void skipsNameThatCannotBeFileNameWithProblem(String name) throws Exception {
    Path dir = dir();
    ContainerEnvironment env = ContainerEnvironment.of(Map.of(name, "x", "OK", "1"));

    List<Problem> problems = EnvironmentDirectory.write(dir, env);

    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.subject()).isEqualTo(name);
              assertThat(p.reason()).contains("not a valid file name");
            });
    try (var files = Files.list(temp)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactly("container_environment");
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("OK");
    }
  }

  @Test
  void createsMissingDirectoryWithMode0700() throws Exception {
    Path dir = temp.resolve("parent/container_environment");

    EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("A", "1")));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(Files.readString(dir.resolve("A"))).isEqualTo("1");
  }

  @Test
  void keepsModeOfExistingDirectory() throws Exception {
    Path dir = dir();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x--x"));

    EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("A", "1")));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwxr-x--x");
  }

  @Test
  void createsNewFilesWithMode0640() throws Exception {
    Path dir = dir();

    EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("A", "1", "B", "2\n")));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("A"))))
        .isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("B"))))
        .isEqualTo("rw-r-----");
  }

  @Test
  void replacesAnExistingFileKeepingItsModeOwnerAndGroup() throws Exception {
    Path dir = dir();
    Path file = Files.writeString(dir.resolve("A"), "old value that is longer");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Object owner = Files.getAttribute(file, "unix:uid");
    Object group = Files.getAttribute(file, "unix:gid");
    Object inode = Files.getAttribute(file, "unix:ino");

    EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("A", "new")));

    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
    assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(owner);
    assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(group);
    assertThat(Files.getAttribute(file, "unix:ino"))
        .as("a new file renamed over the old one")
        .isNotEqualTo(inode);
    assertThat(temporaryFiles(dir)).isEmpty();
  }

  @Test
  void replacesAFileOfAnotherUserKeepingItsIdsEvenWithoutNames() throws Exception {
    Commands.assumeRoot("only root gives a file away");
    Path dir = dir();
    Path file = Files.writeString(dir.resolve("A"), "old");
    // Ids that no user or group database entry names: the replacement keeps them by number.
    Files.setAttribute(file, "unix:uid", 54321);
    Files.setAttribute(file, "unix:gid", 43210);

    EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("A", "new")));

    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(Files.getAttribute(file, "unix:uid")).isEqualTo(54321);
    assertThat(Files.getAttribute(file, "unix:gid")).isEqualTo(43210);
  }

  @Test
  void aSymbolicLinkThatHoldsTheValueAsEchoWroteItNeedsNoWrite() throws Exception {
    Path dir = dir();
    Path target = Files.writeString(dir.getParent().resolve("linked-target"), "orig\n");
    Files.createSymbolicLink(dir.resolve("FOO"), target);

    List<Problem> problems =
        EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("FOO", "orig")));

    assertThat(problems).isEmpty();
    assertThat(Files.readString(target)).isEqualTo("orig\n");
  }

  @Test
  void readsNoTemporaryFileOfAWriterAsAVariable() throws Exception {
    Path dir = dir();
    Files.writeString(dir.resolve("A"), "1");
    Files.writeString(dir.resolve(".baseimage-tmp.77.1"), "a secret being written");

    assertThat(EnvironmentDirectory.read(dir).value())
        .isEqualTo(ContainerEnvironment.of(Map.of("A", "1")));
    assertThat(EnvironmentDirectory.read(dir).problems()).isEmpty();
  }

  @Test
  void removesTheTemporaryFilesACrashedWriterLeft() throws Exception {
    Path dir = dir();
    Files.writeString(dir.resolve("A"), "1");
    Files.writeString(dir.resolve(".baseimage-tmp.77.1"), "a secret");

    EnvironmentDirectory.removeLeftovers(dir);

    assertThat(temporaryFiles(dir)).isEmpty();
    assertThat(Files.readString(dir.resolve("A"))).isEqualTo("1");
  }

  @Test
  void removesLeftoversBesideNamesThatAreNotUtf8AndOnlyRegularFiles() throws Exception {
    Path dir = dir();
    Files.writeString(dir.resolve(".baseimage-tmp.77.1"), "a secret");
    Files.createDirectory(dir.resolve(".baseimage-tmp.not-ours"));
    Files.createSymbolicLink(dir.resolve(".baseimage-tmp.link"), dir.resolve("nowhere"));
    // A name the JVM cannot decode without a locale lists as something else: it must stay.
    Commands.checked(
        "/bin/sh",
        "-c",
        "printf v > \"$1/.baseimage-tmp.$(printf '\\377')\"; printf v > \"$1/N$(printf '\\377')\"",
        "sh",
        dir.toString());

    EnvironmentDirectory.removeLeftovers(dir);

    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(path -> path.getFileName().toString()))
          .hasSize(4)
          .contains(".baseimage-tmp.not-ours", ".baseimage-tmp.link")
          .doesNotContain(".baseimage-tmp.77.1");
    }
  }

  @Test
  void removesLeftoversOnAnyFileSystem() throws Exception {
    Path zip = temp.resolve("store.zip");
    try (FileSystem zipFs =
        FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
      Path dir = Files.createDirectory(zipFs.getPath("/container_environment"));
      Files.writeString(dir.resolve(".baseimage-tmp.77.1"), "a secret");
      Files.writeString(dir.resolve("A"), "1");

      EnvironmentDirectory.removeLeftovers(dir);

      try (Stream<Path> left = Files.list(dir)) {
        assertThat(left.map(path -> path.getFileName().toString())).containsExactly("A");
      }
    }
  }

  @Test
  void saysWhyLeftoversCannotBeLookedFor() throws Exception {
    Path file = Files.writeString(temp.resolve("container_environment"), "not a directory");

    assertThatThrownBy(() -> EnvironmentDirectory.removeLeftovers(file))
        .isInstanceOf(NotDirectoryException.class);
    // No directory at all holds no leftovers.
    EnvironmentDirectory.removeLeftovers(temp.resolve("missing"));
  }

  @Test
  void cutsAnOverfullDirectoryInByteOrderOfNames() throws Exception {
    Path dir = dir();
    for (int i = EnvironmentDirectory.MAX_ENTRIES; i >= 0; i--) {
      Files.writeString(dir.resolve(String.format("V%05d", i)), "x");
    }

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().size()).isEqualTo(EnvironmentDirectory.MAX_ENTRIES);
    assertThat(read.value().contains("V00000")).isTrue();
    assertThat(read.value().contains(String.format("V%05d", EnvironmentDirectory.MAX_ENTRIES)))
        .isFalse();
    assertThat(read.problems())
        .singleElement()
        .asString()
        .contains("only the first 10000 in byte order");
  }

  private static List<Path> temporaryFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(".baseimage-tmp.")).toList();
    }
  }

  @Test
  void leavesFilesOfOtherVariablesAlone() throws Exception {
    Path dir = dir();
    Files.writeString(dir.resolve("OTHER"), "kept");

    EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("A", "1")));

    assertThat(Files.readString(dir.resolve("OTHER"))).isEqualTo("kept");
  }

  @Test
  void reportsVariableThatCannotBeWrittenAndWritesTheRest() throws Exception {
    Path dir = dir();
    Files.createDirectory(dir.resolve("ADIR"));

    List<Problem> problems =
        EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("ADIR", "x", "B", "1")));

    assertThat(problems)
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).isEqualTo(dir + "/ADIR"));
    assertThat(Files.readString(dir.resolve("B"))).isEqualTo("1");
    assertThat(Files.isDirectory(dir.resolve("ADIR"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void aFileThatMayNotBeReplacedCostsOnlyItsOwnVariable() throws Exception {
    Commands.assumeRoot("making a file immutable needs root");
    Path dir = dir();
    Path immutable = Files.writeString(dir.resolve("B"), "old");
    Commands.checked("chattr", "+i", immutable.toString());
    try {
      // Replacing an immutable file fails with EPERM, as an unwritable directory would.
      List<Problem> problems =
          EnvironmentDirectory.write(
              dir, ContainerEnvironment.of(Map.of("A", "1", "B", "2", "C", "3")));

      assertThat(problems)
          .containsExactly(
              new Problem(
                  Problem.Kind.NOT_WRITTEN, dir + "/B", "not written: Operation not permitted"));
      assertThat(Files.readString(dir.resolve("A"))).isEqualTo("1");
      assertThat(Files.readString(immutable)).isEqualTo("old");
      assertThat(Files.readString(dir.resolve("C"))).isEqualTo("3");
      assertThat(temporaryFiles(dir)).isEmpty();
    } finally {
      Commands.checked("chattr", "-i", immutable.toString());
    }
  }

  @Test
  void stopsReadingWhereTheVariablesExceedWhatAnyProcessCanGet() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("env"));
    byte[] value = new byte[120 * 1024];
    Arrays.fill(value, (byte) 'v');
    int files = EnvironmentDirectory.MAX_ENVIRONMENT_BYTES / value.length + 5;
    for (int i = 0; i < files; i++) {
      Files.write(dir.resolve(String.format("V%03d", i)), value);
    }

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    int kept = read.value().size();
    assertThat(kept).isBetween(files - 6, files - 1);
    assertThat(read.value().asStringMap().value())
        .containsKey("V000")
        .doesNotContainKey(String.format("V%03d", files - 1));
    assertThat(read.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.subject()).endsWith(String.format("V%03d", kept)))
        .satisfies(p -> assertThat(p.reason()).contains("8 MiB"));
  }

  @Test
  @Timeout(60)
  void readsNoMoreThanTheEntryLimit() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("env"));
    for (int i = 0; i < EnvironmentDirectory.MAX_ENTRIES + 3; i++) {
      Files.createFile(dir.resolve("V" + i));
    }

    Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(dir);

    assertThat(read.value().size()).isEqualTo(EnvironmentDirectory.MAX_ENTRIES);
    assertThat(read.problems())
        .singleElement()
        .satisfies(
            p -> assertThat(p.reason()).contains("more than " + EnvironmentDirectory.MAX_ENTRIES));
  }

  @Test
  @Timeout(10)
  void neverOpensAFifoThatHasAVariablesName() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("env"));
    Commands.checked("mkfifo", dir.resolve("FOO").toString());

    List<Problem> problems =
        EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("FOO", "", "BAR", "b")));

    assertThat(problems)
        .singleElement()
        .satisfies(p -> assertThat(p.toString()).contains("FOO", "not a regular file"));
    assertThat(Files.readString(dir.resolve("BAR"))).isEqualTo("b");
  }

  @Test
  void neverWritesThroughASymbolicLink() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("env"));
    Path target = Files.writeString(temp.resolve("elsewhere"), "old");
    Files.createSymbolicLink(dir.resolve("LINKED"), target);
    Files.createSymbolicLink(dir.resolve("SAME"), Files.writeString(temp.resolve("same"), "same"));

    List<Problem> problems =
        EnvironmentDirectory.write(
            dir, ContainerEnvironment.of(Map.of("LINKED", "new", "SAME", "same")));

    assertThat(Files.readString(target)).isEqualTo("old");
    assertThat(problems)
        .singleElement()
        .satisfies(p -> assertThat(p.toString()).contains("LINKED", "symbolic link"));
  }

  @Test
  void leavesFilesThatAlreadyHoldTheirValueUntouched() throws Exception {
    Path dir = Files.createDirectory(temp.resolve("env"));
    Path file = Files.writeString(dir.resolve("KEEP"), "v\n\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(0));

    EnvironmentDirectory.write(dir, ContainerEnvironment.of(Map.of("KEEP", "v\n")));

    assertThat(Files.getLastModifiedTime(file).toMillis()).isZero();
  }
}
