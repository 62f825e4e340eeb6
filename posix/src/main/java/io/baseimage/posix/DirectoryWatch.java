package io.baseimage.posix;

import java.util.List;

/**
 * Tells when files in some directories change (inotify): for waiting on a state that another
 * program records in files, such as runsv's {@code supervise/status}, without polling.
 */
public interface DirectoryWatch extends AutoCloseable {
  /**
   * A file created, written or renamed into a watched directory.
   *
   * @param directory the directory's index, in the order the directories were watched; -1 when the
   *     kernel dropped changes (its queue overflowed) or cannot say where
   * @param name the file's name, for matching the ASCII names a program writes
   * @param opened whether the file was opened (or executed), in a directory watched for that
   */
  record Change(int directory, String name, boolean opened) {}

  /**
   * Waits until a file in a watched directory has been created, written or renamed into it (or
   * opened, where asked) since the watch began or since the last call, or until {@code
   * timeoutMillis} has passed.
   *
   * @return the changes, in order; empty if none came in time (or a signal woke the wait)
   */
  List<Change> awaitChanges(long timeoutMillis) throws ErrnoException;

  /** {@link #awaitChanges}, for a caller that reads the files again whatever changed. */
  default boolean awaitChange(long timeoutMillis) throws ErrnoException {
    return !awaitChanges(timeoutMillis).isEmpty();
  }

  /**
   * Watches one more directory, without missing a change in the others; with {@code opens}, also
   * for files opened in it, which includes a program executed from it.
   *
   * @return its index
   */
  int add(byte[] directory, boolean opens) throws ErrnoException;

  @Override
  void close();
}
