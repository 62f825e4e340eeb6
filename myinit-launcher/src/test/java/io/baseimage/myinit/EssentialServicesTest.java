package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.posix.WaitStatus;
import io.baseimage.startup.ExitStatus;
import io.baseimage.testing.FakePosix;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How my_init learns from runsv's files that an essential service ended, and how. */
class EssentialServicesTest {
  private static final Instant RUNIT_STARTED = Instant.parse("2026-12-02T05:00:00Z");
  private static final Instant LATER = RUNIT_STARTED.plusSeconds(1);

  @TempDir Path services;
  private final FakePosix posix = new FakePosix();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private RunitService web;

  @BeforeEach
  void service() throws IOException {
    web = service("web", true);
  }

  private RunitService service(String name, boolean essential) throws IOException {
    Path directory = Files.createDirectories(services.resolve(name).resolve("supervise"));
    if (essential) {
      Files.createFile(services.resolve(name).resolve("essential"));
    }
    return new RunitService(directory.getParent());
  }

  private static void record(RunitService service, int pid, int state, Instant since)
      throws IOException {
    Files.writeString(service.supervise().resolve("pid"), pid == 0 ? "" : pid + "\n");
    Files.write(
        service.supervise().resolve("status"), ServiceStatus.format(pid, 'u', state, since));
  }

  /** Per service, whether the watch saw a run executed and recorded; unknown by default. */
  private final Map<RunitService, Boolean> recordedARun = new HashMap<>();

  private EssentialServices essentials(RunitService... services) {
    return new EssentialServices(
        List.of(services),
        posix,
        RUNIT_STARTED,
        service -> Optional.ofNullable(recordedARun.get(service)),
        new Log(err, Log.Level.DEBUG));
  }

  @Test
  void anEssentialServiceThatExitsEndsWithItsOwnStatus() throws IOException {
    EssentialServices essentials = essentials(web);
    posix.otherProcess(23);
    record(web, 23, ServiceStatus.RUN, LATER);
    assertThat(essentials.check()).isEmpty();

    posix.otherProcessEnded(23, Optional.of(new WaitStatus(23, 7 << 8)));
    record(web, 0, ServiceStatus.DOWN, LATER.plusSeconds(5));

    assertThat(essentials.check())
        .contains(new EssentialServices.Ended(web, Optional.of(ExitStatus.exited(7))));
    assertThat(essentials.check().orElseThrow().exitStatus()).isEqualTo(7);
  }

  @Test
  void oneKilledByASignalEndsWith128PlusTheSignal() throws IOException {
    EssentialServices essentials = essentials(web);
    posix.otherProcess(23);
    record(web, 23, ServiceStatus.RUN, LATER);
    essentials.check();

    posix.otherProcessEnded(23, Optional.of(new WaitStatus(23, 9)));
    // Ran for more than a second: runsv starts it again at once, with a new pid.
    posix.otherProcess(24);
    record(web, 24, ServiceStatus.RUN, LATER.plusSeconds(5));

    EssentialServices.Ended ended = essentials.check().orElseThrow();
    assertThat(ended.exitStatus()).isEqualTo(137);
    assertThat(ended.describe()).isEqualTo("was killed by signal SIGKILL");
  }

  @Test
  void aFinishScriptAfterTheRunIsTheEndOfTheRun() throws IOException {
    EssentialServices essentials = essentials(web);
    posix.otherProcess(23);
    record(web, 23, ServiceStatus.RUN, LATER);
    essentials.check();

    posix.otherProcessEnded(23, Optional.of(new WaitStatus(23, 3 << 8)));
    record(web, 30, ServiceStatus.FINISH, LATER.plusSeconds(1));

    assertThat(essentials.check().orElseThrow().exitStatus()).isEqualTo(3);
  }

  @Test
  void whereTheKernelKeepsNoExitStatusTheContainerEndsWithOne() throws IOException {
    EssentialServices essentials = essentials(web);
    posix.otherProcess(23);
    record(web, 23, ServiceStatus.RUN, LATER);
    essentials.check();

    posix.otherProcessEnded(23, Optional.empty());
    record(web, 0, ServiceStatus.DOWN, LATER.plusSeconds(1));

    EssentialServices.Ended ended = essentials.check().orElseThrow();
    assertThat(ended.exitStatus()).isEqualTo(1);
    assertThat(ended.describe()).isEqualTo("exit status unknown");
  }

  @Test
  void aRunThatEndedBeforeItCouldBeHeldHasEndedWithStatusUnknown() throws IOException {
    EssentialServices essentials = essentials(web);
    // pid 23 is named but no longer exists: runsv has already reaped it.
    record(web, 23, ServiceStatus.RUN, LATER);

    assertThat(essentials.check()).contains(new EssentialServices.Ended(web, Optional.empty()));
  }

