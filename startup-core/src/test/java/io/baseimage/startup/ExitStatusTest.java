package io.baseimage.startup;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.posix.WaitStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExitStatusTest {
  @ParameterizedTest
  @CsvSource({
    // raw wait status, exit code or signal, signaled, shell status, description
    "0x0000, 0,  false, 0,   exited with status 0",
    "0x0100, 1,  false, 1,   exited with status 1",
    "0xff00, 255, false, 255, exited with status 255",
    "0x000f, 15, true,  143, was killed by signal SIGTERM",
    "0x0009, 9,  true,  137, was killed by signal SIGKILL",
    "0x008b, 11, true,  139, was killed by signal SIGSEGV",
  })
  void decodesTheWaitStatusLikeAShell(
      String raw, int code, boolean signaled, int shellStatus, String description) {
    ExitStatus status = ExitStatus.of(new WaitStatus(100, Integer.decode(raw)));

    assertThat(status).isEqualTo(new ExitStatus(code, signaled));
    assertThat(status.shellStatus()).isEqualTo(shellStatus);
    assertThat(status.describe()).isEqualTo(description);
  }

  @Test
  void onlyExitCodeZeroSucceeds() {
    assertThat(ExitStatus.exited(0).succeeded()).isTrue();
    assertThat(ExitStatus.exited(1).succeeded()).isFalse();
    assertThat(ExitStatus.killedBy(0).succeeded()).isFalse();
    assertThat(ExitStatus.killedBy(15).succeeded()).isFalse();
  }

  @Test
  void shellStatusOfASignalIs128PlusItsNumber() {
    assertThat(ExitStatus.killedBy(1).shellStatus()).isEqualTo(129);
    assertThat(ExitStatus.exited(42).shellStatus()).isEqualTo(42);
  }
}
