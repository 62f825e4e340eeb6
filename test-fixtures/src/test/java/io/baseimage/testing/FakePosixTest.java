package io.baseimage.testing;

import static io.baseimage.testing.ScratchFiles.executable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baseimage.posix.Errno;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.Signals;
import io.baseimage.posix.WaitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fake behaves like the kernel where the tests of the init system rely on it. */
class FakePosixTest {
  private static final Duration AMPLE = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final FakePosix posix = new FakePosix();

  private int spawn(String name) throws ErrnoException {
    Path file = executable(dir, name);
    return posix.spawn(
        file.toString().getBytes(),
        List.of(file.toString().getBytes()),
        List.of(),
        false,
        Optional.empty());
  }

  @Test
  void waitAnyReturnsEmptyWithoutChildren() {
    assertThat(posix.waitAny()).isEmpty();
  }

  @Test
  void waitAnyBlocksUntilAChildEnds() throws Exception {
    int pid = spawn("prog");
    CompletableFuture<Optional<WaitStatus>> waiting = CompletableFuture.supplyAsync(posix::waitAny);
    posix.awaitBlockedInWaitAny(AMPLE);
    assertThat(waiting).isNotDone();

    posix.exit(pid, 3);

    assertThat(waiting.get(AMPLE.toSeconds(), TimeUnit.SECONDS))
        .contains(new WaitStatus(pid, 3 << 8));
    assertThat(posix.waitAny()).isEmpty();
  }

  @Test
  void aStatusIsHandedOnOnceWaitAnyIsCalledAgain() throws Exception {
    int pid = spawn("prog");
    posix.exit(pid, 0);
    posix.waitAny();

    // Nothing calls waitAny meanwhile: however slow the machine, this can only run out.
    assertThatThrownBy(() -> posix.awaitHandedOn(pid, Duration.ofMillis(20)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not handed on");

    posix.waitAny();
    posix.awaitHandedOn(pid, Duration.ZERO);
  }

  @Test
  void aRelativePathIsFoundInTheChildsDirectory() throws Exception {
    // As posix_spawn with a chdir action runs `./check` of a service directory (sv check).
    executable(dir, "check");

    int pid =
        posix.spawn(
            "./check".getBytes(),
            List.of("./check".getBytes()),
            List.of(),
            false,
            Optional.of(dir.toString().getBytes()));

    assertThat(posix.spawns()).singleElement().extracting(FakePosix.Spawn::pid).isEqualTo(pid);
    assertThatThrownBy(
            () ->
                posix.spawn(
                    "./check".getBytes(),
                    List.of("./check".getBytes()),
                    List.of(),
                    false,
                    Optional.of(dir.resolve("elsewhere").toString().getBytes())))
        .isInstanceOf(ErrnoException.class)
        .extracting(e -> ((ErrnoException) e).errno())
        .isEqualTo(Errno.ENOENT);
  }

  @Test
  void runsAnActionWhenItsCallIsMade() throws Exception {
    List<String> seen = new ArrayList<>();
    posix.onCall("releaseIdleMemory", () -> seen.add("released after " + posix.calls()));

    posix.setThreadName("main");
    posix.releaseIdleMemory();

    assertThat(seen).containsExactly("released after [setThreadName(main), releaseIdleMemory()]");
  }

  @Test
  void handsOutIncreasingPids() throws Exception {
    assertThat(spawn("a")).isLessThan(spawn("b"));
  }

  @Test
  void signalsEndChildrenAsScripted() throws Exception {
    posix.program("polite").exitsOn(Signals.SIGTERM, 143);
    posix.program("stubborn").ignores(Signals.SIGTERM, Signals.SIGKILL);
    int polite = spawn("polite");
    int stubborn = spawn("stubborn");
    int plain = spawn("plain");

    posix.kill(plain, Signals.SIGWINCH);
    posix.kill(polite, Signals.SIGTERM);
    posix.kill(stubborn, Signals.SIGTERM);
    posix.kill(plain, Signals.SIGTERM);
    posix.kill(stubborn, Signals.SIGKILL);

    assertThat(
            List.of(
                posix.waitAny().orElseThrow(),
                posix.waitAny().orElseThrow(),
                posix.waitAny().orElseThrow()))
        .containsExactly(
            new WaitStatus(polite, 143 << 8),
            new WaitStatus(plain, Signals.SIGTERM),
            new WaitStatus(stubborn, Signals.SIGKILL));
  }

  @Test
  void killMinusOneReachesEveryChild() throws Exception {
    int a = spawn("a");
    posix.adopt(900, FakePosix.behaviour());

    posix.kill(-1, Signals.SIGTERM);

    assertThat(List.of(posix.waitAny().orElseThrow().pid(), posix.waitAny().orElseThrow().pid()))
        .containsExactlyInAnyOrder(a, 900);
  }

  @Test
  void spawnFailsLikePosixSpawnForMissingOrNonExecutableFiles() {
    assertThatThrownBy(
            () ->
                posix.spawn(
                    dir.resolve("x").toString().getBytes(),
                    List.of(),
                    List.of(),
                    false,
                    Optional.empty()))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    Path plain = ScratchFiles.plainFile(dir, "plain");
    assertThatThrownBy(
            () ->
                posix.spawn(
                    plain.toString().getBytes(), List.of(), List.of(), false, Optional.empty()))
        .isInstanceOfSatisfying(
            ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EACCES));
    assertThat(posix.spawns()).isEmpty();
  }
}
