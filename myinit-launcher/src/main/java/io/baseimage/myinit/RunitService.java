package io.baseimage.myinit;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import io.baseimage.startup.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A service directory as runit and my_init read it (docs/user-guide.md, "Services"): runit's own
 * {@code run}, {@code down}, {@code check} and {@code supervise/}, and my_init's {@code essential}.
 */
record RunitService(Path directory) {
  private static final ByteString DOT = ByteString.of(".");
  private static final byte[] CHECK_COMMAND = "./check".getBytes(StandardCharsets.US_ASCII);

  // equals and hashCode written out: a record's own are made at run time by an invokedynamic
  // bootstrap (ObjectMethods, ~30 classes and spun method handles) on the first call, which for a
  // service comes when an essential one goes down, in the middle of a shutdown.
  @Override
  public boolean equals(Object other) {
    return other instanceof RunitService service && directory.equals(service.directory);
  }

  @Override
  public int hashCode() {
    return directory.hashCode();
  }

  /**
   * The services in {@code scanned} as runsvdir sees them: subdirectories not starting with '.'.
   */
  static List<RunitService> in(Path scanned) {
    List<RunitService> services = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(scanned)) {
      for (Path entry : entries) {
        if (!FileNames.nameOf(entry).startsWith(DOT) && Files.isDirectory(entry)) {
          services.add(new RunitService(entry));
        }
      }
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    // Not Comparator.comparing(RunitService::name): my_init --status, a probe run every few
    // seconds, would link two invokedynamic call sites (~5 ms interpreted) at each run.
    services.sort(
        new Comparator<RunitService>() {
          @Override
          public int compare(RunitService a, RunitService b) {
            return a.name().compareTo(b.name());
          }
        });
    return services;
  }

  /** Its name for a log line: the directory's name, escaped. */
  String name() {
    return FileNames.display(FileNames.nameOf(directory).toByteArray());
  }

  /** The container cannot live without it (SPEC §3.10). */
  boolean isEssential() {
    return Files.exists(directory.resolve("essential"), LinkOption.NOFOLLOW_LINKS);
  }

  /** It should be running: it has no {@code down} file. */
  boolean isSupposedToRun() {
    return !Files.exists(directory.resolve("down"), LinkOption.NOFOLLOW_LINKS);
  }

  /** Its {@code check} script, which says whether it is ready, if it has one. */
  Optional<Path> check() {
    Path check = directory.resolve("check");
    return Files.isRegularFile(check) ? Optional.of(check) : Optional.empty();
  }

  Path supervise() {
    return directory.resolve("supervise");
  }

  Optional<ServiceStatus> status() {
    return ServiceStatus.of(directory);
  }

  /**
   * Its record, if runsv wrote it at or after {@code runitStarted}: an older one is a leftover of
   * an earlier run of the container, whose pid names nothing of this one.
   */
  Optional<ServiceStatus> statusSince(Instant runitStarted) {
    Optional<ServiceStatus> status = status();
    return status.isPresent() && status.get().since().isBefore(runitStarted)
        ? Optional.empty()
        : status;
  }

  /**
   * Its {@code check}, as runit's {@code sv check} runs it: {@code ./check} in the service's
   * directory, here in a process group of its own, so that what it starts (a {@code curl} that
   * hangs) is killed with it.
   */
  Command checkCommand(ContainerEnvironment environment) {
    return new Command(List.of(CHECK_COMMAND), environment, false)
        .inDirectory(directory)
        .inOwnProcessGroup();
  }

  /**
   * The pid runsv last wrote to {@code supervise/pid}: that of the run or finish script it has just
   * started, 0 while neither runs. runsv writes this file first at every change, before {@code
   * status}, so it is the earliest word of a new run.
   *
   * @return the pid, or empty if the file cannot be read
   */
  Optional<Integer> pid() {
    try {
      String text = Files.readString(supervise().resolve("pid")).strip();
      return Optional.of(text.isEmpty() ? 0 : Integer.parseInt(text));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Removes what runsv recorded of the last run of the container ({@code docker restart} keeps the
   * files), before runsvdir starts: a record from then, with its pid, would pass for one of this
   * run. runsv writes both again as it starts. Best effort.
   */
  void forgetLastRun() {
    try {
      Files.deleteIfExists(supervise().resolve("status"));
      Files.deleteIfExists(supervise().resolve("pid"));
    } catch (IOException | RuntimeException e) {
      // Not ours to remove: the record's time still tells it from this run's.
    }
  }

  /**
   * Creates {@code supervise/} before runsv does, as runsv would (mode 0700; a dangling symlink's
   * target, one level deep), so that a watch can cover it before runsv writes its first record.
   * Best effort: runsv reports what it cannot create itself.
   */
  void createSupervise() {
    Path supervise = supervise();
    try {
      Path target =
          Files.isSymbolicLink(supervise)
              ? supervise.resolveSibling(Files.readSymbolicLink(supervise))
              : supervise;
      if (!Files.exists(target)) {
        Files.createDirectory(
            target,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException | RuntimeException e) {
      // Read-only, or someone else's: runsv will say so.
    }
  }
}
