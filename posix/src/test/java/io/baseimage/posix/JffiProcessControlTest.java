package io.baseimage.posix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The port of my_init on the real C library and kernel. */
class JffiProcessControlTest {
  private final ProcessControl processes = JffiProcessControl.load();

  private int spawn(String script) throws ErrnoException {
    List<byte[]> argv =
        List.of("/bin/sh".getBytes(UTF_8), "-c".getBytes(UTF_8), script.getBytes(UTF_8));
    return processes.spawn("/bin/sh".getBytes(UTF_8), argv, List.of(), false, Optional.empty());
  }

  @Test
  void startsAChildInTheDirectoryGiven(@TempDir Path directory) throws Exception {
    List<byte[]> argv =
        List.of("/bin/sh".getBytes(UTF_8), "-c".getBytes(UTF_8), "pwd > here".getBytes(UTF_8));
    processes.spawn(
        "/bin/sh".getBytes(UTF_8),
        argv,
        List.of(),
        false,
        Optional.of(directory.toString().getBytes(UTF_8)));
    processes.waitAny().orElseThrow();

    assertThat(Files.readString(directory.resolve("here")).strip())
        .isEqualTo(directory.toRealPath().toString());
  }

  @Test
  void aTrackedProcessTellsHowItEndedAfterItWasReaped() throws ErrnoException {
    int pid = spawn("exit 7");
    try (TrackedProcess tracked = processes.track(pid)) {
      processes.waitAny().orElseThrow();

      // This kernel (6.18) keeps the exit for pidfds; the image's docs say what older ones do.
      assertThat(tracked.exit()).contains(new WaitStatus(pid, 7 << 8));
    }
  }

  @Test
  void aReapedProcessCannotBeTracked() throws ErrnoException {
    int pid = spawn("exit 0");
    processes.waitAny().orElseThrow();

    assertThatThrownBy(() -> processes.track(pid))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH));
  }

  @Test
  void reapsAChildWithItsExitCode() throws ErrnoException {
    int pid = spawn("exit 3");

    WaitStatus status = processes.waitAny().orElseThrow();

    assertThat(status.pid()).isEqualTo(pid);
    assertThat(status.exited()).isTrue();
    assertThat(status.exitCode()).isEqualTo(3);
  }

  @Test
  void reportsTheSignalThatKilledAChild() throws ErrnoException {
    int pid = spawn("exec sleep 60");

    processes.kill(pid, Signals.SIGKILL);
    WaitStatus status = processes.waitAny().orElseThrow();

    assertThat(status.exited()).isFalse();
    assertThat(status.terminatingSignal()).isEqualTo(Signals.SIGKILL);
  }

  @Test
  void aMissingProgramFailsWithEnoent() {
    assertThatThrownBy(
            () ->
                processes.spawn(
                    "/no/such/program".getBytes(UTF_8),
                    List.of("program".getBytes(UTF_8)),
                    List.of(),
                    false,
                    Optional.empty()))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT))
        .hasMessage("posix_spawn(/no/such/program) failed: ENOENT (No such file or directory)");
  }

  @Test
  void signallingNoProcessFailsWithEsrchNamingTheCall() {
    // Above the kernel's pid_max (at most 2^22): no such process can exist.
    assertThatThrownBy(() -> processes.kill(1 << 23, 0))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ESRCH))
        .hasMessage("kill(8388608, 0) failed: ESRCH (No such process)");
  }

  @Test
  void knowsItsOwnProcess() {
    assertThat(processes.pid()).isEqualTo((int) ProcessHandle.current().pid());
    assertThat(processes.processGroup()).isPositive();
  }
}
