package io.baseimage.startup;

import io.baseimage.env.internal.FileNames;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.startup.internal.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs one startup or shutdown script and waits for it, within an optional time limit
 * ({@code MY_INIT_SCRIPT_TIMEOUT}). A script that overruns is stopped: {@code SIGTERM}, then
 * {@code SIGKILL} after the kill timeout.
 */
public final class ScriptRunner {
  /** How a script run ended. */
  public sealed interface Outcome {
    /** It ran to its end. */
    record Finished(ExitStatus status) implements Outcome {}

    /** It ran past the time limit and was stopped. */
    record TimedOut(Duration limit) implements Outcome {}

    /** A shutdown signal came while it ran; it was stopped. */
    record Aborted(int signal) implements Outcome {}

    /** It could not be started. */
    record NotStarted(SpawnException cause) implements Outcome {}
  }

  private final Supervisor supervisor;
  private final Duration killTimeout;
  private final Optional<Duration> timeLimit;

  public ScriptRunner(Supervisor supervisor, Duration killTimeout, Optional<Duration> timeLimit) {
    this.supervisor = supervisor;
    this.killTimeout = killTimeout;
    this.timeLimit = timeLimit;
  }

  /**
   * Runs {@code script} with {@code environment}.
   *
   * @param abortOnShutdownSignal whether {@code SIGTERM}/{@code SIGINT} stop the script (during
   *     boot) or are ignored (during shutdown, which is already under way)
   */
  public Outcome run(Path script, ContainerEnvironment environment, boolean abortOnShutdownSignal)
      throws InterruptedException {
    int pid;
    try {
      pid = supervisor.spawn(new Command(
          List.of(FileNames.bytesOf(script)), environment, false));
    } catch (SpawnException e) {
      return new Outcome.NotStarted(e);
    }
    long deadline = timeLimit.map(limit -> System.nanoTime() + limit.toNanos()).orElse(Long.MAX_VALUE);
    int[] abortSignal = {0};
    Optional<ExitStatus> status = supervisor.awaitExit(pid, deadline, signal -> {
      if (abortOnShutdownSignal && (signal == Posix.SIGTERM || signal == Posix.SIGINT)) {
        abortSignal[0] = signal;
        return true;
      }
      return false;
    });
    if (status.isPresent()) {
      return new Outcome.Finished(status.get());
    }
    supervisor.terminate(pid, killTimeout.toNanos());
    return abortSignal[0] != 0 ? new Outcome.Aborted(abortSignal[0]) : new Outcome.TimedOut(timeLimit.orElseThrow());
  }
}
