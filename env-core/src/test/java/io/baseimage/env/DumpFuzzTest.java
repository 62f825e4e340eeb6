package io.baseimage.env;

import static io.baseimage.env.Commands.concat;
import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated values through the real consumers of the dumps: the {@code .sh} dump sourced by bash,
 * dash and busybox sh, the {@code .json} dump read by Python and jq. Set {@code -Denvcore.seed=N}
 * to repeat a run; the seed is printed.
 */
class DumpFuzzTest {
  private static final int VARIABLES = 3000;
  private static final int BATCH = 200;

  /** Prints, for each name given after the dump, "1" (if set) and the value, NUL-terminated. */
  private static final String PRINT_VARIABLES =
      ". \"$1\"; shift; for n in \"$@\"; do eval \"s=\\${$n+1} v=\\${$n}\"; printf '%s%s\\0' \"$s\" \"$v\"; done";

  @TempDir static Path temp;
  private static long seed;
  private static Path canary;
  private static ContainerEnvironment env;

  @BeforeAll
  static void generate() {
    seed = Long.getLong("envcore.seed", System.nanoTime());
    System.out.println("DumpFuzzTest seed=" + seed + " (repeat with -Denvcore.seed=" + seed + ")");
    canary = temp.resolve("CANARY");
    Random random = new Random(seed);
    Map<ByteString, ByteString> variables = new TreeMap<>();
    for (int i = 0; i < VARIABLES; i++) {
      variables.put(
          ByteString.of(concat(namePart(random), utf8("_" + i))), ByteString.of(value(random)));
    }
    env = ContainerEnvironment.ofBytes(variables);
  }

  @AfterAll
  static void nothingRan() {
    assertThat(canary).as("a value was executed while sourcing (seed " + seed + ")").doesNotExist();
  }

  private static byte[] namePart(Random random) {
    String[] parts = {
      "a", "Z", "x", "_", ".", "-", "é", "日", "ß", "1", "9", "path", "HOME", "my.var", "a-b"
    };
    byte[] name = new byte[0];
    int length = 1 + random.nextInt(4);
    for (int i = 0; i < length; i++) {
      name =
          concat(
              name,
              random.nextInt(30) == 0
                  ? new byte[] {(byte) 0xff}
                  : utf8(parts[random.nextInt(parts.length)]));
    }
    return name;
  }

