package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.Signals;
import io.baseimage.startup.Event;
import io.baseimage.startup.ExitStatus;
import io.baseimage.startup.Reaper;
import io.baseimage.startup.SignalNames;
import io.baseimage.startup.SpawnException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code MY_INIT_WAIT_FOR_SERVICES} (SPEC §3.12, docs/user-guide.md, "Waiting for services"): waits
 * until every service that is supposed to run is up and passes its {@code check} script, if it has
 * one. "Up" is an event (runsv's record changes, {@link ServiceWatch}); a failing check is run
 * again after 20 ms, then twice as long each time, at most a second apart.
 */
final class ServiceReadiness {
  private static final long FIRST_RETRY_NANOS = Duration.ofMillis(20).toNanos();
  private static final long LAST_RETRY_NANOS = Duration.ofSeconds(1).toNanos();

  /** How the wait ended. */
  sealed interface Outcome {
    record Ready(Duration took) implements Outcome {}

    record NotReady(List<RunitService> services) implements Outcome {}

    record Aborted(int signal) implements Outcome {}

    record EssentialEnded(EssentialServices.Ended ended) implements Outcome {}
  }

  /** A service not ready yet, and its check script: running, or when to run it again. */
  private static final class Pending {
    final RunitService service;
    int checkPid;
    long checkStarted;
    boolean checkKilled;
    boolean cannotStart;
    long retryAt;
    long retryDelay = FIRST_RETRY_NANOS;

    Pending(RunitService service, long now) {
      this.service = service;
      this.retryAt = now;
    }
  }

  private final Reaper reaper;
  private final ContainerEnvironment env;
  private final Duration checkTimeout;
  private final Instant runitStarted;
  private final Log log;

  ServiceReadiness(
      Reaper reaper,
      ContainerEnvironment env,
      Duration checkTimeout,
      Instant runitStarted,
      Log log) {
    this.reaper = reaper;
    this.env = env;
    this.checkTimeout = checkTimeout;
    this.runitStarted = runitStarted;
    this.log = log;
  }

  Outcome await(List<RunitService> services, Duration limit, EssentialServices essentials)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    List<Pending> pending = new ArrayList<>();
    for (RunitService service : services) {
      if (service.isSupposedToRun()) {
        pending.add(new Pending(service, start));
      }
    }
    try {
      while (true) {
        Optional<EssentialServices.Ended> ended = essentials.ended();
        if (ended.isPresent()) {
          return new Outcome.EssentialEnded(ended.get());
        }
        long now = System.nanoTime();
        pending.removeIf(service -> isReady(service, now));
        if (pending.isEmpty()) {
          return new Outcome.Ready(Duration.ofNanos(now - start));
        }
        if (now - deadline >= 0) {
          return new Outcome.NotReady(pending.stream().map(p -> p.service).toList());
        }
        Optional<Event> event = reaper.next(nextWake(pending, now, deadline));
        if (event.isPresent() && event.get() instanceof Event.Signaled signaled) {
          int signal = signaled.signal();
          if (signal == Signals.SIGTERM || signal == Signals.SIGINT) {
            return new Outcome.Aborted(signal);
          }
          log.debug("ignoring " + SignalNames.name(signal) + ": my_init waits for services");
        }
      }
    } finally {
      // Whatever a check still does is no longer asked for.
      for (Pending service : pending) {
        if (service.checkPid != 0) {
          killCheck(service);
        }
      }
    }
  }

  /** Whether {@code pending} is ready now; starts or ends its check script as due. */
  private boolean isReady(Pending pending, long now) {
    if (pending.checkPid != 0) {
      Optional<ExitStatus> status = reaper.exitStatus(pending.checkPid);
      if (status.isEmpty()) {
        if (!pending.checkKilled && now - pending.checkStarted >= checkTimeout.toNanos()) {
          log.debug(
              "check of "
                  + pending.service.name()
                  + " did not finish within "
                  + MyInit.seconds(checkTimeout)
                  + "; killing it");
          killCheck(pending);
          pending.checkKilled = true;
        }
        return false;
      }
      pending.checkPid = 0;
      pending.checkKilled = false;
      if (status.get().succeeded()) {
        return true;
      }
      log.debug(
          "check of "
              + pending.service.name()
              + " "
              + status.get().describe()
              + "; again in "
              + Duration.ofNanos(pending.retryDelay).toMillis()
              + " ms");
      pending.retryAt = now + pending.retryDelay;
      pending.retryDelay = Math.min(2 * pending.retryDelay, LAST_RETRY_NANOS);
      return false;
    }
    if (!isUp(pending.service)) {
      return false;
    }
    if (pending.service.check().isEmpty()) {
      return true;
    }
    if (now - pending.retryAt >= 0) {
      startCheck(pending, now);
    }
    return false;
  }

  private boolean isUp(RunitService service) {
    return service.statusSince(runitStarted).map(ServiceStatus::isUp).orElse(false);
  }

  /** Runs {@code ./check} in the service's directory, as runit's {@code sv check} does. */
  private void startCheck(Pending pending, long now) {
    try {
      pending.checkPid = reaper.spawn(pending.service.checkCommand(env));
      pending.checkStarted = now;
    } catch (SpawnException e) {
      // As `sv check`: a check that cannot run fails; said once, not at every retry.
      if (!pending.cannotStart) {
        log.warn(e.getMessage());
        pending.cannotStart = true;
      }
      pending.retryAt = now + LAST_RETRY_NANOS;
    }
  }

  /** SIGKILL to the check and its process group. */
  private void killCheck(Pending pending) {
    reaper.signalGroup(pending.checkPid, Signals.SIGKILL);
  }

  /**
   * When to look again if no event comes first: a check's retry or its timeout, or the deadline.
   * Ends of checks and changes of runsv's records are events.
   */
  private long nextWake(List<Pending> pending, long now, long deadline) {
    long wake = deadline;
    for (Pending service : pending) {
      long due;
      if (service.checkPid != 0) {
        due = service.checkKilled ? deadline : service.checkStarted + checkTimeout.toNanos();
      } else {
        due = service.retryAt - now > 0 ? service.retryAt : deadline;
      }
      if (due - wake < 0) {
        wake = due;
      }
    }
    return wake;
  }
}
