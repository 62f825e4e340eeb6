package io.baseimage.myinit;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.EnvironmentStores;
import io.baseimage.env.Problem;
import io.baseimage.env.StoreProblem;
import io.baseimage.env.internal.FileNames;
import io.baseimage.posix.Errno;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.startup.Command;
import io.baseimage.startup.Deadline;
import io.baseimage.startup.Event;
import io.baseimage.startup.ExitStatus;
import io.baseimage.startup.Output;
import io.baseimage.startup.Reaper;
import io.baseimage.startup.ScriptRunner;
import io.baseimage.startup.ScriptRunner.Outcome;
import io.baseimage.startup.Scripts;
import io.baseimage.startup.SignalNames;
import io.baseimage.startup.SpawnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The boot and shutdown sequence of my_init (docs/user-guide.md, "my_init reference"): environment,
 * startup scripts, runit, the command, then services down and every process stopped within the
 * timeouts.
 */
final class MyInit {
  static final int EXIT_SCRIPT_FAILED = 1;
  static final int EXIT_FAILED = 1;
  static final int EXIT_ABORTED = 2;
  private static final Duration QUIET_BEFORE_RELEASE = Duration.ofSeconds(1);

  /** Started once the environment is imported: the native layer loads meanwhile (see run). */
  private final Supplier<Reaper> reaperStart;

  private Reaper reaper;
  private ProcessControl processes;
  private final Options options;
  private final Settings settings;
  private final Layout layout;
  private final Log log;
  private final EnvironmentStores stores;
  private final ServiceSelection serviceSelection;

  private ContainerEnvironment env;
  private int runsvdir;

  /** The directory runsvdir was given: {@code /etc/service}, or ServiceSelection's links. */
  private Path scanned;

  /** The signal (SIGTERM or SIGINT) that aborted the init system, or 0. */
  private int abortSignal;

  /** Set when the shutdown begins: at the signal that aborts the boot, or at the boot's end. */
  private Deadline shutdownDeadline;

  /** Where {@code my_init --status} learns what we do; empty if no directory would take it. */
  private Optional<StateFile> state = Optional.empty();

  /** The services runsvdir supervises; none until it runs. */
  private List<RunitService> services = List.of();

  private EssentialServices essentials;

  /** Wakes the main thread at every change of the services' records, when someone needs that. */
  private Optional<ServiceWatch> serviceWatch = Optional.empty();

  /** The essential service whose end ended the boot, if one did. */
  private Optional<EssentialServices.Ended> essentialEnded = Optional.empty();

  /**
   * @param reaperStart starts the reaper, and so the native layer: called once the environment is
   *     imported, which needs neither
   */
  MyInit(Supplier<Reaper> reaperStart, Options options, Settings settings, Layout layout, Log log) {
    this.reaperStart = reaperStart;
    this.options = options;
    this.settings = settings;
    this.layout = layout;
    this.log = log;
    this.stores =
        EnvironmentStores.of(layout.environmentDirectory(), layout.shellDump(), layout.jsonDump());
    this.serviceSelection = new ServiceSelection(layout, log);
  }

  /**
   * Runs the whole life of the init system; returns its exit status. Whatever goes wrong once
   * children may exist, the shutdown still runs: as PID 1, leaving early would SIGKILL every
   * process of the container with no pre-shutdown script and no service stopped.
   */
  int run(ContainerEnvironment processEnvironment) throws InterruptedException {
    // Pure Java file work, a third of a boot, while Main's loader thread sets up jffi: nothing
    // spawns before the reaper exists, and signals wait, blocked, for SignalEvents.
    env = logged(stores.atBoot(processEnvironment));
    reaper = reaperStart.get();
    processes = reaper.processes();
    reportIdentityVariables();
    prepareProcess();
    publishBooting();
    int status;
    try {
      status = boot();
    } catch (RuntimeException | Error e) {
      log.error("my_init failed: " + Output.describe(e));
      status = EXIT_FAILED;
    }
    serviceWatch.ifPresent(ServiceWatch::close);
    if (essentials != null) {
      essentials.close();
    }
    publish(StateFile.Phase.STOPPING);
    new Shutdown(reaper, settings, layout, log, shutdownDeadline())
        .run(runsvdir, env, abortSignal != 0, options.killAllOnExit());
    if (scanned != null) {
      serviceSelection.remove(scanned);
    }
    state.ifPresent(StateFile::remove);
    return status;
  }

