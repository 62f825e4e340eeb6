package io.baseimage.env;

import io.baseimage.env.internal.FileNames;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A store that this process may not write: a read-only file system ({@code docker run --read-only},
 * Kubernetes {@code readOnlyRootFilesystem}) or missing permission (running as a non-root user). A
 * caller such as my_init logs it once and carries on: children still get the environment.
 */
public final class NotWritableException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why the store cannot be written. */
  public enum Reason {
    /** A read-only file system ({@code EROFS}). */
    READ_ONLY_FILE_SYSTEM("read-only file system"),
    /** Not ours to write ({@code EACCES}, {@code EPERM}). */
    PERMISSION_DENIED("permission denied");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /**
     * As the C library says it.
     *
     * @return for example {@code read-only file system}
     */
    @Override
    public String toString() {
      return text;
    }
  }

  private final transient Path path;

  /** Why the store cannot be written. */
  private final Reason reason;

  /**
   * A store that cannot be written.
   *
   * @param path the store, or the file in it that could not be written
   * @param reason why
   * @param cause the I/O error that says so, or null
   * @throws NullPointerException if {@code path} or {@code reason} is null
   */
  public NotWritableException(Path path, Reason reason, Throwable cause) {
    super(
        "cannot write "
            + FileNames.display(Objects.requireNonNull(path, "path"))
            + ": "
            + Objects.requireNonNull(reason, "reason"),
        cause);
    this.path = path;
    this.reason = reason;
  }

  /**
   * The store that cannot be written.
   *
   * @return the store, or the file in it that could not be written
   */
  public Path path() {
    return path;
  }

  /**
   * Why it cannot be written.
   *
   * @return the reason
   */
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