  private static byte[] value(Random random) {
    int kind = random.nextInt(100);
    if (kind < 2) {
      return randomBytes(random, 10_000 + random.nextInt(40_000)); // some tens of KB
    } else if (kind < 5) {
      return new byte[0];
    } else if (kind < 45) {
      return randomBytes(random, random.nextInt(60));
    } else if (kind < 55) {
      byte[] bare = new byte[1 + random.nextInt(30)];
      String chars = "ABCXYZabcxyz0123456789@%+=:,./_-";
      for (int i = 0; i < bare.length; i++) {
        bare[i] = (byte) chars.charAt(random.nextInt(chars.length()));
      }
      return bare;
    }
    String c = canary.toString();
    String[] tokens = {
      "'",
      "\"",
      "\\",
      "\\'",
      "'\\''",
      "$(touch " + c + ")",
      "`touch " + c + "`",
      "'$(touch " + c + ")'",
      "\"; touch " + c + "; \"",
      "'; touch " + c + "; '",
      "$HOME",
      "${PATH}",
      "$$",
      "$1",
      "$@",
      "${x:-y}",
      "\n",
      "\n\n",
      "\r\n",
      "*",
      "?",
      "[a]",
      "~",
      "~root",
      " ",
      "\t",
      ";",
      "&",
      "|",
      "!",
      "#",
      "%s",
      "\\0",
      "\\n",
      "é",
      "日本",
      "\uD83D\uDE00",
      "\u00ff",
      "$'\\x41'",
      "{a,b}",
      "<<EOF",
      ">x",
      "(",
      ")",
      "=",
      "export",
      "\u0001",
      "\u007f",
      "plain",
    };
    byte[] value = new byte[0];
    int count = 1 + random.nextInt(12);
    for (int i = 0; i < count; i++) {
      byte[] token =
          random.nextInt(10) == 0
              ? new byte[] {(byte) (0x80 + random.nextInt(128))}
              : utf8(tokens[random.nextInt(tokens.length)]);
      value = concat(value, token);
    }
    return value;
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (1 + random.nextInt(255));
    }
    return bytes;
  }

  /** The name a shell sees, computed independently of {@link ShellDump}. */
  private static String expectedShellName(ByteString name) {
    String text = name.toString();
    StringBuilder shellName = new StringBuilder(text.matches("^[0-9].*") ? "_" : "");
    text.codePoints()
        .forEach(
            c ->
                shellName.append(
                    c < 128 && Character.isLetterOrDigit(c) || c == '_' ? (char) c : '_'));
    return shellName.toString();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/bin/bash", "/bin/bash --posix", "/bin/dash", "/bin/busybox sh"})
  void sourcingShellDumpYieldsExactBytesAndRunsNothing(String shell) throws Exception {
    List<String> shellCommand = List.of(shell.split(" "));
    Commands.assume(
        Files.isExecutable(Path.of(shellCommand.get(0))),
        "skipped: " + shellCommand.get(0) + " is not installed");
    List<Map.Entry<ByteString, ByteString>> variables = new ArrayList<>(env.asMap().entrySet());
    List<String> mismatches = new ArrayList<>();
    for (int from = 0; from < variables.size(); from += BATCH) {
      List<Map.Entry<ByteString, ByteString>> batch =
          variables.subList(from, Math.min(from + BATCH, variables.size()));
      Map<ByteString, ByteString> batchVariables = new LinkedHashMap<>();
      batch.forEach(v -> batchVariables.put(v.getKey(), v.getValue()));
      Encoded dump = ShellDump.format(ContainerEnvironment.ofBytes(batchVariables));
      // Names become shell names (expectedShellName), each with a problem; nothing else changes.
      assertThat(dump.problems())
          .as("seed " + seed)
          .filteredOn(problem -> problem.kind() != Problem.Kind.RENAMED)
          .isEmpty();
      Path file = temp.resolve("batch.sh");
      DumpFile.write(file, dump.bytes());

      List<String> command = new ArrayList<>(List.of("env", "-i"));
      command.addAll(shellCommand);
      command.addAll(List.of("-c", PRINT_VARIABLES, "sh", file.toString()));
      batch.forEach(v -> command.add(expectedShellName(v.getKey())));
      Commands.Result result = Commands.run(command);

      assertThat(result.exitCode())
          .as("%s exit status, stderr: %s (seed %d)", shell, result.stderr(), seed)
          .isZero();
      assertThat(result.stderr()).as("%s stderr (seed %d)", shell, seed).isEmpty();
      List<byte[]> printed = Commands.splitNul(result.stdout());
      assertThat(printed).as("seed " + seed).hasSize(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        byte[] expected = concat(utf8("1"), batch.get(i).getValue().toByteArray());
        if (!Arrays.equals(printed.get(i), expected)) {
          mismatches.add(
              expectedShellName(batch.get(i).getKey())
                  + ": expected "
                  + hex(expected)
                  + " but was "
                  + hex(printed.get(i)));
        }
      }
    }
    assertThat(mismatches).as("%s, seed %d", shell, seed).isEmpty();
    assertThat(canary).as("a value was executed by %s (seed %d)", shell, seed).doesNotExist();
  }

  private static String hex(byte[] bytes) {
    String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 80));
    return bytes.length > 80 ? hex + "... (" + bytes.length + " bytes)" : hex;
  }

  @Test
  void shellDumpParsesBackToTheSameValues() throws Exception {
    ContainerEnvironment parsed =
        ShellDump.parse(ShellDump.format(env).bytes().toByteArray()).value();

    assertThat(parsed.size()).isEqualTo(env.size());
    env.asMap()
        .forEach(
            (name, value) ->
                assertThat(parsed.getBytes(expectedShellName(name)))
                    .as("seed " + seed)
                    .hasValue(value));
  }

  @Test
  void pythonReadsJsonDump() throws Exception {
    Commands.assume(
        Commands.run("python3", "-c", "pass").exitCode() == 0, "skipped: python3 is not installed");
    Path file = writeJsonDump();

    Commands.Result result =
        Commands.checked(
            "python3",
            "-c",
            "import json, sys\n"
                + "with open(sys.argv[1], encoding='utf-8') as f: d = json.load(f)\n"
                + "out = sys.stdout.buffer\n"
                + "for k, v in d.items(): out.write(k.encode() + b'\\0' + v.encode() + b'\\0')\n",
            file.toString());

    assertJsonReadExactly(Commands.splitNul(result.stdout()));
  }

  @Test
  void jqReadsJsonDump() throws Exception {
    Commands.assume(
        Files.isExecutable(Path.of("/usr/bin/jq")), "skipped: /usr/bin/jq is not installed");
    Path file = writeJsonDump();

    Commands.Result result =
        Commands.checked(
            "/usr/bin/jq",
            "-j",
            "to_entries[] | (.key, \"\\u0000\", .value, \"\\u0000\")",
            file.toString());

    assertJsonReadExactly(Commands.splitNul(result.stdout()));
  }

  private static Path writeJsonDump() throws Exception {
    Path file = temp.resolve("container_environment.json");
    DumpFile.write(file, JsonDump.format(env).bytes());
    return file;
  }

  /**
   * The parser printed key, value, key, value... in the order of the file: that must be sorted, and
   * every value exact where it is valid UTF-8, else its String view (U+FFFD for invalid bytes).
   */
  private static void assertJsonReadExactly(List<byte[]> printed) {
    TreeMap<ByteString, ByteString> expected = new TreeMap<>();
    env.asMap()
        .forEach(
            (name, value) ->
                expected.put(
                    ByteString.of(name.toString()),
                    value.isValidUtf8() ? value : ByteString.of(value.toString())));
    List<ByteString> keys = new ArrayList<>();
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i + 1 < printed.size(); i += 2) {
      ByteString key = ByteString.of(printed.get(i));
      keys.add(key);
      ByteString want = expected.get(key);
      if (want == null || !Arrays.equals(printed.get(i + 1), want.toByteArray())) {
        mismatches.add(
            key
                + ": expected "
                + (want == null ? "no such key" : hex(want.toByteArray()))
                + " but was "
                + hex(printed.get(i + 1)));
      }
    }
    assertThat(mismatches).as("seed " + seed).isEmpty();
    assertThat(keys)
        .as("keys in the order of the dump (seed %d)", seed)
        .containsExactlyElementsOf(expected.keySet());
    assertThat(env.asMap().values().stream().filter(v -> !v.isValidUtf8()).count())
        .as("the generator makes values that are not UTF-8")
        .isPositive();
  }

  @Test
  void jsonDumpRoundTripsValidUtf8AndReportsTheRest() throws Exception {
    Encoded dump = JsonDump.format(env);
    ContainerEnvironment parsed = JsonDump.parse(dump.bytes().toByteArray()).value();

    long invalid =
        env.asMap().entrySet().stream()
            .filter(v -> !v.getKey().isValidUtf8() || !v.getValue().isValidUtf8())
            .count();
    assertThat(dump.problems()).hasSize((int) invalid);
    env.asMap()
        .forEach(
            (name, value) -> {
              if (name.isValidUtf8() && value.isValidUtf8()) {
                assertThat(parsed.getBytes(name)).as("seed " + seed).hasValue(value);
              } else {
                assertThat(parsed.get(name.toString()))
                    .as("seed " + seed)
                    .hasValue(value.toString());
              }
            });
  }
}
