package io.baseimage.startup;

import io.baseimage.posix.Errno;

/** The exit statuses both launchers share, with the shell's meaning. */
public final class ExitCodes {
  public static final int SUCCESS = 0;

  /** The tool itself failed: bad input, a refused call, a broken runtime. */
  public static final int FAILURE = 1;

  /** The command was found but cannot be executed (permissions, format, too large). */
  public static final int CANNOT_EXECUTE = 126;

  /** The command was not found. */
  public static final int NOT_FOUND = 127;

  private ExitCodes() {}

  /**
   * The status a shell exits with when {@code execve} or {@code posix_spawn} fail with {@code
   * errno}: not found is 127, anything else (EACCES, ENOEXEC, E2BIG...) is 126.
   */
  public static int ofExecFailure(int errno) {
    return errno == Errno.ENOENT ? NOT_FOUND : CANNOT_EXECUTE;
  }
}
