package io.baseimage.myinit;

import static io.baseimage.testing.ScratchFiles.executable;
import static io.baseimage.testing.ScratchFiles.plainFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.Errno;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.testing.FakePosix;
import io.baseimage.testing.FakePosix.Kill;
import io.baseimage.testing.FakePosix.Spawn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code my_init --status} against a temporary tree: a state file, a fake {@code /proc} that holds
 * my_init and the runsv processes, and service directories with runsv's records. Check scripts run
 * on {@link FakePosix}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusCommandTest {
  private static final Instant NOW = Instant.parse("2026-12-02T05:33:12.400Z");
  private static final int MY_INIT = 4242;
  private static final long MY_INIT_START = 51_234;
  private static final int RUNSV = 10;

  @TempDir Path root;
  private final FakePosix posix = new FakePosix().pid(MY_INIT);
  private final AtomicInteger nativeLoads = new AtomicInteger();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Map<String, Integer> checkExits = new HashMap<>();
  private Layout layout;
  private Path run;
  private Path services;

  /** A check that ends by itself is never timed out, however slow the machine. */
  private Map<String, String> environment =
      Map.of("PATH", "/usr/bin:/bin", "FOO", "bar", "KILL_PROCESS_TIMEOUT", "30");

  private int nextPid = 20;

  @BeforeEach
  void tree() throws Exception {
    Path etc = Files.createDirectories(root.resolve("etc"));
    services = Files.createDirectories(etc.resolve("service"));
    run = Files.createDirectories(root.resolve("run"));
    layout =
        new Layout(
            etc.resolve("container_environment"),
            etc.resolve("container_environment.sh"),
            etc.resolve("container_environment.json"),
            etc.resolve("my_init.d"),
            etc.resolve("rc.local"),
            etc.resolve("my_init.pre_shutdown.d"),
            etc.resolve("my_init.post_shutdown.d"),
            services,
            Files.createDirectories(root.resolve("proc")),
            List.of(run, Files.createDirectories(root.resolve("tmp")), root.resolve("dev/shm")),
            root.resolve("no-services"));
    process(MY_INIT, "java", 0, MY_INIT_START);
    process(RUNSV, "runsv", MY_INIT, MY_INIT_START + 50);
    // Each check ends as checkExits says for its service; one not named there hangs.
    posix
        .program("check")
        .onSpawn(
            pid -> {
              Spawn spawn = spawnOf(pid);
              String service = Path.of(spawn.directory().orElseThrow()).getFileName().toString();
              Integer code = checkExits.get(service);
              if (code != null) {
                posix.exit(pid, code);
              }
            });
  }

  // --- my_init's line ---------------------------------------------------------------------------

  @Test
  void runningWithEveryServiceUpIsHealthy() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    service("web", up(12));
    service("db", up(300));

    assertThat(status()).isZero();
    assertThat(lines())
        .containsExactly(
            "my_init: running since 2026-12-02T05:30:00Z (192 s), pid 4242",
            "db: up (pid 21) for 300 s",
            "web: up (pid 20) for 12 s");
    assertThat(nativeLoads).as("no check: the native layer is not loaded").hasValue(0);
    assertThat(err.size()).isZero();
  }

  @Test
  void bootingIsNotHealthyYet() throws Exception {
    state(StateFile.Phase.BOOTING, NOW.minusSeconds(2), null);

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .containsExactly("my_init: booting since 2026-12-02T05:33:10Z (2 s), pid 4242");
  }

  @Test
  void stoppingIsNotHealthy() throws Exception {
    state(StateFile.Phase.STOPPING, NOW.minusSeconds(1), services);
    service("web", up(12));

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .containsExactly(
            "my_init: stopping since 2026-12-02T05:33:11Z (1 s), pid 4242",
            "web: up (pid 20) for 12 s");
  }

  @Test
  void runningWithoutRunitIsHealthy() throws Exception {
    // my_init --skip-runit -- COMMAND publishes no services directory.
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(5), null);

    assertThat(status()).isZero();
    assertThat(lines())
        .containsExactly("my_init: running since 2026-12-02T05:33:07Z (5 s), pid 4242");
  }

  @Test
  void withoutAStateFileMyInitIsNotRunning() throws Exception {
    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .containsExactly(
            "my_init: not running (no my_init.state in "
                + run
                + ", "
                + root.resolve("tmp")
                + ", "
                + root.resolve("dev/shm")
                + ")");
  }

  @Test
  void aStateFileWhoseProcessStartedAtAnotherTimeIsNotTrusted() throws Exception {
    // The file outlived its my_init (docker restart keeps /run); the pid now names another process.
    write(
        run.resolve(StateFile.NAME),
        StateFile.format(
            new StateFile.State(
                MY_INIT,
                MY_INIT_START - 1,
                StateFile.Phase.RUNNING,
                NOW.minusSeconds(60),
                Optional.of(services))));
    service("web", up(12));

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .containsExactly(
            "my_init: not running (" + run.resolve(StateFile.NAME) + " is stale or not my_init's)");
  }

  @Test
  void aStateFileOfAProcessThatIsGoneIsNotTrusted() throws Exception {
    write(
        run.resolve(StateFile.NAME),
        StateFile.format(
            new StateFile.State(
                999, 7, StateFile.Phase.RUNNING, NOW.minusSeconds(60), Optional.of(services))));

    assertThat(status()).isEqualTo(1);
    assertThat(lines()).singleElement().asString().startsWith("my_init: not running (");
  }

  @Test
  void aStateFileInALaterDirectoryIsFound() throws Exception {
    // A read-only or non-root container: /run could not be written, /tmp could.
    write(
        root.resolve("tmp").resolve(StateFile.NAME),
        StateFile.format(
            new StateFile.State(
                MY_INIT,
                MY_INIT_START,
                StateFile.Phase.RUNNING,
                NOW.minusSeconds(3),
                Optional.of(services))));

    assertThat(status()).isZero();
    assertThat(lines())
        .containsExactly("my_init: running since 2026-12-02T05:33:09Z (3 s), pid 4242");
  }

  // --- services ---------------------------------------------------------------------------------

  @Test
  void aServiceStoppedWithSvDownIsUnhealthy() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    service("web", up(12));
    service("db", ServiceStatus.format(0, 'd', ServiceStatus.DOWN, NOW.minusSeconds(3)));

    assertThat(status()).isEqualTo(1);
    assertThat(lines()).contains("db: down for 3 s, normally up", "web: up (pid 20) for 12 s");
  }

  @Test
  void aCrashLoopingServiceIsDownAndWantedUp() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    service("crash", ServiceStatus.format(0, 'u', ServiceStatus.DOWN, NOW.minusMillis(300)));

    assertThat(status()).isEqualTo(1);
    assertThat(lines()).contains("crash: down for 0 s, normally up, want up");
  }

  @Test
  void aServiceWithADownFileDoesNotCount() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    service("web", up(12));
    Path batch = service("batch", ServiceStatus.format(0, 'd', ServiceStatus.DOWN, NOW));
    Files.createFile(batch.resolve("down"));

    assertThat(status()).isZero();
    assertThat(lines()).contains("batch: down (down file)", "web: up (pid 20) for 12 s");
  }

  @Test
  void aServiceWithADownFileStartedBySvUpIsNormallyDown() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    Path batch = service("batch", up(4));
    Files.createFile(batch.resolve("down"));

    assertThat(status()).isZero();
    assertThat(lines()).contains("batch: up (pid 20) for 4 s, normally down");
  }

  @Test
  void aServiceRunsvHasNotRecordedYetIsUnhealthy() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(1), services);
    Files.createDirectories(services.resolve("cron"));

    assertThat(status()).isEqualTo(1);
    assertThat(lines()).contains("cron: no status yet");
  }

  @Test
  void anUnreadableRecordIsALineNotAStackTrace() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(1), services);
    // As root every file is readable: a directory in its place cannot be read by anyone.
    Files.createDirectories(services.resolve("web/supervise/status"));
    Files.createDirectories(services.resolve("db/supervise"));
    Files.write(services.resolve("db/supervise/status"), new byte[3]);

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .contains(
            "db: status unreadable (3 bytes, not runit's record)",
            "web: status unreadable (Is a directory)");
    assertThat(err.size()).isZero();
  }

  @Test
  void aRecordOfAProcessNoRunsvRunsIsStale() throws Exception {
    // Left by the container's last life: the pid now names a process that is no runsv's child.
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(1), services);
    Path web = services.resolve("web/supervise");
    Files.createDirectories(web);
    Files.write(
        web.resolve("status"),
        ServiceStatus.format(77, 'u', ServiceStatus.RUN, NOW.minusSeconds(9)));
    process(77, "sh", MY_INIT, MY_INIT_START + 90);

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .contains(
            "web: stale status (pid 77 is not run by a runsv: runsv has not started yet, or has"
                + " died)");
  }

  @Test
  void aServiceBeingStoppedIsUpAndWantedDown() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    int pid = nextPid++;
    process(pid, "sleep", RUNSV, MY_INIT_START + 100);
    service("web", ServiceStatus.format(pid, 'd', ServiceStatus.RUN, NOW.minusSeconds(8)));

    assertThat(status()).isZero();
    assertThat(lines()).contains("web: up (pid 20) for 8 s, want down");
  }

  @Test
  void aNameCannotForgeALine() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    service("evil\nweb: up (pid 1) for 1 s", ServiceStatus.format(0, 'd', 0, NOW.minusSeconds(3)));

    assertThat(status()).isEqualTo(1);
    assertThat(lines()).contains("evil\\nweb: up (pid 1) for 1 s: down for 3 s, normally up");
  }

  @Test
  void anUnlistableServicesDirectoryIsUnhealthy() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(1), root.resolve("gone"));

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .contains("services: cannot list " + root.resolve("gone") + " (no such file or directory)");
  }

  // --- check scripts ----------------------------------------------------------------------------

  @Test
  void aPassingCheckRunsAsSvCheckRunsIt() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    Path web = service("web", up(12));
    executable(web, "check");
    checkExits.put("web", 0);

    assertThat(status()).isZero();
    assertThat(lines()).contains("web: up (pid 20) for 12 s, check passed");
    Spawn check = posix.spawns().getFirst();
    assertThat(check.path()).isEqualTo("./check");
    assertThat(check.argv()).containsExactly("./check");
    assertThat(check.directory()).contains(web.toString());
    assertThat(check.environ())
        .containsExactlyInAnyOrder("PATH=/usr/bin:/bin", "FOO=bar", "KILL_PROCESS_TIMEOUT=30");
    assertThat(nativeLoads).hasValue(1);
  }

  @Test
  void aFailingCheckMakesItUnhealthy() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    executable(service("api", up(2)), "check");
    executable(service("web", up(12)), "check");
    checkExits.put("api", 1);
    checkExits.put("web", 0);

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .contains(
            "api: up (pid 20) for 2 s, check failed (exit status 1)",
            "web: up (pid 21) for 12 s, check passed");
  }

  @Test
  void aCheckThatRunsTooLongIsKilledAndFails() throws Exception {
    environment = Map.of("PATH", "/usr/bin:/bin", "KILL_PROCESS_TIMEOUT", "0.1");
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    executable(service("slow", up(30)), "check"); // hangs: not in checkExits

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .contains("slow: up (pid 20) for 30 s, check timed out after 100 ms (killed)");
    Spawn slow = posix.spawns().getFirst();
    assertThat(slow.newProcessGroup()).isTrue();
    assertThat(posix.signalsTo(slow.pid())).startsWith(Signals.SIGTERM);
    assertThat(posix.kills()).contains(new Kill(-slow.pid(), Signals.SIGKILL));
    posix.awaitReaped(slow.pid(), Duration.ofSeconds(10));
  }

  @Test
  void aSignalStopsTheChecks() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    executable(service("slow", up(30)), "check"); // hangs
    posix.program("check").onSpawn(pid -> posix.raise(Signals.SIGINT));

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .contains("slow: up (pid 20) for 30 s, check stopped: my_init --status got SIGINT");
    posix.awaitReaped(posix.spawns().getFirst().pid(), Duration.ofSeconds(10));
  }

  @Test
  void checksRunOnlyForServicesThatAreUp() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    executable(
        service("db", ServiceStatus.format(0, 'd', ServiceStatus.DOWN, NOW.minusSeconds(3))),
        "check");

    assertThat(status()).isEqualTo(1);
    assertThat(lines()).contains("db: down for 3 s, normally up");
    assertThat(posix.spawns()).isEmpty();
    assertThat(nativeLoads).hasValue(0);
  }

  @Test
  void aCheckThatIsNotExecutableFailsAsSvCheckWould() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    plainFile(service("web", up(12)), "check");

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .contains("web: up (pid 20) for 12 s, check failed (./check is not executable)");
    assertThat(posix.spawns()).isEmpty();
  }

  @Test
  void aCheckThatCannotStartFailsWithTheReason() throws Exception {
    state(StateFile.Phase.RUNNING, NOW.minusSeconds(192), services);
    executable(service("web", up(12)), "check");
    posix.program("check").failsToSpawn(Errno.EACCES);

    assertThat(status()).isEqualTo(1);
    assertThat(lines())
        .contains(
            "web: up (pid 20) for 12 s, check failed (cannot execute ./check: Permission denied)");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private int status() throws Exception {
    Settings settings = Settings.from(ContainerEnvironment.of(environment));
    Supplier<ProcessControl> processes =
        () -> {
          nativeLoads.incrementAndGet();
          return posix;
        };
    return new StatusCommand(
            layout,
            settings,
            ContainerEnvironment.of(environment),
            processes,
            Clock.fixed(NOW, ZoneOffset.UTC),
            new Log(err, Log.Level.INFO))
        .run(out);
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private void state(StateFile.Phase phase, Instant since, Path services) throws IOException {
    write(
        run.resolve(StateFile.NAME),
        StateFile.format(
            new StateFile.State(
                MY_INIT, MY_INIT_START, phase, since, Optional.ofNullable(services))));
  }

  /** The record of a service that has been up for {@code seconds}, run by our runsv. */
  private byte[] up(long seconds) throws IOException {
    int pid = nextPid++;
    process(pid, "run", RUNSV, MY_INIT_START + 100);
    return ServiceStatus.format(pid, 'u', ServiceStatus.RUN, NOW.minusSeconds(seconds));
  }

  private Path service(String name, byte[] record) throws IOException {
    Path dir = services.resolve(name);
    executable(dir, "run");
    Files.createDirectories(dir.resolve("supervise"));
    Files.write(dir.resolve("supervise/status"), record);
    return dir;
  }

  /** {@code /proc/PID/stat} as the kernel writes it, up to the start time (field 22). */
  private void process(int pid, String comm, int parent, long startTime) throws IOException {
    Path dir = Files.createDirectories(layout.proc().resolve(Integer.toString(pid)));
    Files.writeString(
        dir.resolve("stat"),
        pid
            + " ("
            + comm
            + ") S "
            + parent
            + " 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 "
            + startTime
            + " 1000 100\n");
  }

  private Spawn spawnOf(int pid) {
    return posix.spawns().stream().filter(s -> s.pid() == pid).findFirst().orElseThrow();
  }

  private static void write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, content);
  }
}
