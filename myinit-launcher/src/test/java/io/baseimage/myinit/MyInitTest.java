package io.baseimage.myinit;

import static io.baseimage.testing.ScratchFiles.executable;
import static io.baseimage.testing.ScratchFiles.plainFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.Signals;
import io.baseimage.posix.WaitStatus;
import io.baseimage.startup.Reaper;
import io.baseimage.startup.ScriptRunner;
import io.baseimage.testing.FakePosix;
import io.baseimage.testing.FakePosix.Kill;
import io.baseimage.testing.FakePosix.Spawn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot and shutdown sequence against {@link FakePosix}: nothing is started for real, the
 * programs exist only as files in a temporary tree so that the lookups behave as in a container.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MyInitTest {
  /**
   * The timeouts of a test that expects every step to end by itself (a child that stops on SIGTERM,
   * a script that exits at once): enough for a loaded machine's reaper, never waited out when the
   * test passes.
   */
  private static final Duration AMPLE = Duration.ofSeconds(10);

  /**
   * A timeout that the test expects to pass (a child that ignores SIGTERM): a slow machine only
   * makes it pass later.
   */
  private static final Duration RUNS_OUT = Duration.ofMillis(100);

  /** A shutdown deadline that a test which is not about it never reaches. */
  private static final Duration NO_DEADLINE = Duration.ofMinutes(10);

  @TempDir Path root;
  private final FakePosix posix = new FakePosix();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> reaperErrors = Collections.synchronizedList(new ArrayList<>());
  private Layout layout;
  private Path bin;
  private Settings settings;
  private Reaper reaper;
  private long elapsedMillis;

  @BeforeEach
  void tree() throws Exception {
    Path etc = Files.createDirectories(root.resolve("etc"));
    layout =
        new Layout(
            Files.createDirectories(etc.resolve("container_environment")),
            etc.resolve("container_environment.sh"),
            etc.resolve("container_environment.json"),
            Files.createDirectories(etc.resolve("my_init.d")),
            etc.resolve("rc.local"),
            Files.createDirectories(etc.resolve("my_init.pre_shutdown.d")),
            Files.createDirectories(etc.resolve("my_init.post_shutdown.d")),
            Files.createDirectories(etc.resolve("service")),
            Files.createDirectories(root.resolve("proc")),
            List.of(root.resolve("no-run"), Files.createDirectories(root.resolve("tmp"))),
            Files.createDirectories(root.resolve("no-services")));
    bin = Files.createDirectories(root.resolve("bin"));
    executable(bin, "runsvdir");
    executable(bin, "sv");
    executable(bin, "cmd");
    posix.program("sv").exitsAtOnce(0);
    // Deliberately not the temporary tree: the scripts must come from the layout.
    settings =
        new Settings(
            AMPLE,
            AMPLE,
            NO_DEADLINE,
            Path.of("/etc/my_init.d"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
  }

  private void killTimeouts(Duration killProcess, Duration killAllProcesses) {
    settings =
        new Settings(
            killProcess,
            killAllProcesses,
            settings.shutdownTimeout(),
            settings.initDirectory(),
            settings.scriptTimeout(),
            settings.logLevel(),
            settings.waitForServices());
  }

  @AfterEach
  void reaperHadNoTrouble() {
    assertThat(reaperErrors).isEmpty();
  }

  private int run(String... args) throws Exception {
    return run(ContainerEnvironment.of(Map.of("PATH", bin.toString())), args);
  }

  private int run(ContainerEnvironment processEnvironment, String... args) throws Exception {
    Options options =
        Options.parse(Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
    if (reaper == null) {
      reaper = Reaper.start(posix, reaperErrors::add);
    }
    Reaper started = reaper;
    MyInit init =
        new MyInit(
            () -> started,
            options,
            settings,
            layout,
            new Log(err, Log.Level.of(settings.logLevel(), options.quiet())));
    long start = System.nanoTime();
    int status = init.run(processEnvironment);
    elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return status;
  }

  private List<String> log() {
    return err.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private List<String> spawned() {
    return posix.spawns().stream().map(Spawn::program).toList();
  }

  private Spawn spawnOf(String program) {
    return posix.spawns().stream()
        .filter(s -> s.program().equals(program))
        .findFirst()
        .orElseThrow();
  }

  private Path script(Path dir, String name, int exitCode) {
    posix.program(name).exitsAtOnce(exitCode);
    return executable(dir, name);
  }

  private void awaitHandedOn(String program) {
    try {
      posix.awaitHandedOn(spawnOf(program).pid(), AMPLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // --- the sequence ---------------------------------------------------------------------------

  @Test
  void bootsAndShutsDownInOrder() throws Exception {
    Files.writeString(layout.environmentDirectory().resolve("FROM_DIRECTORY"), "d");
    Path first = script(layout.initDirectory(), "10-first", 0);
    Path second = script(layout.initDirectory(), "20-second", 0);
    plainFile(layout.initDirectory(), "30-not-executable");
    Path rcLocal = script(root.resolve("etc"), "rc.local", 0);
    Path pre = script(layout.preShutdownDirectory(), "pre", 0);
    Path post = script(layout.postShutdownDirectory(), "post", 0);
    posix
        .program("10-first")
        .onSpawn(pid -> write(layout.environmentDirectory().resolve("ADDED"), "yes"));
    posix.program("cmd").exitsAtOnce(0);

    int status = run("--", "cmd", "arg");

    assertThat(status).isZero();
    assertThat(spawned())
        .containsExactly("10-first", "20-second", "rc.local", "runsvdir", "cmd", "pre", "post");
    int runsvdir = spawnOf("runsvdir").pid();
    assertThat(log())
        .containsExactly(
            "*** Running " + first + "...",
            "*** Running " + second + "...",
            "*** Running " + rcLocal + "...",
            "*** Booting runit daemon...",
            "*** Runit started as PID " + runsvdir,
            "*** Running cmd arg...",
            "*** cmd arg exited with status 0.",
            "*** Running " + pre + "...",
            "*** Shutting down runit daemon (PID " + runsvdir + ")...",
            "*** Running " + post + "...",
            "*** Killing all processes...");
    assertThat(spawnOf("runsvdir").argv())
        .containsExactly(
            bin.resolve("runsvdir").toString(), "-P", layout.serviceDirectory().toString());
    assertThat(spawnOf("cmd").argv()).containsExactly("cmd", "arg");
    assertThat(spawnOf("cmd").path()).isEqualTo(bin.resolve("cmd").toString());
    assertThat(posix.signalsTo(runsvdir)).containsExactly(Signals.SIGTERM);
  }

  @Test
  void notPid1BecomesChildSubreaperAndIgnoresQuitTtouTtin() throws Exception {
    posix.pid(4242);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    assertThat(posix.calls())
        .contains("ignore(3)", "ignore(22)", "ignore(21)", "becomeChildSubreaper()");
  }

  @Test
  void asPid1IsNoSubreaper() throws Exception {
    posix.pid(1);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    assertThat(posix.calls()).contains("ignore(3)").doesNotContain("becomeChildSubreaper()");
  }

  @Test
  void keepsItsMemoryWhileAShortCommandRuns() throws Exception {
    posix.program("cmd").exitsAtOnce(0);
    // my_init must have seen the end before its second of quiet is up; a reaper that a loaded
    // machine runs a second late would rightly make it give memory back. Giving the command the
    // terminal is the one step between the spawn and that wait: there the test waits for the
    // reaper.
    posix.terminal(true);
    posix.onCall("setForegroundProcessGroup", () -> awaitHandedOn("cmd"));

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    assertThat(posix.calls()).doesNotContain("releaseIdleMemory()");
  }

  @Test
  void importsTheEnvironmentBeforeItNeedsTheNativeLayer() throws Exception {
    // Main loads the native layer on a thread of its own meanwhile (docs/benchmarks.md, "Levers").
    List<String> seenAtStart = new ArrayList<>();
    MyInit init =
        new MyInit(
            () -> {
              seenAtStart.add("dumps written: " + Files.exists(layout.jsonDump()));
              seenAtStart.add("calls: " + posix.calls());
              reaper = Reaper.start(posix, reaperErrors::add);
              return reaper;
            },
            Options.parse(List.of("--skip-runit".getBytes(), "--".getBytes(), "cmd".getBytes())),
            settings,
            layout,
            new Log(err, Log.Level.of(Optional.empty(), false)));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(init.run(ContainerEnvironment.of(Map.of("PATH", bin.toString())))).isZero();

    assertThat(seenAtStart).containsExactly("dumps written: true", "calls: []");
  }

  @Test
  void aNativeLayerThatCannotLoadStopsTheBootBeforeAnythingRuns() throws Exception {
    script(layout.initDirectory(), "10-first", 0);
    MyInit init =
        new MyInit(
            () -> {
              throw new UnsatisfiedLinkError("no jffi");
            },
            Options.parse(List.of()),
            settings,
            layout,
            new Log(err, Log.Level.of(Optional.empty(), false)));

    // Main turns it into one line and exit 1; nothing was spawned that would need stopping.
    assertThatThrownBy(() -> init.run(ContainerEnvironment.of(Map.of("PATH", bin.toString()))))
        .isInstanceOf(UnsatisfiedLinkError.class);
    assertThat(posix.calls()).isEmpty();
  }

  @Test
  void knowsEveryKindOfOutcome() {
    // MyInit and Shutdown tell outcomes apart with instanceof, not a pattern switch (whose
    // bootstrap spins a class at run time), so the compiler no longer checks that every kind is
    // handled: a new kind must be handled there first, then added here.
    assertThat(ScriptRunner.Outcome.class.getPermittedSubclasses())
        .extracting(Class::getSimpleName)
        .containsExactlyInAnyOrder(
            "Finished", "TimedOut", "Aborted", "DeadlinePassed", "NotStarted");
    assertThat(ServiceReadiness.Outcome.class.getPermittedSubclasses())
        .extracting(Class::getSimpleName)
        .containsExactlyInAnyOrder("Ready", "NotReady", "Aborted", "EssentialEnded");
  }

  @Test
  void givesMemoryBackAfterASecondOfQuiet() throws Exception {
    // The command runs until my_init gives memory back, however long that takes.
    AtomicLong spawned = new AtomicLong();
    AtomicLong released = new AtomicLong();
    posix.program("cmd").onSpawn(pid -> spawned.set(System.nanoTime()));
    posix.onCall(
        "releaseIdleMemory",
        () -> {
          released.set(System.nanoTime());
          posix.exit(spawnOf("cmd").pid(), 0);
        });

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    assertThat(posix.calls()).containsOnlyOnce("releaseIdleMemory()");
    assertThat(Duration.ofNanos(released.get() - spawned.get()))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void importsTheEnvironmentBeforeTheFirstScriptAndAfterEachScript() throws Exception {
    Files.writeString(layout.environmentDirectory().resolve("FROM_DIRECTORY"), "d");
    Files.writeString(layout.environmentDirectory().resolve("OVERRIDDEN"), "file");
    script(layout.initDirectory(), "10-first", 0);
    script(layout.initDirectory(), "20-second", 0);
    posix
        .program("10-first")
        .onSpawn(
            pid -> {
              assertThat(layout.shellDump())
                  .as("dumps written before the first script")
                  .isRegularFile();
              assertThat(layout.jsonDump()).isRegularFile();
              write(layout.environmentDirectory().resolve("ADDED"), "yes");
            });
    posix.program("cmd").exitsAtOnce(0);

    run(
        ContainerEnvironment.of(
            Map.of("PATH", bin.toString(), "OVERRIDDEN", "process", "HOME", "/root")),
        "--skip-runit",
        "--",
        "cmd");

    Spawn first = spawnOf("10-first");
    assertThat(first.variable("FROM_DIRECTORY")).contains("d");
    assertThat(first.variable("OVERRIDDEN")).contains("process");
    assertThat(first.variable("ADDED")).isEmpty();
    Spawn second = spawnOf("20-second");
    assertThat(second.variable("ADDED")).contains("yes");
    assertThat(second.variable("HOME"))
        .as("identity variables survive the re-import")
        .contains("/root");
    assertThat(spawnOf("cmd").variable("ADDED")).contains("yes");
    assertThat(Files.readString(layout.shellDump())).contains("ADDED");
  }

  @Test
  void skipStartupFilesRunsNoScript() throws Exception {
    script(layout.initDirectory(), "10-first", 0);
    script(root.resolve("etc"), "rc.local", 0);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-startup-files", "--", "cmd")).isZero();

    assertThat(spawned()).containsExactly("runsvdir", "cmd");
  }

  @Test
  void skipRunitStartsNoRunsvdir() throws Exception {
    script(layout.initDirectory(), "10-first", 0);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    assertThat(spawned()).containsExactly("10-first", "cmd");
    assertThat(log()).noneMatch(line -> line.contains("runit"));
  }

  @Test
  void withoutACommandWaitsForRunsvdirAndExitsWithItsStatus() throws Exception {
    posix.program("runsvdir").onSpawn(pid -> posix.exit(pid, 4));

    assertThat(run()).isEqualTo(4);

    int runsvdir = spawnOf("runsvdir").pid();
    assertThat(log())
        .containsExactly(
            "*** Booting runit daemon...",
            "*** Runit started as PID " + runsvdir,
            "*** runsvdir exited with status 4.",
            "*** Killing all processes...");
    assertThat(posix.kills()).isEmpty();
  }

  // --- exit statuses --------------------------------------------------------------------------

  @Test
  void exitsWithTheCommandsStatus() throws Exception {
    posix.program("cmd").exitsAtOnce(3);

    assertThat(run("--skip-runit", "--", "cmd", "a b")).isEqualTo(3);

    assertThat(log())
        .containsExactly(
            "*** Running cmd a b...",
            "*** cmd a b exited with status 3.",
            "*** Killing all processes...");
  }

  @Test
  void exitsWith128PlusTheSignalThatKilledTheCommand() throws Exception {
    posix.program("cmd").onSpawn(pid -> posix.killBy(pid, Signals.SIGKILL));

    assertThat(run("--skip-runit", "cmd")).isEqualTo(137);

    assertThat(log()).contains("*** cmd was killed by signal SIGKILL.");
  }

  @Test
  void exitsWith127WhenTheCommandIsNotFound() throws Exception {
    assertThat(run("--skip-runit", "--", "no-such-command")).isEqualTo(127);

    assertThat(log())
        .containsExactly(
            "*** Running no-such-command...",
            "*** cannot execute no-such-command: No such file or directory",
            "*** Killing all processes...");
  }

  @Test
  void exitsWith126WhenTheCommandIsNotExecutable() throws Exception {
    Path plain = plainFile(bin, "plain");

    assertThat(run("--skip-runit", "--", "plain")).isEqualTo(126);

    assertThat(log()).contains("*** cannot execute " + plain + ": Permission denied");
  }

  @Test
  void aFailingScriptStopsTheBootWithExit1() throws Exception {
    script(layout.initDirectory(), "10-ok", 0);
    Path bad = script(layout.initDirectory(), "20-bad", 3);
    script(layout.initDirectory(), "30-never", 0);
    script(root.resolve("etc"), "rc.local", 0);

    assertThat(run("--", "cmd")).isEqualTo(1);

    assertThat(spawned()).containsExactly("10-ok", "20-bad");
    assertThat(log())
        .containsSubsequence(
            "*** Running " + bad + "...",
            "*** " + bad + " failed with status 3.",
            "*** Killing all processes...");
    assertThat(log()).noneMatch(line -> line.contains("runit") || line.contains("aborted"));
  }

  @Test
  void aScriptKilledByASignalStopsTheBoot() throws Exception {
    Path bad = executable(layout.initDirectory(), "10-bad");
    posix.program("10-bad").onSpawn(pid -> posix.killBy(pid, Signals.SIGTERM));

    assertThat(run()).isEqualTo(1);

    assertThat(log()).contains("*** " + bad + " was killed by signal SIGTERM.");
    assertThat(spawned()).containsExactly("10-bad");
  }

  @Test
  void aScriptOverTheTimeLimitIsStoppedAndFails() throws Exception {
    settings =
        new Settings(
            RUNS_OUT,
            AMPLE,
            NO_DEADLINE,
            settings.initDirectory(),
            Optional.of(Duration.ofMillis(50)),
            Optional.empty(),
            Optional.empty());
    Path slow = executable(layout.initDirectory(), "10-slow");
    posix.program("10-slow").ignores(Signals.SIGTERM);

    assertThat(run()).isEqualTo(1);

    assertThat(log())
        .contains(
            "*** "
                + slow
                + " did not finish within MY_INIT_SCRIPT_TIMEOUT (50 ms) and was stopped.");
    assertThat(posix.signalsTo(spawnOf("10-slow").pid()))
        .containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(spawned()).containsExactly("10-slow");
  }

  @Test
  void sigtermDuringTheCommandStopsItWithTermThenKillAndExits2() throws Exception {
    killTimeouts(RUNS_OUT, AMPLE);
    posix
        .program("cmd")
        .ignores(Signals.SIGTERM)
        .onSpawn(pid -> reaper.signalReceived(Signals.SIGTERM));

    assertThat(run("--skip-runit", "--", "cmd")).isEqualTo(2);

    int cmd = spawnOf("cmd").pid();
    assertThat(posix.signalsTo(cmd)).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(RUNS_OUT.toMillis());
    assertThat(log())
        .containsExactly(
            "*** Running cmd...", "*** Init system aborted.", "*** Killing all processes...");
  }

  @Test
  void sigintDuringTheCommandWithRunitShutsEverythingDown() throws Exception {
    posix.program("cmd").onSpawn(pid -> reaper.signalReceived(Signals.SIGINT));

    assertThat(run("--", "cmd")).isEqualTo(2);

    int runsvdir = spawnOf("runsvdir").pid();
    assertThat(posix.signalsTo(spawnOf("cmd").pid())).containsExactly(Signals.SIGTERM);
    assertThat(posix.signalsTo(runsvdir)).containsExactly(Signals.SIGTERM);
    assertThat(log())
        .containsSubsequence(
            "*** Running cmd...",
            "*** Shutting down runit daemon (PID " + runsvdir + ")...",
            "*** Init system aborted.",
            "*** Killing all processes...");
  }

  @Test
  void aSecondSigtermDuringTheShutdownNeitherRestartsNorSkipsIt() throws Exception {
    // The command ignores SIGTERM, so the test waits out the kill timeout once; it cannot be short,
    // since runsvdir must stop on SIGTERM within the same timeout.
    killTimeouts(Duration.ofSeconds(5), AMPLE);
    Path pre = script(layout.preShutdownDirectory(), "pre", 0);
    posix
        .program("cmd")
        .ignores(Signals.SIGTERM)
        .onSpawn(
            pid -> {
              reaper.signalReceived(Signals.SIGTERM);
              reaper.signalReceived(Signals.SIGTERM);
            });
    posix.program("pre").onSpawn(pid -> reaper.signalReceived(Signals.SIGTERM));

    assertThat(run("--", "cmd")).isEqualTo(2);

    int runsvdir = spawnOf("runsvdir").pid();
    assertThat(posix.signalsTo(spawnOf("cmd").pid()))
        .containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(posix.signalsTo(spawnOf("pre").pid()))
        .as("shutdown scripts are not aborted")
        .isEmpty();
    assertThat(posix.signalsTo(runsvdir)).containsExactly(Signals.SIGTERM);
    assertThat(log())
        .containsExactly(
            "*** Booting runit daemon...",
            "*** Runit started as PID " + runsvdir,
            "*** Running cmd...",
            "*** Running " + pre + "...",
            "*** Shutting down runit daemon (PID " + runsvdir + ")...",
            "*** Init system aborted.",
            "*** Killing all processes...");
  }

  @Test
  void sigtermDuringAStartupScriptAbortsTheBootWithExit2() throws Exception {
    Path slow = executable(layout.initDirectory(), "10-slow");
    script(layout.initDirectory(), "20-never", 0);
    posix.program("10-slow").onSpawn(pid -> reaper.signalReceived(Signals.SIGTERM));

    assertThat(run("--", "cmd")).isEqualTo(2);

    assertThat(spawned()).containsExactly("10-slow");
    assertThat(posix.signalsTo(spawnOf("10-slow").pid())).containsExactly(Signals.SIGTERM);
    assertThat(log())
        .containsExactly(
            "*** Running " + slow + "...",
            "*** Init system aborted.",
            "*** Killing all processes...");
  }

  @Test
  void sigtermWhileWaitingForRunsvdirShutsItDownAndExits2() throws Exception {
    killTimeouts(RUNS_OUT, AMPLE);
    posix
        .program("runsvdir")
        .ignores(Signals.SIGTERM)
        .onSpawn(pid -> reaper.signalReceived(Signals.SIGTERM));

    assertThat(run()).isEqualTo(2);

    int runsvdir = spawnOf("runsvdir").pid();
    assertThat(posix.signalsTo(runsvdir)).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(log())
        .containsExactly(
            "*** Booting runit daemon...",
            "*** Runit started as PID " + runsvdir,
            "*** Shutting down runit daemon (PID " + runsvdir + ")...",
            "*** Init system aborted.",
            "*** Killing all processes...");
  }

  @Test
  void forwardsHupUsr1Usr2AndWinchToTheCommand() throws Exception {
    posix
        .program("cmd")
        .ignores(Signals.SIGHUP, Signals.SIGUSR1, Signals.SIGWINCH)
        .exitsOn(Signals.SIGUSR2, 0)
        .onSpawn(
            pid -> {
              reaper.signalReceived(Signals.SIGHUP);
              reaper.signalReceived(Signals.SIGUSR1);
              reaper.signalReceived(Signals.SIGWINCH);
              reaper.signalReceived(Signals.SIGUSR2);
            });

    assertThat(run("--", "cmd")).isZero();

    assertThat(posix.signalsTo(spawnOf("cmd").pid()))
        .containsExactly(Signals.SIGHUP, Signals.SIGUSR1, Signals.SIGWINCH, Signals.SIGUSR2);
    assertThat(posix.signalsTo(spawnOf("runsvdir").pid())).containsExactly(Signals.SIGTERM);
  }

  @Test
  void ignoresForwardableSignalsWithoutACommand() throws Exception {
    posix
        .program("runsvdir")
        .onSpawn(
            pid -> {
              reaper.signalReceived(Signals.SIGHUP);
              reaper.signalReceived(Signals.SIGWINCH);
              posix.exit(pid, 0);
            });

    assertThat(run()).isZero();

    assertThat(posix.kills()).isEmpty();
  }

  @Test
  void givesTheTerminalToTheCommandsProcessGroup() throws Exception {
    posix.terminal(true);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    Spawn cmd = spawnOf("cmd");
    assertThat(cmd.newProcessGroup()).isTrue();
    assertThat(posix.calls()).contains("setForegroundProcessGroup(0, " + cmd.pid() + ")");
    assertThat(posix.kills()).startsWith(new Kill(-cmd.pid(), Signals.SIGCONT));
  }

  @Test
  void aSignalTakenBeforeThereIsACommandIsNotForwardedToIt() throws Exception {
    // A HUP that came while the JVM started or runit was started: the command did not exist yet.
    reaper = Reaper.start(posix, reaperErrors::add);
    reaper.signalReceived(Signals.SIGHUP);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    assertThat(posix.signalsTo(spawnOf("cmd").pid())).isEmpty();
  }

  @Test
  void aShutdownSignalTakenBeforeTheCommandStopsTheBootBeforeItStarts() throws Exception {
    reaper = Reaper.start(posix, reaperErrors::add);
    reaper.signalReceived(Signals.SIGTERM);

    assertThat(run("--skip-runit", "--", "cmd")).isEqualTo(2);

    assertThat(spawned()).doesNotContain("cmd");
    assertThat(log()).contains("*** Init system aborted.");
  }

  @Test
  void aScriptThatMakesTheDirectoryUnreadableDeletesNoVariable() throws Exception {
    Files.writeString(layout.environmentDirectory().resolve("FROM_DIRECTORY"), "d");
    script(layout.initDirectory(), "10-replace", 0);
    posix
        .program("10-replace")
        .onSpawn(
            pid -> {
              try {
                try (var files = Files.list(layout.environmentDirectory())) {
                  for (Path file : files.toList()) {
                    Files.delete(file);
                  }
                }
                Files.delete(layout.environmentDirectory());
                Files.writeString(layout.environmentDirectory(), "a file now");
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    posix.program("cmd").exitsAtOnce(0);

    assertThat(
            run(
                ContainerEnvironment.of(Map.of("PATH", bin.toString(), "FOO", "cli")),
                "--skip-runit",
                "--",
                "cmd"))
        .isZero();

    assertThat(spawnOf("cmd").environ()).contains("FOO=cli", "FROM_DIRECTORY=d");
  }

  @Test
  void logsEachProblemOfTheEnvironmentOnceAsAWarning() throws Exception {
    Files.createDirectory(layout.environmentDirectory().resolve("SUBDIR"));
    script(layout.initDirectory(), "10-first", 0);
    script(layout.initDirectory(), "20-second", 0);
    posix.program("cmd").exitsAtOnce(0);
    ContainerEnvironment process =
        ContainerEnvironment.of(Map.of("PATH", bin.toString()))
            .with(ByteString.of("RAW"), ByteString.of(new byte[] {(byte) 0xff}));

    assertThat(run(process, "--skip-runit", "--", "cmd")).isZero();

    assertThat(log())
        .filteredOn(line -> line.contains("WARNING"))
        .containsExactly(
            "*** WARNING: "
                + layout.environmentDirectory().resolve("SUBDIR")
                + ": skipped: a directory",
            "*** WARNING: RAW: not valid UTF-8: written to the JSON dump with U+FFFD for each invalid byte");
  }

  @Test
  void takesTheTerminalBackOnceTheCommandHasEnded() throws Exception {
    posix.terminal(true);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    int cmd = spawnOf("cmd").pid();
    assertThat(posix.calls())
        .containsSubsequence(
            "setForegroundProcessGroup(0, " + cmd + ")",
            "setForegroundProcessGroup(0, " + posix.processGroup() + ")");
    assertThat(log()).noneMatch(line -> line.contains("WARNING"));
  }

  @Test
  void runsTheCommandInOurProcessGroupWithoutATerminal() throws Exception {
    posix.program("cmd").exitsAtOnce(0);

    run("--skip-runit", "--", "cmd");

    assertThat(spawnOf("cmd").newProcessGroup()).isFalse();
    assertThat(posix.calls()).noneMatch(call -> call.startsWith("setForegroundProcessGroup"));
  }

  @Test
  void startsRunsvdirInAProcessGroupOfItsOwnWithoutGivingItTheTerminal() throws Exception {
    posix.terminal(true);
    posix.program("cmd").exitsAtOnce(0);

    run("--", "cmd");

    Spawn runsvdir = spawnOf("runsvdir");
    assertThat(runsvdir.newProcessGroup())
        .as("a terminal's Ctrl-C must not reach runsvdir")
        .isTrue();
    assertThat(posix.calls())
        .doesNotContain("setForegroundProcessGroup(0, " + runsvdir.pid() + ")");
  }

  @Test
  void anUnexpectedFailureDuringTheBootStillRunsTheWholeShutdown() throws Exception {
    Path pre = script(layout.preShutdownDirectory(), "pre", 0);
    posix
        .program("cmd")
        .onSpawn(
            pid -> {
              throw new IllegalStateException("a bug");
            });

    assertThat(run("--", "cmd")).isEqualTo(1);

    assertThat(log())
        .containsSubsequence(
            "*** my_init failed: java.lang.IllegalStateException: a bug",
            "*** Running " + pre + "...",
            "*** Shutting down runit daemon (PID " + spawnOf("runsvdir").pid() + ")...",
            "*** Killing all processes...");
  }

  // --- not root (docs/user-guide.md, "Read-only and non-root containers")
  // ---------------------------

  @Test
  void notRootHandsRunsvdirOnlyTheServicesThatCanRun() throws Exception {
    posix.uid(500);
    Path services = layout.serviceDirectory();
    Files.createDirectories(services.resolve("rsyslog"));
    Files.createFile(services.resolve("rsyslog/" + ServiceSelection.ROOT_ONLY));
    executable(Files.createDirectories(services.resolve("app")), "run");
    executable(Files.createDirectories(services.resolve("linked")), "run");
    Files.createSymbolicLink(
        services.resolve("linked/supervise"), root.resolve("tmp/supervise.linked"));
    plainFile(Files.createDirectories(services.resolve("not-executable")), "run");
    executable(Files.createDirectories(services.resolve("stuck")), "run");
    Files.createSymbolicLink(
        services.resolve("stuck/supervise"), root.resolve("no-run/deeper/supervise.stuck"));
    executable(Files.createDirectories(services.resolve("stuck-log/log")), "run");
    executable(services.resolve("stuck-log"), "run");
    Files.writeString(services.resolve("stuck-log/log/supervise"), "a file, not a directory");
    Files.writeString(services.resolve("not-a-service"), "");
    List<String> linksAtStart = new ArrayList<>();
    long[] ageAtStart = {0};
    posix
        .program("runsvdir")
        .onSpawn(
            pid -> {
              Path scanned = Path.of(posix.spawns().getLast().argv().get(2));
              try (var links = Files.list(scanned)) {
                links
                    .map(link -> link.getFileName() + " -> " + readLink(link))
                    .forEach(linksAtStart::add);
                ageAtStart[0] =
                    System.currentTimeMillis() - Files.getLastModifiedTime(scanned).toMillis();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    Path scanned = Path.of(spawnOf("runsvdir").argv().get(2));
    assertThat(scanned.getParent()).isEqualTo(root.resolve("tmp"));
    assertThat(linksAtStart)
        .containsExactlyInAnyOrder(
            "app -> " + services.resolve("app"), "linked -> " + services.resolve("linked"));
    // runsvdir waits a second before it reads a directory changed within the current second.
    assertThat(ageAtStart[0]).isGreaterThanOrEqualTo(1000);
    assertThat(scanned).as("removed once runsvdir has ended").doesNotExist();
    assertThat(log())
        .contains(
            "*** "
                + services.resolve("rsyslog")
                + " needs root: not started (my_init runs as uid 500).",
            "*** WARNING: "
                + services.resolve("stuck")
                + " not started: runit cannot keep its state in "
                + services.resolve("stuck/supervise")
                + " as uid 500 ("
                + root.resolve("no-run/deeper")
                + " does not exist; make it writable, or a symlink into /tmp: docs/operations.md,"
                + " non-root).",
            "*** WARNING: "
                + services.resolve("not-executable")
                + " not started: "
                + services.resolve("not-executable/run")
                + " is not executable as uid 500.");
    assertThat(log())
        .anyMatch(
            line ->
                line.startsWith("*** WARNING: " + services.resolve("stuck-log") + " not started"));
  }

  @Test
  void notRootWithNothingToRunAndNowhereToWriteHandsRunsvdirAnEmptyDirectory() throws Exception {
    posix.uid(500);
    layout =
        new Layout(
            layout.environmentDirectory(),
            layout.shellDump(),
            layout.jsonDump(),
            layout.initDirectory(),
            layout.rcLocal(),
            layout.preShutdownDirectory(),
            layout.postShutdownDirectory(),
            layout.serviceDirectory(),
            layout.proc(),
            List.of(root.resolve("no-run")),
            layout.noServices());
    Files.createDirectories(layout.serviceDirectory().resolve("cron"));
    Files.createFile(layout.serviceDirectory().resolve("cron/" + ServiceSelection.ROOT_ONLY));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(spawnOf("runsvdir").argv().get(2)).isEqualTo(layout.noServices().toString());
    assertThat(log()).noneMatch(line -> line.contains("WARNING"));
    assertThat(layout.noServices()).as("shipped, never removed").isDirectory();
  }

  @Test
  void notRootWithEveryServiceRunnableHandsRunsvdirTheServiceDirectory() throws Exception {
    posix.uid(500);
    executable(Files.createDirectories(layout.serviceDirectory().resolve("app")), "run");
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(spawnOf("runsvdir").argv().get(2)).isEqualTo(layout.serviceDirectory().toString());
  }

  @Test
  void asRootEvenARootOnlyServiceIsHandedToRunsvdir() throws Exception {
    Files.createDirectories(layout.serviceDirectory().resolve("rsyslog"));
    Files.createFile(layout.serviceDirectory().resolve("rsyslog/" + ServiceSelection.ROOT_ONLY));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(spawnOf("runsvdir").argv().get(2)).isEqualTo(layout.serviceDirectory().toString());
    assertThat(log()).noneMatch(line -> line.contains("needs root"));
  }

  /**
   * As root a service is left out only for a read-only file system (ImageIT, MyInitIT): a state
   * directory whose parent does not exist yet may appear while runit runs (a service can make it),
   * and runsvdir then recovers by itself.
   */
  @Test
  void asRootAServiceWhoseStateDirectoryHasNoParentYetIsStillHandedToRunsvdir() throws Exception {
    Path services = layout.serviceDirectory();
    executable(Files.createDirectories(services.resolve("cron")), "run");
    Files.createSymbolicLink(
        services.resolve("cron/supervise"), root.resolve("made-later/supervise.cron"));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(spawnOf("runsvdir").argv().get(2)).isEqualTo(services.toString());
    assertThat(log()).noneMatch(line -> line.contains("WARNING"));
  }

  private static Path readLink(Path link) {
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- shutdown ---------------------------------------------------------------------------------

  @Test
  void aFailingShutdownScriptIsLoggedAndTheShutdownGoesOn() throws Exception {
    Path pre = script(layout.preShutdownDirectory(), "pre", 5);
    script(layout.postShutdownDirectory(), "post", 0);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(spawned()).containsExactly("runsvdir", "cmd", "pre", "post");
    assertThat(log()).contains("*** WARNING: " + pre + " failed with status 5.");
  }

  /** Writes {@code service}'s files as runsv does when it has started {@code pid}, or ended. */
  private void record(Path service, int pid) {
    try {
      Files.writeString(service.resolve("supervise/pid"), pid == 0 ? "" : pid + "\n");
      Files.write(
          service.resolve("supervise/status"),
          status(pid, 'u', pid == 0 ? ServiceStatus.DOWN : ServiceStatus.RUN));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    posix.filesChanged();
  }

  private void waitForServices(Duration limit) {
    settings =
        new Settings(
            settings.killProcessTimeout(),
            settings.killAllProcessesTimeout(),
            settings.shutdownTimeout(),
            settings.initDirectory(),
            settings.scriptTimeout(),
            settings.logLevel(),
            Optional.of(limit));
  }

  /**
   * Once runsvdir runs, {@code service} starts as {@code pid}, as runsv records it, and ends with
   * {@code waitStatus} once my_init holds it.
   */
  private void endsOnceHeld(Path service, int pid, int waitStatus) {
    posix.otherProcess(pid);
    posix
        .program("runsvdir")
        .onSpawn(
            runsvdir ->
                new Thread(
                        () -> {
                          record(service, pid);
                          try {
                            posix.awaitCall("track(" + pid + ")", AMPLE);
                          } catch (InterruptedException e) {
                            return;
                          }
                          posix.otherProcessEnded(
                              pid, Optional.of(new WaitStatus(pid, waitStatus)));
                          record(service, 0);
                        })
                    .start());
  }

  @Test
  void anEssentialServiceThatEndsStopsTheCommandAndEndsWithTheServicesStatus() throws Exception {
    // The record from before the boot, a leftover of an earlier run, is not taken for this run.
    Path web = service("web", 300, 555);
    Files.writeString(web.resolve("supervise/pid"), "555\n");
    Files.createFile(web.resolve("essential"));
    endsOnceHeld(web, 556, 7 << 8);

    assertThat(run("--", "cmd")).isEqualTo(7);

    assertThat(log())
        .contains("*** Essential service web ended (exited with status 7); shutting down.");
    assertThat(posix.kills()).contains(new Kill(spawnOf("cmd").pid(), Signals.SIGTERM));
    assertThat(posix.calls()).doesNotContain("track(555)");
  }

  @Test
  void withoutACommandAnEssentialServiceKilledBySignalEndsWith128PlusIt() throws Exception {
    Path web = service("web", 300, 0);
    Files.createFile(web.resolve("essential"));
    endsOnceHeld(web, 556, Signals.SIGKILL);

    assertThat(run()).isEqualTo(128 + Signals.SIGKILL);

    assertThat(log())
        .contains("*** Essential service web ended (was killed by signal SIGKILL); shutting down.");
  }

  @Test
  void theLastRunsRecordOfAnEssentialServiceIsRemovedBeforeRunitStarts() throws Exception {
    // `docker restart`: runsv's files of the last run, dated in the future by a clock step.
    Path web = service("web", 300, 0);
    Files.createFile(web.resolve("essential"));
    Files.write(
        web.resolve("supervise/status"),
        ServiceStatus.format(5, 'u', ServiceStatus.RUN, Instant.now().plusSeconds(3600)));
    Files.writeString(web.resolve("supervise/pid"), "5\n");
    boolean[] leftAtSpawn = {true};
    posix
        .program("runsvdir")
        .onSpawn(pid -> leftAtSpawn[0] = Files.exists(web.resolve("supervise/status")));
    posix.program("sv").onSpawn(pid -> record(web, 0));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(leftAtSpawn[0]).isFalse();
    assertThat(log()).noneMatch(line -> line.contains("Essential service"));
  }

  @Test
  void notRootAnEssentialServiceThatCannotRunFailsTheBoot() throws Exception {
    posix.uid(500);
    Path db = Files.createDirectories(layout.serviceDirectory().resolve("db"));
    executable(db, "run");
    Files.createFile(db.resolve(ServiceSelection.ROOT_ONLY));
    Files.createFile(db.resolve("essential"));
    executable(Files.createDirectories(layout.serviceDirectory().resolve("app")), "run");

    assertThat(run("--", "cmd")).isEqualTo(1);

    assertThat(log())
        .contains("*** Essential service db cannot run as uid 500 (see above); shutting down.");
    assertThat(spawned()).doesNotContain("runsvdir", "cmd");
  }

  @Test
  void notRootAServiceLeftOutIsWaitedForInVain() throws Exception {
    posix.uid(500);
    waitForServices(Duration.ofMillis(200));
    Path db = Files.createDirectories(layout.serviceDirectory().resolve("db"));
    executable(db, "run");
    Files.createFile(db.resolve(ServiceSelection.ROOT_ONLY));
    executable(Files.createDirectories(layout.serviceDirectory().resolve("app")), "run");

    assertThat(run("--", "cmd")).isEqualTo(1);

    assertThat(log())
        .anyMatch(
            line ->
                line.startsWith("*** Services not ready within") && line.contains(": app, db;"));
  }

  @Test
  void theCommandStartsOnceTheServicesAreUp() throws Exception {
    waitForServices(AMPLE);
    Path web = service("web", 300, 0);
    posix.program("runsvdir").onSpawn(pid -> new Thread(() -> record(web, 556)).start());
    posix.program("sv").onSpawn(pid -> record(web, 0));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(log()).anyMatch(line -> line.matches("\\*\\*\\* Services ready after \\d+ ms"));
    assertThat(log())
        .containsSubsequence(
            "*** Runit started as PID " + spawnOf("runsvdir").pid(), "*** Running cmd...");
  }

  @Test
  void servicesNotReadyInTimeFailTheBootAndTheCommandIsNotStarted() throws Exception {
    waitForServices(Duration.ofMillis(200));
    Path web = service("web", 300, 0);
    posix.program("sv").onSpawn(pid -> record(web, 0));

    assertThat(run("--", "cmd")).isEqualTo(1);

    assertThat(log())
        .contains(
            "*** Services not ready within MY_INIT_WAIT_FOR_SERVICES (200 ms): web; the command"
                + " is not started.");
    assertThat(spawned()).doesNotContain("cmd");
  }

  @Test
  void stopsServicesWithSvDownAndGoesOnOnceRunsvRecordsThemDown() throws Exception {
    Path web = service("web", 300, 555);
    Path cron = service("cron", 301, 556);
    // runsv takes its time: the records change only after sv has returned, each by an event.
    posix
        .program("sv")
        .onSpawn(
            pid ->
                new Thread(
                        () -> {
                          recordDown(web);
                          recordDown(cron);
                        })
                    .start());
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    List<Spawn> sv = posix.spawns().stream().filter(s -> s.program().equals("sv")).toList();
    assertThat(sv)
        .singleElement()
        .satisfies(
            down ->
                assertThat(down.argv().subList(1, down.argv().size()))
                    .containsExactlyInAnyOrder("down", web.toString(), cron.toString()));
    assertThat(sv.get(0).argv().get(1)).isEqualTo("down");
    assertThat(posix.calls())
        .contains("watch([" + web.resolve("supervise") + ", " + cron.resolve("supervise") + "])");
    assertThat(log()).noneMatch(line -> line.contains("WARNING"));
    // Down, and runsvdir gone: each runsv is frozen, found idle and killed.
    assertThat(posix.signalsTo(300)).containsExactly(Signals.SIGSTOP, Signals.SIGKILL);
    assertThat(posix.signalsTo(301)).containsExactly(Signals.SIGSTOP, Signals.SIGKILL);
    assertThat(posix.kills())
        .containsSubsequence(
            new Kill(spawnOf("runsvdir").pid(), Signals.SIGTERM), new Kill(300, Signals.SIGSTOP));
  }

  @Test
  void killsServicesThatDoNotStopWithSvKill() throws Exception {
    killTimeouts(RUNS_OUT, AMPLE);
    Path web = service("web", 300, 555);
    Path cron = service("cron", 301, 556);
    posix
        .program("sv")
        .onSpawn(
            pid -> {
              List<String> argv = posix.spawns().getLast().argv();
              if (argv.get(1).equals("down")) {
                recordDown(web);
              } else {
                recordDown(cron);
              }
            });
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    List<Spawn> sv = posix.spawns().stream().filter(s -> s.program().equals("sv")).toList();
    assertThat(sv).hasSize(2);
    assertThat(sv.get(1).argv().subList(1, 3)).containsExactly("kill", cron.toString());
    assertThat(log())
        .contains(
            "*** WARNING: "
                + cron
                + " did not stop within "
                + RUNS_OUT.toMillis()
                + " ms of SIGTERM; killing it");
    assertThat(posix.signalsTo(301)).containsExactly(Signals.SIGSTOP, Signals.SIGKILL);
  }

  @Test
  void aFinishScriptThatHangsIsKilledWithTheServices() throws Exception {
    killTimeouts(RUNS_OUT, AMPLE);
    Path web = service("web", 300, 0);
    Files.write(web.resolve("supervise/status"), status(558, 'd', ServiceStatus.FINISH));
    recordDownWhenSent(new Kill(558, Signals.SIGKILL), web);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(posix.kills()).contains(new Kill(558, Signals.SIGKILL));
    // sv kill during finish would make runsv run finish again.
    assertThat(posix.spawns())
        .filteredOn(s -> s.program().equals("sv"))
        .extracting(s -> s.argv().get(1))
        .containsExactly("down");
    assertThat(posix.signalsTo(300)).containsExactly(Signals.SIGSTOP, Signals.SIGKILL);
  }

  @Test
  void killsTheRunsvOfACrashLoopingServiceAtOnce() throws Exception {
    // Between two runs runsv sleeps a second with SIGTERM blocked: down, yet still wanted up.
    Path web = service("web", 300, 0);
    Files.write(web.resolve("supervise/status"), status(0, 'u', ServiceStatus.DOWN));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(posix.signalsTo(300)).containsExactly(Signals.SIGSTOP, Signals.SIGKILL);
    assertThat(log()).noneMatch(line -> line.contains("WARNING"));
  }

  @Test
  void aRunsvWithAChildItHasNotRecordedIsNotKilledButContinued() throws Exception {
    killTimeouts(RUNS_OUT, AMPLE);
    Path web = service("web", 300, 0);
    // runsv forks, then records the run: frozen in between, it has a child and a "down" record.
    process(777, "run", 300);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(posix.kills())
        .containsSubsequence(new Kill(300, Signals.SIGSTOP), new Kill(300, Signals.SIGCONT));
    assertThat(posix.kills())
        .filteredOn(kill -> kill.signal() == Signals.SIGKILL && Math.abs(kill.pid()) == 300)
        .as("killed only once the timeout has run out, with the service")
        .containsExactly(new Kill(-300, Signals.SIGKILL), new Kill(300, Signals.SIGKILL));
    assertThat(log())
        .contains(
            "*** WARNING: " + web + " still runs after it was stopped; killing it with its runsv");
  }

  @Test
  void aRunsvThatSvCouldNotReachIsStoppedWithSigterm() throws Exception {
    // runsvdir started it after `sv down`, or before it had its control fifo open: sv fails.
    Path late = service("late", 302, 557);
    posix.program("sv").exitsAtOnce(1);
    recordDownWhenSent(new Kill(302, Signals.SIGTERM), late);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(posix.signalsTo(302))
        .containsExactly(Signals.SIGSTOP, Signals.SIGTERM, Signals.SIGSTOP, Signals.SIGKILL);
    assertThat(log()).noneMatch(line -> line.contains("WARNING"));
    assertThat(elapsedMillis).as("neither wait ran out").isLessThan(AMPLE.toMillis());
  }

  @Test
  void aRunsvThatHasJustStartedGetsNoSvButSigterm() throws Exception {
    Path early = service("early", 303, 559);
    Files.delete(early.resolve("supervise/ok"));
    recordDownWhenSent(new Kill(303, Signals.SIGTERM), early);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(spawned())
        .as("sv would print a runit warning into the container's stdout")
        .doesNotContain("sv");
    assertThat(posix.signalsTo(303))
        .containsExactly(Signals.SIGSTOP, Signals.SIGTERM, Signals.SIGSTOP, Signals.SIGKILL);
    assertThat(log()).noneMatch(line -> line.contains("WARNING"));
  }

  @Test
  void theLogServiceOfAServiceThatIsDownDoesNotKeepItsRunsv() throws Exception {
    Path web = service("web", 300, 0);
    Files.createDirectories(web.resolve("log/supervise"));
    Files.write(web.resolve("log/supervise/status"), status(778, 'u', 1));
    process(778, "svlogd", 300);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(posix.signalsTo(300)).containsExactly(Signals.SIGSTOP, Signals.SIGKILL);
  }

  @Test
  void waitsForServicesToBeRecordedDownWhereThereIsNoWatch() throws Exception {
    posix.watchUnavailable();
    Path web = service("web", 300, 555);
    Path post = script(layout.postShutdownDirectory(), "post", 0);
    List<Boolean> downAtPost = new ArrayList<>();
    posix
        .program("post")
        .onSpawn(pid -> downAtPost.add(ServiceStatus.of(web).orElseThrow().isDown()));
    posix
        .program("sv")
        .onSpawn(
            pid ->
                new Thread(
                        () -> {
                          sleep(200);
                          recordDown(web);
                        })
                    .start());
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(downAtPost)
        .as("the service was down before the post-shutdown scripts")
        .containsExactly(true);
    assertThat(log())
        .contains("*** Running " + post + "...")
        .noneMatch(line -> line.contains("WARNING"));
    assertThat(posix.signalsTo(300)).containsExactly(Signals.SIGSTOP, Signals.SIGKILL);
  }

  @Test
  void aStepThatFailsUnexpectedlyIsLoggedAndTheShutdownGoesOn() throws Exception {
    posix.pid(1);
    service("web", 300, 555);
    posix.onCall(
        "watch",
        () -> {
          throw new IllegalStateException("a bug");
        });
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    int runsvdir = spawnOf("runsvdir").pid();
    assertThat(log())
        .containsSubsequence(
            "*** shutdown step failed: java.lang.IllegalStateException: a bug",
            "*** Shutting down runit daemon (PID " + runsvdir + ")...",
            "*** Killing all processes...");
  }

  // --- the shutdown deadline
  // ----------------------------------------------------------------------

  @Test
  void theDeadlineCutsEveryStepAndWhatStillRunsIsKilled() throws Exception {
    Duration hour = Duration.ofHours(1);
    settings =
        new Settings(
            hour,
            hour,
            Duration.ofMillis(300),
            settings.initDirectory(),
            Optional.of(hour),
            Optional.empty(),
            Optional.empty());
    posix.pid(1);
    Path pre = executable(layout.preShutdownDirectory(), "pre");
    posix.program("pre").ignores(Signals.SIGTERM);
    script(layout.postShutdownDirectory(), "post", 0);
    posix.adopt(900, FakePosix.behaviour().ignores(Signals.SIGTERM));
    posix.program("cmd").exitsAtOnce(3);

    assertThat(run("--", "cmd")).as("my_init's own status").isEqualTo(3);

    assertThat(posix.signalsTo(spawnOf("pre").pid()))
        .containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(spawned()).as("nothing starts after the deadline").doesNotContain("post");
    assertThat(posix.kills()).endsWith(new Kill(-1, Signals.SIGKILL));
    assertThat(log())
        .containsSubsequence(
            "*** WARNING: " + pre + " was stopped at MY_INIT_SHUTDOWN_TIMEOUT.",
            "*** WARNING: MY_INIT_SHUTDOWN_TIMEOUT (300 ms) has passed: what was still running was killed.",
            "*** Killing all processes...",
            "*** Not all processes have exited in time. Forcing them to exit.");
  }

  @Test
  void theDeadlineCountsFromTheSignalThatStopsTheCommand() throws Exception {
    Duration hour = Duration.ofHours(1);
    settings =
        new Settings(
            hour,
            hour,
            Duration.ofMillis(200),
            settings.initDirectory(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    posix
        .program("cmd")
        .ignores(Signals.SIGTERM)
        .onSpawn(pid -> reaper.signalReceived(Signals.SIGTERM));

    assertThat(run("--skip-runit", "--", "cmd")).isEqualTo(2);

    assertThat(posix.signalsTo(spawnOf("cmd").pid()))
        .containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(log()).contains("*** Init system aborted.");
  }

  @Test
  void killsAllProcessesAsPid1WithKillMinusOneThenKillAfterTheTimeout() throws Exception {
    killTimeouts(AMPLE, RUNS_OUT);
    posix.pid(1);
    posix.adopt(900, FakePosix.behaviour().ignores(Signals.SIGTERM));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    assertThat(posix.kills())
        .containsExactly(
            new Kill(-1, Signals.SIGTERM),
            new Kill(-1, Signals.SIGCONT),
            new Kill(-1, Signals.SIGKILL));
    assertThat(posix.wasReaped(900)).isTrue();
    assertThat(elapsedMillis).isGreaterThanOrEqualTo(RUNS_OUT.toMillis());
    assertThat(log())
        .endsWith(
            "*** Killing all processes...",
            "*** Not all processes have exited in time. Forcing them to exit.");
  }

  @Test
  void killsAllProcessesAsPid1WithTermAloneWhenEverythingStops() throws Exception {
    posix.pid(1);
    posix.adopt(900, FakePosix.behaviour());
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    // SIGCONT: a stopped process (a command's group after Ctrl-Z) must see the TERM too.
    assertThat(posix.kills())
        .containsExactly(new Kill(-1, Signals.SIGTERM), new Kill(-1, Signals.SIGCONT));
    assertThat(log())
        .as("no waiting for the timeout")
        .last()
        .isEqualTo("*** Killing all processes...");
  }

  @Test
  void killsOnlyItsDescendantsWhenNotPid1() throws Exception {
    killTimeouts(AMPLE, RUNS_OUT);
    posix.pid(4242);
    posix.adopt(900, FakePosix.behaviour().ignores(Signals.SIGTERM));
    process(4242, "java", 1);
    process(900, "daemon (x)", 4242);
    process(901, "worker", 900);
    process(5000, "outside", 1);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--", "cmd")).isZero();

    assertThat(posix.kills())
        .noneMatch(kill -> kill.pid() == -1 || kill.pid() == 5000 || kill.pid() == 4242);
    assertThat(posix.signalsTo(900)).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(posix.signalsTo(901)).containsExactly(Signals.SIGTERM, Signals.SIGKILL);
    assertThat(log()).contains("*** Not all processes have exited in time. Forcing them to exit.");
  }

  @Test
  void noKillAllOnExitLeavesOtherProcessesAlone() throws Exception {
    posix.pid(1);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--skip-runit", "--no-kill-all-on-exit", "--", "cmd")).isZero();

    assertThat(posix.kills()).isEmpty();
    assertThat(log()).doesNotContain("*** Killing all processes...");
  }

  // --- log --------------------------------------------------------------------------------------

  @Test
  void quietKeepsOnlyWarningsAndErrors() throws Exception {
    script(layout.initDirectory(), "10-ok", 0);
    Path bad = script(layout.initDirectory(), "20-bad", 3);

    assertThat(run("--quiet", "--", "cmd")).isEqualTo(1);

    assertThat(log()).containsExactly("*** " + bad + " failed with status 3.");
  }

  @Test
  void quietKeepsWarnings() throws Exception {
    Path pre = script(layout.preShutdownDirectory(), "pre", 5);
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--quiet", "--", "cmd")).isZero();

    assertThat(log()).containsExactly("*** WARNING: " + pre + " failed with status 5.");
  }

  private void logAt(Log.Level level) {
    settings =
        new Settings(
            settings.killProcessTimeout(),
            settings.killAllProcessesTimeout(),
            settings.shutdownTimeout(),
            settings.initDirectory(),
            settings.scriptTimeout(),
            Optional.of(level),
            settings.waitForServices());
  }

  @Test
  void debugSaysWhatIsSkippedOrIgnoredAndEachShutdownStep() throws Exception {
    logAt(Log.Level.DEBUG);
    Path readme = plainFile(layout.initDirectory(), "README");
    posix
        .program("runsvdir")
        .onSpawn(
            pid -> {
              reaper.signalReceived(Signals.SIGHUP);
              reaper.signalReceived(Signals.SIGTERM);
            });

    assertThat(run(ContainerEnvironment.of(Map.of("PATH", bin.toString(), "USER", "root"))))
        .isEqualTo(2);

    assertThat(log())
        .contains("*** DEBUG: skipping " + readme + ": not an executable file")
        .contains(
            "*** DEBUG: skipping USER in "
                + layout.environmentDirectory()
                + " and the .sh dump: it describes a user, not the container (as phusion)")
        .anySatisfy(line -> assertThat(line).startsWith("*** DEBUG: ignoring SIGHUP: "))
        .anySatisfy(line -> assertThat(line).startsWith("*** DEBUG: shutdown: services down ("))
        .anySatisfy(line -> assertThat(line).startsWith("*** DEBUG: shutdown: all processes ("));
  }

  @Test
  void aNameThatBecomesAShellNameIsNoWarningButADebugLine() throws Exception {
    ContainerEnvironment env =
        ContainerEnvironment.of(Map.of("PATH", bin.toString(), "my.var", "x"));
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run(env, "--", "cmd")).isZero();
    assertThat(log()).noneMatch(line -> line.contains("my.var"));

    logAt(Log.Level.DEBUG);
    assertThat(run(env, "--", "cmd")).isZero();
    assertThat(log()).contains("*** DEBUG: my.var: written as my_var in the shell dump");
  }

  @Test
  void debugSaysWhichSignalsAStartupScriptIgnored() throws Exception {
    logAt(Log.Level.DEBUG);
    executable(layout.initDirectory(), "10-script");
    posix
        .program("10-script")
        .onSpawn(
            pid -> {
              reaper.signalReceived(Signals.SIGUSR1);
              reaper.signalReceived(Signals.SIGTERM);
            });

    assertThat(run()).isEqualTo(2);

    assertThat(log()).contains("*** DEBUG: ignoring SIGUSR1: it came during a startup script");
  }

  @Test
  void infoHasNoDebugLines() throws Exception {
    plainFile(layout.initDirectory(), "README");
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--", "cmd")).isZero();

    assertThat(log()).noneMatch(line -> line.startsWith("*** DEBUG"));
  }

  @Test
  void errorLevelKeepsOnlyErrors() throws Exception {
    logAt(Log.Level.ERROR);
    script(layout.preShutdownDirectory(), "pre", 5);
    Path bad = script(layout.initDirectory(), "20-bad", 3);

    assertThat(run("--", "cmd")).isEqualTo(1);

    assertThat(log()).containsExactly("*** " + bad + " failed with status 3.");
  }

  @Test
  void quietSuccessPrintsNothing() throws Exception {
    posix.program("cmd").exitsAtOnce(0);

    assertThat(run("--quiet", "--", "cmd")).isZero();

    assertThat(err.size()).isZero();
  }

  /** runsv records {@code service} down once {@code kill} has been sent, as it does on its end. */
  private void recordDownWhenSent(Kill kill, Path service) {
    new Thread(
            () -> {
              try {
                posix.awaitKill(kill, AMPLE);
                recordDown(service);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })
        .start();
  }

  private void process(int pid, String comm, int parent) throws Exception {
    process(pid, comm, 'S', parent);
  }

  private void process(int pid, String comm, char state, int parent) throws Exception {
    Path dir = Files.createDirectories(layout.proc().resolve(Integer.toString(pid)));
    Files.writeString(
        dir.resolve("stat"), pid + " (" + comm + ") " + state + " " + parent + " 1 1 0 -1 0\n");
  }

  /**
   * A service of the fake runit, up with {@code servicePid} (0: down): the runsv that runsvdir
   * starts for it, as /proc shows it (frozen, as SIGSTOP leaves it), and its record.
   */
  private Path service(String name, int runsv, int servicePid) throws Exception {
    Path dir =
        Files.createDirectories(layout.serviceDirectory().resolve(name).resolve("supervise"));
    Files.write(
        dir.resolve("status"), status(servicePid, 'u', servicePid == 0 ? ServiceStatus.DOWN : 1));
    // runsv's fifo, the last thing it makes before it takes commands (a plain file stands in).
    Files.createFile(dir.resolve("ok"));
    posix
        .program("runsvdir")
        .onSpawn(
            pid -> {
              try {
                process(runsv, "runsv", 'T', pid);
                Files.write(
                    layout.proc().resolve(runsv + "/cmdline"),
                    ("runsv\0" + name + "\0").getBytes(StandardCharsets.UTF_8));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    return dir.getParent();
  }

  /** Writes {@code service}'s record as runsv does once its run has ended after {@code sv down}. */
  private void recordDown(Path service) {
    try {
      Files.write(service.resolve("supervise/status"), status(0, 'd', ServiceStatus.DOWN));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    posix.filesChanged();
  }

  /** runsv's 20-byte supervise/status record. */
  static byte[] status(int pid, char want, int state) {
    return ServiceStatus.format(pid, want, state, Instant.now());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
