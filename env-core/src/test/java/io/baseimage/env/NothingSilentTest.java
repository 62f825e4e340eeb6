package io.baseimage.env;

import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the codecs do not carry as given comes back as a problem of its kind, and no message holds a
 * value (docs/embedding-env-core.md, "Reference by example").
 */
class NothingSilentTest {
  private static final String SECRET = "s3cret-value";

  @Test
  void aNameGivenTwiceInTheJsonDumpIsADuplicateAndTheLaterCounts() throws Exception {
    Decoded<ContainerEnvironment> read =
        JsonDump.parse(utf8("{\"A\":\"1\",\"B\":\"x\",\"A\":\"2\"}"));

    assertThat(read.value().get("A")).hasValue("2");
    assertThat(read.problems())
        .extracting(Problem::kind, Problem::subject)
        .containsExactly(tuple(Problem.Kind.DUPLICATE, "A"));
  }

  @Test
  void aNameExportedTwiceInTheShellDumpIsADuplicateAndTheLaterCounts() throws Exception {
    Decoded<ContainerEnvironment> read = ShellDump.parse(utf8("export A=1\nexport A=2\n"));

    assertThat(read.value().get("A")).hasValue("2");
    assertThat(read.problems())
        .extracting(Problem::kind, Problem::subject)
        .containsExactly(tuple(Problem.Kind.DUPLICATE, "A"));
  }

  @Test
  void aCommentAfterAValueEndsTheLine() throws Exception {
    Decoded<ContainerEnvironment> read =
        ShellDump.parse(utf8("export A=x # the first\nexport B='y z'\t# the second\nexport C=\n"));

    assertThat(read.value().asStringMap().value())
        .containsExactly(Map.entry("A", "x"), Map.entry("B", "y z"), Map.entry("C", ""));
    assertThat(read.problems()).isEmpty();
  }

