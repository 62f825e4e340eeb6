package io.baseimage.env;

import static io.baseimage.env.Commands.bytes;
import static io.baseimage.env.Commands.concat;
import static io.baseimage.env.Commands.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values are bytes (docs/user-guide.md, "The dumps"), also in a JVM without a locale, where {@code
 * System.getenv()} and {@code Path.toString()} lose every non-ASCII byte: names and values still
 * arrive byte for byte.
 */
class NoLocaleTest {
  @TempDir Path temp;

  private static String location(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  @Test
  void copiesNamesAndValuesExactlyWithoutLocale() throws Exception {
    Path from = Files.createDirectory(temp.resolve("from"));
    Path to = temp.resolve("to");
    // The shell makes the file names, as bytes: "héllo" in UTF-8, and one that is not UTF-8.
    Commands.checked(
        "/bin/sh",
        "-c",
        "printf 'w\\303\\251rld\\n' > \"$1/$(printf 'h\\303\\251llo')\"; printf 'v\\377' > \"$1/$(printf 'N\\377')\"; "
            // A writer's leftover, and a name with the writer's prefix that no writer of ours
            // made (ours are ASCII), which the JVM cannot even decode without a locale.
            + "printf s > \"$1/.baseimage-tmp.77.1\"; printf s > \"$1/.baseimage-tmp.$(printf 'h\\303\\251')\"",
        "sh",
        from.toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath =
        String.join(
            ":",
            location(NoLocaleMain.class),
            location(ContainerEnvironment.class),
            location(JsonFactory.class));

    // The process environment holds a value that is not UTF-8 (set by the shell, as bytes).
    Commands.Result result =
        Commands.checked(
            "env",
            "-i",
            "/bin/sh",
            "-c",
            "export RAW=\"$(printf 'r\\377\\303\\251')\"; exec \"$0\" -Xshare:auto -XX:TieredStopAtLevel=1 -cp \"$1\" "
                + "io.baseimage.env.NoLocaleMain \"$2\" \"$3\"",
            java,
            classPath,
            from.toString(),
            to.toString());

    assertThat(result.stdoutText()).contains("sun.jnu.encoding=ANSI_X3.4-1968");
    assertThat(Files.exists(from.resolve(".baseimage-tmp.77.1"))).as("leftover removed").isFalse();
    try (var left = Files.list(from)) {
      assertThat(left.filter(f -> f.getFileName().toString().startsWith(".baseimage-tmp.")))
          .as("the name that is not ours")
          .hasSize(1);
    }
    assertThat(result.stdoutText().lines().filter(l -> !l.startsWith("sun.jnu.encoding")))
        .as("problems")
        .isEmpty();
    byte[] listing =
        Commands.checked(
                "/bin/sh",
                "-c",
                "cd \"$1\" && for f in h* N* RAW; do printf '%s=' \"$f\"; cat \"$f\"; printf '\\0'; done",
                "sh",
                to.toString())
            .stdout();
    assertThat(Commands.splitNul(listing))
        .containsExactly(
            utf8("héllo=wérld"),
            concat(bytes('N', 0xff), utf8("=v"), bytes(0xff)),
            concat(utf8("RAW=r"), bytes(0xff, 0xc3, 0xa9)));
    assertThat(Files.readAllBytes(Path.of(to + ".sh")))
        .startsWith(utf8("export N_="))
        .containsSequence(concat(utf8("export RAW='r"), bytes(0xff, 0xc3, 0xa9), utf8("'\n")));
    assertThat(
            new String(Files.readAllBytes(Path.of(to + ".sh")), StandardCharsets.UTF_8).split("\n"))
        .contains("export h_llo='wérld'");
  }
}
