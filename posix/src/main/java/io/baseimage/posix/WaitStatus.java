package io.baseimage.posix;

/**
 * A child that ended, as {@code waitpid} reports it.
 *
 * @param pid the child
 * @param status the raw wait status
 */
public record WaitStatus(int pid, int status) {
  public boolean exited() {
    return (status & 0x7f) == 0;
  }

  public int exitCode() {
    return (status >> 8) & 0xff;
  }

  public int terminatingSignal() {
    return status & 0x7f;
  }
}
