package io.baseimage.startup;

import io.baseimage.posix.WaitStatus;

/**
 * How a process ended: with an exit code, or killed by a signal.
 *
 * @param code the exit code, or the signal number when {@code signaled}
 * @param signaled whether a signal ended the process
 */
public record ExitStatus(int code, boolean signaled) {
  public static ExitStatus exited(int code) {
    return new ExitStatus(code, false);
  }

  public static ExitStatus killedBy(int signal) {
    return new ExitStatus(signal, true);
  }

  public static ExitStatus of(WaitStatus status) {
    return status.exited() ? exited(status.exitCode()) : killedBy(status.terminatingSignal());
  }

  public boolean succeeded() {
    return !signaled && code == 0;
  }

  /** The status a shell would report: the exit code, or 128 + the signal. */
  public int shellStatus() {
    return signaled ? 128 + code : code;
  }

  /** {@code exited with status 3} or {@code was killed by signal SIGKILL}. */
  public String describe() {
    return signaled
        ? "was killed by signal " + SignalNames.name(code)
        : "exited with status " + code;
  }
}
