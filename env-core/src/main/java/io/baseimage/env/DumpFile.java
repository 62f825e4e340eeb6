package io.baseimage.env;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes a dump so that no reader ever sees it half-written and no other user can read it: the
 * content goes to a temporary file beside the target, which is then renamed over it.
 *
 * <pre>{@code
 * try {
 *   DumpFile.write(Path.of("/etc/container_environment.json"), JsonDump.format(env).bytes());
 * } catch (NotWritableException e) {
 *   log.warn(e.getMessage()); // read-only root: the environment still reaches children
 * }
 * }</pre>
 */
public final class DumpFile {
  /** The group that may read the dumps, where it exists (gid 8377 in the image). */
  public static final String READER_GROUP = AtomicFile.READER_GROUP;

  private DumpFile() {}

  /**
   * Replaces {@code target} with {@code content}, mode 0640, group {@value #READER_GROUP} if that
   * group exists (else the process's group).
   *
   * @throws NotWritableException if the directory is read-only or not ours to write
   */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, out -> out.write(content));
  }

  /**
   * Replaces {@code target} with what {@code content} writes, streamed to the temporary file: a
   * dump of several MiB is never held whole in memory ({@code out -> JsonDump.write(env, out)}).
   *
   * @throws NotWritableException if the directory is read-only or not ours to write
   */
  public static void write(Path target, Content content) throws IOException {
    try {
      AtomicFile.replace(target, content, Optional.empty());
    } catch (IOException e) {
      throw NotWritableException.classify(e, target);
    }
  }

  /** What a dump holds, written to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Removes the temporary files that a writer which crashed left beside {@code target}: they may
   * hold secrets. For an init at boot, when no other writer runs.
   */
  public static void removeLeftovers(Path target) throws IOException {
    AtomicFile.removeLeftovers(target.toAbsolutePath().getParent());
  }
}
