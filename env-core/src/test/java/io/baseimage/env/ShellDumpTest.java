package io.baseimage.env;

import static io.baseimage.env.Commands.bytes;
import static io.baseimage.env.Commands.concat;
import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShellDumpTest {
  private static String format(ContainerEnvironment env) {
    return ShellDump.format(env).bytes().toString();
  }

  private static String line(String value) {
    return format(ContainerEnvironment.of(Map.of("V", value)));
  }

  @ParameterizedTest(name = "[{index}] <{0}> is written as <{1}>")
  @CsvSource(
      delimiterString = " -> ",
      quoteCharacter = '"',
      value = {
        "\"\"                     -> ''",
        "abc                      -> abc",
        "ABCxyz019                -> ABCxyz019",
        "@%+=:,./_-               -> @%+=:,./_-",
        "/usr/local/bin:/usr/bin  -> /usr/local/bin:/usr/bin",
        "a=b,c@d%e+f              -> a=b,c@d%e+f",
        "\"a b\"                  -> 'a b'",
        "\" \"                    -> ' '",
        "it's                     -> 'it'\\''s'",
        "'                        -> ''\\'''",
        "''                       -> ''\\'''\\'''",
        "$(touch x)               -> '$(touch x)'",
        "`touch x`                -> '`touch x`'",
        "$HOME                    -> '$HOME'",
        "${HOME}                  -> '${HOME}'",
        "\"say \"\"hi\"\"\"       -> 'say \"hi\"'",
        "back\\slash              -> 'back\\slash'",
        "*                        -> '*'",
        "?                        -> '?'",
        "~                        -> '~'",
        "~root                    -> '~root'",
        "a;b                      -> 'a;b'",
        "a&b                      -> 'a&b'",
        "a|b                      -> 'a|b'",
        "<a>                      -> '<a>'",
        "(a)                      -> '(a)'",
        "{a,b}                    -> '{a,b}'",
        "[ab]                     -> '[ab]'",
        "\"#comment\"                -> '#comment'",
        "!x                       -> '!x'",
        "héllo                    -> 'héllo'",
      })
  void quotesValue(String value, String written) {
    assertThat(line(value)).isEqualTo("export V=" + written + "\n");
  }

  @Test
  void keepsNewlinesAndTabsInsideQuotes() {
    assertThat(line("a\nb\tc\n")).isEqualTo("export V='a\nb\tc\n'\n");
  }

  @Test
  void keepsBytesThatAreNotUtf8InsideQuotes() {
    ContainerEnvironment env =
        ContainerEnvironment.ofBytes(
            Map.of(ByteString.of("V"), ByteString.of(bytes(0xff, 0x01, 0x7f, '\''))));

    assertThat(ShellDump.format(env).bytes().toByteArray())
        .containsExactly(concat(utf8("export V='"), bytes(0xff, 0x01, 0x7f), utf8("'\\'''\n")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "PATH, PATH",
    "my.var, my_var",
    "a-b, a_b",
    "héllo, h_llo",
    "日本, __",
    "1abc, _1abc",
    "9, _9",
    "_x, _x",
    "a b, a_b",
    "\uD83D\uDE00x, _x",
  })
  void sanitizesName(String name, String shellName) {
    assertThat(format(ContainerEnvironment.of(Map.of(name, "v"))))
        .isEqualTo("export " + shellName + "=v\n");
  }

  @Test
  void sanitizesNameThatIsNotUtf8() {
    ContainerEnvironment env =
        ContainerEnvironment.ofBytes(
            Map.of(ByteString.of(bytes('A', 0xff, 'B')), ByteString.of("v")));

    assertThat(format(env)).isEqualTo("export A_B=v\n");
  }

  @Test
  void laterNameInByteOrderWinsCollisionWithProblem() {
    // '-' (0x2d) < '.' (0x2e) < '_' (0x5f): a_b is last and wins.
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("a_b", "underscore");
    variables.put("a.b", "dot");
    variables.put("a-b", "dash");

    Encoded dump = ShellDump.format(ContainerEnvironment.of(variables));

    assertThat(dump.bytes().toString()).isEqualTo("export a_b=underscore\n");
    assertThat(dump.problems())
        .extracting(Problem::kind, Problem::subject)
        .containsExactly(
            tuple(Problem.Kind.RENAMED, "a-b"),
            tuple(Problem.Kind.RENAMED, "a.b"),
            tuple(Problem.Kind.MERGED, "a.b"),
            tuple(Problem.Kind.MERGED, "a_b"));
    assertThat(dump.problems().get(3).reason()).isEqualTo("replaces a.b as a_b in the shell dump");
  }

  @Test
  void leadingDigitCollisionIsReported() {
    Encoded dump =
        ShellDump.format(ContainerEnvironment.of(Map.of("1x", "digit", "_1x", "underscore")));

    // '1' (0x31) < '_' (0x5f)
    assertThat(dump.bytes().toString()).isEqualTo("export _1x=underscore\n");
    assertThat(dump.problems())
        .extracting(Problem::kind, Problem::subject)
        .containsExactly(tuple(Problem.Kind.RENAMED, "1x"), tuple(Problem.Kind.MERGED, "_1x"));
  }

  @Test
  void sortsLinesByName() {
    ContainerEnvironment env =
        ContainerEnvironment.of(Map.of("b", "2", "A", "1", "a", "3", "_z", "4", "Z", "5"));

    assertThat(format(env))
        .isEqualTo("export A=1\nexport Z=5\nexport _z=4\nexport a=3\nexport b=2\n");
  }

  @Test
  void sortsLinesBySanitizedName() {
    // "a.b" becomes a_b, which sorts after "a0" ('0' < '_'), although '.' < '0'.
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("a.b", "1", "a0", "2"));

    assertThat(format(env)).isEqualTo("export a0=2\nexport a_b=1\n");
  }

  @Test
  void leavesOutIdentityVariables() {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String name : ContainerEnvironment.IDENTITY_VARIABLES) {
      variables.put(name, "x");
    }
    variables.put("LANG", "C.UTF-8");

    Encoded dump = ShellDump.format(ContainerEnvironment.of(variables));

    assertThat(dump.bytes().toString()).isEqualTo("export LANG=C.UTF-8\n");
    assertThat(dump.problems()).isEmpty();
  }

  @Test
  void leavesOutNamesBashKeepsReadOnlyWithProblem() throws Exception {
    ContainerEnvironment env =
        ContainerEnvironment.of(Map.of("PPID", "1", "EUID", "0", "KEEP", "k"));

    Encoded dump = ShellDump.format(env);

    assertThat(dump.bytes().toString()).isEqualTo("export KEEP=k\n");
    assertThat(dump.problems()).extracting(Problem::subject).containsExactly("EUID", "PPID");
    // Sourced by bash in POSIX mode, where an export of a read-only variable ends the script.
    java.nio.file.Path file = java.nio.file.Files.createTempFile("dump", ".sh");
    try {
      Files.write(file, dump.bytes().toByteArray());
      Process bash =
          new ProcessBuilder(
                  "bash", "--posix", "-c", ". \"$1\"; echo \"$KEEP\"", "sh", file.toString())
              .redirectErrorStream(true)
              .start();
      assertThat(new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("k\n");
      assertThat(bash.waitFor()).isZero();
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void twoDumpsOfOneEnvironmentAreEqual() {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("PPID", "1", "A", "x y"));

    assertThat(ShellDump.format(env))
        .isEqualTo(ShellDump.format(env))
        .hasSameHashCodeAs(ShellDump.format(env));
    assertThat(ShellDump.format(env)).isNotEqualTo(ShellDump.format(env.with("A", "z")));
  }

  @Test
  void formatsEmptyEnvironmentAsEmptyFile() {
    assertThat(ShellDump.format(ContainerEnvironment.empty()).bytes().toByteArray()).isEmpty();
  }

  @Test
  void parsesWhatItFormats() throws Exception {
    Map<ByteString, ByteString> variables = new LinkedHashMap<>();
    variables.put(ByteString.of("EMPTY"), ByteString.empty());
    variables.put(ByteString.of("BARE"), ByteString.of("/a:b,c@d%e+f=g-h_i.j"));
    variables.put(ByteString.of("QUOTES"), ByteString.of("it's \"x\" '' '"));
    variables.put(ByteString.of("NEWLINES"), ByteString.of("\nline1\n\nline2\n"));
    variables.put(ByteString.of("SUBST"), ByteString.of("$(id) `id` ${X} \\ \\' * ? ~ # ;&|<>"));
    variables.put(ByteString.of("RAW"), ByteString.of(bytes(0xff, 0xfe, 0x01, 0x7f, '\'', '\n')));
    variables.put(ByteString.of("UNICODE"), ByteString.of("héllo 日本 \uD83D\uDE00"));
    ContainerEnvironment env = ContainerEnvironment.ofBytes(variables);

    assertThat(ShellDump.parse(ShellDump.format(env).bytes().toByteArray()).value()).isEqualTo(env);
  }

  @Test
  void parsesBlankLinesCommentsAndEscapes() throws Exception {
    byte[] script =
        utf8(
            "# written by hand\n\n  export A=x\\ y\nexport B='a'\\''b'\nexport C=one\\\ntwo\n"
                + "export D=\"a \\$ \\\" \\\\ \\x '\"\n");

    assertThat(ShellDump.parse(script).value().asStringMap().value())
        .containsExactly(
            Map.entry("A", "x y"),
            Map.entry("B", "a'b"),
            Map.entry("C", "onetwo"),
            Map.entry("D", "a $ \" \\ \\x '"));
  }

  @Test
  void parsesShlexQuotedDumpOfPhusion() throws Exception {
    // Python's shlex.quote, as phusion's my_init writes: same rules.
    byte[] script = utf8("export A=''\nexport B='it'\"'\"'s'\nexport C=plain\n");

    assertThat(ShellDump.parse(script).value().asStringMap().value())
        .containsExactly(Map.entry("A", ""), Map.entry("B", "it's"), Map.entry("C", "plain"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "A=1\n",
        "export\n",
        "export =1\n",
        "export A\n",
        "export 1A=x\n",
        "export A='unterminated\n",
        "export A=a b\n",
        "export A=$(id)\n",
        "export A=`id`\n",
        "export A=$HOME\n",
        "export A=*\n",
        "export A=x;id\n",
        "export A=\"$x\"\n",
        "export A=\"`id`\"\n",
        "export A=\"unterminated\n",
        "export A=x\\",
        "readonly A=1\n",
      })
  void rejectsWhatItDoesNotWrite(String script) {
    assertThatThrownBy(() -> ShellDump.parse(utf8(script)).value())
        .isInstanceOf(MalformedDumpException.class)
        .hasMessageContaining("line 1");
  }

  @Test
  void namesTheLineOfAMalformedEntry() {
    assertThatThrownBy(
            () ->
                ShellDump.parse(utf8("export A='multi\nline'\nexport B=ok\nexport C=$x\n")).value())
        .isInstanceOf(MalformedDumpException.class)
        .hasMessageContaining("line 4");
  }
}