  @Test
  void theNewPidInThePidFileIsHeldBeforeRunsvRewritesItsRecord() throws IOException {
    EssentialServices essentials = essentials(web);
    record(web, 0, ServiceStatus.DOWN, LATER);
    posix.otherProcess(23);
    // runsv writes supervise/pid first, then supervise/status: between the two, only pid is new.
    Files.writeString(web.supervise().resolve("pid"), "23\n");

    assertThat(essentials.check()).isEmpty();
    assertThat(posix.calls()).contains("track(23)");

    posix.otherProcessEnded(23, Optional.of(new WaitStatus(23, 7 << 8)));
    record(web, 0, ServiceStatus.DOWN, LATER.plusSeconds(1));
    assertThat(essentials.check().orElseThrow().exitStatus()).isEqualTo(7);
  }

  @Test
  void aRunThatCameAndWentBeforeAnyReadIsToldByTheWatch() throws IOException {
    EssentialServices essentials = essentials(web);
    // The main thread read nothing while runsv wrote its first record, the run's and the end's.
    record(web, 0, ServiceStatus.DOWN, LATER.plusSeconds(1));
    recordedARun.put(web, false);
    assertThat(essentials.check())
        .as("sv commands write records, but no run was executed")
        .isEmpty();

    recordedARun.put(web, true);
    assertThat(essentials.check()).contains(new EssentialServices.Ended(web, Optional.empty()));
  }

  @Test
  void withoutAWatchADownRecordThatStaysIsTheEndOfARun() throws Exception {
    EssentialServices essentials = essentials(web);
    record(web, 0, ServiceStatus.DOWN, LATER);
    assertThat(essentials.check()).as("runsv's first record, until its fork").isEmpty();

    Thread.sleep(EssentialServices.STILL_DOWN_MILLIS + 50);

    assertThat(essentials.check()).contains(new EssentialServices.Ended(web, Optional.empty()));
  }

  @Test
  void withoutAWatchADownRecordThatChangesIsNotYetAnEnd() throws Exception {
    EssentialServices essentials = essentials(web);
    record(web, 0, ServiceStatus.DOWN, LATER);
    essentials.check();
    Thread.sleep(EssentialServices.STILL_DOWN_MILLIS + 50);
    record(web, 0, ServiceStatus.DOWN, LATER.plusSeconds(1));

    assertThat(essentials.check()).isEmpty();
  }

  @Test
  void aServiceWhoseEssentialFileWasRemovedIsNoLongerWatched() throws IOException {
    EssentialServices essentials = essentials(web);
    posix.otherProcess(23);
    record(web, 23, ServiceStatus.RUN, LATER);
    essentials.check();

    Files.delete(web.directory().resolve("essential"));
    record(web, 24, ServiceStatus.RUN, LATER.plusSeconds(2));

    assertThat(essentials.check()).as("restarted by hand").isEmpty();

    Files.createFile(web.directory().resolve("essential"));
    posix.otherProcess(24);
    assertThat(essentials.check()).as("the new run is held afresh").isEmpty();
    posix.otherProcessEnded(24, Optional.of(new WaitStatus(24, 5 << 8)));
    record(web, 0, ServiceStatus.DOWN, LATER.plusSeconds(3));
    assertThat(essentials.check().orElseThrow().exitStatus()).isEqualTo(5);
  }

  @Test
  void aRecordFromBeforeRunitStartedIsALeftoverOfAnEarlierRun() throws IOException {
    EssentialServices essentials = essentials(web);
    // `docker restart` keeps the files of the last run, where pid 23 was the service.
    posix.otherProcess(23);
    record(web, 23, ServiceStatus.RUN, RUNIT_STARTED.minusSeconds(30));

    assertThat(essentials.check()).isEmpty();
    assertThat(posix.calls()).doesNotContain("track(23)");
  }

  @Test
  void aServiceWithoutTheFileIsNotWatched() throws IOException {
    RunitService side = service("side", false);
    EssentialServices essentials = essentials(side);
    posix.otherProcess(23);
    record(side, 23, ServiceStatus.RUN, LATER);
    essentials.check();
    record(side, 0, ServiceStatus.DOWN, LATER.plusSeconds(1));

    assertThat(essentials.isEmpty()).isTrue();
    assertThat(essentials.check()).isEmpty();
  }

  @Test
  void aServiceThatHasNotStartedYetHasNotEnded() throws IOException {
    EssentialServices essentials = essentials(web);
    assertThat(essentials.check()).as("no record yet").isEmpty();

    record(web, 0, ServiceStatus.DOWN, LATER);
    assertThat(essentials.check()).as("runsv's first record").isEmpty();
  }
}
