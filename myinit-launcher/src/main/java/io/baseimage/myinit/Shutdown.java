package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import io.baseimage.posix.Errno;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.startup.Deadline;
import io.baseimage.startup.Output;
import io.baseimage.startup.ProcessTree;
import io.baseimage.startup.Reaper;
import io.baseimage.startup.ScriptRunner;
import io.baseimage.startup.ScriptRunner.Outcome;
import io.baseimage.startup.SignalNames;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * my_init's shutdown (docs/user-guide.md, "Shutdown"): the one place that knows its steps and their
 * order, and the owner of its deadline, {@code MY_INIT_SHUTDOWN_TIMEOUT}. Each step's own timeout
 * is cut to what is left of the deadline. Once it has passed, no script or {@code sv} starts any
 * more and whatever a step is still stopping gets {@code SIGKILL}, so my_init exits by itself with
 * its own status before the runtime's grace period ends.
 */
final class Shutdown {
  private static final Duration RUNSVDIR_TERM_EVERY = Duration.ofMillis(100);

  private interface Step {
    void run() throws InterruptedException;
  }

  private final Reaper reaper;
  private final ProcessControl processes;
  private final Settings settings;
  private final Layout layout;
  private final Log log;
  private final RunitServices services;
  private final Deadline deadline;
  private boolean deadlineReported;

  Shutdown(Reaper reaper, Settings settings, Layout layout, Log log, Deadline deadline) {
    this.reaper = reaper;
    this.processes = reaper.processes();
    this.settings = settings;
    this.layout = layout;
    this.log = log;
    this.services = new RunitServices(reaper, layout, log);
    this.deadline = deadline;
  }

  /**
   * Runs every step in order. A step that fails unexpectedly is logged and the next one runs: as
   * PID 1, leaving early would SIGKILL every process of the container with nothing stopped.
   *
   * @param runsvdir runsvdir's pid, or 0 if runit was not started
   */
  void run(int runsvdir, ContainerEnvironment env, boolean aborted, boolean killAll)
      throws InterruptedException {
    if (runsvdir != 0) {
      step("pre-shutdown scripts", () -> runScripts(layout.preShutdownDirectory(), env));
      step(
          "services down",
          () ->
              services.stop(services.find(runsvdir), env, settings.killProcessTimeout(), deadline));
      step("runsvdir", () -> stopRunsvdir(runsvdir));
      step(
          "runsv released",
          () -> services.release(runsvdir, settings.killProcessTimeout(), deadline));
      step("post-shutdown scripts", () -> runScripts(layout.postShutdownDirectory(), env));
    }
    if (aborted) {
      log.info("Init system aborted.");
    }
    if (killAll) {
      step("all processes", this::killAllProcesses);
    }
  }

  private void step(String name, Step step) throws InterruptedException {
    log.debug(
        "shutdown: "
            + name
            + " ("
            + deadline.remaining().toMillis()
            + " ms left of MY_INIT_SHUTDOWN_TIMEOUT)");
    try {
      step.run();
    } catch (RuntimeException | Error e) {
      log.error("shutdown step failed: " + Output.describe(e));
    }
    if (deadline.passed() && !deadlineReported) {
      deadlineReported = true;
      log.warn(
          "MY_INIT_SHUTDOWN_TIMEOUT ("
              + MyInit.seconds(settings.shutdownTimeout())
              + ") has passed: what was still running was killed.");
    }
  }

  private void runScripts(Path directory, ContainerEnvironment env) throws InterruptedException {
    ScriptRunner runner =
        new ScriptRunner(
                reaper,
                settings.killProcessTimeout(),
                Optional.of(settings.shutdownScriptTimeout()))
            .reportingIgnoredSignals(
                signal ->
                    log.debug(
                        "ignoring " + SignalNames.name(signal) + ": the shutdown is under way"));
    for (Path script : MyInit.scriptsIn(directory, log)) {
      if (deadline.passed()) {
        return;
      }
      log.info("Running " + FileNames.display(script) + "...");
      // Not a pattern switch: MyInit.runStartupScripts says why.
      Outcome outcome = runner.runAtShutdown(script, env, deadline);
      if (outcome instanceof Outcome.Finished finished && !finished.status().succeeded()) {
        log.warn(FileNames.display(script) + " " + MyInit.failure(finished.status()) + ".");
      } else if (outcome instanceof Outcome.TimedOut timedOut) {
        log.warn(
            FileNames.display(script)
                + " did not finish within "
                + MyInit.seconds(timedOut.limit())
                + " and was stopped.");
      } else if (outcome instanceof Outcome.DeadlinePassed) {
        log.warn(FileNames.display(script) + " was stopped at MY_INIT_SHUTDOWN_TIMEOUT.");
      } else if (outcome instanceof Outcome.NotStarted notStarted) {
        log.warn(notStarted.cause().getMessage());
      }
      // Finished with success, or Aborted: nothing to say. MyInitTest pins the outcome kinds.
    }
  }

  private void stopRunsvdir(int runsvdir) throws InterruptedException {
    if (reaper.isRunning(runsvdir)) {
      log.info("Shutting down runit daemon (PID " + runsvdir + ")...");
      // runsvdir looks at a TERM only after a wait for its next scan: one that cuts short the
      // second it sleeps after scanning a directory changed within that second (runsvdir.c) is
      // looked at only after the next wait, 5 s later where it started no runsv. So TERM again
      // until it ends.
      reaper.terminate(runsvdir, deadline, settings.killProcessTimeout(), RUNSVDIR_TERM_EVERY);
    }
  }

  /**
   * SIGTERM to every process, then SIGKILL to those left after the timeout. As PID 1 that is {@code
   * kill(-1)}; otherwise only our descendants, which must not reach outside the container.
   */
  private void killAllProcesses() throws InterruptedException {
    log.info("Killing all processes...");
    signalAll(Signals.SIGTERM);
    // A stopped process (a command's whole group after Ctrl-Z) would see the TERM only at SIGKILL.
    signalAll(Signals.SIGCONT);
    if (!reaper.awaitNoChildren(deadline.cut(settings.killAllProcessesTimeout()))) {
      log.info("Not all processes have exited in time. Forcing them to exit.");
      signalAll(Signals.SIGKILL);
      reaper.awaitNoChildren(deadline.forKilled(settings.killProcessTimeout()));
    }
  }

  private void signalAll(int signal) {
    try {
      if (processes.pid() == 1) {
        processes.kill(-1, signal);
        return;
      }
      for (int pid : ProcessTree.descendantsOf(processes.pid(), layout.proc())) {
        try {
          processes.kill(pid, signal);
        } catch (ErrnoException e) {
          // Ended meanwhile, or not ours to signal.
        }
      }
    } catch (ErrnoException e) {
      if (e.errno() != Errno.ESRCH) {
        log.warn(e.getMessage());
      }
    } catch (IOException e) {
      log.warn("cannot list processes: " + e.getMessage());
    }
  }
}
