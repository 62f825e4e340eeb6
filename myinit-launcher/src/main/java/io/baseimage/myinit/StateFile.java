package io.baseimage.myinit;

import io.baseimage.env.internal.FileNames;
import io.baseimage.startup.ProcessTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a running my_init publishes for {@code my_init --status} (docs/architecture.md, "Health
 * checks"): a small file, {@value #NAME}, in the first of the runtime directories it can write
 * ({@code /run}, then {@code /tmp} and {@code /dev/shm}, which stay writable in a read-only or
 * non-root container), replaced by a rename at every change so that a reader never sees half of it.
 * It is world-readable: a probe may run as any user.
 *
 * <p>A file can outlive its my_init ({@code docker restart} keeps {@code /run}) or be planted in
 * {@code /tmp} by another user, so a reader trusts it only while the process it names runs, with
 * the start time it names, as the owner of the file.
 */
final class StateFile {
  static final String NAME = "my_init.state";

  /** What my_init is doing. */
  enum Phase {
    BOOTING,
    RUNNING,
    STOPPING;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One published state.
   *
   * @param pid my_init's pid
   * @param startTime my_init's start time, as {@link ProcessTree#startTimeOf} gives it
   * @param since when it entered {@code phase}
   * @param services the directory runsvdir scans, once it runs
   */
  record State(int pid, long startTime, Phase phase, Instant since, Optional<Path> services) {}

  private final Path file;
  private final int pid;
  private final long startTime;

  private StateFile(Path file, int pid, long startTime) {
    this.file = file;
    this.pid = pid;
    this.startTime = startTime;
  }

  /**
   * Publishes {@code phase} in the first of {@code directories} that takes it.
   *
   * @return the file, or empty if no directory could be written (the caller says so once)
   */
  static Optional<StateFile> create(List<Path> directories, int pid, Path proc, Phase phase) {
    long startTime = ProcessTree.startTimeOf(pid, proc);
    for (Path directory : directories) {
      StateFile candidate = new StateFile(directory.resolve(NAME), pid, startTime);
      if (candidate.publish(phase, Optional.empty())) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Replaces the published state; whether that worked. */
  boolean publish(Phase phase, Optional<Path> services) {
    State state = new State(pid, startTime, phase, Instant.now(), services);
    Path temporary = file.resolveSibling("." + NAME + "." + pid);
    try {
      Files.deleteIfExists(temporary);
      Files.createFile(
          temporary,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
      Files.write(temporary, format(state));
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      try {
        Files.deleteIfExists(temporary);
      } catch (IOException ignored) {
        // Nothing written that is worth a log line.
      }
      return false;
    }
  }

  /** Removes the file as my_init exits. */
  void remove() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A reader would find no process with its pid and start time.
    }
  }

  Path path() {
    return file;
  }

  /**
   * The state of the my_init that runs now, from the first of {@code directories} that holds one it
   * can trust (see the class comment).
   */
  static Optional<State> read(List<Path> directories, Path proc) {
    for (Path directory : directories) {
      Optional<State> state = readTrusted(directory.resolve(NAME), proc);
      if (state.isPresent()) {
        return state;
      }
    }
    return Optional.empty();
  }

  private static Optional<State> readTrusted(Path file, Path proc) {
    try {
      Optional<State> state = parse(Files.readAllBytes(file));
      if (state.isEmpty()) {
        return Optional.empty();
      }
      Path process = proc.resolve(Integer.toString(state.get().pid()));
      Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      Object processOwner = Files.getAttribute(process, "unix:uid");
      boolean trusted =
          owner.equals(processOwner)
              && ProcessTree.startTimeOf(state.get().pid(), proc) == state.get().startTime();
      return trusted ? state : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static byte[] format(State state) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    line(out, "pid", Integer.toString(state.pid()));
    line(out, "start-time", Long.toString(state.startTime()));
    line(out, "phase", state.phase().label());
    line(out, "since", IsoInstant.format(state.since()));
    state.services().ifPresent(services -> line(out, "services", FileNames.bytesOf(services)));
    return out.toByteArray();
  }

  static Optional<State> parse(byte[] bytes) {
    Map<String, byte[]> fields = new HashMap<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        int space = indexOf(bytes, (byte) ' ', start, i);
        if (space < 0) {
          return Optional.empty();
        }
        fields.put(
            new String(bytes, start, space - start, StandardCharsets.US_ASCII),
            Arrays.copyOfRange(bytes, space + 1, i));
        start = i + 1;
      }
    }
    try {
      return Optional.of(
          new State(
              Integer.parseInt(text(fields, "pid")),
              Long.parseLong(text(fields, "start-time")),
              Phase.valueOf(text(fields, "phase").toUpperCase(Locale.ROOT)),
              IsoInstant.parse(text(fields, "since")),
              Optional.ofNullable(fields.get("services")).map(FileNames::pathOf)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String text(Map<String, byte[]> fields, String name) {
    byte[] value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no " + name);
    }
    return new String(value, StandardCharsets.US_ASCII);
  }

  private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static void line(ByteArrayOutputStream out, String name, String value) {
    line(out, name, value.getBytes(StandardCharsets.US_ASCII));
  }

  private static void line(ByteArrayOutputStream out, String name, byte[] value) {
    out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    out.write(' ');
    out.writeBytes(value);
    out.write('\n');
  }
}
