package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.startup.Deadline;
import io.baseimage.startup.ExitStatus;
import io.baseimage.startup.Output;
import io.baseimage.startup.ProcessTree;
import io.baseimage.startup.Reaper;
import io.baseimage.startup.SignalEvents;
import io.baseimage.startup.SignalNames;
import io.baseimage.startup.SpawnException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * {@code my_init --status} (docs/user-guide.md, "Health checks: my_init --status"): one line for
 * the my_init that runs now, as its {@link StateFile} says, and one per service of the directory
 * runsvdir scans, from runsv's own {@code supervise/status} (no {@code sv} is started).
 *
 * <p>Healthy, exit 0, only when my_init is {@code running} and every service that should run (no
 * {@code down} file) is up and passes its {@code check} script, run as {@code sv check} runs it:
 * {@code ./check} in the service's directory, with the environment we were started with. The checks
 * run side by side, all within {@code KILL_PROCESS_TIMEOUT}; one still running then is killed and
 * has failed. Nothing is written.
 *
 * <p>A probe runs every few seconds for the container's life, in an interpreted JVM whose AOT cache
 * was trained on a boot: this path loads nothing of the boot, the native layer only when there is a
 * check to run, and uses no lambdas, pattern switches or record {@code hashCode}s, each of which
 * would link an {@code invokedynamic} call site at every probe (docs/benchmarks.md, measure 9).
 *
 * <pre>{@code
 * my_init: running since 2026-12-02T05:30:00Z (192 s), pid 1
 * db: down for 3 s, normally up
 * web: up (pid 23) for 12 s, check passed
 * }</pre>
 */
final class StatusCommand {
  static final int HEALTHY = 0;
  static final int UNHEALTHY = 1;

  /** runit's name for the script. */
  private static final String CHECK = "check";

  private final Layout layout;
  private final Duration checkTimeout;
  private final ContainerEnvironment environment;
  private final Supplier<ProcessControl> processes;
  private final InstantSource clock;
  private final Log log;

  /**
   * @param environment the environment of this process, which each check gets
   * @param processes the native layer, fetched only if a check is to run
   * @param log for the problems of the reaper, if one is started
   */
  StatusCommand(
      Layout layout,
      Settings settings,
      ContainerEnvironment environment,
      Supplier<ProcessControl> processes,
      InstantSource clock,
      Log log) {
    this.layout = layout;
    this.checkTimeout = settings.killProcessTimeout();
    this.environment = environment;
    this.processes = processes;
    this.clock = clock;
    this.log = log;
  }

