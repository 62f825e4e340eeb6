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
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Turns every change of runsv's records into an {@link io.baseimage.startup.Event.FilesChanged} for
 * the main thread: one thread blocks on an inotify watch of the services' directories and their
 * {@code supervise/}, adding each {@code supervise/} to it as runsv creates it. Where the kernel
 * offers no watch, it wakes the main thread every {@value #POLL_MILLIS} ms instead.
 *
 * <p>It also counts the records runsv writes ({@code status} renamed into {@code supervise/}) for
 * each service whose {@code supervise/} it watched before runsvdir started: the main thread may
 * read a record late, after a short run has come and gone, and the count still tells it that the
 * run happened ({@link EssentialServices}).
 */
final class ServiceWatch implements AutoCloseable {
  static final long POLL_MILLIS = 250;

  /** How often it looks again for a {@code supervise/} that runsv has not created yet. */
  private static final long MISSING_RECHECK_MILLIS = 100;

  private static final int NOT_COUNTED = -1;

  private final ProcessControl processes;
  private final Reaper reaper;
  private final List<RunitService> services;
  private final Runnable onChange;

  /** Per service: records counted since the watch began, or {@value #NOT_COUNTED}. */
  private final AtomicIntegerArray records;

  /** Per watched directory: the service whose {@code supervise/} it is, or -1. */
  private final List<Integer> superviseOf = new ArrayList<>();

  private volatile boolean closed;

  private ServiceWatch(
      ProcessControl processes, Reaper reaper, List<RunitService> services, Runnable onChange) {
    this.processes = processes;
    this.reaper = reaper;
    this.services = List.copyOf(services);
    this.onChange = onChange;
    this.records = new AtomicIntegerArray(services.size());
  }

  /**
   * Starts watching {@code services}. The watch is in place when this returns, so that it sees
   * runsv's first records if runsvdir starts after it.
   *
   * @param onChange runs on the watch's thread at each change, before the main thread hears of it
   */
  static ServiceWatch start(Reaper reaper, List<RunitService> services, Runnable onChange) {
    ServiceWatch watch = new ServiceWatch(reaper.processes(), reaper, services, onChange);
    Optional<DirectoryWatch> opened = watch.open();
    Thread thread = new Thread(() -> watch.run(opened), "services");
    thread.setDaemon(true);
    thread.start();
    return watch;
  }

  /**
   * How many records runsv has written for {@code service} since before runsvdir started.
   *
   * @return the count; empty if it could not be counted from the start (no watch, a {@code
   *     supervise/} that runsv created later, changes the kernel dropped)
   */
  OptionalInt recordsWritten(RunitService service) {
    int index = services.indexOf(service);
    int count = index < 0 ? NOT_COUNTED : records.get(index);
    return count == NOT_COUNTED ? OptionalInt.empty() : OptionalInt.of(count);
  }

  private Optional<DirectoryWatch> open() {
    List<byte[]> directories = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      RunitService service = services.get(i);
      directories.add(FileNames.bytesOf(service.directory()));
      superviseOf.add(-1);
      if (Files.isDirectory(service.supervise())) {
        directories.add(FileNames.bytesOf(service.supervise()));
        superviseOf.add(i);
      } else {
        records.set(i, NOT_COUNTED);
      }
    }
    try {
      return Optional.of(processes.watch(directories));
    } catch (ErrnoException e) {
      for (int i = 0; i < services.size(); i++) {
        records.set(i, NOT_COUNTED);
      }
      return Optional.empty();
    }
  }

  private void run(Optional<DirectoryWatch> opened) {
    try {
      if (opened.isEmpty()) {
        poll();
        return;
      }
      try (DirectoryWatch watch = opened.get()) {
        // What changed before the watch began is seen at this first look.
        changed();
        while (!closed) {
          boolean complete = superviseOf.stream().filter(i -> i >= 0).count() == services.size();
          List<DirectoryWatch.Change> changes =
              watch.awaitChanges(complete ? Long.MAX_VALUE : MISSING_RECHECK_MILLIS);
          count(changes);
          if (!complete) {
            addNewSupervise(watch);
          }
          if (!changes.isEmpty()) {
            changed();
          }
        }
      } catch (ErrnoException e) {
        for (int i = 0; i < services.size(); i++) {
          records.set(i, NOT_COUNTED);
        }
        poll();
      }
    } catch (InterruptedException e) {
      // Nobody interrupts it; if someone does, it has nothing left to do.
    }
  }

  private void poll() throws InterruptedException {
    while (!closed) {
      Thread.sleep(POLL_MILLIS);
      changed();
    }
  }

  private void changed() {
    try {
      onChange.run();
    } catch (RuntimeException e) {
      // The main thread runs the same reads at the event, and reports what fails there.
    }
    reaper.filesChanged();
  }

  private void count(List<DirectoryWatch.Change> changes) {
    for (DirectoryWatch.Change change : changes) {
      if (change.directory() < 0) {
        // The kernel dropped changes: no count is exact any more.
        for (int i = 0; i < services.size(); i++) {
          records.set(i, NOT_COUNTED);
        }
      } else if (change.name().equals("status")) {
        int service = superviseOf.get(change.directory());
        if (service >= 0 && records.get(service) != NOT_COUNTED) {
          records.incrementAndGet(service);
        }
      }
    }
  }

  /** Adds each {@code supervise/} that runsv has created since; its records are not counted. */
  private void addNewSupervise(DirectoryWatch watch) throws ErrnoException {
    for (int i = 0; i < services.size(); i++) {
      if (!superviseOf.contains(i) && Files.isDirectory(services.get(i).supervise())) {
        watch.add(FileNames.bytesOf(services.get(i).supervise()));
        superviseOf.add(i);
        // A record it wrote before the watch covered it would be missed: read them all again.
        changed();
      }
    }
  }

  /** Stops waking the main thread; the thread ends at its next wake-up. */
  @Override
  public void close() {
    closed = true;
  }
}