  private void publishBooting() {
    state =
        StateFile.create(
            layout.runtimeDirectories(), processes.pid(), layout.proc(), StateFile.Phase.BOOTING);
    if (state.isEmpty()) {
      // Not a warning: a container without probes does not need it, and the image has /dev/shm.
      log.info(
          "cannot write "
              + StateFile.NAME
              + " in any of "
              + layout.runtimeDirectories().stream().map(FileNames::display).toList()
              + ": my_init --status will not work");
    }
  }

  private void publish(StateFile.Phase phase) {
    state.ifPresent(file -> file.publish(phase, Optional.ofNullable(scanned)));
  }

  /** Variables the directory and the .sh dump leave out by design: said at debug, not warned. */
  private void reportIdentityVariables() {
    if (!log.isDebug()) {
      return;
    }
    for (String name : new TreeSet<>(ContainerEnvironment.IDENTITY_VARIABLES)) {
      if (env.getBytes(name).isPresent()) {
        log.debug(
            "skipping "
                + name
                + " in "
                + FileNames.display(layout.environmentDirectory())
                + " and the .sh dump: it describes a user, not the container (as phusion)");
      }
    }
  }

  /** Before the first child: what the JVM does not do for an init. */
  private void prepareProcess() {
    processes.setThreadName("my_init");
    try {
      // The JVM answers SIGQUIT with a thread dump and Java cannot handle it: ignore it natively.
      processes.ignore(Signals.SIGQUIT);
      // Once the command owns the terminal we are in the background and must still be able to log.
      processes.ignore(Signals.SIGTTOU);
      processes.ignore(Signals.SIGTTIN);
      if (processes.pid() != 1) {
        processes.becomeChildSubreaper();
      }
    } catch (ErrnoException e) {
      log.warn(e.getMessage());
    }
  }

  private int boot() throws InterruptedException {
    if (!options.skipStartupFiles() && !runStartupScripts()) {
      return abortSignal != 0 ? EXIT_ABORTED : EXIT_SCRIPT_FAILED;
    }
    if (!options.skipRunit()) {
      log.info("Booting runit daemon...");
      Instant runitStarted;
      try {
        // Its own process group: a terminal's Ctrl-C (`docker run -it` without a command) must
        // reach my_init alone, which then stops the services in order.
        scanned = serviceSelection.scanDirectory(processes.uid());
        // A record runsv writes from now on is of this boot; an older one, of an earlier run.
        runitStarted = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // All of /etc/service: one that ServiceSelection left out is still waited for, in vain.
        services = RunitService.in(layout.serviceDirectory());
        essentials =
            new EssentialServices(services, processes, runitStarted, this::recordedARun, log);
        Optional<RunitService> cannotRun = essentialLeftOut();
        if (cannotRun.isPresent()) {
          log.error(
              "Essential service "
                  + cannotRun.get().name()
                  + " cannot run as uid "
                  + processes.uid()
                  + " (see above); shutting down.");
          return EXIT_FAILED;
        }
        List<RunitService> watched = waitsForServices() ? services : essentials.services();
        if (!watched.isEmpty()) {
          // runsv starts from what it finds: its last run's files, if the container was restarted,
          // would pass for this one's.
          watched.forEach(RunitService::forgetLastRun);
          // An essential service's supervise/ exists before runsv writes into it, so that the
          // watch sees every record.
          essentials.services().forEach(RunitService::createSupervise);
          essentials.prepare();
          serviceWatch = Optional.of(ServiceWatch.start(reaper, watched, essentials::check));
        }
        runsvdir =
            reaper.spawn(
                Runit.command(
                        env,
                        "runsvdir",
                        List.of(
                            "-P".getBytes(StandardCharsets.US_ASCII), FileNames.bytesOf(scanned)))
                    .inOwnProcessGroup());
      } catch (SpawnException e) {
        log.error(e.getMessage());
        return e.shellStatus();
      }
      log.info("Runit started as PID " + runsvdir);
      if (waitsForServices()) {
        Optional<Integer> failed = awaitServices(runitStarted);
        if (failed.isPresent()) {
          return failed.get();
        }
      }
    }
    if (options.hasCommand()) {
      return runCommand();
    }
    publish(StateFile.Phase.RUNNING);
    return awaitRunsvdir();
  }

