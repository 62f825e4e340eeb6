package io.baseimage.startup;

import java.time.Duration;

/**
 * A point on the {@link System#nanoTime()} scale that bounds a whole sequence of waits, such as
 * my_init's shutdown (docs/user-guide.md, "One deadline"): each step's own timeout is cut to what
 * is left of it.
 *
 * <pre>{@code
 * Deadline deadline = Deadline.after(Duration.ofSeconds(9));
 * reaper.terminate(pid, deadline, killTimeout);   // SIGKILL at deadline.cut(killTimeout)
 * }</pre>
 */
public record Deadline(long nanos) {
  /** No deadline: every step gets its own timeout. */
  public static final Deadline NONE = new Deadline(Long.MAX_VALUE);

  /**
   * How long processes sent {@code SIGKILL} at the deadline may take to be reaped. The kernel ends
   * them at once unless they are in uninterruptible sleep; this only keeps the log in order.
   */
  static final Duration KILLED_GRACE = Duration.ofMillis(100);

  public static Deadline after(Duration timeout) {
    return new Deadline(later(System.nanoTime(), timeout));
  }

  /** The earlier of this deadline and {@code timeout} from now. */
  public long cut(Duration timeout) {
    return Math.min(nanos, later(System.nanoTime(), timeout));
  }

  /**
   * Until when to wait for processes that have just been sent {@code SIGKILL}: {@code killTimeout}
   * from now, but past the deadline only for {@link #KILLED_GRACE}.
   */
  public long forKilled(Duration killTimeout) {
    long now = System.nanoTime();
    return Math.min(later(now, killTimeout), later(Math.max(nanos, now), KILLED_GRACE));
  }

  /** The time left until the deadline, zero once it has passed. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
  }

  public boolean passed() {
    return nanos != Long.MAX_VALUE && System.nanoTime() >= nanos;
  }

  /** {@code nanos + timeout}, where anything past the end of the scale is "never". */
  private static long later(long nanos, Duration timeout) {
    if (nanos == Long.MAX_VALUE) {
      return Long.MAX_VALUE;
    }
    try {
      return Math.addExact(nanos, timeout.toNanos());
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
