package io.baseimage.env;

import java.util.Objects;

/**
 * Something a codec skipped or changed, for the caller to log: the library itself prints nothing.
 * As a {@link StoreProblem}, one entry of a store.
 *
 * @param subject what the problem is about: a file, a variable name
 * @param reason what was wrong and what was done about it
 */
public record Problem(String subject, String reason) implements StoreProblem {
  public Problem {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * One line for a log, for example {@code /etc/container_environment/x: skipped, is a directory}.
   */
  @Override
  public String toString() {
    return subject + ": " + reason;
  }
}
