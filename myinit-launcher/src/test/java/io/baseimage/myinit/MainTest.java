package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.env.ContainerEnvironment;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only the paths that end before my_init touches the process: nothing here boots. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    List<byte[]> bytes = Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList();
    // Nothing here boots: the environment (/proc) and the C library must not even be fetched.
    return Main.run(
        bytes,
        () -> {
          throw new AssertionError("read the environment");
        },
        () -> {
          throw new AssertionError("loaded the native layer");
        },
        out,
        err);
  }

  @Test
  void anUnknownOptionIsAUsageErrorWithExit2() {
    assertThat(run("--bogus")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("my_init: unrecognized option '--bogus'\nTry 'my_init --help'.\n");
    assertThat(out.size()).isZero();
  }

  @Test
  void anUnknownOptionCannotForgeALogLine() {
    assertThat(run("--bogus\n*** Init system aborted.")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "my_init: unrecognized option '--bogus\\n*** Init system aborted.'\nTry 'my_init --help'.\n");
  }

  @Test
  void statusWithAnotherOptionIsAUsageErrorThatReadsNothing() {
    assertThat(run("--status", "--quiet")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "my_init: --status takes no other option and no command\nTry 'my_init --help'.\n");
    assertThat(out.size()).isZero();
  }

  @Test
  void statusWithAMalformedSettingExits1WithoutTheNativeLayer() {
    int status =
        Main.run(
            List.of("--status".getBytes(StandardCharsets.UTF_8)),
            () -> ContainerEnvironment.of(Map.of("KILL_PROCESS_TIMEOUT", "soon")),
            () -> {
              throw new AssertionError("loaded the native layer");
            },
            out,
            err);

    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "*** invalid KILL_PROCESS_TIMEOUT 'soon': expected a number of seconds, for example 5"
                + " or 0.5\n");
    assertThat(out.size()).isZero();
  }

  @Test
  void helpPrintsUsageAndExits0() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(Options.USAGE);
    assertThat(err.size()).isZero();
  }

  @Test
  void versionPrintsTheVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).matches("my_init \\S+\n");
  }

  @Test
  void skipRunitWithoutACommandExits1() {
    assertThat(run("--skip-runit")).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("*** When --skip-runit is given, you must also pass a main command.\n");
  }
}
