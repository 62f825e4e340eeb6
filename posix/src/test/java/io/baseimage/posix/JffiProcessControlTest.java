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
  void preparesWhatABootCallsFromAnotherThread() throws Exception {
    // my_init's native-layer thread prepares, the main and reaper threads call: every function
    // must exist under the name given, and work when called after the preparing thread ended.
    Thread preparing = new Thread(processes::prepareForBoot);
    preparing.start();
    preparing.join();
    int pid = spawn("exit 4");

    assertThat(processes.waitAny().orElseThrow().pid()).isEqualTo(pid);
    assertThatThrownBy(() -> processes.kill(Integer.MAX_VALUE, 0))
        .isInstanceOf(ErrnoException.class)
        .hasMessageContaining("No such process");
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

  @Test
  void idleMemoryIsReleasedFromTheFilesMappedReadOnly() {
    List<String> maps =
        List.of(
            "7f1ece14b000-7f1ece42e000 r--p 00000000 fd:00 1234   /usr/lib/libjvm.so",
            "7f1ece42e000-7f1ecf4ba000 r-xp 002e3000 fd:00 1234   /usr/lib/libjvm.so",
            "7f1ecf8b6000-7f1ecf8e1000 rw-p 0176b000 fd:00 1234   /usr/lib/libjvm.so",
            "55e75c379000-55e75c388000 rw-p 00000000 00:00 0      [heap]",
            "7ffd1c1f0000-7ffd1c212000 r--p 00000000 00:00 0      [vvar]",
            "7f1ed0000000-7f1ed0021000 r--p 00000000 00:00 0 ",
            "7f1ed1000000-7f1ed1021000 r--p 00000000 00:00 0      [anon:a /b]",
            "7f1ed2000000-7f1ed2001000 r--p 00000000 fd:00 99     /opt/my dir/gone.so (deleted)",
            "");

    assertThat(JffiProcessControl.readOnlyFileMappings(maps))
        .containsExactly(
            0x7f1ece14b000L,
            0x7f1ece42e000L,
            0x7f1ece42e000L,
            0x7f1ecf4ba000L,
            0x7f1ed2000000L,
            0x7f1ed2001000L);
  }

  @Test
  void releasingIdleMemoryKeepsTheProcessWorking() throws ErrnoException {
    processes.releaseIdleMemory();

    int pid = spawn("exit 4");
    assertThat(processes.waitAny().orElseThrow().pid()).isEqualTo(pid);
  }

  @Test
  void noPendingSignalIsTakenWithoutWaiting() throws ErrnoException {
    assertThat(processes.takePendingSignal(Signals.SIGUSR2)).isZero();
  }
}
