package io.baseimage.myinit;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import io.baseimage.posix.DirectoryWatch;
import io.baseimage.posix.Errno;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.startup.Deadline;
import io.baseimage.startup.ExitStatus;
import io.baseimage.startup.ProcessTree;
import io.baseimage.startup.Reaper;
import io.baseimage.startup.SpawnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The runit services at shutdown (docs/architecture.md, "runit's services"): stopped as {@code sv
 * -w T force-stop} stops them, but waiting on runsv's own record of each service instead of polling
 * it every 420 ms as {@code sv} does.
 *
 * <p>runsv rewrites {@code supervise/status} by a rename at every change of its service, so an
 * inotify watch on the {@code supervise} directories makes "the service is down" an event. Where
 * the kernel offers no watch, the records are read again every {@value #RECHECK_MILLIS} ms: a
 * service is down when runsv says so, never because the wait ended.
 *
 * <p>A crash-looping service is the hard case. Between two runs runsv sleeps for a second with
 * SIGTERM blocked, and it starts the service again before it reads its control fifo (runit 2.1.2,
 * {@code runsv.c}): neither {@code sv down} nor SIGTERM reaches it in that second. But its service
 * is down then, and a runsv whose service is down holds no user state. So once runsvdir, which
 * would start a new runsv, has ended, every runsv is frozen with SIGSTOP, checked, and killed if
 * its service is down; one that holds a service is continued and checked again at its next change.
 */
final class RunitServices {
  static final long RECHECK_MILLIS = 10;
  private static final long STOP_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final ByteString RUNSV = ByteString.of("runsv");

  /** One runsv and the service directory it supervises. */
  record Runsv(int pid, Path directory) {}

  private final Reaper reaper;
  private final ProcessControl processes;
  private final Layout layout;
  private final Log log;

  RunitServices(Reaper reaper, Layout layout, Log log) {
    this.reaper = reaper;
    this.processes = reaper.processes();
    this.layout = layout;
    this.log = log;
  }

  /**
   * The runsv processes: runsvdir's children, and ours once runsvdir has ended and left them to us.
   */
  List<Runsv> find(int runsvdir) {
    List<Runsv> found = new ArrayList<>();
    try {
      for (int pid : ProcessTree.childrenOf(List.of(runsvdir, processes.pid()), layout.proc())) {
        List<byte[]> argv = ProcessTree.commandLine(pid, layout.proc());
        // runsvdir starts each one as `runsv NAME` in the service directory.
        if (argv.size() == 2
            && RUNSV.equals(ByteString.of(argv.get(0)))
            && isFileName(argv.get(1))) {
          found.add(
              new Runsv(
                  pid, FileNames.resolve(layout.serviceDirectory(), ByteString.of(argv.get(1)))));
        }
      }
    } catch (IOException e) {
      log.warn("cannot list processes: " + e.getMessage());
    }
    return found;
  }

  /**
   * {@code sv down} for every service, and {@code sv kill} for those still up after {@code
   * killTimeout}; every wait cut to {@code deadline}, past which nothing new is started.
   */
  void stop(List<Runsv> services, ContainerEnvironment env, Duration killTimeout, Deadline deadline)
      throws InterruptedException {
    if (services.isEmpty() || deadline.passed()) {
      return;
    }
    // A runsv that has only just started has no supervise/ok yet: sv would fail for it and print
    // a runit warning into the container's stdout. release() stops those with SIGTERM.
    List<Runsv> reachable =
        services.stream().filter(s -> Files.exists(s.directory().resolve("supervise/ok"))).toList();
    if (reachable.isEmpty()) {
      return;
    }
    List<Runsv> told = reachable;
    if (!sv(env, "down", reachable, killTimeout, deadline)) {
      // sv could not reach every runsv (one that has just started has no control fifo open yet):
      // wait only for those that took it; release() stops the others with SIGTERM.
      told =
          reachable.stream()
              .filter(s -> ServiceStatus.of(s.directory()).map(st -> !st.wantsUp()).orElse(false))
              .toList();
    }
    List<Runsv> up = awaitDown(told, deadline.cut(killTimeout));
    if (up.isEmpty() || deadline.passed()) {
      return;
    }
    // Loops, not lambdas, from here on: see release().
    for (Runsv service : up) {
      log.warn(
          FileNames.display(service.directory())
              + " did not stop within "
              + killTimeout.toMillis()
              + " ms of SIGTERM; killing it");
    }
    // runsv's kill reaches only a run script, and sent during a finish script it makes runsv run
    // finish once more when that ends (runsv.c): a finish script that hangs gets SIGKILL from us.
    List<Runsv> running = new ArrayList<>();
    for (Runsv service : up) {
      Optional<ServiceStatus> status = ServiceStatus.of(service.directory());
      if (status.isPresent()
          && status.get().state() == ServiceStatus.FINISH
          && status.get().pid() > 0) {
        kill(status.get().pid(), Signals.SIGKILL);
      } else {
        running.add(service);
      }
    }
    if (!running.isEmpty()) {
      sv(env, "kill", running, killTimeout, deadline);
    }
    awaitDown(up, deadline.forKilled(killTimeout));
  }

  /**
   * Once runsvdir has ended: kills every runsv whose service is down (see the class comment). One
   * that still holds its service gets SIGTERM, runsv's own "stop the service and exit": it may have
   * started after {@code sv down}, or too early to take it. Those still holding a service after
   * {@code killTimeout} (cut to {@code deadline}) are killed with the service and their groups.
   */
  void release(int runsvdir, Duration killTimeout, Deadline deadline) throws InterruptedException {
    List<Runsv> left = find(runsvdir);
    long end = deadline.cut(killTimeout);
    Set<Integer> told = new HashSet<>();
    try (Waiter waiter = new Waiter(left)) {
      while (true) {
        left = killIdle(left);
        for (Runsv runsv : left) {
          if (told.add(runsv.pid())) {
            kill(runsv.pid(), Signals.SIGTERM);
          }
        }
        long wait = end - System.nanoTime();
        if (left.isEmpty() || wait <= 0) {
          break;
        }
        waiter.await(wait);
      }
    }
    for (Runsv runsv : left) {
      log.warn(
          FileNames.display(runsv.directory())
              + " still runs after it was stopped; killing it with its runsv");
      // The service may have a session of its own (setsid), out of runsv's process group. No
      // lambdas on the paths of a service that does not stop: the AOT training's stops in time,
      // and a lambda it never linked would be spun here, in a shutdown already late.
      Optional<ServiceStatus> status = ServiceStatus.of(runsv.directory());
      int pid = status.isPresent() ? status.get().pid() : 0;
      if (pid > 0) {
        kill(-pid, Signals.SIGKILL);
        kill(pid, Signals.SIGKILL);
      }
      kill(-runsv.pid(), Signals.SIGKILL);
      kill(runsv.pid(), Signals.SIGKILL);
    }
  }

  /**
   * Freezes every runsv of {@code runsvs} with SIGSTOP, kills those that hold no service and
   * continues the others, whatever fails in between.
   *
   * @return the runsvs that still hold a service
   */
  private List<Runsv> killIdle(List<Runsv> runsvs) throws InterruptedException {
    List<Runsv> frozen =
        runsvs.stream().filter(runsv -> kill(runsv.pid(), Signals.SIGSTOP)).toList();
    Set<Integer> idle = new HashSet<>();
    try {
      // SIGSTOP takes effect within microseconds; this bound only guards against a process the
      // kernel holds in uninterruptible sleep, which is then checked again at the next change.
      long stoppedBy = System.nanoTime() + STOP_WAIT_NANOS;
      List<Runsv> stopped = new ArrayList<>();
      for (Runsv runsv : frozen) {
        if (awaitStopped(runsv.pid(), stoppedBy)) {
          stopped.add(runsv);
        }
      }
      Map<Integer, List<Integer>> children = ProcessTree.childrenByParent(layout.proc());
      for (Runsv runsv : stopped) {
        if (holdsNoService(runsv, children.getOrDefault(runsv.pid(), List.of()))) {
          idle.add(runsv.pid());
        }
      }
    } catch (IOException e) {
      log.warn("cannot list processes: " + e.getMessage());
    } finally {
      for (Runsv runsv : frozen) {
        kill(runsv.pid(), idle.contains(runsv.pid()) ? Signals.SIGKILL : Signals.SIGCONT);
      }
    }
    return frozen.stream().filter(runsv -> !idle.contains(runsv.pid())).toList();
  }

  /** Whether {@code pid} has stopped, before {@code end}. */
  private boolean awaitStopped(int pid, long end) throws InterruptedException {
    while (true) {
      switch (ProcessTree.stateOf(pid, layout.proc())) {
        // 't' is "tracing stop": a debugger holds it, which freezes it as well.
        case 'T', 't' -> {
          return true;
        }
        case 0, 'Z', 'X' -> {
          return false;
        }
        default -> {
          if (System.nanoTime() >= end) {
            return false;
          }
          LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
          if (Thread.interrupted()) {
            throw new InterruptedException();
          }
        }
      }
    }
  }

  /**
   * Whether a frozen runsv with {@code children} has neither a service nor a child that is not its
   * log service. runsv records a run only after its fork: an unrecorded child is a service that has
   * just started.
   */
  private static boolean holdsNoService(Runsv runsv, List<Integer> children) {
    if (!isDown(runsv)) {
      return false;
    }
    Optional<Integer> logger =
        ServiceStatus.of(runsv.directory().resolve("log")).map(ServiceStatus::pid);
    return children.stream().allMatch(child -> logger.isPresent() && child.equals(logger.get()));
  }

  private static boolean isDown(Runsv runsv) {
    return ServiceStatus.of(runsv.directory()).map(ServiceStatus::isDown).orElse(false);
  }

  /** A runsv that has ended supervises nothing (what it left running, the kill-all stops). */
  private boolean hasEnded(Runsv runsv) {
    char state = ProcessTree.stateOf(runsv.pid(), layout.proc());
    return state == 0 || state == 'Z' || state == 'X';
  }

  /** The services of {@code services} that are still up at {@code end}. */
  private List<Runsv> awaitDown(List<Runsv> services, long end) throws InterruptedException {
    try (Waiter waiter = new Waiter(services)) {
      while (true) {
        List<Runsv> up = services.stream().filter(s -> !isDown(s) && !hasEnded(s)).toList();
        long wait = end - System.nanoTime();
        if (up.isEmpty() || wait <= 0) {
          return up;
        }
        waiter.await(wait);
      }
    }
  }

  /** Runs {@code sv VERB DIR...}; whether it reached every service. */
  private boolean sv(
      ContainerEnvironment env,
      String verb,
      List<Runsv> services,
      Duration killTimeout,
      Deadline deadline)
      throws InterruptedException {
    List<byte[]> args = new ArrayList<>();
    args.add(verb.getBytes(StandardCharsets.US_ASCII));
    services.forEach(s -> args.add(FileNames.bytesOf(s.directory())));
    try {
      int pid = reaper.spawn(Runit.command(env, "sv", args));
      Optional<ExitStatus> status =
          reaper.awaitExit(pid, deadline.cut(killTimeout), signal -> false);
      if (status.isEmpty()) {
        reaper.terminate(pid, deadline, killTimeout);
      }
      return status.map(ExitStatus::succeeded).orElse(false);
    } catch (SpawnException e) {
      log.warn(e.getMessage());
      return false;
    }
  }

  /** Sends {@code signal}; whether the process (or group) still existed. */
  private boolean kill(int pid, int signal) {
    try {
      processes.kill(pid, signal);
      return true;
    } catch (ErrnoException e) {
      if (e.errno() != Errno.ESRCH) {
        log.warn(e.getMessage());
      }
      return false;
    }
  }

  private static boolean isFileName(byte[] name) {
    ByteString text = ByteString.of(name);
    return name.length > 0
        && !text.equals(ByteString.of("."))
        && !text.equals(ByteString.of(".."))
        && text.indexOf((byte) '/') < 0;
  }

  /**
   * Waits for the next change of the services' records: an inotify event on their {@code supervise}
   * directories, or {@value #RECHECK_MILLIS} ms where there is no watch.
   */
  private final class Waiter implements AutoCloseable {
    private DirectoryWatch watch;

    Waiter(List<Runsv> services) {
      try {
        watch =
            processes.watch(
                services.stream()
                    .map(s -> FileNames.bytesOf(s.directory().resolve("supervise")))
                    .toList());
      } catch (ErrnoException e) {
        watch = null;
      }
    }

    void await(long nanos) throws InterruptedException {
      long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
      if (watch != null) {
        try {
          watch.awaitChange(millis);
          return;
        } catch (ErrnoException e) {
          watch.close();
          watch = null;
        }
      }
      Thread.sleep(Math.min(millis, RECHECK_MILLIS));
    }

    @Override
    public void close() {
      if (watch != null) {
        watch.close();
      }
    }
  }
}