  private boolean runStartupScripts() throws InterruptedException {
    List<Path> scripts = new ArrayList<>(scriptsIn(layout.initDirectory(), log));
    if (Scripts.isExecutableFile(layout.rcLocal())) {
      scripts.add(layout.rcLocal());
    }
    ScriptRunner runner =
        new ScriptRunner(reaper, settings.killProcessTimeout(), settings.scriptTimeout())
            .reportingIgnoredSignals(
                signal ->
                    log.debug(
                        "ignoring "
                            + SignalNames.name(signal)
                            + ": it came during a startup script"));
    for (Path script : scripts) {
      log.info("Running " + FileNames.display(script) + "...");
      stores.beforeScript().forEach(this::report);
      Outcome outcome = runner.runAtBoot(script, env);
      // Not pattern switches here and below: each one's bootstrap spins a class at run time, which
      // no AOT cache holds, and that cost every boot with a startup script milliseconds
      // (docs/benchmarks.md, "Levers").
      if (outcome instanceof Outcome.Finished finished && finished.status().succeeded()) {
        env = logged(stores.afterScript(env));
        continue;
      }
      if (outcome instanceof Outcome.Aborted aborted) {
        abortSignal = aborted.signal();
        reaper.terminate(aborted.pid(), shutdownDeadline(), settings.killProcessTimeout());
      } else if (outcome instanceof Outcome.Finished finished) {
        log.error(FileNames.display(script) + " " + failure(finished.status()) + ".");
      } else if (outcome instanceof Outcome.TimedOut timedOut) {
        log.error(
            FileNames.display(script)
                + " did not finish within MY_INIT_SCRIPT_TIMEOUT ("
                + seconds(timedOut.limit())
                + ") and was stopped.");
      } else if (outcome instanceof Outcome.NotStarted notStarted) {
        log.error(notStarted.cause().getMessage());
      } else {
        // DeadlinePassed: a startup script has no deadline. MyInitTest pins the outcome kinds.
        throw new IllegalStateException("unexpected outcome of a startup script: " + outcome);
      }
      return false;
    }
    return true;
  }

  /** The environment the stores now hold; each problem comes once per run, and is logged. */
  private ContainerEnvironment logged(EnvironmentStores.Synced synced) {
    synced.problems().forEach(this::report);
    return synced.environment();
  }

  private void report(StoreProblem problem) {
    // A name that becomes a shell name (my.var as my_var) or that the shell keeps for itself (_,
    // which a shell puts in the environment of what it starts) is how the shell dump works (SPEC
    // 1.3), not a fault: said at debug level only. A collision of two names is a warning.
    if (problem instanceof Problem entry
        && (entry.kind() == Problem.Kind.RENAMED || entry.kind() == Problem.Kind.LEFT_OUT)) {
      log.debug(problem.toString());
    } else {
      log.warn(problem.toString());
    }
  }

  /**
   * {@code MY_INIT_WAIT_FOR_SERVICES}: waits until the services are ready for the command.
   *
   * @return the exit status if the boot ends here
   */
  private Optional<Integer> awaitServices(Instant runitStarted) throws InterruptedException {
    Duration limit = settings.waitForServices().orElseThrow();
    ServiceReadiness readiness =
        new ServiceReadiness(reaper, env, settings.killProcessTimeout(), runitStarted, log);
    ServiceReadiness.Outcome outcome = readiness.await(services, limit, essentials);
    if (outcome instanceof ServiceReadiness.Outcome.Ready ready) {
      log.info("Services ready after " + ready.took().toMillis() + " ms");
      return Optional.empty();
    }
    if (outcome instanceof ServiceReadiness.Outcome.NotReady notReady) {
      StringJoiner names = new StringJoiner(", ");
      for (RunitService service : notReady.services()) {
        names.add(service.name());
      }
      log.error(
          "Services not ready within MY_INIT_WAIT_FOR_SERVICES ("
              + seconds(limit)
              + "): "
              + names
              + "; the command is not started.");
      return Optional.of(EXIT_FAILED);
    }
    if (outcome instanceof ServiceReadiness.Outcome.Aborted aborted) {
      abortSignal = aborted.signal();
      return Optional.of(EXIT_ABORTED);
    }
    if (outcome instanceof ServiceReadiness.Outcome.EssentialEnded ended) {
      return Optional.of(endedBy(ended.ended()));
    }
    throw new IllegalStateException("unexpected outcome of the wait for services: " + outcome);
  }

