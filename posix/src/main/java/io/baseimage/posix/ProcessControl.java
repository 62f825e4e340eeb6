package io.baseimage.posix;

import java.util.List;
import java.util.Optional;

/**
 * The native calls of an init: starting and reaping children, signals, the terminal, file watches.
 * my_init's port to the kernel, small so that the logic around it can be tested with a fake.
 * Failures are {@link ErrnoException}s naming the call.
 */
public interface ProcessControl {
  /**
   * Gets ready now what every boot calls, so that the first spawn and signal wait do not pay for
   * it: my_init calls this on the thread that loads the layer. Optional; does nothing by default.
   */
  default void prepareForBoot() {}

  /**
   * Starts {@code path} with an empty signal mask, default handlers for every signal and only file
   * descriptors 0-2 open, in {@code directory} if one is given.
   *
   * @return the child's pid
   */
  int spawn(
      byte[] path,
      List<byte[]> argv,
      List<byte[]> environ,
      boolean newProcessGroup,
      Optional<byte[]> directory)
      throws ErrnoException;

  /**
   * Blocks until any child ends and reaps it.
   *
   * @return the child, or empty if there is no child at all (ECHILD)
   */
  Optional<WaitStatus> waitAny() throws ErrnoException;

  void kill(int pid, int signal) throws ErrnoException;

  int pid();

  /** This process's process group ({@code getpgrp}). */
  int processGroup();

  int uid();

  /** Orphaned descendants come to us instead of to PID 1 ({@code PR_SET_CHILD_SUBREAPER}). */
  void becomeChildSubreaper() throws ErrnoException;

  /**
   * Sets the disposition of {@code signal} to ignore, for signals the JVM will not let Java handle.
   */
  void ignore(int signal) throws ErrnoException;

  /**
   * Waits until one of {@code signals} is pending and takes it ({@code sigwaitinfo}). The signals
   * must be blocked in every thread, as the launcher leaves them (docs/architecture.md): then none
   * is lost, however early it came.
   *
   * @return the signal taken
   */
  int awaitSignal(int... signals) throws ErrnoException;

  /**
   * Takes one of {@code signals} if one is pending, without waiting ({@code sigtimedwait} with a
   * zero timeout).
   *
   * @return the signal taken, or 0 if none is pending
   */
  int takePendingSignal(int... signals) throws ErrnoException;

  boolean isTerminal(int fd);

  /** Makes {@code processGroup} the foreground process group of the terminal on {@code fd}. */
  void setForegroundProcessGroup(int fd, int processGroup) throws ErrnoException;

  /**
   * Renames the calling thread, and so the process in {@code ps} when called on the main thread.
   */
  void setThreadName(String name);

  /**
   * Holds on to process {@code pid}, which need not be our child, to learn later how it ended.
   *
   * @throws ErrnoException ESRCH when it has already been reaped, ENOSYS before Linux 5.3
   */
  TrackedProcess track(int pid) throws ErrnoException;

  /**
   * Watches {@code directories} for files created, written or renamed into them.
   *
   * @throws ErrnoException when the kernel offers no watch (ENOSYS under an old seccomp profile,
   *     EMFILE when the user's inotify instances are used up): callers fall back to short waits
   */
  DirectoryWatch watch(List<byte[]> directories) throws ErrnoException;

  /**
   * Gives back memory that a process which from now on mostly sleeps does not need: free heap pages
   * of the C library, and the read-only file pages touched at start-up (the JVM's code and its AOT
   * cache), which come back from the page cache if they are needed again.
   */
  void releaseIdleMemory();
}
