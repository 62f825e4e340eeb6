package io.baseimage.posix;

import java.io.IOException;

/**
 * A native call that failed, for example {@code setgid(500) failed: EPERM (Operation not
 * permitted)}.
 */
public final class ErrnoException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int errno;
  private final String description;

  public ErrnoException(String call, int errno, String description) {
    super(call + " failed: " + Errno.name(errno) + " (" + description + ")");
    this.errno = errno;
    this.description = description;
  }

  public int errno() {
    return errno;
  }

  /** The C library's text for the error, for example {@code No such file or directory}. */
  public String description() {
    return description;
  }
}
