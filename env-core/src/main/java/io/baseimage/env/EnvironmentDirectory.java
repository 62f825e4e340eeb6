package io.baseimage.env;

import io.baseimage.env.internal.FileNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The environment directory, {@code /etc/container_environment}: one file per variable, named after
 * it, holding its value.
 *
 * <p>A value that ends in a newline is written with one more, because reading removes one: every
 * value round-trips byte for byte.
 *
 * <pre>{@code
 * Decoded<ContainerEnvironment> read = EnvironmentDirectory.read(Path.of("/etc/container_environment"));
 * read.problems().forEach(System.err::println);
 * // A directory of your own: my_init rewrites the image's at every boot.
 * Path mine = Files.createTempDirectory("environment");
 * EnvironmentDirectory.write(mine, read.value().with("GREETING", "hi\n"));
 * }</pre>
 *
 * <p>No argument may be null: each method throws {@link NullPointerException} naming it.
 */
public final class EnvironmentDirectory {
  /**
   * The kernel's limit for one {@code NAME=VALUE} string including its NUL (MAX_ARG_STRLEN): a
   * longer variable can never reach a process.
   */
  public static final int MAX_VARIABLE_BYTES = 128 * 1024;

  /**
   * More than any {@code execve} accepts (the kernel takes at most 6 MiB of arguments and
   * environment): a directory holding more is hostile or broken, and is not read beyond it.
   */
  public static final int MAX_ENVIRONMENT_BYTES = 8 * 1024 * 1024;

  /** More variables than any process environment holds; entries beyond it are not read. */
  public static final int MAX_ENTRIES = 10_000;

  private static final ByteString TEMPORARY_PREFIX = ByteString.of(AtomicFile.TEMPORARY_PREFIX);
  private static final ByteString DOT = ByteString.of(".");
  private static final ByteString DOT_DOT = ByteString.of("..");

  private EnvironmentDirectory() {}

  /**
   * Reads every regular file of {@code dir} (or symlink to one) as a variable. Anything else, and
   * anything that cannot be a variable, is skipped with a problem of its {@link Problem.Kind}; a
   * missing directory is empty.
   *
   * @param dir the directory, {@code /etc/container_environment} in the image
   * @return the variables, and the entries skipped
   * @throws java.nio.file.AccessDeniedException if the directory cannot be listed
   * @throws IOException if listing it fails otherwise
   */
  public static Decoded<ContainerEnvironment> read(Path dir) throws IOException {
    return read(dir, new HashMap<>());
  }

