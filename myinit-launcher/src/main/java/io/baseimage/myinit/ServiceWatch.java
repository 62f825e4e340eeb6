package io.baseimage.myinit;

import io.baseimage.env.internal.FileNames;
import io.baseimage.posix.DirectoryWatch;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.startup.Reaper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns every change of runsv's records into an {@link io.baseimage.startup.Event.FilesChanged} for
 * the main thread: one thread blocks on an inotify watch of the services' directories and their
 * {@code supervise/}, which runsv creates, and so may come after the watch began. Where the kernel
 * offers no watch, it wakes the main thread every {@value #POLL_MILLIS} ms instead.
 */
final class ServiceWatch implements AutoCloseable {
  static final long POLL_MILLIS = 250;

  /** How often it looks again for a {@code supervise/} that runsv has not created yet. */
  private static final long MISSING_RECHECK_MILLIS = 100;

  private final ProcessControl processes;
  private final Reaper reaper;
  private final List<RunitService> services;
  private volatile boolean closed;

  private ServiceWatch(ProcessControl processes, Reaper reaper, List<RunitService> services) {
    this.processes = processes;
    this.reaper = reaper;
    this.services = List.copyOf(services);
  }

  /**
   * Starts watching {@code services}. The first watch is in place when this returns, so that it
   * sees runsv's first records if runsvdir starts after it.
   */
  static ServiceWatch start(Reaper reaper, List<RunitService> services) {
    ServiceWatch watch = new ServiceWatch(reaper.processes(), reaper, services);
    Optional<Opened> first = watch.open();
    Thread thread = new Thread(() -> watch.run(first), "services");
    thread.setDaemon(true);
    thread.start();
    return watch;
  }

  /** A watch on {@code directories} directories. */
  private record Opened(DirectoryWatch watch, int directories) {}

  private Optional<Opened> open() {
    List<byte[]> directories = new ArrayList<>();
    for (RunitService service : services) {
      directories.add(FileNames.bytesOf(service.directory()));
      if (Files.isDirectory(service.supervise())) {
        directories.add(FileNames.bytesOf(service.supervise()));
      }
    }
    try {
      return Optional.of(new Opened(processes.watch(directories), directories.size()));
    } catch (ErrnoException e) {
      return Optional.empty();
    }
  }

  private void run(Optional<Opened> first) {
    Optional<Opened> opened = first;
    try {
      while (!closed) {
        if (opened.isEmpty()) {
          Thread.sleep(POLL_MILLIS);
          reaper.filesChanged();
        } else {
          try (DirectoryWatch watch = opened.get().watch()) {
            // What changed before the watch began is seen at this first look.
            reaper.filesChanged();
            watchUntilASuperviseAppears(watch, opened.get().directories());
          } catch (ErrnoException e) {
            // The watch broke: poll from now on.
          }
        }
        opened = closed ? Optional.empty() : open();
      }
    } catch (InterruptedException e) {
      // Nobody interrupts it; if someone does, it has nothing left to do.
    }
  }

  /** Passes on changes until a {@code supervise/} appears that {@code watch} does not cover. */
  private void watchUntilASuperviseAppears(DirectoryWatch watch, int watched)
      throws ErrnoException {
    while (!closed) {
      boolean complete = watched == 2 * services.size();
      if (watch.awaitChange(complete ? Long.MAX_VALUE : MISSING_RECHECK_MILLIS)) {
        reaper.filesChanged();
      }
      if (!complete && services.size() + superviseDirectories() > watched) {
        return;
      }
    }
  }

  private long superviseDirectories() {
    return services.stream().map(RunitService::supervise).filter(Files::isDirectory).count();
  }

  /** Stops waking the main thread; the thread ends at its next wake-up. */
  @Override
  public void close() {
    closed = true;
  }
}
