package io.baseimage.env;

import static io.baseimage.env.Commands.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dumps of a small environment, byte for byte, against files written by hand. */
class GoldenFilesTest {
  static ContainerEnvironment environment() {
    Map<ByteString, ByteString> variables = new LinkedHashMap<>();
    variables.put(ByteString.of("HOME"), ByteString.of("/root"));
    variables.put(ByteString.of("LANG"), ByteString.of("C.UTF-8"));
    variables.put(ByteString.of("GREETING"), ByteString.of("it's a \"test\""));
    variables.put(ByteString.of("MULTI"), ByteString.of("line1\nline2\n"));
    variables.put(ByteString.of("my.var"), ByteString.of("héllo"));
    variables.put(ByteString.of("2FA"), ByteString.of("$(not run)"));
    variables.put(ByteString.of("EMPTY"), ByteString.empty());
    variables.put(ByteString.of("RAW"), ByteString.of(bytes(0xff, 0xfe, ' ', 'o', 'k')));
    return ContainerEnvironment.ofBytes(variables);
  }

  private static byte[] golden(String name) throws Exception {
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("resource /golden/" + name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void shellDumpMatchesGoldenFile() throws Exception {
    Encoded dump = ShellDump.format(environment());

    assertThat(dump.bytes().toByteArray()).containsExactly(golden("small.sh"));
    assertThat(dump.problems())
        .extracting(Problem::kind, Problem::subject)
        .containsExactly(tuple(Problem.Kind.RENAMED, "2FA"), tuple(Problem.Kind.RENAMED, "my.var"));
  }

  @Test
  void jsonDumpMatchesGoldenFile() throws Exception {
    Encoded dump = JsonDump.format(environment());

    assertThat(dump.bytes().toByteArray()).containsExactly(golden("small.json"));
    assertThat(dump.problems()).extracting(Problem::subject).containsExactly("RAW");
  }

  @Test
  void goldenShellDumpParses() throws Exception {
    ContainerEnvironment parsed = ShellDump.parse(golden("small.sh")).value();

    assertThat(parsed.asMap().keySet())
        .extracting(ByteString::toString)
        .containsExactly("EMPTY", "GREETING", "LANG", "MULTI", "RAW", "_2FA", "my_var");
    assertThat(parsed.getBytes("RAW").orElseThrow().toByteArray())
        .containsExactly(bytes(0xff, 0xfe, ' ', 'o', 'k'));
    assertThat(parsed.get("GREETING")).hasValue("it's a \"test\"");
    assertThat(parsed.get("MULTI")).hasValue("line1\nline2\n");
  }

  @Test
  void goldenJsonDumpParses() throws Exception {
    ContainerEnvironment parsed = JsonDump.parse(golden("small.json")).value();

    assertThat(parsed.without("RAW")).isEqualTo(environment().without("RAW"));
    assertThat(parsed.get("RAW")).hasValue("\uFFFD\uFFFD ok");
  }
}