  @Test
  void aRenamedShellNameIsAProblem() {
    Encoded dump = ShellDump.format(ContainerEnvironment.of(Map.of("my.dotted-name", "v")));

    assertThat(dump.bytes().toString()).isEqualTo("export my_dotted_name=v\n");
    assertThat(dump.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(Problem.Kind.RENAMED);
              assertThat(p)
                  .hasToString("my.dotted-name: written as my_dotted_name in the shell dump");
            });
  }

  @Test
  void twoNamesThatBecomeOneStringAreMergedInTheStringView() {
    ContainerEnvironment env =
        ContainerEnvironment.ofBytes(
            Map.of(
                ByteString.of(new byte[] {'N', (byte) 0xfe}), ByteString.of("first"),
                ByteString.of(new byte[] {'N', (byte) 0xff}), ByteString.of("second")));

    Decoded<SortedMap<String, String>> view = env.asStringMap();

    assertThat(view.value()).containsExactly(Map.entry("N\uFFFD", "second"));
    assertThat(view.problems())
        .extracting(Problem::kind, Problem::subject)
        .containsExactly(
            tuple(Problem.Kind.NOT_UTF8, "N\\xfe"),
            tuple(Problem.Kind.NOT_UTF8, "N\\xff"),
            tuple(Problem.Kind.MERGED, "N\\xff"));
    assertThatThrownBy(() -> view.value().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aNulInAValueNamesTheVariableNotTheValue() {
    assertThatThrownBy(() -> ContainerEnvironment.of(Map.of("TOKEN", SECRET + "\0x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the value of variable 'TOKEN' holds a NUL byte, which no process environment can carry")
        .message()
        .doesNotContain(SECRET);
  }

  @Test
  void aMalformedShellDumpSaysWhereAndNeverQuotesTheValue() {
    assertThatThrownBy(() -> ShellDump.parse(utf8("export A=1\nexport TOKEN=" + SECRET + "$x\n")))
        .isInstanceOfSatisfying(
            MalformedDumpException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.column()).isEqualTo(26);
              assertThat(e)
                  .hasMessage(
                      "line 2, column 26: variable 'TOKEN': a character that a shell would"
                          + " interpret must be quoted");
            });
  }

  @Test
  void aCrlfShellDumpAndANonAsciiValueGetReadableMessages() {
    assertThatThrownBy(() -> ShellDump.parse(utf8("export A=x\r\n")))
        .hasMessage(
            "line 1, column 11: variable 'A': a carriage return (a file with CRLF line ends?)"
                + " that a shell would interpret must be quoted");
    assertThatThrownBy(() -> ShellDump.parse(utf8("export A=\u00e9\n")))
        .hasMessage(
            "line 1, column 10: variable 'A': a character that a shell would interpret must be"
                + " quoted");
  }

  @Test
  void aNameWithAControlCharacterIsEscapedInMessages() throws Exception {
    Decoded<ContainerEnvironment> read = JsonDump.parse(utf8("{\"A\\r\":\"1\",\"A\\r\":\"2\"}"));

    assertThat(read.problems())
        .singleElement()
        .hasToString("A\\r: given twice in the JSON dump: the later value counts");
  }

  @Test
  void malformedJsonSaysWhereInOneLineAndNeverQuotesTheInput() {
    assertThatThrownBy(() -> JsonDump.parse(utf8("{\n  \"TOKEN\": " + SECRET + "\n}")))
        .isInstanceOfSatisfying(
            MalformedDumpException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.getMessage()).startsWith("line 2, column ").doesNotContain(SECRET, "\n");
              assertThat(e.getCause()).isNull();
            });
    assertThatThrownBy(() -> JsonDump.parse(utf8("{\"TOKEN\": 12}")))
        .hasMessage("line 1, column 11: variable 'TOKEN': expected a string");
  }

  @Test
  void eachDumpIsReadAndWrittenByPathAsTheDirectoryIs(@TempDir Path dir) throws Exception {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("A", "1", "my.name", "x"));

    assertThat(ShellDump.write(dir.resolve("env.sh"), env))
        .extracting(Problem::kind)
        .containsExactly(Problem.Kind.RENAMED);
    assertThat(JsonDump.write(dir.resolve("env.json"), env)).isEmpty();
    assertThat(EnvironmentDirectory.write(dir.resolve("env"), env)).isEmpty();

    assertThat(ShellDump.read(dir.resolve("env.sh")).value())
        .isEqualTo(ContainerEnvironment.of(Map.of("A", "1", "my_name", "x")));
    assertThat(JsonDump.read(dir.resolve("env.json")).value()).isEqualTo(env);
    assertThat(EnvironmentDirectory.read(dir.resolve("env")).value()).isEqualTo(env);
    assertThat(Files.getPosixFilePermissions(dir.resolve("env.sh")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
  }

  @Test
  void anEncodedDumpNeverPrintsItsContent() {
    Encoded dump = JsonDump.format(ContainerEnvironment.of(Map.of("TOKEN", SECRET)));

    assertThat(dump.toString())
        .isEqualTo("Encoded[" + dump.bytes().length() + " bytes, problems=[]]");
  }

  @Test
  void decodedRejectsANullValue() {
    assertThatThrownBy(() -> new Decoded<>(null, java.util.List.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("value");
  }

  @Test
  void namesTheShellKeepsForItselfAreLeftOutSoThatDashCanSourceTheDump(@TempDir Path dir)
      throws Exception {
    ContainerEnvironment env =
        ContainerEnvironment.of(
            Map.of("OPTIND", "x", "RANDOM", "7", "_", "/bin/sh", "ZZZ", "after"));

    assertThat(ShellDump.write(dir.resolve("env.sh"), env))
        .extracting(Problem::kind, Problem::subject)
        .containsExactly(
            tuple(Problem.Kind.LEFT_OUT, "OPTIND"),
            tuple(Problem.Kind.LEFT_OUT, "RANDOM"),
            tuple(Problem.Kind.LEFT_OUT, "_"));
    for (String shell : java.util.List.of("/bin/dash", "/bin/bash")) {
      Commands.assume(Files.isExecutable(Path.of(shell)), "skipped: no " + shell);
      Process sourcing =
          new ProcessBuilder(shell, "-c", ". \"$1\" && echo \"$ZZZ\"", "sh", dir + "/env.sh")
              .redirectErrorStream(true)
              .start();
      assertThat(new String(sourcing.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .as(shell)
          .isEqualTo("after\n");
      assertThat(sourcing.waitFor()).as(shell).isZero();
    }
  }

  @Test
  void aNulInAShellDumpValueIsAMalformedDump() {
    assertThatThrownBy(() -> ShellDump.parse(utf8("export A=1\nexport B='x\0'\n")))
        .isInstanceOfSatisfying(
            MalformedDumpException.class, e -> assertThat(e.line()).isEqualTo(2))
        .hasMessageContaining("variable 'B': the value holds a NUL byte");
  }

  @Test
  void namesAreShownEscapedWhereverTheyArePrinted() {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("A\r\u202eB", "1", "C\\xff", "2"));

    assertThat(env).hasToString("ContainerEnvironment[A\\r\\u202eB, C\\\\xff]");
    assertThat(env.asStringMap().toString())
        .isEqualTo("Decoded[value=UnmodifiableSortedMap, problems=[]]")
        .doesNotContain("1", "2");
  }

  @Test
  void whatTheDirectoryCannotHoldIsReportedWhenWritingNotOnlyWhenReading(@TempDir Path dir)
      throws Exception {
    ContainerEnvironment env =
        ContainerEnvironment.of(
            Map.of(".baseimage-tmp.KEEP", "x", "BIG", "v".repeat(200 * 1024), "OK", "1"));

    assertThat(EnvironmentDirectory.write(dir, env))
        .extracting(Problem::kind)
        .containsExactly(Problem.Kind.INVALID_NAME, Problem.Kind.TOO_LARGE);
    assertThat(EnvironmentDirectory.read(dir).value().asMap()).hasSize(1);
  }

  @Test
  void aLoneSurrogateIsRejectedNotWrittenAsAQuestionMark() {
    assertThatThrownBy(() -> ContainerEnvironment.of(Map.of("A", "x\uD800")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the value of variable 'A' holds a lone surrogate");
    assertThatThrownBy(() -> ContainerEnvironment.empty().with("A\uDC00", "1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aJsonDumpWithAVariableOfAnyLegalLengthReadsBack() throws Exception {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("N".repeat(60_000), "v"));

    assertThat(JsonDump.parse(JsonDump.format(env).bytes()).value()).isEqualTo(env);
  }

  @Test
  void aJsonDumpThatIsNotUtf8IsMalformed() {
    // an overlong '/', and UTF-16LE text
    assertThatThrownBy(
            () ->
                JsonDump.parse(
                    new byte[] {
                      '{', '"', 'A', '"', ':', '"', (byte) 0xe0, (byte) 0x80, (byte) 0xaf, '"', '}'
                    }))
        .hasMessage("line 1, column 7: not UTF-8");
    assertThatThrownBy(() -> JsonDump.parse("{\"A\":\"1\"}".getBytes(StandardCharsets.UTF_16LE)))
        .hasMessage("line 1, column 2: a NUL byte (UTF-16 or UTF-32 text?)");
  }

  @Test
  void returnedListsAreUnmodifiableAndPositionsCountFromOne() {
    assertThatThrownBy(() -> ContainerEnvironment.empty().toEnviron().add(new byte[0]))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new MalformedDumpException("x", 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
