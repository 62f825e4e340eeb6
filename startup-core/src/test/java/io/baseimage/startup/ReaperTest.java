package io.baseimage.startup;

import static io.baseimage.testing.ScratchFiles.executable;
import static io.baseimage.testing.ScratchFiles.plainFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.Errno;
import io.baseimage.posix.Signals;
import io.baseimage.testing.FakePosix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaperTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** For what must happen: enough for a loaded machine, and only waited out when a test fails. */
  private static final Duration AMPLE = Duration.ofSeconds(10);

  private static final ContainerEnvironment ENV = ContainerEnvironment.of(Map.of("A", "1"));

  @TempDir Path dir;
  private final FakePosix posix = new FakePosix();
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private Reaper reaper;
  private String program;

  @BeforeEach
  void start() {
    program = executable(dir, "prog").toString();
    reaper = Reaper.start(posix, errors::add);
  }

  @AfterEach
  void reaperReportedNothing() {
    assertThat(errors).isEmpty();
  }

  private static long in(long millis) {
    return System.nanoTime() + millis * MS;
  }

  private static long soon() {
    return System.nanoTime() + AMPLE.toNanos();
  }

  @Test
  void spawnPassesPathArgumentsEnvironmentAndProcessGroup() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program, "x", "y z").inOwnProcessGroup());

    assertThat(posix.spawns())
        .singleElement()
        .satisfies(
            spawn -> {
              assertThat(spawn.pid()).isEqualTo(pid);
              assertThat(spawn.path()).isEqualTo(program);
              assertThat(spawn.argv()).containsExactly(program, "x", "y z");
              assertThat(spawn.environ()).containsExactly("A=1");
              assertThat(spawn.newProcessGroup()).isTrue();
            });
    assertThat(reaper.isRunning(pid)).isTrue();
  }

  @Test
  void dispatchesEachExitToTheRightPid() throws Exception {
    int first = reaper.spawn(Command.of(ENV, program));
    int second = reaper.spawn(Command.of(ENV, program));

    posix.exit(second, 3);
    posix.killBy(first, Signals.SIGKILL);

    assertThat(reaper.awaitExit(second, soon(), s -> false)).contains(ExitStatus.exited(3));
    assertThat(reaper.awaitExit(first, soon(), s -> false)).contains(ExitStatus.killedBy(9));
    assertThat(reaper.isRunning(first)).isFalse();
    assertThat(reaper.isRunning(second)).isFalse();
  }

  @Test
  void queuesExitsAsEventsInTheOrderTheyHappen() throws Exception {
    int first = reaper.spawn(Command.of(ENV, program));
    int second = reaper.spawn(Command.of(ENV, program));

    posix.exit(second, 1);
    posix.exit(first, 0);

    assertThat(reaper.next(soon())).contains(new Event.Exited(second, ExitStatus.exited(1)));
    assertThat(reaper.next(soon())).contains(new Event.Exited(first, ExitStatus.exited(0)));
  }

  @Test
  void childThatEndsBeforeSpawnReturnsIsNotTakenForAnOrphan() throws Exception {
    // Keep the reaper blocked in waitpid, so that it takes the status before spawn has returned.
    reaper.spawn(Command.of(ENV, program));
    posix.program("quick").exitsBeforeSpawnReturns(7);
    String quick = executable(dir, "quick").toString();
    // A reaper still on its way into waitpid would need the lock that spawn holds: wait until it is
    // in.
    posix.awaitBlockedInWaitAny(AMPLE);

    int pid = reaper.spawn(Command.of(ENV, quick));

    assertThat(posix.wasReaped(pid)).as("reaped before spawn returned").isTrue();
    assertThat(reaper.awaitExit(pid, soon(), s -> false)).contains(ExitStatus.exited(7));
  }

  @Test
  void childThatExitsAtOnceWithoutOtherChildrenIsSeen() throws Exception {
    posix.program("quick").exitsAtOnce(0);

    int pid = reaper.spawn(Command.of(ENV, executable(dir, "quick").toString()));

    assertThat(reaper.awaitExit(pid, soon(), s -> false)).contains(ExitStatus.exited(0));
  }

  @Test
  void reapsOrphansWithoutEvents() throws Exception {
    int child = reaper.spawn(Command.of(ENV, program));

    posix.orphanExits(900, 0);
    posix.orphanExits(901, 1);
    posix.orphanExits(902, 0);

    for (int orphan = 900; orphan <= 902; orphan++) {
      posix.awaitHandedOn(orphan, AMPLE);
    }
    assertThat(posix.wasReaped(900)).isTrue();
    assertThat(posix.wasReaped(902)).isTrue();
    assertThat(reaper.isRunning(child)).isTrue();
    assertThat(reaper.exitStatus(900)).isEmpty();
    assertThat(reaper.next(in(20))).as("orphans make no events").isEmpty();
  }

  @Test
  void awaitExitGivesUpAtTheDeadline() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));
    long start = System.nanoTime();

    Optional<ExitStatus> status = reaper.awaitExit(pid, in(50), s -> false);

    long elapsed = (System.nanoTime() - start) / MS;
    assertThat(status).isEmpty();
    assertThat(elapsed).isBetween(45L, 5000L);
    assertThat(reaper.isRunning(pid)).isTrue();
  }

  @Test
  void awaitExitStopsOnASignalWhenAskedTo() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));
    reaper.signalReceived(Signals.SIGHUP);
    reaper.signalReceived(Signals.SIGTERM);
    List<Integer> seen = new ArrayList<>();

    Optional<ExitStatus> status =
        reaper.awaitExit(
            pid,
            Long.MAX_VALUE,
            signal -> {
              seen.add(signal);
              return signal == Signals.SIGTERM;
            });

    assertThat(status).isEmpty();
    assertThat(seen).containsExactly(Signals.SIGHUP, Signals.SIGTERM);
  }

  @Test
  void awaitExitReturnsAStatusThatArrivedEarlier() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));
    posix.exit(pid, 5);
    posix.awaitHandedOn(pid, AMPLE);
    assertThat(reaper.exitStatus(pid)).isPresent();

    assertThat(reaper.awaitExit(pid, in(0), s -> false)).contains(ExitStatus.exited(5));
  }

  @Test
  void terminateSendsTermAndNothingMoreWhenTheChildStops() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));

    Optional<ExitStatus> status = reaper.terminate(pid, Deadline.NONE, AMPLE);

    assertThat(status).contains(ExitStatus.killedBy(Signals.SIGTERM));
    assertThat(posix.signalsTo(pid)).containsExactly(Signals.SIGTERM);
  }

  @Test
  void terminateSendsKillAfterTheTimeoutWhenTheChildIgnoresTerm() throws Exception {
    posix.program("stubborn").ignores(Signals.SIGTERM);
    int pid = reaper.spawn(Command.of(ENV, executable(dir, "stubborn").toString()));
    // The same timeout bounds the wait after SIGKILL, which must not run out before the reaper has
    // seen the end: it cannot be short, so this test waits it out once.
    Duration timeout = Duration.ofSeconds(5);
    long start = System.nanoTime();

    Optional<ExitStatus> status = reaper.terminate(pid, Deadline.NONE, timeout);

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isBetween(timeout, timeout.multipliedBy(2).plus(AMPLE));
    assertThat(status).contains(ExitStatus.killedBy(Signals.SIGKILL));
    assertThat(posix.signalsTo(pid)).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
  }

  @Test
  void terminateCanSendTermAgainUntilTheChildEnds() throws Exception {
    posix.program("stubborn").ignores(Signals.SIGTERM);
    int pid = reaper.spawn(Command.of(ENV, executable(dir, "stubborn").toString()));

    Optional<ExitStatus> status =
        reaper.terminate(pid, Deadline.NONE, Duration.ofMillis(300), Duration.ofMillis(10));

    assertThat(status).contains(ExitStatus.killedBy(Signals.SIGKILL));
    List<Integer> signals = posix.signalsTo(pid);
    assertThat(signals.subList(0, signals.size() - 1))
        .hasSizeGreaterThanOrEqualTo(2)
        .containsOnly(Signals.SIGTERM);
    assertThat(signals).endsWith(Signals.SIGKILL);
  }

  @Test
  void terminateRefusesARepeatThatIsNotPositive() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));

    assertThatThrownBy(() -> reaper.terminate(pid, Deadline.NONE, AMPLE, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(posix.signalsTo(pid)).isEmpty();
  }

  @Test
  void terminateWithAVeryLongTimeoutStillEnds() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));

    assertThat(reaper.terminate(pid, Deadline.NONE, Duration.ofDays(365L * 1000)))
        .contains(ExitStatus.killedBy(Signals.SIGTERM));
  }

  @Test
  void terminateWithinADeadlineCutsBothWaitsToIt() throws Exception {
    posix.program("stubborn").ignores(Signals.SIGTERM);
    int pid = reaper.spawn(Command.of(ENV, executable(dir, "stubborn").toString()));
    Duration hour = Duration.ofHours(1);

    Optional<ExitStatus> status =
        reaper.terminate(pid, Deadline.after(Duration.ofMillis(20)), hour);

    // Past the deadline the wait after SIGKILL is only Deadline.KILLED_GRACE: a loaded machine's
    // reaper may not have reported the end by then, which the status may show.
    assertThat(posix.signalsTo(pid)).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(reaper.awaitExit(pid, in(AMPLE.toMillis()), s -> false))
        .contains(ExitStatus.killedBy(Signals.SIGKILL));
    status.ifPresent(s -> assertThat(s).isEqualTo(ExitStatus.killedBy(Signals.SIGKILL)));
  }

  @Test
  void terminateIgnoresSignalsThatArriveMeanwhile() throws Exception {
    posix.program("stubborn").exitsOn(Signals.SIGTERM, 143);
    int pid = reaper.spawn(Command.of(ENV, executable(dir, "stubborn").toString()));
    reaper.signalReceived(Signals.SIGINT);

    assertThat(reaper.terminate(pid, Deadline.NONE, AMPLE)).contains(ExitStatus.exited(143));
    assertThat(posix.signalsTo(pid)).containsExactly(Signals.SIGTERM);
  }

  @Test
  void doesNotSignalAChildThatHasEnded() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));
    posix.exit(pid, 0);
    assertThat(reaper.awaitExit(pid, soon(), s -> false)).isPresent();

    reaper.signal(pid, Signals.SIGTERM);

    assertThat(posix.kills()).isEmpty();
  }

  @Test
  void queuesSignalsAsEvents() throws Exception {
    reaper.signalReceived(Signals.SIGHUP);
    reaper.signalReceived(Signals.SIGWINCH);

    assertThat(reaper.next(Long.MAX_VALUE)).contains(new Event.Signaled(Signals.SIGHUP));
    assertThat(reaper.next(in(0))).contains(new Event.Signaled(Signals.SIGWINCH));
    assertThat(reaper.next(in(10))).isEmpty();
  }

  @Test
  void awaitNoChildrenWaitsForEveryChildIncludingOrphans() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));
    posix.adopt(777, FakePosix.behaviour());

    assertThat(reaper.awaitNoChildren(in(30))).isFalse();

    posix.exit(pid, 0);
    assertThat(reaper.awaitNoChildren(in(30))).as("the orphan is left").isFalse();

    posix.exit(777, 0);
    assertThat(reaper.awaitNoChildren(soon())).isTrue();
  }

  @Test
  void aNoChildrenAnswerThatRacedASpawnIsNotTakenForNoChildren() throws Exception {
    // The reaper found no children, then lost the CPU; meanwhile a child was spawned and someone
    // began to wait for "no children left". The late answer must not end that wait.
    FakePosix racing = new FakePosix();
    racing.holdNoChildren();
    Reaper raced = Reaper.start(racing, errors::add);
    racing.awaitNoChildrenHeld();
    raced.spawn(Command.of(ENV, program));
    Thread waiter = Thread.currentThread();
    Thread releaser =
        new Thread(
            () -> {
              while (waiter.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait();
              }
              racing.releaseNoChildren();
            });
    releaser.start();

    assertThat(raced.awaitNoChildren(in(1000))).as("a child is still running").isFalse();
    releaser.join();
  }

  @Test
  void awaitNoChildrenSeesAnOrphanHandedToUsAfterTheLastChildEnded() throws Exception {
    int pid = reaper.spawn(Command.of(ENV, program));
    posix.exit(pid, 0);
    assertThat(reaper.awaitNoChildren(soon())).isTrue();

    // An orphan arrives while the reaper idles without children (a `docker exec` session's
    // background job whose shell ended): it must still count.
    posix.adopt(778, FakePosix.behaviour());

    assertThat(reaper.awaitNoChildren(in(50))).isFalse();
    posix.exit(778, 0);
    assertThat(reaper.awaitNoChildren(soon())).isTrue();
  }

  @Test
  void aRecycledPidDoesNotReturnTheStatusOfTheChildThatHadItBefore() throws Exception {
    int first = reaper.spawn(Command.of(ENV, program));
    posix.exit(first, 5);
    assertThat(reaper.awaitExit(first, in(10_000), s -> false)).contains(ExitStatus.exited(5));

    posix.reusePid(first);
    int second = reaper.spawn(Command.of(ENV, program));

    assertThat(second).isEqualTo(first);
    assertThat(reaper.exitStatus(second)).as("the new child is still running").isEmpty();
    assertThat(reaper.isRunning(second)).isTrue();
  }

  @Test
  void terminateContinuesAStoppedChildSoThatItSeesTheTerm() throws Exception {
    posix.program("prog").ignores(Signals.SIGTERM);
    int pid = reaper.spawn(Command.of(ENV, program));

    reaper.terminate(pid, Deadline.NONE, Duration.ofNanos(MS));

    assertThat(posix.kills())
        .containsSubsequence(
            new FakePosix.Kill(pid, Signals.SIGTERM),
            new FakePosix.Kill(pid, Signals.SIGCONT),
            new FakePosix.Kill(pid, Signals.SIGKILL));
  }

  @Test
  void reportsAMissingProgramAs127() {
    assertThatThrownBy(() -> reaper.spawn(Command.of(ENV, dir.resolve("missing").toString())))
        .isInstanceOfSatisfying(
            SpawnException.class,
            e -> {
              assertThat(e.shellStatus()).isEqualTo(127);
              assertThat(e)
                  .hasMessage(
                      "cannot execute " + dir.resolve("missing") + ": No such file or directory");
            });
    assertThat(posix.spawns()).isEmpty();
  }

  @Test
  void reportsAProgramNotFoundOnPathAs127() {
    ContainerEnvironment env = ContainerEnvironment.of(Map.of("PATH", dir.toString()));

    assertThatThrownBy(() -> reaper.spawn(Command.of(env, "no-such-program")))
        .isInstanceOfSatisfying(
            SpawnException.class, e -> assertThat(e.shellStatus()).isEqualTo(127))
        .hasMessage("cannot execute no-such-program: No such file or directory");
    assertThat(posix.spawns()).isEmpty();
  }

  @Test
  void reportsAProgramThatIsNotExecutableAs126() {
    Path plain = plainFile(dir, "plain");

    assertThatThrownBy(() -> reaper.spawn(Command.of(ENV, plain.toString())))
        .isInstanceOfSatisfying(
            SpawnException.class, e -> assertThat(e.shellStatus()).isEqualTo(126))
        .hasMessage("cannot execute " + plain + ": Permission denied");
  }

  @Test
  void reportsATooLargeEnvironmentWithItsSize() {
    posix.program("prog").failsToSpawn(Errno.E2BIG);

    assertThatThrownBy(() -> reaper.spawn(Command.of(ENV, program)))
        .isInstanceOfSatisfying(
            SpawnException.class, e -> assertThat(e.shellStatus()).isEqualTo(126))
        .hasMessageContaining("E2BIG, 1 variables");
  }

  @Test
  void findsTheProgramOnTheChildsPath() throws Exception {
    Path bin = executable(dir.resolve("bin"), "tool");
    ContainerEnvironment env =
        ContainerEnvironment.of(Map.of("PATH", "/nonexistent:" + bin.getParent()));

    reaper.spawn(Command.of(env, "tool", "arg"));

    assertThat(posix.spawns())
        .singleElement()
        .satisfies(
            spawn -> {
              assertThat(spawn.path()).isEqualTo(bin.toString());
              assertThat(spawn.argv()).containsExactly("tool", "arg");
            });
  }
}
