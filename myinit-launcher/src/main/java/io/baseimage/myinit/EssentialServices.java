package io.baseimage.myinit;

import io.baseimage.posix.Errno;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.TrackedProcess;
import io.baseimage.startup.ExitStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The services the container cannot live without (SPEC §3.10, docs/user-guide.md, "Essential
 * services"): those with a file {@code essential}. runsv, not my_init, is the parent of a service,
 * so my_init learns of its end from runsv's record, and of its exit status from a pidfd it took on
 * the service's process while it ran: the kernel keeps the status for a pidfd after runsv has
 * reaped the process (Linux 6.15 and later).
 *
 * <p>A record older than runit's start is a leftover of an earlier run of the container ({@code
 * docker restart} keeps the files) and says nothing.
 */
final class EssentialServices implements AutoCloseable {
  /**
   * An essential service that ended.
   *
   * @param status how its run script ended; empty when the kernel could not tell
   */
  record Ended(RunitService service, Optional<ExitStatus> status) {
    /** The container's exit status: the service's own, or 1 when it is unknown. */
    int exitStatus() {
      return status.map(ExitStatus::shellStatus).orElse(MyInit.EXIT_FAILED);
    }

    String describe() {
      return status.map(ExitStatus::describe).orElse("exit status unknown");
    }
  }

  /** One essential service and the run of it that we hold, if any. */
  private static final class Watched {
    final RunitService service;
    int pid;
    Optional<TrackedProcess> process = Optional.empty();

    Watched(RunitService service) {
      this.service = service;
    }
  }

  private final ProcessControl processes;
  private final Instant runitStarted;
  private final Log log;
  private final List<Watched> watched;

  EssentialServices(
      List<RunitService> services, ProcessControl processes, Instant runitStarted, Log log) {
    this.processes = processes;
    this.runitStarted = runitStarted;
    this.log = log;
    this.watched = services.stream().filter(RunitService::isEssential).map(Watched::new).toList();
  }

  /**
   * Before runsvdir starts: makes sure the first records can be watched, and readies the pidfd
   * calls, so that a run that lasts milliseconds is still caught.
   */
  void prepare() {
    if (watched.isEmpty()) {
      return;
    }
    watched.forEach(service -> service.service.createSupervise());
    try (TrackedProcess self = processes.track(processes.pid())) {
      self.exit();
    } catch (ErrnoException e) {
      log.debug("essential services will end the container with status 1: " + e.getMessage());
    }
  }

  boolean isEmpty() {
    return watched.isEmpty();
  }

  /** Reads the records again: the first essential service found to have ended, if any. */
  Optional<Ended> check() {
    for (Watched service : watched) {
      Optional<Ended> ended = check(service);
      if (ended.isPresent()) {
        return ended;
      }
    }
    return Optional.empty();
  }

  private Optional<Ended> check(Watched watched) {
    Optional<ServiceStatus> record = watched.service.status();
    if (record.isEmpty() || record.get().since().isBefore(runitStarted)) {
      return Optional.empty();
    }
    ServiceStatus status = record.get();
    // The pid file comes first at every change; the record, where it cannot be read.
    int current = watched.service.pid().orElse(status.isUp() ? status.pid() : 0);
    if (watched.pid == 0) {
      // Nothing running yet: runsv's first record. Or a run too short for us to see, which we then
      // learn of at the next start.
      return current > 0 ? hold(watched, current) : Optional.empty();
    }
    if (current == watched.pid) {
      return Optional.empty();
    }
    return Optional.of(
        new Ended(
            watched.service, watched.process.flatMap(TrackedProcess::exit).map(ExitStatus::of)));
  }

  private Optional<Ended> hold(Watched watched, int pid) {
    watched.pid = pid;
    try {
      watched.process = Optional.of(processes.track(pid));
      log.debug("watching essential service " + watched.service.name() + " (pid " + pid + ")");
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ESRCH) {
        // Gone and reaped already: it ended, too fast for its status to be kept for us.
        return Optional.of(new Ended(watched.service, Optional.empty()));
      }
      log.debug(
          "watching essential service "
              + watched.service.name()
              + " (pid "
              + pid
              + ") without its exit status: "
              + e.getMessage());
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    watched.forEach(service -> service.process.ifPresent(TrackedProcess::close));
  }
}
