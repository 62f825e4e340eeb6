package io.baseimage.myinit;

import static io.baseimage.testing.ScratchFiles.executable;
import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.Signals;
import io.baseimage.posix.WaitStatus;
import io.baseimage.startup.Reaper;
import io.baseimage.testing.FakePosix;
import io.baseimage.testing.FakePosix.Spawn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MY_INIT_WAIT_FOR_SERVICES against runsv's records in a temporary tree and fake checks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceReadinessTest {
  private static final Duration AMPLE = Duration.ofSeconds(30);
  private static final Instant RUNIT_STARTED = Instant.now().minusSeconds(1);

  @TempDir Path services;
  private final FakePosix posix = new FakePosix();
  private final Reaper reaper = Reaper.start(posix, problem -> {});
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private RunitService service(String name) throws IOException {
    Files.createDirectories(services.resolve(name).resolve("supervise"));
    return new RunitService(services.resolve(name));
  }

  private void up(RunitService service, int pid) throws IOException {
    Files.write(
        service.supervise().resolve("status"),
        ServiceStatus.format(pid, 'u', ServiceStatus.RUN, Instant.now()));
    reaper.filesChanged();
  }

  private ServiceReadiness.Outcome await(Duration limit, RunitService... services)
      throws InterruptedException {
    return await(limit, essentials(services), services);
  }

  private EssentialServices essentials(RunitService... services) {
    return new EssentialServices(
        List.of(services),
        posix,
        RUNIT_STARTED,
        service -> Optional.empty(),
        new Log(err, Log.Level.DEBUG));
  }

  private ServiceReadiness.Outcome await(
      Duration limit, EssentialServices essentials, RunitService... services)
      throws InterruptedException {
    ServiceReadiness readiness =
        new ServiceReadiness(
            reaper,
            ContainerEnvironment.of(Map.of()),
            AMPLE,
            RUNIT_STARTED,
            new Log(err, Log.Level.DEBUG));
    return readiness.await(List.of(services), limit, essentials);
  }

  @Test
  void servicesThatAreUpAreReady() throws Exception {
    RunitService web = service("web");
    RunitService db = service("db");
    up(web, 20);
    up(db, 21);

    assertThat(await(AMPLE, web, db)).isInstanceOf(ServiceReadiness.Outcome.Ready.class);
  }

  @Test
  void aServiceIsReadyWhenItComesUpLater() throws Exception {
    RunitService web = service("web");
    CompletableFuture<ServiceReadiness.Outcome> outcome =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return await(AMPLE, web);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Files.write(
        web.supervise().resolve("status"),
        ServiceStatus.format(0, 'u', ServiceStatus.DOWN, Instant.now()));
    reaper.filesChanged();
    up(web, 20);

    assertThat(outcome.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ServiceReadiness.Outcome.Ready.class);
  }

  @Test
  void aCheckScriptRunsInTheServiceDirectoryUntilItPasses() throws Exception {
    RunitService db = service("db");
    executable(db.directory(), "check");
    AtomicInteger runs = new AtomicInteger();
    posix.program("check").onSpawn(pid -> posix.exit(pid, runs.incrementAndGet() < 3 ? 1 : 0));
    up(db, 20);

    assertThat(await(AMPLE, db)).isInstanceOf(ServiceReadiness.Outcome.Ready.class);

    List<Spawn> checks = posix.spawns().stream().filter(s -> s.program().equals("check")).toList();
    assertThat(checks).hasSize(3);
    assertThat(checks.get(0).directory()).contains(db.directory().toString());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("check of db exited with status 1; again in 20 ms")
        .contains("check of db exited with status 1; again in 40 ms");
  }

  @Test
  void servicesNotUpInTimeAreNamed() throws Exception {
    RunitService web = service("web");
    RunitService db = service("db");
    RunitService never = service("never");
    executable(db.directory(), "check");
    posix.program("check").exitsAtOnce(1);
    up(web, 20);
    up(db, 21);

    assertThat(await(Duration.ofMillis(300), web, db, never))
        .isEqualTo(new ServiceReadiness.Outcome.NotReady(List.of(db, never)));
  }

  @Test
  void aServiceWithADownFileIsNotWaitedFor() throws Exception {
    RunitService web = service("web");
    RunitService batch = service("batch");
    Files.createFile(batch.directory().resolve("down"));
    up(web, 20);

    assertThat(await(AMPLE, web, batch)).isInstanceOf(ServiceReadiness.Outcome.Ready.class);
  }

  @Test
  void aRecordOfAnEarlierRunIsNotUp() throws Exception {
    RunitService web = service("web");
    Files.write(
        web.supervise().resolve("status"),
        ServiceStatus.format(20, 'u', ServiceStatus.RUN, RUNIT_STARTED.minusSeconds(60)));

    assertThat(await(Duration.ofMillis(200), web))
        .isEqualTo(new ServiceReadiness.Outcome.NotReady(List.of(web)));
  }

  @Test
  void sigtermStopsTheWait() throws Exception {
    RunitService web = service("web");
    reaper.signalReceived(Signals.SIGTERM);

    assertThat(await(AMPLE, web)).isEqualTo(new ServiceReadiness.Outcome.Aborted(Signals.SIGTERM));
  }

  @Test
  void anEssentialServiceThatEndsWhileWaitedForEndsTheWait() throws Exception {
    RunitService web = service("web");
    Files.createFile(web.directory().resolve("essential"));
    Files.writeString(web.supervise().resolve("pid"), "20\n");
    posix.otherProcess(20);
    RunitService db = service("db");
    EssentialServices essentials = essentials(web, db);
    CompletableFuture<ServiceReadiness.Outcome> outcome =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return await(AMPLE, essentials, web, db);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    // The watch's thread reads the records at each change, then tells the waiting thread.
    up(web, 20);
    essentials.check();
    assertThat(posix.calls()).contains("track(20)");
    posix.otherProcessEnded(20, Optional.of(new WaitStatus(20, 7 << 8)));
    Files.writeString(web.supervise().resolve("pid"), "");
    essentials.check();
    reaper.filesChanged();

    assertThat(outcome.get(30, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            ServiceReadiness.Outcome.EssentialEnded.class,
            ended -> assertThat(ended.ended().exitStatus()).isEqualTo(7));
  }
}