  /**
   * As {@link #read(Path)}, and puts into {@code asWritten} each variable whose file is a regular
   * file (not a link) that holds exactly what {@link #write} would write for it: a write right
   * after the read need not read those files again.
   */
  static Decoded<ContainerEnvironment> read(Path dir, Map<ByteString, ByteString> asWritten)
      throws IOException {
    Objects.requireNonNull(dir, "dir");
    // Names as exact bytes (not Path.toString(), which loses non-ASCII bytes without a locale),
    // read in byte order so that problems come in a stable order.
    // Only the first MAX_ENTRIES names in byte order are kept, whatever order readdir gives.
    TreeMap<ByteString, Path> entries = new TreeMap<>();
    List<Problem> problems = new ArrayList<>();
    boolean cut = false;
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path entry : stream) {
        ByteString name = FileNames.nameOf(entry);
        if (name.startsWith(TEMPORARY_PREFIX)) {
          continue; // a file being written, or left by a writer that crashed: never a variable
        }
        entries.put(name, entry);
        if (entries.size() > MAX_ENTRIES) {
          entries.pollLastEntry();
          cut = true;
        }
      }
    } catch (NoSuchFileException e) {
      return new Decoded<>(ContainerEnvironment.empty(), List.of());
    } catch (AccessDeniedException e) {
      // The JDK's exception holds the path alone: name the reason for callers that log it.
      AccessDeniedException named =
          new AccessDeniedException(FileNames.display(dir), null, "permission denied");
      named.initCause(e);
      throw named;
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
    if (cut) {
      problems.add(
          new Problem(
              Problem.Kind.TOO_LARGE,
              FileNames.display(dir),
              "holds more than "
                  + MAX_ENTRIES
                  + " entries; only the first "
                  + MAX_ENTRIES
                  + " in byte order of their names are read"));
    }
    Map<ByteString, ByteString> variables = new TreeMap<>();
    long total = 0;
    for (Map.Entry<ByteString, Path> entry : entries.entrySet()) {
      ByteString value = readVariable(dir, entry.getValue(), entry.getKey(), problems, asWritten);
      if (value == null) {
        continue;
      }
      total += entry.getKey().length() + value.length() + 2;
      if (total > MAX_ENVIRONMENT_BYTES) {
        problems.add(
            new Problem(
                Problem.Kind.TOO_LARGE,
                subject(dir, entry.getKey()),
                "skipped, with the entries after it: together"
                    + " they exceed "
                    + MAX_ENVIRONMENT_BYTES / (1024 * 1024)
                    + " MiB, more than any process can get"));
        break;
      }
      variables.put(entry.getKey(), value);
    }
    return new Decoded<>(ContainerEnvironment.ofBytes(variables), problems);
  }

  private static ByteString readVariable(
      Path dir,
      Path file,
      ByteString name,
      List<Problem> problems,
      Map<ByteString, ByteString> asWritten) {
    // The subject of a problem is made only for a problem: it escapes every byte, interpreted.
    if (name.indexOf((byte) '=') >= 0) {
      problems.add(
          new Problem(
              Problem.Kind.INVALID_NAME,
              subject(dir, name),
              "skipped: a variable name cannot contain '='"));
      return null;
    }
    BasicFileAttributes attributes;
    boolean link;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      link = attributes.isSymbolicLink();
      if (link) {
        attributes = Files.readAttributes(file, BasicFileAttributes.class);
      }
    } catch (NoSuchFileException e) {
      problems.add(
          new Problem(
              Problem.Kind.NOT_A_FILE, subject(dir, name), "skipped: dangling symbolic link"));
      return null;
    } catch (IOException e) {
      problems.add(
          new Problem(Problem.Kind.UNREADABLE, subject(dir, name), "skipped: " + reason(e)));
      return null;
    }
    if (!attributes.isRegularFile()) {
      String kind = attributes.isDirectory() ? "a directory" : "not a regular file";
      problems.add(new Problem(Problem.Kind.NOT_A_FILE, subject(dir, name), "skipped: " + kind));
      return null;
    }
    int limit = MAX_VARIABLE_BYTES - name.length() - 2;
    byte[] content;
    try (InputStream in = Files.newInputStream(file)) {
      // A file longer than the limit (+1 for a trailing newline) is never read whole.
      content = in.readNBytes(limit + 2);
    } catch (IOException e) {
      problems.add(
          new Problem(Problem.Kind.UNREADABLE, subject(dir, name), "skipped: " + reason(e)));
      return null;
    }
    int length = content.length;
    if (length > 0 && content[length - 1] == '\n') {
      length--;
    }
    if (length > limit) {
      problems.add(
          new Problem(
              Problem.Kind.TOO_LARGE,
              subject(dir, name),
              "skipped: larger than the kernel's 128 KiB limit for a variable"));
      return null;
    }
    if (indexOfNul(content, length) >= 0) {
      problems.add(
          new Problem(
              Problem.Kind.INVALID_VALUE,
              subject(dir, name),
              "skipped: a value cannot contain a NUL byte"));
      return null;
    }
    ByteString value = ByteString.copyOf(content, 0, length);
    // write() adds a newline only to a value that ends in one: "v\n" read as "v" is rewritten.
    boolean endsInNewline = length > 0 && content[length - 1] == '\n';
    if (!link && (length == content.length || endsInNewline)) {
      asWritten.put(name, value);
    }
    return value;
  }

  /**
   * Writes one file per variable, except {@link ContainerEnvironment#IDENTITY_VARIABLES} and, each
   * with a problem, names that cannot be file names or that are the writer's own temporary names,
   * and variables over the kernel's 128 KiB limit, which no process could get. Creates a missing
   * {@code dir} with mode 0700; new files get 0640, group {@value DumpFile#READER_GROUP} where it
   * exists; existing files keep their owner and mode. Each file is replaced atomically, never
   * written through a symbolic link. Files of variables not in {@code env} are left alone.
   *
   * @param dir the directory, {@code /etc/container_environment} in the image
   * @param env the variables
   * @return the variables that were not written, with a problem of their {@link Problem.Kind}
   * @throws NotWritableException if the directory is read-only or not ours to write: no variable
   *     can be written
   * @throws IOException if it cannot be created otherwise
   */
  public static List<Problem> write(Path dir, ContainerEnvironment env) throws IOException {
    return write(dir, env, Map.of());
  }

  /**
   * As {@link #write(Path, ContainerEnvironment)}, except that the files of {@code asWritten} (as
   * {@link #read(Path, Map)} just found them) are taken to hold their values and are not read
   * again: at boot most values come from their own files.
   */
  static List<Problem> write(
      Path dir, ContainerEnvironment env, Map<ByteString, ByteString> asWritten)
      throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(env, "env");
    List<Problem> problems = new ArrayList<>();
    AtomicFile.ReaderGroup readers = new AtomicFile.ReaderGroup();
    if (!Files.isDirectory(dir)) {
      try {
        createPrivateDirectory(dir);
      } catch (IOException e) {
        throw NotWritableException.classify(e, dir);
      }
    }
    for (Map.Entry<ByteString, ByteString> variable : env.asMap().entrySet()) {
      ByteString name = variable.getKey();
      if (ContainerEnvironment.IDENTITY_VARIABLES.contains(name.toString())) {
        continue;
      }
      if (name.startsWith(TEMPORARY_PREFIX)) {
        problems.add(
            new Problem(
                Problem.Kind.INVALID_NAME,
                FileNames.display(name.toByteArray()),
                "not written to "
                    + FileNames.display(dir)
                    + ": names starting with "
                    + AtomicFile.TEMPORARY_PREFIX
                    + " are the writer's temporary files, which readers skip"));
        continue;
      }
      if (name.length() + variable.getValue().length() + 2 > MAX_VARIABLE_BYTES) {
        problems.add(
            new Problem(
                Problem.Kind.TOO_LARGE,
                subject(dir, name),
                "not written: larger than the kernel's 128 KiB limit for a variable"));
        continue;
      }
      if (!isFileName(name)) {
        problems.add(
            new Problem(
                Problem.Kind.INVALID_NAME,
                FileNames.display(name.toByteArray()),
                "not written to " + FileNames.display(dir) + ": not a valid file name"));
        continue;
      }
      if (variable.getValue().equals(asWritten.get(name))) {
        continue;
      }
      try {
        String refused = writeValue(FileNames.resolve(dir, name), variable.getValue(), readers);
        if (refused != null) {
          problems.add(
              new Problem(Problem.Kind.NOT_WRITTEN, subject(dir, name), "not written: " + refused));
        }
      } catch (IOException e) {
        // One file that may not be replaced (an immutable file, another user's in a sticky
        // directory) costs that variable alone; a directory we may not write costs them all.
        if (NotWritableException.classify(e, dir) instanceof NotWritableException notWritable
            && !Files.isWritable(dir)) {
          throw notWritable;
        }
        problems.add(
            new Problem(Problem.Kind.NOT_WRITTEN, subject(dir, name), "not written: " + reason(e)));
      }
    }
    return List.copyOf(problems);
  }

  private static boolean isFileName(ByteString name) {
    return !name.equals(DOT) && !name.equals(DOT_DOT) && name.indexOf((byte) '/') < 0;
  }

  private static String subject(Path dir, ByteString name) {
    String prefix = FileNames.display(dir);
    return (prefix.endsWith("/") ? prefix : prefix + "/") + FileNames.display(name.toByteArray());
  }

  /**
   * Replaces one variable's file, unless it already holds the value: a temporary file in the
   * directory renamed over it, so a full disk or a crash leaves the old value whole.
   *
   * @return why the file was not written, or null
   */
  private static String writeValue(Path file, ByteString value, AtomicFile.ReaderGroup readers)
      throws IOException {
    byte[] bytes = value.array();
    boolean endsInNewline = bytes.length > 0 && bytes[bytes.length - 1] == '\n';
    byte[] content = endsInNewline ? Arrays.copyOf(bytes, bytes.length + 1) : bytes;
    if (endsInNewline) {
      content[bytes.length] = '\n';
    }
    PosixFileAttributes existing;
    try {
      existing = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      existing = null;
    }
    if (existing != null && existing.isSymbolicLink()) {
      // A link the image made with `echo` holds "value\n": compare values, as they are read.
      return Files.isRegularFile(file) && holdsValue(file, bytes)
          ? null
          : "a symbolic link, which is not written through";
    }
    if (existing != null && !existing.isRegularFile()) {
      // Opening a fifo would hang, writing a directory fails.
      return "not a regular file";
    }
    if (existing != null && existing.size() == content.length && holds(file, content)) {
      // my_init rewrites the directory after every startup script: most files already hold their
      // value, and reading is far cheaper than writing again.
      return null;
    }
    // A file that replaces an existing one keeps the owner and mode the image gave that one.
    AtomicFile.replace(file, content, Optional.ofNullable(existing), readers);
    return null;
  }

  private static boolean holds(Path file, byte[] content) throws IOException {
    return Arrays.equals(Files.readAllBytes(file), content);
  }

  private static boolean holdsValue(Path file, byte[] value) throws IOException {
    byte[] content = Files.readAllBytes(file);
    int length =
        content.length > 0 && content[content.length - 1] == '\n'
            ? content.length - 1
            : content.length;
    return Arrays.equals(content, 0, length, value, 0, value.length);
  }

  /**
   * Removes the temporary files that a writer which crashed left in {@code dir}: they may hold
   * secrets. For an init at boot, when no other writer runs.
   *
   * @param dir the directory
   * @throws IOException if it cannot be listed
   */
  public static void removeLeftovers(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir");
    try {
      AtomicFile.removeLeftovers(dir);
    } catch (NoSuchFileException e) {
      // no directory, no leftovers
    }
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    var mode = PosixFilePermissions.fromString("rwx------");
    // Created 0700 (never briefly more open), then set again in case the umask took more away.
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
    Files.setPosixFilePermissions(dir, mode);
  }

  private static int indexOfNul(byte[] bytes, int length) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /** Why {@code e} happened, as the C library says it ({@code No space left on device}). */
  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    if (reason != null) {
      return reason;
    }
    // The JDK's exceptions for these conditions carry no reason of their own.
    if (e instanceof FileAlreadyExistsException) {
      return "something that is not a directory is in the way";
    }
    if (e instanceof NoSuchFileException) {
      return "No such file or directory";
    }
    if (e instanceof NotDirectoryException) {
      return "Not a directory";
    }
    return e.getClass().getSimpleName();
  }
}
