package io.baseimage.startup;

import static io.baseimage.testing.ScratchFiles.executable;
import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.Signals;
import io.baseimage.startup.ScriptRunner.Outcome;
import io.baseimage.testing.FakePosix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptRunnerTest {
  private static final ContainerEnvironment ENV = ContainerEnvironment.of(Map.of("HOME", "/root"));

  /** For a script that stops on SIGTERM: enough for a loaded machine's reaper to see it end. */
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  /**
   * For a script that ignores SIGTERM, where the test expects the timeout to pass: a slow machine
   * only makes it pass later.
   */
  private static final Duration SHORT_KILL_TIMEOUT = Duration.ofMillis(50);

  @TempDir Path dir;
  private final FakePosix posix = new FakePosix();
  private Reaper reaper;
  private Path script;

  @BeforeEach
  void start() {
    reaper = Reaper.start(posix, problem -> {});
    script = executable(dir, "10-script");
  }

  @Test
  void reportsTheStatusOfAScriptThatFinishes() throws Exception {
    posix.program("10-script").exitsAtOnce(3);

    Outcome outcome =
        new ScriptRunner(reaper, KILL_TIMEOUT, Optional.empty()).runAtBoot(script, ENV);

    assertThat(outcome).isEqualTo(new Outcome.Finished(ExitStatus.exited(3)));
    assertThat(posix.spawns())
        .singleElement()
        .satisfies(
            spawn -> {
              assertThat(spawn.argv()).containsExactly(script.toString());
              assertThat(spawn.environ()).containsExactly("HOME=/root");
              assertThat(spawn.newProcessGroup()).isFalse();
            });
    assertThat(posix.kills()).isEmpty();
  }

  @Test
  void stopsAScriptThatRunsPastTheTimeLimitWithTermThenKill() throws Exception {
    posix.program("10-script").ignores(Signals.SIGTERM);
    long start = System.nanoTime();

    Outcome outcome =
        new ScriptRunner(reaper, SHORT_KILL_TIMEOUT, Optional.of(Duration.ofMillis(40)))
            .runAtBoot(script, ENV);

    assertThat(outcome).isEqualTo(new Outcome.TimedOut(Duration.ofMillis(40)));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(Duration.ofMillis(85), Duration.ofSeconds(5));
    int pid = posix.spawns().get(0).pid();
    assertThat(posix.signalsTo(pid)).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    // run waits at most the kill timeout after SIGKILL, and a loaded machine's reaper may be later.
    assertThat(reaper.awaitExit(pid, System.nanoTime() + KILL_TIMEOUT.toNanos(), signal -> false))
        .contains(ExitStatus.killedBy(Signals.SIGKILL));
  }

  @Test
  void stopsAScriptThatOverrunsWithTermAloneWhenThatSuffices() throws Exception {
    Outcome outcome =
        new ScriptRunner(reaper, KILL_TIMEOUT, Optional.of(Duration.ofMillis(20)))
            .runAtBoot(script, ENV);

    assertThat(outcome).isInstanceOf(Outcome.TimedOut.class);
    assertThat(posix.signalsTo(posix.spawns().get(0).pid())).containsExactly(Signals.SIGTERM);
  }

  @Test
  void isAbortedByTermDuringTheScript() throws Exception {
    posix.program("10-script").onSpawn(pid -> reaper.signalReceived(Signals.SIGTERM));

    Outcome outcome =
        new ScriptRunner(reaper, KILL_TIMEOUT, Optional.empty()).runAtBoot(script, ENV);

    int pid = posix.spawns().get(0).pid();
    assertThat(outcome).isEqualTo(new Outcome.Aborted(Signals.SIGTERM, pid));
    assertThat(reaper.isRunning(pid))
        .as("left for the shutdown to stop, within its deadline")
        .isTrue();
    assertThat(posix.kills()).isEmpty();
  }

  @Test
  void isAbortedByInt() throws Exception {
    posix.program("10-script").onSpawn(pid -> reaper.signalReceived(Signals.SIGINT));

    Outcome outcome =
        new ScriptRunner(reaper, KILL_TIMEOUT, Optional.empty()).runAtBoot(script, ENV);

    assertThat(outcome).isEqualTo(new Outcome.Aborted(Signals.SIGINT, posix.spawns().get(0).pid()));
  }

  @Test
  void reportsTheSignalsItIgnores() throws Exception {
    int[] pid = {0};
    posix
        .program("10-script")
        .onSpawn(
            child -> {
              pid[0] = child;
              reaper.signalReceived(Signals.SIGHUP);
              reaper.signalReceived(Signals.SIGUSR1);
            });
    List<Integer> ignored = new ArrayList<>();

    // The script ends once both are taken: ended first, its status would end the wait before them.
    Outcome outcome =
        new ScriptRunner(reaper, KILL_TIMEOUT, Optional.empty())
            .reportingIgnoredSignals(
                signal -> {
                  ignored.add(signal);
                  if (signal == Signals.SIGUSR1) {
                    posix.exit(pid[0], 0);
                  }
                })
            .runAtBoot(script, ENV);

    assertThat(outcome).isInstanceOf(Outcome.Finished.class);
    assertThat(ignored).containsExactly(Signals.SIGHUP, Signals.SIGUSR1);
  }

  @Test
  void aShutdownScriptIsStoppedAtTheDeadlineWhateverItsOwnLimits() throws Exception {
    posix.program("10-script").ignores(Signals.SIGTERM);
    Duration limit = Duration.ofHours(1);

    Outcome outcome =
        new ScriptRunner(reaper, limit, Optional.of(limit))
            .runAtShutdown(script, ENV, Deadline.after(Duration.ofMillis(50)));

    assertThat(outcome).isEqualTo(new Outcome.DeadlinePassed());
    int pid = posix.spawns().get(0).pid();
    assertThat(posix.signalsTo(pid)).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
  }

  @Test
  void ignoresShutdownSignalsDuringShutdownScripts() throws Exception {
    posix
        .program("10-script")
        .onSpawn(
            pid -> {
              reaper.signalReceived(Signals.SIGTERM);
              posix.exit(pid, 0);
            });

    Outcome outcome =
        new ScriptRunner(reaper, KILL_TIMEOUT, Optional.of(Duration.ofSeconds(10)))
            .runAtShutdown(script, ENV, Deadline.NONE);

    assertThat(outcome).isEqualTo(new Outcome.Finished(ExitStatus.exited(0)));
    assertThat(posix.kills()).isEmpty();
  }

  @Test
  void reportsAScriptThatCannotBeStarted() throws Exception {
    Path missing = dir.resolve("missing");

    Outcome outcome =
        new ScriptRunner(reaper, KILL_TIMEOUT, Optional.empty()).runAtBoot(missing, ENV);

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Outcome.NotStarted.class,
            notStarted -> {
              assertThat(notStarted.cause().shellStatus()).isEqualTo(127);
              assertThat(notStarted.cause()).hasMessageContaining(missing.toString());
            });
  }
}