  /**
   * Whether the watch saw runsv record a run of {@code service}, where it knows. Not a lambda over
   * the Optional: the AOT training's essential service never goes down, and a lambda it never
   * created would be spun when one does.
   */
  private Optional<Boolean> recordedARun(RunitService service) {
    return serviceWatch.isPresent() ? serviceWatch.get().recordedARun(service) : Optional.empty();
  }

  /** An essential service that ServiceSelection had to leave out, not being root. */
  private Optional<RunitService> essentialLeftOut() {
    if (scanned.equals(layout.serviceDirectory())) {
      return Optional.empty();
    }
    // A loop, not a stream: only a non-root boot comes here, and the AOT training runs as root.
    List<ByteString> given = new ArrayList<>();
    for (RunitService service : RunitService.in(scanned)) {
      given.add(FileNames.nameOf(service.directory()));
    }
    for (RunitService service : essentials.services()) {
      if (!given.contains(FileNames.nameOf(service.directory()))) {
        return Optional.of(service);
      }
    }
    return Optional.empty();
  }

  private boolean waitsForServices() {
    return options.hasCommand() && settings.waitForServices().isPresent();
  }

  /** An essential service has ended: the boot ends with its status. */
  private int endedBy(EssentialServices.Ended ended) {
    essentialEnded = Optional.of(ended);
    log.error(
        "Essential service "
            + ended.service().name()
            + " ended ("
            + ended.describe()
            + "); shutting down.");
    return ended.exitStatus();
  }

  /** Whether an essential service has ended, as the watch last found. */
  private boolean essentialServiceEnded() {
    Optional<EssentialServices.Ended> ended =
        essentials == null ? Optional.empty() : essentials.ended();
    ended.ifPresent(this::endedBy);
    return ended.isPresent();
  }

  private int runCommand() throws InterruptedException {
    if (shutdownSignalTakenBeforeTheCommand()) {
      return EXIT_ABORTED;
    }
    boolean foreground = processes.isTerminal(0);
    Command command = new Command(options.command(), env, foreground);
    log.info("Running " + command.displayName() + "...");
    int pid;
    try {
      pid = reaper.spawn(command);
    } catch (SpawnException e) {
      log.error(e.getMessage());
      return e.shellStatus();
    }
    if (foreground) {
      giveTerminalTo(pid);
    }
    publish(StateFile.Phase.RUNNING);
    Optional<ExitStatus> status = awaitBooted(pid, passingSignalsTo(pid));
    if (status.isEmpty()) {
      reaper.terminate(pid, shutdownDeadline(), settings.killProcessTimeout());
    }
    if (foreground) {
      takeTerminalBack();
    }
    if (status.isEmpty()) {
      return stoppedStatus();
    }
    log.info(command.displayName() + " " + status.get().describe() + ".");
    return status.get().shellStatus();
  }

  /**
   * Takes the signals queued while there was no command yet. They are not the command's: a HUP that
   * came while runit started is dropped, as one during a startup script is; it would kill a command
   * that has not set its handlers yet. A TERM or INT still stops the boot.
   */
  private boolean shutdownSignalTakenBeforeTheCommand() throws InterruptedException {
    for (Optional<Event> event = reaper.next(System.nanoTime());
        event.isPresent();
        event = reaper.next(System.nanoTime())) {
      if (event.get() instanceof Event.Signaled signaled) {
        if (isShutdownSignal(signaled.signal())) {
          abortSignal = signaled.signal();
          return true;
        }
        log.debug(
            "ignoring " + SignalNames.name(signaled.signal()) + ": it came while runit started");
      }
    }
    return false;
  }

  /** Ctrl-C and Ctrl-Z on `docker run -it` must reach the command, as on a login terminal. */
  private void giveTerminalTo(int pid) {
    try {
      processes.setForegroundProcessGroup(0, pid);
      // The child may have tried to read the terminal before it was its own and stopped itself.
      processes.kill(-pid, Signals.SIGCONT);
    } catch (ErrnoException e) {
      // A command that has already ended has no process group left to give the terminal to.
      if (e.errno() != Errno.ESRCH && reaper.isRunning(pid)) {
        log.warn("cannot give the terminal to the command: " + e.getMessage());
      }
    }
  }

