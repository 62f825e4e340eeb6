package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.startup.Command;
import io.baseimage.startup.Deadline;
import io.baseimage.startup.ExitStatus;
import io.baseimage.startup.Output;
import io.baseimage.startup.Reaper;
import io.baseimage.startup.SignalEvents;
import io.baseimage.startup.SignalNames;
import io.baseimage.startup.SpawnException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code my_init --status} (docs/user-guide.md, "Health checks: my_init --status"): one line for
 * the my_init that runs now, as its {@link StateFile} says, and one per service of the directory
 * runsvdir scans, from runsv's own {@code supervise/status} (no {@code sv} is started).
 *
 * <p>Healthy, exit 0, only when my_init is {@code running} and every service that should run (no
 * {@code down} file) is up and passes its executable {@code check} script, run as {@code sv check}
 * runs it: {@code ./check} in the service's directory, with the environment we were started with.
 * The checks run side by side, all within {@code KILL_PROCESS_TIMEOUT}; one still running then is
 * killed and has failed. A probe runs every few seconds, so nothing of the boot is loaded here, and
 * the native layer only when there is a check to run. Nothing is written.
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

  /** runit's name for the script, and how {@code sv check} starts it. */
  private static final String CHECK = "check";

  private static final byte[] CHECK_COMMAND = "./check".getBytes(StandardCharsets.US_ASCII);

  private final Layout layout;
  private final Duration checkTimeout;
  private final ContainerEnvironment environment;
  private final Supplier<ProcessControl> processes;
  private final Clock clock;
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
      Clock clock,
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
    // A name or a reason cannot forge a line: control characters are shown escaped.
    lines.forEach(line -> text.append(Log.printable(line)).append('\n'));
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
            + state.since().truncatedTo(ChronoUnit.SECONDS)
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
    for (Path directory : layout.runtimeDirectories()) {
      Path file = directory.resolve(StateFile.NAME);
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        // It outlived its my_init, names another process, or was planted by another user.
        return FileNames.display(file) + " is stale or not my_init's";
      }
    }
    return "no "
        + StateFile.NAME
        + " in "
        + layout.runtimeDirectories().stream()
            .map(FileNames::display)
            .collect(Collectors.joining(", "));
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
    Map<RunitService, Reading> readings = new LinkedHashMap<>();
    for (RunitService service : RunitService.in(scanned)) {
      readings.put(service, read(service, layout.proc()));
    }
    Map<RunitService, Check> checks = runChecks(readings);
    boolean healthy = true;
    for (Map.Entry<RunitService, Reading> entry : readings.entrySet()) {
      RunitService service = entry.getKey();
      Optional<Check> check = Optional.ofNullable(checks.get(service));
      boolean supposedToRun = service.isSupposedToRun();
      lines.add(service.name() + ": " + describe(entry.getValue(), supposedToRun, check, now));
      boolean ready =
          entry.getValue() instanceof Reading.Recorded recorded
              && recorded.status().isUp()
              && check.map(Check::passed).orElse(true);
      healthy &= ready || !supposedToRun;
    }
    return healthy;
  }

  // --- runsv's record -------------------------------------------------------------------------

  /** What {@code supervise/status} told. */
  private sealed interface Reading {
    /** runsv has not written one yet (it has not started, or has never seen this service). */
    record NotYet() implements Reading {}

    record Unreadable(String reason) implements Reading {}

    record Recorded(ServiceStatus status) implements Reading {}

    /**
     * A record that says a process runs which no runsv runs: left from the container's last life
     * (runsv rewrites it only when it starts the service), or its runsv has died.
     */
    record Stale(ServiceStatus status) implements Reading {}
  }

  private static Reading read(RunitService service, Path proc) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(service.supervise().resolve("status"));
    } catch (NoSuchFileException e) {
      return new Reading.NotYet();
    } catch (IOException e) {
      return new Reading.Unreadable(reason(e));
    }
    Optional<ServiceStatus> status = ServiceStatus.parse(bytes);
    if (status.isEmpty()) {
      return new Reading.Unreadable(bytes.length + " bytes, not runit's record");
    }
    int pid = status.get().pid();
    return pid > 0 && !isRunsvChild(pid, proc)
        ? new Reading.Stale(status.get())
        : new Reading.Recorded(status.get());
  }

  /** Whether process {@code pid} runs, as a child of a runsv: its {@code run} or {@code finish}. */
  private static boolean isRunsvChild(int pid, Path proc) {
    Optional<String> stat = stat(pid, proc);
    if (stat.isEmpty()) {
      return false;
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    String fields = stat.get().substring(stat.get().lastIndexOf(')') + 2);
    try {
      int parent = Integer.parseInt(fields.split(" ", 3)[1]);
      return stat(parent, proc).filter(text -> text.startsWith(parent + " (runsv) ")).isPresent();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Optional<String> stat(int pid, Path proc) {
    try {
      return Optional.of(
          new String(
              Files.readAllBytes(proc.resolve(Integer.toString(pid)).resolve("stat")),
              StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private String describe(
      Reading reading, boolean supposedToRun, Optional<Check> check, Instant now) {
    return switch (reading) {
      case Reading.NotYet notYet -> "no status yet";
      case Reading.Unreadable unreadable -> "status unreadable (" + unreadable.reason() + ")";
      case Reading.Recorded recorded ->
          describe(recorded.status(), supposedToRun, now) + checkResult(check);
      case Reading.Stale stale ->
          "stale status (pid "
              + stale.status().pid()
              + " is not run by a runsv: runsv has not started yet, or has died)";
    };
  }

  /** As {@code sv status} says it, in words: {@code down for 3 s, normally up, want up}. */
  private static String describe(ServiceStatus status, boolean supposedToRun, Instant now) {
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
      return line.toString();
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
      // runsv starts it again (a crash loop waits a second between runs); after `sv down` it waits.
      line.append(", want up");
    }
    return line.toString();
  }

  private static long secondsBetween(Instant since, Instant now) {
    return Math.max(0, Duration.between(since, now).toSeconds());
  }

  // --- check scripts --------------------------------------------------------------------------

  /** How a service's {@code check} went. */
  private sealed interface Check {
    default boolean passed() {
      return this instanceof Exited exited && exited.status().succeeded();
    }

    record Exited(ExitStatus status) implements Check {}

    record NotStarted(String reason) implements Check {}

    record TimedOut(Duration limit) implements Check {}

    record Interrupted(int signal) implements Check {}

    /** A {@code check} file that may not be executed: {@code sv check} would fail it. */
    record NotExecutable() implements Check {}
  }

  private static String checkResult(Optional<Check> check) {
    if (check.isEmpty()) {
      return "";
    }
    return switch (check.get()) {
      case Check.Exited exited when exited.status().succeeded() -> ", check passed";
      case Check.Exited exited ->
          ", check failed ("
              + (exited.status().signaled()
                  ? "killed by signal " + SignalNames.name(exited.status().code())
                  : "exit status " + exited.status().code())
              + ")";
      case Check.NotStarted notStarted -> ", check failed (" + notStarted.reason() + ")";
      case Check.TimedOut timedOut ->
          ", check timed out after " + MyInit.seconds(timedOut.limit()) + " (killed)";
      case Check.Interrupted interrupted ->
          ", check stopped: my_init --status got " + SignalNames.name(interrupted.signal());
      case Check.NotExecutable notExecutable -> ", check failed (./check is not executable)";
    };
  }

  /**
   * Runs the {@code check} of every service that is up, side by side, and waits for them until
   * {@link #checkTimeout} has passed: a probe then has one bound, however many checks there are.
   */
  private Map<RunitService, Check> runChecks(Map<RunitService, Reading> readings)
      throws InterruptedException {
    Map<RunitService, Check> checks = new LinkedHashMap<>();
    List<RunitService> toRun = new ArrayList<>();
    for (Map.Entry<RunitService, Reading> entry : readings.entrySet()) {
      RunitService service = entry.getKey();
      if (entry.getValue() instanceof Reading.Recorded recorded
          && recorded.status().isUp()
          && service.check().isPresent()) {
        if (Files.isExecutable(service.directory().resolve(CHECK))) {
          toRun.add(service);
        } else {
          checks.put(service, new Check.NotExecutable());
        }
      }
    }
    if (toRun.isEmpty()) {
      return checks;
    }
    ProcessControl kernel = processes.get();
    Reaper reaper = Reaper.start(kernel, log::warn);
    // The launcher leaves these blocked: without this a Ctrl-C would wait for the checks.
    SignalEvents.queueTo(
        reaper, kernel, log::warn, Signals.SIGTERM, Signals.SIGINT, Signals.SIGHUP);
    Deadline deadline = Deadline.after(checkTimeout);
    Map<RunitService, Integer> running = new LinkedHashMap<>();
    for (RunitService service : toRun) {
      try {
        running.put(
            service,
            // Its own process group: what it started (a curl that hangs) is killed with it.
            reaper.spawn(
                new Command(List.of(CHECK_COMMAND), environment, false)
                    .inDirectory(service.directory())
                    .inOwnProcessGroup()));
      } catch (SpawnException e) {
        checks.put(service, new Check.NotStarted(e.getMessage()));
      }
    }
    int[] interruptedBy = {0};
    for (Map.Entry<RunitService, Integer> check : running.entrySet()) {
      int pid = check.getValue();
      Optional<ExitStatus> status =
          interruptedBy[0] != 0
              ? reaper.exitStatus(pid)
              : reaper.awaitExit(
                  pid,
                  deadline.nanos(),
                  signal -> {
                    interruptedBy[0] = signal;
                    return true;
                  });
      if (status.isPresent()) {
        checks.put(check.getKey(), new Check.Exited(status.get()));
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
      checks.put(
          check.getKey(),
          interruptedBy[0] != 0
              ? new Check.Interrupted(interruptedBy[0])
              : new Check.TimedOut(checkTimeout));
    }
    return checks;
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
}
