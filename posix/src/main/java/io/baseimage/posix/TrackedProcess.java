package io.baseimage.posix;

import java.util.Optional;

/**
 * A process that need not be our child, held by a pidfd so that its pid cannot be reused behind our
 * back: for learning how a runit service ended, which its runsv, not we, reaps.
 */
public interface TrackedProcess extends AutoCloseable {
  /**
   * How the process ended, once it has ended and its parent has reaped it.
   *
   * @return the wait status; empty while it runs, and where the kernel keeps no exit information
   *     for a pidfd (before Linux 6.15)
   */
  Optional<WaitStatus> exit();

  @Override
  void close();
}
