package io.baseimage.startup;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import io.baseimage.posix.Signals;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Runs one startup or shutdown script and waits for it, within an optional time limit ({@code
 * MY_INIT_SCRIPT_TIMEOUT}). A script that overruns is stopped: {@code SIGTERM}, then {@code
 * SIGKILL} after the kill timeout.
 */
public final class ScriptRunner {
  /** How a script run ended. */
  public sealed interface Outcome {
    /** It ran to its end. */
    record Finished(ExitStatus status) implements Outcome {}

    /** It ran past the time limit and was stopped. */
    record TimedOut(Duration limit) implements Outcome {}

    /**
     * A shutdown signal came while it ran. The script is still running: the caller stops it as the
     * first step of its shutdown, within that shutdown's deadline.
     */
    record Aborted(int signal, int pid) implements Outcome {}

    /** The deadline of the shutdown passed first; it was stopped. */
    record DeadlinePassed() implements Outcome {}

    /** It could not be started. */
    record NotStarted(SpawnException cause) implements Outcome {}
  }

  private final Reaper reaper;
  private final Duration killTimeout;
  private final Optional<Duration> timeLimit;
  private IntConsumer ignoredSignals = signal -> {};

  public ScriptRunner(Reaper reaper, Duration killTimeout, Optional<Duration> timeLimit) {
    this.reaper = reaper;
    this.killTimeout = killTimeout;
    this.timeLimit = timeLimit;
  }

  /** Hands each signal that comes while a script runs and does not stop it to {@code ignored}. */
  public ScriptRunner reportingIgnoredSignals(IntConsumer ignored) {
    this.ignoredSignals = ignored;
    return this;
  }

  /**
   * Runs a startup script with {@code environment}. {@code SIGTERM}/{@code SIGINT} stop the wait
   * ({@link Outcome.Aborted}).
   */
  public Outcome runAtBoot(Path script, ContainerEnvironment environment)
      throws InterruptedException {
    return run(script, environment, true, Deadline.NONE);
  }

  /**
   * Runs a shutdown script with {@code environment}: the time limit and the kill timeout are cut to
   * {@code deadline}, and shutdown signals are ignored (the shutdown is already under way).
   */
  public Outcome runAtShutdown(Path script, ContainerEnvironment environment, Deadline deadline)
      throws InterruptedException {
    return run(script, environment, false, deadline);
  }

  private Outcome run(
      Path script,
      ContainerEnvironment environment,
      boolean abortOnShutdownSignal,
      Deadline deadline)
      throws InterruptedException {
    int pid;
    try {
      pid = reaper.spawn(new Command(List.of(FileNames.bytesOf(script)), environment, false));
    } catch (SpawnException e) {
      return new Outcome.NotStarted(e);
    }
    long end = timeLimit.map(deadline::cut).orElse(deadline.nanos());
    int[] abortSignal = {0};
    Optional<ExitStatus> status =
        reaper.awaitExit(
            pid,
            end,
            signal -> {
              if (abortOnShutdownSignal
                  && (signal == Signals.SIGTERM || signal == Signals.SIGINT)) {
                abortSignal[0] = signal;
                return true;
              }
              ignoredSignals.accept(signal);
              return false;
            });
    if (status.isPresent()) {
      return new Outcome.Finished(status.get());
    }
    if (abortSignal[0] != 0) {
      return new Outcome.Aborted(abortSignal[0], pid);
    }
    reaper.terminate(pid, deadline, killTimeout);
    return end == deadline.nanos()
        ? new Outcome.DeadlinePassed()
        : new Outcome.TimedOut(timeLimit.orElseThrow());
  }
}
