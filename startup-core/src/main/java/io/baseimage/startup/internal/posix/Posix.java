package io.baseimage.startup.internal.posix;

import java.util.List;
import java.util.Optional;

/**
 * The native calls of my_init and setuser, in one small interface so that the logic around them
 * can be tested with a fake. Failures are {@link ErrnoException}s naming the call.
 */
public interface Posix {
  int SIGHUP = 1;
  int SIGINT = 2;
  int SIGQUIT = 3;
  int SIGKILL = 9;
  int SIGUSR1 = 10;
  int SIGUSR2 = 12;
  int SIGTERM = 15;
  int SIGSTOP = 19;
  int SIGCHLD = 17;
  int SIGCONT = 18;
  int SIGTTIN = 21;
  int SIGTTOU = 22;
  int SIGWINCH = 28;

  int ENOENT = 2;
  int ESRCH = 3;
  int ENOSYS = 38;
  int EINTR = 4;
  int E2BIG = 7;
  int ENOEXEC = 8;
  int ECHILD = 10;
  int EACCES = 13;
  int EPERM = 1;

  /**
   * Starts {@code path} with an empty signal mask, default handlers for every signal and only file
   * descriptors 0-2 open.
   *
   * @return the child's pid
   */
  int spawn(byte[] path, List<byte[]> argv, List<byte[]> environ, boolean newProcessGroup)
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

  int gid();

  /** Orphaned descendants come to us instead of to PID 1 ({@code PR_SET_CHILD_SUBREAPER}). */
  void becomeChildSubreaper() throws ErrnoException;

  /** Sets the disposition of {@code signal} to ignore, for signals the JVM will not let Java handle. */
  void ignore(int signal) throws ErrnoException;

  /**
   * Waits until one of {@code signals} is pending and takes it ({@code sigwaitinfo}). The signals
   * must be blocked in every thread, as the launcher leaves them (docs/architecture.md): then none
   * is lost, however early it came.
   *
   * @return the signal taken
   */
  int awaitSignal(int... signals) throws ErrnoException;

  boolean isTerminal(int fd);

  /** Makes {@code processGroup} the foreground process group of the terminal on {@code fd}. */
  void setForegroundProcessGroup(int fd, int processGroup) throws ErrnoException;

  /** Renames the calling thread, and so the process in {@code ps} when called on the main thread. */
  void setThreadName(String name);

  /**
   * Watches {@code directories} for files created, written or renamed into them.
   *
   * @throws ErrnoException when the kernel offers no watch (ENOSYS under an old seccomp profile,
   *     EMFILE when the user's inotify instances are used up): callers fall back to short waits
   */
  DirectoryWatch watch(List<byte[]> directories) throws ErrnoException;

  Optional<PasswdEntry> userByName(String name) throws ErrnoException;

  Optional<PasswdEntry> userById(int uid) throws ErrnoException;

  Optional<GroupEntry> groupByName(String name) throws ErrnoException;

  Optional<GroupEntry> groupById(int gid) throws ErrnoException;

  void initgroups(String user, int gid) throws ErrnoException;

  void setgroups(int[] groups) throws ErrnoException;

  void setgid(int gid) throws ErrnoException;

  void setuid(int uid) throws ErrnoException;

  /**
   * Replaces this process with {@code path}, after clearing the signal mask that the JVM set. Only
   * returns by throwing.
   */
  void exec(byte[] path, List<byte[]> argv, List<byte[]> environ) throws ErrnoException;

  /**
   * Marks every open file descriptor from {@code lowest} up close-on-exec, so that a program
   * {@link #exec}'d next inherits only the ones below it. The JVM keeps jars, {@code lib/modules}
   * and {@code /dev/random} open without that flag; after a user switch they would leak to the
   * unprivileged program. (Added for setuser; implementations that never exec need not support it.)
   */
  default void closeOnExec(int lowest) throws ErrnoException {
    throw new UnsupportedOperationException("closeOnExec");
  }

  /**
   * Gives back memory that a process which from now on mostly sleeps does not need: free heap
   * pages of the C library, and the read-only file pages touched at start-up (the JVM's code and
   * its AOT cache), which come back from the page cache if they are needed again.
   */
  default void releaseIdleMemory() {}
}
