package io.baseimage.myinit;

import io.baseimage.posix.Errno;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.TrackedProcess;
import io.baseimage.posix.WaitStatus;
import io.baseimage.startup.ExitStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

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
  /** Longer than runsv takes from its first record to its fork, shorter than its restart delay. */
  static final long STILL_DOWN_MILLIS = 500;

  /**
   * An essential service that ended.
   *
   * @param status how its run script ended; empty when the kernel could not tell
   */
  record Ended(RunitService service, Optional<ExitStatus> status) {
    /** The container's exit status: the service's own, or 1 when it is unknown. */
    int exitStatus() {
      // Not Optional.map: the AOT training's boot ends no essential service, and a method
      // reference it never linked would be spun at run time, delaying the shutdown.
      return status.isPresent() ? status.get().shellStatus() : MyInit.EXIT_FAILED;
    }

    String describe() {
      return status.isPresent() ? status.get().describe() : "exit status unknown";
    }
  }

  /** One essential service and the run of it that we hold, if any. */
  private static final class Watched {
    final RunitService service;
    int pid;
    Optional<TrackedProcess> process = Optional.empty();

    /** The down record last read while no run was held, and when it was first read. */
    Instant downSince;

    long downSeenAt;

    Watched(RunitService service) {
      this.service = service;
    }

    /** Forgets the run held: the next one is held afresh. */
    void release() {
      process.ifPresent(TrackedProcess::close);
      process = Optional.empty();
      pid = 0;
      downSince = null;
    }
  }

  private final ProcessControl processes;
  private final Instant runitStarted;
  private final Function<RunitService, Optional<Boolean>> recordedARun;
  private final Log log;
  private final List<Watched> watched;
  private Optional<Ended> ended = Optional.empty();

  /**
   * @param recordedARun whether runsv has executed a service's run and recorded something since,
   *     where that is known ({@link ServiceWatch#recordedARun})
   */
  EssentialServices(
      List<RunitService> services,
      ProcessControl processes,
      Instant runitStarted,
      Function<RunitService, Optional<Boolean>> recordedARun,
      Log log) {
    this.processes = processes;
    this.runitStarted = runitStarted;
    this.recordedARun = recordedARun;
    this.log = log;
    this.watched = services.stream().filter(RunitService::isEssential).map(Watched::new).toList();
  }

  /**
   * Before runsvdir starts: readies the pidfd calls and the reads (the first of each costs
   * milliseconds), so that a run that lasts milliseconds is still held.
   */
  void prepare() {
    if (watched.isEmpty()) {
      return;
    }
    try (TrackedProcess self = processes.track(processes.pid())) {
      self.exit();
    } catch (ErrnoException e) {
      log.debug("essential services will end the container with status 1: " + e.getMessage());
    }
    // The first reads load classes and run interpreted: better now than at a service's first run.
    watched.forEach(service -> service.service.pid());
    check();
  }

  boolean isEmpty() {
    return watched.isEmpty();
  }

  /** The essential services, as they were at boot. */
  List<RunitService> services() {
    return watched.stream().map(service -> service.service).toList();
  }

  /**
   * Reads the records again: the first essential service found to have ended, if any; once one has,
   * always that one. Called by the main thread and by {@link ServiceWatch}'s, which reads at once
   * what runsv has just written, even while the main thread is busy.
   */
  synchronized Optional<Ended> check() {
    for (Watched service : watched) {
      if (ended.isEmpty()) {
        ended = check(service);
      }
    }
    return ended;
  }

  /**
   * What {@link #check} last found, without reading anything: the watch's thread reads the records
   * at each change before it tells the main thread.
   */
  synchronized Optional<Ended> ended() {
    return ended;
  }

  private Optional<Ended> check(Watched watched) {
    // The file may go while the container runs, to restart the service by hand, and come back.
    if (!watched.service.isEssential()) {
      watched.release();
      return Optional.empty();
    }
    Optional<ServiceStatus> record = watched.service.statusSince(runitStarted);
    if (record.isEmpty()) {
      return Optional.empty();
    }
    ServiceStatus status = record.get();
    // runsv writes supervise/pid first at every change, then the record: the pid file may already
    // name the next script while the record still tells of the last.
    Optional<Integer> pidFile = watched.service.pid();
    if (watched.pid != 0) {
      int current = pidFile.orElse(status.isUp() ? status.pid() : 0);
      return current == watched.pid ? Optional.empty() : ended(watched);
    }
    return switch (status.state()) {
      // Up: held, unless the pid file has moved on already.
      case ServiceStatus.RUN ->
          pidFile.isEmpty() || pidFile.get() == status.pid()
              ? hold(watched, status.pid())
              : unseen(watched, "runsv has started another script");
      // After a down record runsv starts run, never finish: a pid named now is the next run.
      case ServiceStatus.DOWN ->
          pidFile.orElse(0) > 0 ? hold(watched, pidFile.get()) : downSinceARun(watched, status);
      // finish runs only once a run has ended.
      default -> unseen(watched, "its finish script runs");
    };
  }

  /**
   * A down record, and no run held: whether a run has come and gone before we could read one. The
   * watch can tell (it saw {@code ./run} executed and a record after it). Without it, a record that
   * wants the service up and stays the same for {@value #STILL_DOWN_MILLIS} ms is one runsv wrote
   * at the end of a run (it then waits a second before the next), not its first: that one lasts
   * only until runsv's fork.
   */
  private Optional<Ended> downSinceARun(Watched watched, ServiceStatus status) {
    Optional<Boolean> recorded = recordedARun.apply(watched.service);
    if (recorded.isPresent()) {
      return recorded.get() ? unseen(watched, "runsv recorded its whole run") : Optional.empty();
    }
    if (!status.wantsUp()) {
      return Optional.empty();
    }
    long now = System.nanoTime();
    if (!status.since().equals(watched.downSince)) {
      watched.downSince = status.since();
      watched.downSeenAt = now;
      return Optional.empty();
    }
    return now - watched.downSeenAt >= TimeUnit.MILLISECONDS.toNanos(STILL_DOWN_MILLIS)
        ? unseen(watched, "it has stayed down since " + IsoInstant.format(status.since()))
        : Optional.empty();
  }

  private static Optional<Ended> ended(Watched watched) {
    // Not Optional.flatMap and map: see Ended.exitStatus.
    Optional<ExitStatus> status = Optional.empty();
    if (watched.process.isPresent()) {
      Optional<WaitStatus> exit = watched.process.get().exit();
      if (exit.isPresent()) {
        status = Optional.of(ExitStatus.of(exit.get()));
      }
    }
    return Optional.of(new Ended(watched.service, status));
  }

  /** A run that ended before we could hold its process: its status is lost. */
  private Optional<Ended> unseen(Watched watched, String how) {
    log.debug(
        "essential service "
            + watched.service.name()
            + " ended before my_init could hold it: "
            + how);
    return Optional.of(new Ended(watched.service, Optional.empty()));
  }

  private Optional<Ended> hold(Watched watched, int pid) {
    watched.pid = pid;
    try {
      watched.process = Optional.of(processes.track(pid));
      log.debug("watching essential service " + watched.service.name() + " (pid " + pid + ")");
    } catch (ErrnoException e) {
      if (e.errno() == Errno.ESRCH) {
        // Gone and reaped already: it ended, too fast for its status to be kept for us.
        return unseen(watched, "pid " + pid + " was gone");
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
  public synchronized void close() {
    watched.forEach(Watched::release);
  }
}
