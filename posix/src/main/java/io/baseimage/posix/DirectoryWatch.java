package io.baseimage.posix;

/**
 * Tells when files in some directories change (inotify): for waiting on a state that another
 * program records in files, such as runsv's {@code supervise/status}, without polling.
 */
public interface DirectoryWatch extends AutoCloseable {
  /**
   * Waits until a file in a watched directory has been created, written or renamed into it since
   * the watch began or since the last call, or until {@code timeoutMillis} has passed.
   *
   * @return whether something changed
   */
  boolean awaitChange(long timeoutMillis) throws ErrnoException;

  @Override
  void close();
}
