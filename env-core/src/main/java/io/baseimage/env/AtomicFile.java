package io.baseimage.env;

import io.baseimage.env.internal.FileNames;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replaces a file so that no reader, crash or full disk ever leaves it half-written: the content
 * goes to a temporary file in the same directory, which is then renamed over the target
 * (docs/architecture.md, "The environment, from the kernel to the children"). A rename replaces a
 * symbolic link instead of writing through it.
 */
final class AtomicFile {
  /** The group that may read what we write, where it exists (gid 8377 in the image). */
  static final String READER_GROUP = "docker_env";

  /**
   * The name every temporary file starts with. Readers of a directory skip such names, and {@link
   * #removeLeftovers} removes those that a crash left behind: they may hold secrets.
   */
  static final String TEMPORARY_PREFIX = ".baseimage-tmp.";

  private static final Set<PosixFilePermission> READER_MODE =
      PosixFilePermissions.fromString("rw-r-----");
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final Set<StandardOpenOption> CREATE_NEW_FOR_WRITING =
      EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  private static final AtomicLong COUNTER = new AtomicLong();

  private AtomicFile() {}

  /**
   * Replaces {@code target} with {@code content}. The new file takes the mode, owner and group of
   * {@code keep} (the file it replaces) where given and allowed, else mode 0640 and group {@value
   * #READER_GROUP} if that group exists ({@code readers}, shared by the files of one write).
   */
  static void replace(
      Path target, byte[] content, Optional<PosixFileAttributes> keep, ReaderGroup readers)
      throws IOException {
    replace(target, out -> out.write(content), keep, readers);
  }