  /** Prints the report to {@code out}; returns {@link #HEALTHY} or {@link #UNHEALTHY}. */
  int run(OutputStream out) throws InterruptedException {
    List<String> lines = new ArrayList<>();
    boolean healthy = report(lines);
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      // A name or a reason cannot forge a line: control characters are shown escaped.
      text.append(Log.printable(line)).append('\n');
    }
    Output.print(out, text.toString());
    return healthy ? HEALTHY : UNHEALTHY;
  }

  private boolean report(List<String> lines) throws InterruptedException {
    Optional<StateFile.State> found = StateFile.read(layout.runtimeDirectories(), layout.proc());
    if (found.isEmpty()) {
      lines.add("my_init: not running (" + whyNoState() + ")");
      return false;
    }
    StateFile.State state = found.get();
    Instant now = clock.instant();
    lines.add(
        "my_init: "
            + state.phase().label()
            + " since "
            + IsoInstant.formatSeconds(state.since())
            + " ("
            + secondsBetween(state.since(), now)
            + " s), pid "
            + state.pid());
    boolean healthy = state.phase() == StateFile.Phase.RUNNING;
    if (state.services().isPresent()) {
      healthy &= reportServices(state.services().get(), now, lines);
    }
    return healthy;
  }

  private String whyNoState() {
    StringBuilder searched = new StringBuilder();
    for (Path directory : layout.runtimeDirectories()) {
      Path file = directory.resolve(StateFile.NAME);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        // It outlived its my_init, names another process, or was planted by another user.
        return FileNames.display(file) + " is stale or not my_init's";
      }
      searched.append(searched.isEmpty() ? "" : ", ").append(FileNames.display(directory));
    }
    return "no " + StateFile.NAME + " in " + searched;
  }

  private boolean reportServices(Path scanned, Instant now, List<String> lines)
      throws InterruptedException {
    try {
      // RunitService.in lists it below; opening it here only learns why it cannot be listed.
      Files.newDirectoryStream(scanned).close();
    } catch (IOException e) {
      lines.add("services: cannot list " + FileNames.display(scanned) + " (" + reason(e) + ")");
      return false;
    }
    List<ServiceReport> reports = new ArrayList<>();
    for (RunitService service : RunitService.in(scanned)) {
      reports.add(read(service, layout.proc()));
    }
    runChecks(reports);
    boolean healthy = true;
    for (ServiceReport report : reports) {
      lines.add(report.service.name() + ": " + report.describe(now));
      healthy &= report.isHealthy();
    }
    return healthy;
  }

  // --- runsv's record -------------------------------------------------------------------------

  /** What we learnt about one service. */
  private static final class ServiceReport {
    final RunitService service;
    final boolean supposedToRun;

    /** runsv's record, if there is one that tells the truth. */
    ServiceStatus status;

    /** Why there is no {@link #status}: its whole line. */
    String problem;

    /** How its check went, as the end of its line; empty if it ran none. */
    String check = "";

    boolean checkPassed = true;

    ServiceReport(RunitService service) {
      this.service = service;
      this.supposedToRun = service.isSupposedToRun();
    }

    boolean isUp() {
      return status != null && status.isUp();
    }

    /** It counts as healthy: it is up and passes its check, or it is not supposed to run. */
    boolean isHealthy() {
      return !supposedToRun || (isUp() && checkPassed);
    }

    /** As {@code sv status} says it, in words: {@code down for 3 s, normally up, want up}. */
    String describe(Instant now) {
      if (status == null) {
        return problem;
      }
      if (status.isDown() && !supposedToRun && !status.wantsUp()) {
        return "down (down file)";
      }
      String time = " for " + secondsBetween(status.since(), now) + " s";
      StringBuilder line = new StringBuilder();
      if (status.isUp()) {
        line.append("up (pid ").append(status.pid()).append(')').append(time);
        if (!supposedToRun) {
          line.append(", normally down");
        }
        if (!status.wantsUp()) {
          line.append(", want down");
        }
        return line.append(check).toString();
      }
      if (status.state() == ServiceStatus.FINISH) {
        line.append("finishing (pid ").append(status.pid()).append(')');
      } else {
        line.append("down");
      }
      line.append(time);
      if (supposedToRun) {
        line.append(", normally up");
      }
      if (status.wantsUp()) {
        // runsv starts it again (a crash loop waits a second between runs); after `sv down` it
        // waits for `sv up`.
        line.append(", want up");
      }
      return line.toString();
    }
  }

  private static ServiceReport read(RunitService service, Path proc) {
    ServiceReport report = new ServiceReport(service);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(service.supervise().resolve("status"));
    } catch (NoSuchFileException e) {
      // runsv has not started, or has not written its first record yet.
      report.problem = "no status yet";
      return report;
    } catch (IOException e) {
      report.problem = "status unreadable (" + reason(e) + ")";
      return report;
    }
    Optional<ServiceStatus> status = ServiceStatus.parse(bytes);
    if (status.isEmpty()) {
      report.problem = "status unreadable (" + bytes.length + " bytes, not runit's record)";
    } else if (status.get().pid() > 0 && !isRunsvChild(status.get().pid(), proc)) {
      // Left from the container's last life (runsv rewrites it only when it starts the service),
      // or its runsv has died.
      report.problem =
          "stale status (pid "
              + status.get().pid()
              + " is not run by a runsv: runsv has not started yet, or has died)";
    } else {
      report.status = status.get();
    }
    return report;
  }

  /** Whether process {@code pid} runs, as a child of a runsv: its {@code run} or {@code finish}. */
  private static boolean isRunsvChild(int pid, Path proc) {
    int parent = ProcessTree.parentOf(pid, proc);
    return parent > 0 && ProcessTree.nameOf(parent, proc).equals("runsv");
  }

  /** Whole seconds from {@code since} to {@code now}, 0 if {@code since} is later. */
  private static long secondsBetween(Instant since, Instant now) {
    long seconds = now.getEpochSecond() - since.getEpochSecond();
    return Math.max(0, now.getNano() < since.getNano() ? seconds - 1 : seconds);
  }

  // --- check scripts --------------------------------------------------------------------------

  /**
   * Runs the {@code check} of every service that is up, side by side, and waits for them until
   * {@link #checkTimeout} has passed: a probe then has one bound, however many checks there are.
   */
  private void runChecks(List<ServiceReport> reports) throws InterruptedException {
    List<ServiceReport> toRun = new ArrayList<>();
    for (ServiceReport report : reports) {
      if (report.isUp() && report.service.check().isPresent()) {
        if (Files.isExecutable(report.service.directory().resolve(CHECK))) {
          toRun.add(report);
        } else {
          // sv check would try, and fail.
          failed(report, ", check failed (./check is not executable)");
        }
      }
    }
    if (toRun.isEmpty()) {
      return;
    }
    ProcessControl kernel = processes.get();
    Consumer<String> warn = new Warning(log);
    Reaper reaper = Reaper.start(kernel, warn);
    // The launcher leaves these blocked: without this a Ctrl-C would wait for the checks.
    SignalEvents.queueTo(reaper, kernel, warn, Signals.SIGTERM, Signals.SIGINT, Signals.SIGHUP);
    Deadline deadline = Deadline.after(checkTimeout);
    List<ServiceReport> running = new ArrayList<>();
    List<Integer> pids = new ArrayList<>();
    for (ServiceReport report : toRun) {
      try {
        // Its own process group: what it started (a curl that hangs) is killed with it.
        pids.add(reaper.spawn(report.service.checkCommand(environment)));
        running.add(report);
      } catch (SpawnException e) {
        failed(report, ", check failed (" + e.getMessage() + ")");
      }
    }
    int[] interruptedBy = {0};
    IntPredicate interrupt = new Interruption(interruptedBy);
    for (int i = 0; i < running.size(); i++) {
      ServiceReport report = running.get(i);
      int pid = pids.get(i);
      Optional<ExitStatus> status =
          interruptedBy[0] != 0
              ? reaper.exitStatus(pid)
              : reaper.awaitExit(pid, deadline.nanos(), interrupt);
      if (status.isPresent()) {
        if (status.get().succeeded()) {
          report.check = ", check passed";
        } else {
          failed(
              report,
              ", check failed ("
                  + (status.get().signaled()
                      ? "killed by signal " + SignalNames.name(status.get().code())
                      : "exit status " + status.get().code())
                  + ")");
        }
        continue;
      }
      // Past the deadline (or interrupted): SIGTERM and at once SIGKILL, as the deadline has gone,
      // then SIGKILL to what it started, which a probe run every few seconds would pile up.
      reaper.terminate(pid, Deadline.after(Duration.ZERO), checkTimeout);
      try {
        kernel.kill(-pid, Signals.SIGKILL);
      } catch (ErrnoException e) {
        // ESRCH: nothing of it is left.
      }
      failed(
          report,
          interruptedBy[0] != 0
              ? ", check stopped: my_init --status got " + SignalNames.name(interruptedBy[0])
              : ", check timed out after " + MyInit.seconds(checkTimeout) + " (killed)");
    }
  }

  private static void failed(ServiceReport report, String check) {
    report.check = check;
    report.checkPassed = false;
  }

  /** Why {@code e} happened, as the C library says it ({@code permission denied}). */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    String reason = e instanceof FileSystemException failure ? failure.getReason() : e.getMessage();
    return reason != null ? reason : e.getClass().getSimpleName();
  }

  /**
   * A problem of the checks' reaper, logged. Named classes, not lambdas or anonymous ones: the AOT
   * training's probe runs no check, and AotTraining preloads these by name.
   */
  static final class Warning implements Consumer<String> {
    private final Log log;

    Warning(Log log) {
      this.log = log;
    }

    @Override
    public void accept(String problem) {
      log.warn(problem);
    }
  }

  /** A signal that stops waiting for the checks; the first one is kept. */
  static final class Interruption implements IntPredicate {
    private final int[] by;

    Interruption(int[] by) {
      this.by = by;
    }

    @Override
    public boolean test(int signal) {
      by[0] = signal;
      return true;
    }
  }
}