  /**
   * Once the command has ended the terminal is ours again: a shutdown script or service that reads
   * it would otherwise be in the background and stop on SIGTTIN.
   */
  private void takeTerminalBack() {
    int ours = processes.processGroup();
    if (ours == 0) {
      // Our process group lies outside our pid namespace (started by `unshare --pid`, not by a
      // container runtime, which makes PID 1 a session leader): it has no name here to give.
      return;
    }
    try {
      processes.setForegroundProcessGroup(0, ours);
    } catch (ErrnoException e) {
      log.warn("cannot take the terminal back from the command: " + e.getMessage());
    }
  }

  private int awaitRunsvdir() throws InterruptedException {
    Optional<ExitStatus> status = awaitBooted(runsvdir, passingSignalsTo(0));
    if (status.isPresent()) {
      log.info("runsvdir " + status.get().describe() + ".");
      return status.get().shellStatus();
    }
    return stoppedStatus();
  }

  /**
   * What to do with a signal while my_init waits for {@code command} (0: none): a shutdown signal
   * ends the wait, any other goes to the command, or without one is ignored (docs/user-guide.md,
   * "my_init reference"). One lambda for both: the AOT training's boot has a command, and a lambda
   * it never created would be spun at every `docker stop` of a container without one.
   */
  private IntPredicate passingSignalsTo(int command) {
    return signal -> {
      if (isShutdownSignal(signal)) {
        abortSignal = signal;
        return true;
      }
      if (command != 0) {
        reaper.signal(command, signal);
      } else {
        log.debug("ignoring " + SignalNames.name(signal) + ": there is no command to pass it to");
      }
      return false;
    };
  }

  /** The exit status of a boot that a signal or an essential service ended. */
  private int stoppedStatus() {
    // Not Optional.map: its method reference would be spun at run time (see passingSignalsTo).
    return essentialEnded.isPresent() ? essentialEnded.get().exitStatus() : EXIT_ABORTED;
  }

  /**
   * Waits for {@code pid} as {@link Reaper#awaitExit} does, and gives memory back once nothing has
   * happened for a while: from then on my_init mostly sleeps. Not at once, because a short
   * command's shutdown would have to read the released pages back.
   */
  private Optional<ExitStatus> awaitBooted(int pid, IntPredicate onSignal)
      throws InterruptedException {
    // Not a pattern switch: its bootstrap would cost every boot milliseconds (docs/benchmarks.md).
    Predicate<Event> stop =
        event ->
            event instanceof Event.Signaled signaled
                ? onSignal.test(signaled.signal())
                : event instanceof Event.FilesChanged && essentialServiceEnded();
    if (essentialServiceEnded()) {
      return Optional.empty();
    }
    Optional<ExitStatus> status =
        reaper.awaitExitOr(pid, System.nanoTime() + QUIET_BEFORE_RELEASE.toNanos(), stop);
    if (status.isPresent() || abortSignal != 0 || essentialEnded.isPresent()) {
      return status;
    }
    processes.releaseIdleMemory();
    return reaper.awaitExitOr(pid, Long.MAX_VALUE, stop);
  }

  /** The shutdown's deadline, which starts counting at the first call. */
  private Deadline shutdownDeadline() {
    if (shutdownDeadline == null) {
      shutdownDeadline = Deadline.after(settings.shutdownTimeout());
    }
    return shutdownDeadline;
  }

  static List<Path> scriptsIn(Path directory, Log log) {
    try {
      return Scripts.inDirectory(
          directory,
          skipped ->
              log.debug("skipping " + FileNames.display(skipped) + ": not an executable file"));
    } catch (IOException e) {
      log.warn("cannot list " + FileNames.display(directory) + ": " + e.getMessage());
      return List.of();
    }
  }

  private static boolean isShutdownSignal(int signal) {
    return signal == Signals.SIGTERM || signal == Signals.SIGINT;
  }

  static String failure(ExitStatus status) {
    return status.signaled()
        ? "was killed by signal " + SignalNames.name(status.code())
        : "failed with status " + status.code();
  }

  static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + " s"
        : duration.toMillis() + " ms";
  }
}
