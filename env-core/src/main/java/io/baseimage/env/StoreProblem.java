package io.baseimage.env;

import io.baseimage.env.internal.FileNames;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Something that went wrong while {@link EnvironmentStores} read or wrote the stores, for the
 * caller to log: {@code toString()} is one line. The library itself prints nothing.
 *
 * <pre>{@code
 * for (StoreProblem problem : stores.atBoot(process).problems()) {
 *   System.err.println("warning: " + problem);  // cannot read /etc/container_environment (permission denied); ...
 * }
 * }</pre>
 *
 * <p>A {@link Problem} is an entry that a codec skipped or changed; the other kinds concern a whole
 * store.
 */
public sealed interface StoreProblem
    permits Problem, StoreProblem.Unreadable, StoreProblem.NotWritable, StoreProblem.WriteFailed {

  /**
   * The environment directory cannot be read: its variables are not imported, and it is neither
   * read nor written again. Not root, for one: the image's directory is {@code 0750
   * root:docker_env}.
   *
   * @param directory the environment directory
   * @param reason why, as the C library says it ({@code permission denied})
   */
  record Unreadable(Path directory, String reason) implements StoreProblem {
    /** Checks that no component is null. */
    public Unreadable {
      Objects.requireNonNull(directory, "directory");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return "cannot read "
          + FileNames.display(directory)
          + " ("
          + reason
          + "); its variables are not imported";
    }
  }

  /**
   * A store that this process may not write: a read-only file system ({@code docker run
   * --read-only}) or missing permission (not root). The stores keep their old content; every
   * process started still gets the environment.
   *
   * @param store the directory or dump that could not be written
   * @param reason read-only file system or permission denied
   */
  record NotWritable(Path store, NotWritableException.Reason reason) implements StoreProblem {
    /** Checks that no component is null. */
    public NotWritable {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return "cannot save the environment to "
          + FileNames.display(store)
          + " ("
          + reason
          + "); the dumps are not updated, but every process started still gets the environment";
    }
  }

  /**
   * Another I/O error while writing a dump or creating the directory (a full disk): the old file
   * stays whole. Not returned again when the same store fails for the same reason, although the
   * message may then name another temporary file.
   *
   * @param store the directory or dump that could not be written
   * @param reason why, as the C library says it ({@code No space left on device})
   * @param message the error's message, which is also {@link #toString()}
   */
  record WriteFailed(Path store, String reason, String message) implements StoreProblem {
    /** Checks that no component is null. */
    public WriteFailed {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return message;
    }
  }
}
