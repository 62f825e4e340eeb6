package io.baseimage.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a dump so that no reader ever sees it half-written and no other user can read it: the
 * content goes to a temporary file beside the target, which is then renamed over it.
 *
 * <pre>{@code
 * try {
 *   DumpFile.write(Path.of("/etc/container_environment.json"), JsonDump.format(env).value());
 * } catch (NotWritableException e) {
 *   log.warn(e.getMessage()); // read-only root: the environment still reaches children
 * }
 * }</pre>
 */
public final class DumpFile {
  /** The group that may read the dumps, where it exists (gid 8377 in the image). */
  public static final String READER_GROUP = "docker_env";

  private static final Set<PosixFilePermission> MODE =
      PosixFilePermissions.fromString("rw-r-----");

  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final AtomicLong COUNTER = new AtomicLong();

  private DumpFile() {}

  /**
   * Replaces {@code target} with {@code content}, mode 0640, group {@value #READER_GROUP} if that
   * group exists (else the process's group).
   *
   * @throws NotWritableException if the directory is read-only or not ours to write
   */
  public static void write(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp;
    try {
      temp = createTemporary(dir, target.getFileName().toString());
    } catch (IOException e) {
      throw NotWritableException.classify(e, target);
    }
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        // No fsync: the rename already keeps readers from half a file, and a dump lost to a power
        // failure is written again at the next boot; a sync would cost every boot milliseconds.
      }
      PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
      readerGroup(temp).ifPresent(group -> setGroup(view, group));
      // Explicitly, because the umask applies to the mode given at creation.
      view.setPermissions(MODE);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw NotWritableException.classify(e, target);
    }
  }

  /**
   * A new private file beside the target. Not {@code Files.createTempFile}: its random name costs a
   * {@code SecureRandom}, slow to seed at boot and pointless for a file only we create.
   */
  private static Path createTemporary(Path dir, String name) throws IOException {
    while (true) {
      Path temp = dir.resolve("." + name + "." + ProcessHandle.current().pid() + "." + COUNTER.incrementAndGet() + ".tmp");
      try {
        return Files.createFile(temp, PRIVATE);
      } catch (FileAlreadyExistsException e) {
        // Left over by an earlier process with our pid: take the next name.
      }
    }
  }

  private static Optional<GroupPrincipal> readerGroup(Path file) throws IOException {
    try {
      return Optional.of(
          file.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(READER_GROUP));
    } catch (UserPrincipalNotFoundException e) {
      return Optional.empty();
    }
  }

  private static void setGroup(PosixFileAttributeView view, GroupPrincipal group) {
    try {
      view.setGroup(group);
    } catch (IOException e) {
      // A non-root process that is not in the group keeps its own group: still not world-readable.
    }
  }
}
