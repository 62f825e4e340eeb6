package io.baseimage.env;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a dump so that no reader ever sees it half-written and no other user can read it: the
 * content goes to a temporary file beside the target, which is then renamed over it. {@link
 * ShellDump#write(Path, ContainerEnvironment)} and {@link JsonDump#write(Path,
 * ContainerEnvironment)} write theirs this way.
 *
 * <pre>{@code
 * try {
 *   DumpFile.write(Path.of("/tmp/environment.json"), JsonDump.format(env).bytes());
 * } catch (NotWritableException e) {
 *   log.warn(e.getMessage()); // read-only root: the environment still reaches children
 * }
 * }</pre>
 *
 * <p>No argument may be null: each method throws {@link NullPointerException} naming it.
 */
public final class DumpFile {
  /** The group that may read the dumps, where it exists (gid 8377 in the image). */
  public static final String READER_GROUP = AtomicFile.READER_GROUP;

  private DumpFile() {}

  /**
   * Replaces {@code target} with {@code content}, mode 0640, group {@value #READER_GROUP} if that
   * group exists (else the process's group).
   *
   * @param target the file to replace or create
   * @param content what it is to hold
   * @throws NotWritableException if the directory is read-only or not ours to write
   * @throws IOException if writing fails otherwise (a full disk); the old file stays whole
   */
  public static void write(Path target, ByteString content) throws IOException {
    Objects.requireNonNull(content, "content");
    write(target, out -> out.write(content.array()));
  }

  /**
   * Replaces {@code target} with what {@code content} writes, streamed to the temporary file: a
   * dump of several MiB is never held whole in memory ({@code out -> JsonDump.write(out, env)}).
   *
   * @param target the file to replace or create
   * @param content writes what it is to hold
   * @throws NotWritableException if the directory is read-only or not ours to write
   * @throws IOException if writing fails otherwise, or {@code content} fails; the old file stays
   *     whole
   */
  public static void write(Path target, Content content) throws IOException {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(content, "content");
    try {
      AtomicFile.replace(target, content, Optional.empty(), new AtomicFile.ReaderGroup());
    } catch (IOException e) {
      throw NotWritableException.classify(e, target);
    }
  }

  /** What a dump holds, written to a stream. */
  @FunctionalInterface
  public interface Content {
    /**
     * Writes the content.
     *
     * @param out the temporary file's stream; not to be closed
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Removes the temporary files that a writer which crashed left beside {@code target}: they may
   * hold secrets. For an init at boot, when no other writer runs.
   *
   * @param target a dump
   * @throws IOException if its directory cannot be listed
   */
  public static void removeLeftovers(Path target) throws IOException {
    Path parent = Objects.requireNonNull(target, "target").toAbsolutePath().getParent();
    if (parent != null) {
      AtomicFile.removeLeftovers(parent);
    }
  }
}
