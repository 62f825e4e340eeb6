package io.baseimage.env;

import java.util.Objects;

/**
 * A variable or entry that a store's reader or writer skipped or changed, for the caller to log:
 * the library itself prints nothing. As a {@link StoreProblem}, one entry of a store. Its text
 * names variables and files, never values: a value may be a secret.
 *
 * <pre>{@code
 * Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(Path.of("/etc/container_environment"));
 * for (Problem problem : read.problems()) {
 *   switch (problem.kind()) {
 *     case NOT_A_FILE -> { } // a sub-directory, say: expected in this image
 *     default -> System.err.println("warning: " + problem);
 *   }
 * }
 * // warning: /etc/container_environment/DATA: skipped: larger than the kernel's 128 KiB limit for a variable
 * }</pre>
 *
 * @param kind what happened, for a caller to act on
 * @param subject what the problem is about: a file, or a variable name (bytes that are not
 *     printable UTF-8 as {@code \xNN})
 * @param reason what was wrong and what was done about it
 */
public record Problem(Kind kind, String subject, String reason) implements StoreProblem {
  /** What happened to a variable or an entry. */
  public enum Kind {
    /** An entry of the environment directory that is not a regular file: skipped. */
    NOT_A_FILE,
    /** A name that cannot be a variable's ({@code =} in it) or a file's ({@code .}, {@code /}). */
    INVALID_NAME,
    /** A value that cannot reach a process: a NUL byte in it. Skipped. */
    INVALID_VALUE,
    /** Larger than the kernel lets a process have: one variable, or the directory as a whole. */
    TOO_LARGE,
    /** An entry that could not be read (permission, I/O error): skipped. */
    UNREADABLE,
    /** A variable whose file could not be written: the old file, if any, is left as it was. */
    NOT_WRITTEN,
    /** Bytes that are not UTF-8, in a store or view that holds text: each became U+FFFD. */
    NOT_UTF8,
    /** A name changed to fit the store: {@code my.name} is {@code my_name} in the shell dump. */
    RENAMED,
    /** Two variables that became one in the store: the later in byte order of the names won. */
    MERGED,
    /** A variable left out of the store on purpose: {@code PPID} in the shell dump. */
    LEFT_OUT,
    /** A name given twice in a dump: the later value counts, as for a shell and for jq. */
    DUPLICATE
  }

  /**
   * Checks that no component is null.
   *
   * @throws NullPointerException naming the component that is null
   */
  public Problem {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * One line for a log, for example {@code /etc/container_environment/x: skipped: a directory}.
   *
   * @return {@code subject: reason}
   */
  @Override
  public String toString() {
    return subject + ": " + reason;
  }
}
