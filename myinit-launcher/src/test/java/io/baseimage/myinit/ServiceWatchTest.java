package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.startup.Event;
import io.baseimage.startup.Reaper;
import io.baseimage.testing.FakePosix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceWatchTest {
  @TempDir Path services;
  private final FakePosix posix = new FakePosix();
  private final Reaper reaper = Reaper.start(posix, problem -> {});

  private RunitService service(String name, boolean withSupervise) throws Exception {
    Path directory = Files.createDirectories(services.resolve(name));
    if (withSupervise) {
      Files.createDirectories(directory.resolve("supervise"));
    }
    return new RunitService(directory);
  }

  /** Waits for the FilesChanged that follows the changes made so far. */
  private void awaitFilesChanged() throws InterruptedException {
    Optional<Event> event;
    do {
      event = reaper.next(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    } while (event.isPresent() && !(event.get() instanceof Event.FilesChanged));
    assertThat(event).as("a FilesChanged event").isPresent();
  }

  @Test
  void tellsARunExecutedAndRecordedInASuperviseWatchedFromTheStart() throws Exception {
    RunitService web = service("web", true);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(web), () -> {});
    awaitFilesChanged();

    // runsv's first record, then `sv down` and `sv up`'s: records, but no run.
    posix.atOnce(
        () -> {
          posix.fileRenamed(web.supervise(), "status");
          posix.fileRenamed(web.supervise(), "status");
          posix.fileRenamed(web.supervise(), "status");
        });
    awaitFilesChanged();
    assertThat(watch.recordedARun(web)).contains(false);

    posix.atOnce(
        () -> {
          posix.fileOpened(web.directory(), "run");
          posix.fileRenamed(web.supervise(), "pid");
        });
    awaitFilesChanged();
    assertThat(watch.recordedARun(web)).as("executed, not recorded yet").contains(false);

    posix.fileRenamed(web.supervise(), "status");
    awaitFilesChanged();
    assertThat(watch.recordedARun(web)).contains(true);
  }

  @Test
  void opensOfOtherFilesAreNoRun() throws Exception {
    RunitService web = service("web", true);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(web), () -> {});
    awaitFilesChanged();

    posix.atOnce(
        () -> {
          posix.fileOpened(web.directory(), "finish");
          posix.fileRenamed(web.supervise(), "status");
        });
    awaitFilesChanged();

    assertThat(watch.recordedARun(web)).contains(false);
  }

  @Test
  void aSuperviseRunsvCreatedLaterIsWatchedButCannotTell() throws Exception {
    RunitService db = service("db", false);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(db), () -> {});
    awaitFilesChanged();

    Files.createDirectories(db.supervise());
    posix.fileRenamed(db.directory(), "supervise");
    // One event for the change, one as the new supervise/ is watched.
    awaitFilesChanged();
    awaitFilesChanged();
    posix.fileRenamed(db.supervise(), "status");
    awaitFilesChanged();

    assertThat(watch.recordedARun(db)).isEmpty();
  }

  @Test
  void changesTheKernelDroppedLeaveNothingKnown() throws Exception {
    RunitService web = service("web", true);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(web), () -> {});
    awaitFilesChanged();

    posix.filesChanged();
    awaitFilesChanged();

    assertThat(watch.recordedARun(web)).isEmpty();
  }

  @Test
  void eachChangeIsReadOnTheWatchsThreadBeforeTheMainThreadHearsOfIt() throws Exception {
    RunitService web = service("web", true);
    AtomicInteger reads = new AtomicInteger();
    ServiceWatch.start(reaper, List.of(web), reads::incrementAndGet);
    awaitFilesChanged();
    int before = reads.get();

    posix.fileRenamed(web.supervise(), "status");
    awaitFilesChanged();

    assertThat(reads.get()).isGreaterThan(before);
  }

  @Test
  void withoutAWatchItWakesTheMainThreadAndCannotTell() throws Exception {
    posix.watchUnavailable();
    RunitService web = service("web", true);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(web), () -> {});

    awaitFilesChanged();
    assertThat(watch.recordedARun(web)).isEmpty();
  }
}
