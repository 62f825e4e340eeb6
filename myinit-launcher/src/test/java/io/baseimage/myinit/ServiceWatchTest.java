package io.baseimage.myinit;

import static org.assertj.core.api.Assertions.assertThat;

import io.baseimage.startup.Event;
import io.baseimage.startup.Reaper;
import io.baseimage.testing.FakePosix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
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
  void countsTheRecordsRunsvWritesIntoASuperviseWatchedFromTheStart() throws Exception {
    RunitService web = service("web", true);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(web), () -> {});
    awaitFilesChanged();

    posix.fileRenamed(web.supervise(), "pid");
    posix.fileRenamed(web.supervise(), "status");
    posix.fileRenamed(web.supervise(), "status");
    awaitFilesChanged();

    assertThat(watch.recordsWritten(web)).isEqualTo(OptionalInt.of(2));
  }

  @Test
  void aSuperviseRunsvCreatedLaterIsWatchedButNotCounted() throws Exception {
    RunitService db = service("db", false);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(db), () -> {});
    awaitFilesChanged();

    Files.createDirectories(db.supervise());
    posix.fileRenamed(db.directory(), "supervise");
    posix.awaitCall("watch([" + db.directory() + "])", java.time.Duration.ofSeconds(30));
    awaitFilesChanged();

    assertThat(watch.recordsWritten(db)).isEmpty();
  }

  @Test
  void changesTheKernelDroppedMakeEveryCountUnknown() throws Exception {
    RunitService web = service("web", true);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(web), () -> {});
    awaitFilesChanged();

    posix.filesChanged();
    awaitFilesChanged();

    assertThat(watch.recordsWritten(web)).isEmpty();
  }

  @Test
  void withoutAWatchItWakesTheMainThreadAndCountsNothing() throws Exception {
    posix.watchUnavailable();
    RunitService web = service("web", true);
    ServiceWatch watch = ServiceWatch.start(reaper, List.of(web), () -> {});

    awaitFilesChanged();
    assertThat(watch.recordsWritten(web)).isEmpty();
  }
}
