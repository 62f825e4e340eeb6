package io.baseimage.posix;

import java.util.List;
import java.util.Optional;

/**
 * The native calls of setuser: the user database, the credentials of this process, and {@code
 * execve}. Small so that the logic around it can be tested with a fake. Failures are {@link
 * ErrnoException}s naming the call.
 */
public interface UserSwitch {
  int uid();

  int gid();

  Optional<PasswdEntry> userByName(String name) throws ErrnoException;

  Optional<PasswdEntry> userById(int uid) throws ErrnoException;

  Optional<GroupEntry> groupByName(String name) throws ErrnoException;

  void initgroups(String user, int gid) throws ErrnoException;

  void setgroups(int[] groups) throws ErrnoException;

  void setgid(int gid) throws ErrnoException;

  void setuid(int uid) throws ErrnoException;

  /**
   * Marks every open file descriptor from {@code lowest} up close-on-exec, so that a program {@link
   * #exec}'d next inherits only the ones below it. The JVM keeps jars, {@code lib/modules} and
   * {@code /dev/random} open without that flag; after a user switch they would leak to the
   * unprivileged program.
   */
  void closeOnExec(int lowest) throws ErrnoException;

  /**
   * Replaces this process with {@code path}, after clearing the signal mask that the JVM set. Only
   * returns by throwing.
   */
  void exec(byte[] path, List<byte[]> argv, List<byte[]> environ) throws ErrnoException;
}
