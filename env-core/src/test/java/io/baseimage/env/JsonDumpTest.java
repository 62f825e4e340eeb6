package io.baseimage.env;

import static io.baseimage.env.Commands.bytes;
import static io.baseimage.env.Commands.concat;
import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonDumpTest {
  private static String format(ContainerEnvironment env) {
    return JsonDump.format(env).bytes().toString();
  }

  @Test
  void sortsKeysAndEndsWithNewline() {
    ContainerEnvironment env =
        ContainerEnvironment.of(Map.of("b", "2", "A", "1", "a", "3", "é", "4", "_", "5"));

    assertThat(format(env))
        .isEqualTo("{\"A\":\"1\",\"_\":\"5\",\"a\":\"3\",\"b\":\"2\",\"é\":\"4\"}\n");
  }

  @Test
  void includesIdentityVariables() {
    ContainerEnvironment env =
        ContainerEnvironment.of(Map.of("HOME", "/root", "SHELL", "/bin/sh", "UID", "0"));

    assertThat(format(env)).isEqualTo("{\"HOME\":\"/root\",\"SHELL\":\"/bin/sh\",\"UID\":\"0\"}\n");
  }

  @Test
  void formatsEmptyEnvironment() {
    assertThat(format(ContainerEnvironment.empty())).isEqualTo("{}\n");
  }

  /**
   * The dump is written by hand (no generator set-up at boot); Jackson's generator, with its
   * defaults, is the oracle: every byte the same, for every kind of character.
   */
  @Test
  void writesTheBytesJacksonsGeneratorWrites() throws Exception {
    Random random = new Random(17);
    int[] kinds = {0x01, 0x1f, '"', '\\', '/', 0x7f, 0xe9, 0x2028, 0xfffd, 0x1f600};
    for (int round = 0; round < 300; round++) {
      // In the dump's order: code points (UTF-8 bytes), not UTF-16 as String sorts.
      Map<String, String> variables = new TreeMap<>(Comparator.comparing(ByteString::of));
      for (int v = random.nextInt(6); v >= 0; v--) {
        variables.put(randomText(random, kinds, 1), randomText(random, kinds, 0));
      }
      ContainerEnvironment env = ContainerEnvironment.of(variables);

      assertThat(JsonDump.format(env).bytes().toByteArray())
          .as("%s", variables)
          .isEqualTo(jacksonsDump(variables));
    }
  }

  @Test
  void writesToAStreamInLargeChunks() throws Exception {
    Map<String, String> variables = new TreeMap<>();
    for (int i = 0; i < 200; i++) {
      variables.put("V" + i, "value \"" + i + "\"\n");
    }
    int[] writes = {0};
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream counting =
        new OutputStream() {
          @Override
          public void write(int b) {
            writes[0]++;
            written.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            writes[0]++;
            written.write(bytes, offset, length);
          }
        };

    JsonDump.write(counting, ContainerEnvironment.of(variables));

    // A bare FileOutputStream makes a system call of each: not one per escape and quote.
    assertThat(writes[0]).isEqualTo(1);
    assertThat(written.toByteArray())
        .isEqualTo(JsonDump.format(ContainerEnvironment.of(variables)).bytes().toByteArray());
  }

  private static String randomText(Random random, int[] kinds, int minLength) {
    StringBuilder text = new StringBuilder();
    for (int i = minLength + random.nextInt(12); i > 0; i--) {
      int codePoint =
          random.nextBoolean()
              ? kinds[random.nextInt(kinds.length)]
              : random.nextInt(3) == 0 ? 1 + random.nextInt(0x1f) : 0x20 + random.nextInt(0x60);
      // No NUL (no environment holds one) and, for names' sake, no '='.
      text.appendCodePoint(codePoint == '=' ? '+' : codePoint);
    }
    return text.toString();
  }

  private static byte[] jacksonsDump(Map<String, String> sortedVariables) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.writeStartObject();
      for (Map.Entry<String, String> variable : sortedVariables.entrySet()) {
        json.writeStringField(variable.getKey(), variable.getValue());
      }
      json.writeEndObject();
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Test
  void writesUtf8AndEscapesControlCharacters() {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("V", "é\"\\\n\t\u0001/日"));

    assertThat(JsonDump.format(env).bytes().toByteArray())
        .containsExactly(utf8("{\"V\":\"é\\\"\\\\\\n\\t\\u0001/日\"}\n"));
  }

  @Test
  void replacesInvalidUtf8WithReplacementCharacterAndReportsVariableOnce() {
    ContainerEnvironment env =
        ContainerEnvironment.ofBytes(
            Map.of(
                ByteString.of("BAD"), ByteString.of(bytes(0xff, 'a', 0xfe, 0xc3)),
                ByteString.of("GOOD"), ByteString.of("é")));

    Encoded dump = JsonDump.format(env);

    assertThat(dump.bytes().toString())
        .isEqualTo("{\"BAD\":\"\uFFFDa\uFFFD\uFFFD\",\"GOOD\":\"é\"}\n");
    assertThat(dump.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.subject()).isEqualTo("BAD");
              assertThat(p.reason()).contains("UTF-8");
            });
  }

  @Test
  void reportsNameThatIsNotUtf8() {
    ContainerEnvironment env =
        ContainerEnvironment.ofBytes(Map.of(ByteString.of(bytes('N', 0xff)), ByteString.of("v")));

    Encoded dump = JsonDump.format(env);

    assertThat(dump.bytes().toString()).isEqualTo("{\"N\uFFFD\":\"v\"}\n");
    assertThat(dump.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo(Problem.Kind.NOT_UTF8);
              assertThat(p.subject()).isEqualTo("N\\xff");
            });
  }

  @Test
  void neverWritesTheSameKeyTwice() {
    // Both names read as "N\uFFFD"; the later in byte order (0xff) wins.
    ContainerEnvironment env =
        ContainerEnvironment.ofBytes(
            Map.of(
                ByteString.of(bytes('N', 0xfe)), ByteString.of("first"),
                ByteString.of(bytes('N', 0xff)), ByteString.of("second")));

    Encoded dump = JsonDump.format(env);

    assertThat(dump.bytes().toString()).isEqualTo("{\"N\uFFFD\":\"second\"}\n");
    assertThat(dump.problems()).hasSize(3);
  }

  @Test
  void roundTripsValidUtf8() throws Exception {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("EMPTY", "");
    variables.put("QUOTES", "\"'\\/");
    variables.put("CONTROL", "\u0001\u001f\u007f\n\r\t\b\f");
    variables.put("UNICODE", "héllo 日本 \uD83D\uDE00 \u2028\u2029 \uFEFF \uFFFD");
    variables.put("HOME", "/root");
    variables.put("名前", "name");
    ContainerEnvironment env = ContainerEnvironment.of(variables);

    Encoded dump = JsonDump.format(env);

    assertThat(dump.problems()).isEmpty();
    assertThat(JsonDump.parse(dump.bytes().toByteArray()).value()).isEqualTo(env);
  }

  @Test
  void parsesJsonWrittenByOthers() throws Exception {
    byte[] json = utf8("{\n  \"A\": \"1\",\n  \"B\": \"caf\\u00e9 \\ud83d\\ude00\"\n}\n");

    assertThat(JsonDump.parse(json).value().asStringMap().value())
        .containsExactly(Map.entry("A", "1"), Map.entry("B", "café \uD83D\uDE00"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "null",
        "[]",
        "\"text\"",
        "{",
        "{\"A\":\"1\"",
        "{\"A\":1}",
        "{\"A\":null}",
        "{\"A\":{}}",
        "{\"A\":[\"x\"]}",
        "{\"A\":\"1\"} trailing",
        "{} {}",
        "{\"\":\"empty name\"}",
        "{\"A=B\":\"x\"}",
        "{\"A\":\"nul\\u0000\"}",
        "{\"A\":\"lone \\ud800 surrogate\"}",
        "{\"\\udc00\":\"x\"}",
        "{'A':'1'}",
      })
  void rejectsMalformedDump(String json) {
    assertThatThrownBy(() -> JsonDump.parse(utf8(json)).value())
        .isInstanceOf(MalformedDumpException.class);
  }

  @Test
  void rejectsInvalidUtf8Input() {
    byte[] json = concat(utf8("{\"A\":\""), bytes(0xff), utf8("\"}"));

    assertThatThrownBy(() -> JsonDump.parse(json).value())
        .isInstanceOf(MalformedDumpException.class);
  }

  @Test
  void namesTheVariableWithWrongType() {
    assertThatThrownBy(() -> JsonDump.parse(utf8("{\"A\":\"1\",\"PORT\":8080}")).value())
        .isInstanceOf(MalformedDumpException.class)
        .hasMessageContaining("PORT");
  }
}
