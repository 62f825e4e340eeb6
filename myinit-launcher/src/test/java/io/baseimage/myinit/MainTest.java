package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.testing.FakePosix;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Only the paths that end before my_init touches the process: nothing here boots for real. */
class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private final FakePosix posix = new FakePosix();

  private int run(String... args) {
    List<byte[]> bytes = Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList();
    return Main.run(bytes, ContainerEnvironment.empty(), posix, out, err);
  }

  @Test
  void anUnknownOptionIsAUsageErrorWithExit2() {
    assertThat(run("--bogus")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("my_init: unrecognized option '--bogus'\nTry 'my_init --help'.\n");
    assertThat(out.size()).isZero();
    assertThat(posix.calls()).isEmpty();
    assertThat(posix.spawns()).isEmpty();
  }

  @Test
  void anUnknownOptionCannotForgeALogLine() {
    assertThat(run("--bogus\n*** Init system aborted.")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "my_init: unrecognized option '--bogus\\n*** Init system aborted.'\nTry 'my_init --help'.\n");
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
