package io.baseimage.env;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A store that this process may not write: a read-only file system ({@code docker run --read-only},
 * Kubernetes {@code readOnlyRootFilesystem}) or missing permission (running as a non-root user). A
 * caller such as my_init logs it once and carries on: children still get the environment.
 */
public final class NotWritableException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the store cannot be written. */
  public enum Reason {
    READ_ONLY_FILE_SYSTEM("read-only file system"),
    PERMISSION_DENIED("permission denied");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private final transient Path path;
  private final Reason reason;

  public NotWritableException(Path path, Reason reason, Throwable cause) {
    super("cannot write " + path + ": " + reason, cause);
    this.path = path;
    this.reason = reason;
  }

  public Path path() {
    return path;
  }

  public Reason reason() {
    return reason;
  }

  /**
   * {@code e} as a {@code NotWritableException} if that is what it means, else {@code e} itself.
   */
  static IOException classify(IOException e, Path path) {
    if (e instanceof AccessDeniedException) {
      return new NotWritableException(path, Reason.PERMISSION_DENIED, e);
    }
    // EROFS has no exception type of its own; an existing or missing file is another condition
    // even on a read-only file system.
    if (e instanceof FileSystemException fse
        && !(e instanceof NoSuchFileException)
        && !(e instanceof FileAlreadyExistsException)
        && ("Read-only file system".equals(fse.getReason()) || isReadOnly(path))) {
      return new NotWritableException(path, Reason.READ_ONLY_FILE_SYSTEM, fse);
    }
    if (e instanceof FileSystemException fse && "Operation not permitted".equals(fse.getReason())) {
      return new NotWritableException(path, Reason.PERMISSION_DENIED, e);
    }
    return e;
  }

  private static boolean isReadOnly(Path path) {
    for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        try {
          return Files.getFileStore(p).isReadOnly();
        } catch (IOException e) {
          return false;
        }
      }
    }
    return false;
  }
}
