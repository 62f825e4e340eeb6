package io.baseimage.env;

import io.baseimage.env.internal.FileNames;
import java.nio.file.Path;
import java.util.List;
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
   * Stores that this process may not write, for one reason: a read-only file system ({@code docker
   * run --read-only}) or missing permission (not root). They are left as they were; every process
   * started still gets the environment. One problem names all the stores of one step that fail for
   * the same reason, and a store is named once per {@link EnvironmentStores}.
   *
   * @param stores the directory or dumps that could not be written, at least one
   * @param reason read-only file system or permission denied
   */
  record NotWritable(List<Path> stores, NotWritableException.Reason reason)
      implements StoreProblem {
    /**
     * Checks that no component is null and that a store is given, and copies {@code stores}.
     *
     * @throws IllegalArgumentException if {@code stores} is empty
     */
    public NotWritable {
      stores = List.copyOf(Objects.requireNonNull(stores, "stores"));
      Objects.requireNonNull(reason, "reason");
      if (stores.isEmpty()) {
        throw new IllegalArgumentException("stores is empty");
      }
    }

    @Override
    public String toString() {
      StringBuilder names = new StringBuilder();
      for (int i = 0; i < stores.size(); i++) {
        if (i > 0) {
          names.append(i == stores.size() - 1 ? " and " : ", ");
        }
        names.append(FileNames.display(stores.get(i)));
      }
      return "cannot save the environment to "
          + names
          + " ("
          + reason
          + (stores.size() == 1 ? "); it is left as it was" : "); they are left as they were")
          + ", but every process started still gets the environment";
    }
  }

  /**
   * Another I/O error while writing a dump or creating the directory (a full disk): the old file
   * stays whole. Returned once per store and reason.
   *
   * @param store the directory or dump that could not be written
   * @param reason why, as the C library says it ({@code No space left on device})
   */
  record WriteFailed(Path store, String reason) implements StoreProblem {
    /** Checks that no component is null. */
    public WriteFailed {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return "cannot write " + FileNames.display(store) + " (" + reason + "); it is left as it was";
    }
  }
}
