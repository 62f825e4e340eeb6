package io.baseimage.myinit;

import io.baseimage.env.ByteString;
import io.baseimage.env.internal.FileNames;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which services runsvdir gets to supervise (docs/architecture.md, "Not root"). A service runit
 * cannot run would crash-loop (runsv exits with a "fatal" line, runsvdir starts it again every few
 * seconds), so it is left out:
 *
 * <ul>
 *   <li>not as root, one marked {@value #ROOT_ONLY} (the image's rsyslog and cron), with one info
 *       line;
 *   <li>one whose runit state, {@code supervise/} (and {@code log/supervise/}), cannot be kept,
 *       with one warning: not writable by this user, or, for root too, on a read-only file system
 *       ({@code docker run --read-only} mounts no tmpfs on /run);
 *   <li>not as root, one whose {@code run} is not executable.
 * </ul>
 *
 * runsvdir then scans a directory of our own that links to the others by the same names, so {@code
 * sv} and {@code /etc/service/NAME/supervise} work as usual. When nothing is left out, runsvdir
 * scans {@code /etc/service} itself, and picks up a service added to it later.
 */
final class ServiceSelection {
  /** A file in a service's directory that says it needs root. */
  static final String ROOT_ONLY = "root-only";

  private static final ByteString DOT = ByteString.of(".");
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /** Clock names taken in a row before a random one is made: someone is squatting on them. */
  private static final int MAX_NAME_ATTEMPTS = 100;

  private final Layout layout;
  private final Log log;

  ServiceSelection(Layout layout, Log log) {
    this.layout = layout;
    this.log = log;
  }

  /** The directory to give runsvdir when my_init runs as {@code uid}. */
  Path scanDirectory(int uid) {
    Path services = layout.serviceDirectory();
    List<Path> runnable = new ArrayList<>();
    boolean leftOut = false;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(services)) {
      for (Path service : entries) {
        if (FileNames.nameOf(service).startsWith(DOT) || !Files.isDirectory(service)) {
          continue; // runsvdir skips these too
        }
        if (canStart(service, uid)) {
          runnable.add(service);
        } else {
          leftOut = true;
        }
      }
    } catch (IOException | RuntimeException e) {
      return services; // runsvdir will report what it cannot read
    }
    if (!leftOut) {
      return services;
    }
    return linkDirectory(runnable).orElse(services);
  }

  /** Whether runit can run {@code service} as {@code uid}; if not, the log says why. */
  private boolean canStart(Path service, int uid) {
    if (uid != 0 && Files.exists(service.resolve(ROOT_ONLY), LinkOption.NOFOLLOW_LINKS)) {
      log.info(
          FileNames.display(service)
              + " needs root: not started (my_init runs as uid "
              + uid
              + ").");
      return false;
    }
    boolean hasLog = Files.isDirectory(service.resolve("log"));
    // Root may execute any file with an x bit; without one, runsv retries each second but stays.
    for (Path run :
        hasLog
            ? List.of(service.resolve("run"), service.resolve("log/run"))
            : List.of(service.resolve("run"))) {
      if (uid != 0 && !Files.isExecutable(run)) {
        log.warn(
            FileNames.display(service)
                + " not started: "
                + FileNames.display(run)
                + " is not executable as uid "
                + uid
                + ".");
        return false;
      }
    }
    List<Path> states = new ArrayList<>(List.of(service.resolve("supervise")));
    if (hasLog) {
      states.add(service.resolve("log/supervise"));
    }
    for (Path state : states) {
      Optional<String> problem = uid == 0 ? readOnlyAsRoot(state) : cannotKeep(state);
      if (problem.isPresent()) {
        log.warn(
            FileNames.display(service)
                + " not started: runit cannot keep its state in "
                + FileNames.display(state)
                + " as uid "
                + uid
                + " ("
                + problem.get()
                + ").");
        return false;
      }
    }
    return true;
  }

  /**
   * What keeps runsv, as root, from using {@code state}: only a read-only file system where runsv
   * must write ({@code docker run --read-only} without {@code --tmpfs /run}). A directory that does
   * not exist yet may still appear (a service can make it), and runsvdir then recovers by itself.
   */
  private static Optional<String> readOnlyAsRoot(Path state) {
    Optional<Path> target = stateDirectory(state);
    if (target.isEmpty()) {
      return Optional.empty(); // runsv will say what it cannot read
    }
    Path directory = target.get();
    boolean linked = !directory.equals(state);
    Path place = Files.exists(directory) ? directory : directory.toAbsolutePath().getParent();
    if (place == null || !Files.isDirectory(place) || Files.isWritable(place)) {
      return Optional.empty();
    }
    try {
      if (!Files.getFileStore(place).isReadOnly()) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    String fix;
    if (linked) {
      String tmpfs = FileNames.display(directory.toAbsolutePath().getParent());
      fix =
          "mount a tmpfs on "
              + tmpfs
              + ": docker run --read-only needs --tmpfs "
              + tmpfs
              + ", docs/user-guide.md, Docker";
    } else {
      fix =
          "make it a symlink into /run, as the image's services have: docs/operations.md,"
              + " read-only root";
    }
    return Optional.of(FileNames.display(place) + " is on a read-only file system; " + fix);
  }

  /**
   * What keeps runsv, as another user than root, from using {@code state}: runsv creates it (or,
   * for a symlink, its target, one level deep) and then opens {@code lock}, {@code control} and
   * {@code ok} in it.
   */
  private static Optional<String> cannotKeep(Path state) {
    // Not Optional.map: a non-root boot's lambda is never linked by the AOT training, which runs
    // as root, and would be spun at run time.
    Optional<String> problem = notWritable(state);
    return problem.isEmpty()
        ? problem
        : Optional.of(
            problem.get()
                + "; make it writable, or a symlink into /tmp: docs/operations.md, non-root");
  }

  private static Optional<String> notWritable(Path state) {
    Optional<Path> target = stateDirectory(state);
    if (target.isEmpty()) {
      return Optional.of("unreadable symlink");
    }
    Path directory = target.get();
    if (!Files.exists(directory)) {
      Path parent = directory.toAbsolutePath().getParent();
      if (!Files.isDirectory(parent)) {
        return Optional.of(FileNames.display(parent) + " does not exist");
      }
      return Files.isWritable(parent) && Files.isExecutable(parent)
          ? Optional.empty()
          : Optional.of(FileNames.display(parent) + " is not writable");
    }
    if (!Files.isDirectory(directory)
        || !Files.isWritable(directory)
        || !Files.isExecutable(directory)) {
      return Optional.of(FileNames.display(directory) + " is not writable");
    }
    for (String file : List.of("lock", "control", "ok", "status")) {
      Path existing = directory.resolve(file);
      if (Files.exists(existing) && !(Files.isReadable(existing) && Files.isWritable(existing))) {
        return Optional.of(FileNames.display(existing) + " belongs to another user");
      }
    }
    return Optional.empty();
  }

  /**
   * The directory runsv keeps its state in: {@code state} itself, or the target of a {@code
   * supervise} symlink, which runsv creates one level deep; empty for a symlink it cannot read.
   */
  private static Optional<Path> stateDirectory(Path state) {
    if (!Files.isSymbolicLink(state)) {
      return Optional.of(state);
    }
    try {
      return Optional.of(state.resolveSibling(Files.readSymbolicLink(state)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean isEmptyDirectory(Path directory) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      return !entries.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  /** Removes a directory made by {@link #scanDirectory}, once runsvdir has ended. */
  void remove(Path scanned) {
    if (scanned.equals(layout.serviceDirectory()) || scanned.equals(layout.noServices())) {
      return;
    }
    try (DirectoryStream<Path> links = Files.newDirectoryStream(scanned)) {
      for (Path link : links) {
        Files.deleteIfExists(link);
      }
      Files.deleteIfExists(scanned);
    } catch (IOException e) {
      // A leftover of a few symlinks in a tmpfs: not worth a line in the log.
    }
  }

  /**
   * A new directory in {@code parent}, mode 0700. Not {@code Files.createTempDirectory} first: its
   * random name costs a {@code SecureRandom}, whose providers are ~70 classes that no non-root boot
   * should read from the module image. A name made from the clock is unlikely to be taken, and
   * {@code mkdir} fails on a name that is (whatever it is, a symbolic link included): the next is
   * tried, and a random one after many.
   */
  private static Path newPrivateDirectory(Path parent) throws IOException {
    String clock = Long.toHexString(System.nanoTime());
    for (int attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      Path dir = parent.resolve("baseimage-service." + clock + "." + attempt);
      try {
        return Files.createDirectory(dir, PRIVATE_DIRECTORY);
      } catch (FileAlreadyExistsException e) {
        // taken: the next
      }
    }
    return Files.createTempDirectory(parent, "baseimage-service.", PRIVATE_DIRECTORY);
  }

  /**
   * A new directory of symlinks to {@code services}, in the first runtime directory we can write.
   */
  private Optional<Path> linkDirectory(List<Path> services) {
    for (Path parent : layout.runtimeDirectories()) {
      if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
        continue;
      }
      Path links = null;
      try {
        links = newPrivateDirectory(parent);
        for (Path service : services) {
          Files.createSymbolicLink(FileNames.resolve(links, FileNames.nameOf(service)), service);
        }
        // runsvdir waits a second before it scans a directory changed within the current second
        // (runit 2.1.2 runsvdir.c): a new one would start every service a second late.
        Files.setLastModifiedTime(links, FileTime.from(Instant.now().minusSeconds(2)));
        return Optional.of(links);
      } catch (IOException e) {
        // read-only after all, or full: try the next one, leaving no half-made list behind
        if (links != null) {
          remove(links);
        }
      }
    }
    if (services.isEmpty() && isEmptyDirectory(layout.noServices())) {
      return Optional.of(layout.noServices());
    }
    log.warn(
        "no writable directory ("
            + layout.runtimeDirectories().stream().map(FileNames::display).toList()
            + ") for runit's list of services: runit gets every service, also those left out above");
    return Optional.empty();
  }
}