  /**
   * As {@link #replace(Path, byte[], Optional, ReaderGroup)}, with the content streamed to the
   * temporary file.
   */
  static void replace(
      Path target,
      DumpFile.Content content,
      Optional<PosixFileAttributes> keep,
      ReaderGroup readers)
      throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Temporary temp = Temporary.createIn(dir);
    try (OutputStream out =
        new BufferedOutputStream(Channels.newOutputStream(temp.channel), 64 * 1024)) {
      content.writeTo(out);
    } catch (IOException e) {
      throw removed(temp.path, e);
    }
    finish(temp.path, target, keep, readers);
  }

  /**
   * Gives the written temporary file its owner, group and mode and renames it over {@code target}.
   * No fsync: the rename already keeps readers from half a file, and what a power failure loses is
   * written again at the next boot; a sync would cost every boot milliseconds.
   */
  private static void finish(
      Path temp, Path target, Optional<PosixFileAttributes> keep, ReaderGroup readers)
      throws IOException {
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
      // No lambdas on this path: one that the image's AOT training never ran (the build machine
      // has no docker_env group) would be spun at every boot (docs/benchmarks.md, "Levers").
      if (keep.isPresent()) {
        keepOwners(temp, target, view, keep.get());
        view.setPermissions(keep.get().permissions());
      } else {
        Optional<GroupPrincipal> group = readers.lookUp(temp);
        if (group.isPresent()) {
          giveAway(view, group.get());
        }
        // Explicitly, because the umask applies to the mode given at creation.
        view.setPermissions(READER_MODE);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw removed(temp, e);
    }
  }

  /**
   * Gives {@code temp} the owner and group of {@code target}, where allowed, by number: {@code
   * keep}'s principals would ask the name service for their names first (getpwuid and getgrgid read
   * /etc/passwd and /etc/group, for every file a boot replaces). Through the principals only where
   * the file system has no "unix" attribute view.
   */
  private static void keepOwners(
      Path temp, Path target, PosixFileAttributeView view, PosixFileAttributes keep)
      throws IOException {
    Map<String, Object> ids;
    try {
      ids = Files.readAttributes(target, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return; // removed since it was read: the new file is ours, with keep's mode
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      try {
        view.setOwner(keep.owner());
      } catch (IOException notAllowed) {
        // see giveAway
      }
      giveAway(view, keep.group());
      return;
    }
    for (String id : new String[] {"uid", "gid"}) {
      try {
        Files.setAttribute(temp, "unix:" + id, ids.get(id), LinkOption.NOFOLLOW_LINKS);
      } catch (IOException notAllowed) {
        // see giveAway
      }
    }
  }

  /** {@code e}, after {@code temp} is deleted. */
  private static IOException removed(Path temp, IOException e) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException cleanup) {
      e.addSuppressed(cleanup);
    }
    return e;
  }

  /**
   * The group {@value #READER_GROUP}, looked up once for the files of one write (the directory's
   * files, or a dump): each lookup asks the name service, which reads /etc/group.
   */
  static final class ReaderGroup {
    private Optional<GroupPrincipal> group;

    Optional<GroupPrincipal> lookUp(Path file) throws IOException {
      if (group == null) {
        try {
          group =
              Optional.of(
                  file.getFileSystem()
                      .getUserPrincipalLookupService()
                      .lookupPrincipalByGroupName(READER_GROUP));
        } catch (UserPrincipalNotFoundException e) {
          group = Optional.empty();
        }
      }
      return group;
    }
  }

  /** Removes the temporary files that a process which crashed mid-write left in {@code dir}. */
  static void removeLeftovers(Path dir) throws IOException {
    if (dir.getFileSystem() != FileSystems.getDefault()) {
      removeLeftoversOf(dir);
      return;
    }
    // File.list, not a DirectoryStream: one native call makes all the names, where the stream
    // makes and checks a Path per entry, interpreted (~2 ms for the ~150 entries of a large /etc;
    // docs/benchmarks.md). Not a glob either: it compiles to a regular expression matched against
    // every entry.
    String[] names = dir.toFile().list();
    if (names == null) {
      // It cannot be listed: opening it as a stream throws why (if it opens after all, the
      // directory was replaced meanwhile, and holds nothing of ours).
      Files.newDirectoryStream(dir).close();
      return;
    }
    for (String name : names) {
      // Our temporary names are ASCII. Any other name was decoded with the file name encoding,
      // which without a locale turns its other bytes into U+FFFD: not ours, and not a path.
      if (name.startsWith(TEMPORARY_PREFIX) && FileNames.isAscii(name)) {
        removeIfRegularFile(dir.resolve(name));
      }
    }
  }

  /** As {@link #removeLeftovers}, for any file system. */
  private static void removeLeftoversOf(Path dir) throws IOException {
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path entry : stream) {
        if (entry.getFileName().toString().startsWith(TEMPORARY_PREFIX)) {
          removeIfRegularFile(entry);
        }
      }
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
  }

  private static void removeIfRegularFile(Path leftover) throws IOException {
    if (Files.isRegularFile(leftover, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(leftover);
    }
  }

  /** A new private file, open for writing. */
  private static final class Temporary {
    final Path path;
    final SeekableByteChannel channel;

    private Temporary(Path path, SeekableByteChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    /**
     * A new file in {@code dir}, created with its mode and opened at once (one {@code open}). Not
     * {@code Files.createTempFile}: its random name costs a {@code SecureRandom}, slow to seed at
     * boot and pointless for a file only we create. Nor the pid, whose {@code ProcessHandle} costs
     * a millisecond of class set-up at boot: the clock makes the name unlikely to be taken, and a
     * name that is taken is skipped.
     */
    static Temporary createIn(Path dir) throws IOException {
      String process = Long.toHexString(System.nanoTime());
      while (true) {
        Path temp = dir.resolve(TEMPORARY_PREFIX + process + "." + COUNTER.incrementAndGet());
        try {
          return new Temporary(temp, Files.newByteChannel(temp, CREATE_NEW_FOR_WRITING, PRIVATE));
        } catch (FileAlreadyExistsException e) {
          // Another writer's, or left over by an earlier one: take the next name.
        }
      }
    }
  }

  /**
   * Gives the file to {@code group} where allowed. A process that may not give a file away (not
   * root, not in the group) keeps its own user or group: the mode still keeps other users out.
   */
  private static void giveAway(PosixFileAttributeView view, GroupPrincipal group) {
    try {
      view.setGroup(group);
    } catch (IOException e) {
      // see above
    }
  }
}
