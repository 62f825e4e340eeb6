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
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Turns every change of runsv's records into an {@link io.baseimage.startup.Event.FilesChanged} for
 * the main thread: one thread blocks on an inotify watch of the services' directories and their
 * {@code supervise/}, adding each {@code supervise/} to it as runsv creates it. Where the kernel
 * offers no watch, it wakes the main thread every {@value #POLL_MILLIS} ms instead.
 *
 * <p>It also notes, for each service whose {@code supervise/} it watched before runsvdir started,
 * whether runsv has executed {@code ./run} (the kernel reports the open of an executed file) and
 * written a record ({@code status} renamed into {@code supervise/}) after that: a record read late,
 * after a short run has come and gone, then still tells that the run happened ({@link
 * EssentialServices}). Records alone do not: runsv writes one for every {@code sv} command too.
 */
final class ServiceWatch implements AutoCloseable {
  static final long POLL_MILLIS = 250;

  /** How often it looks again for a {@code supervise/} that runsv has not created yet. */
  private static final long MISSING_RECHECK_MILLIS = 100;

  /** The states of a service's record count: not known, no run yet, a run executed. */
  private static final int NOT_COUNTED = -1;

  private static final int NO_RUN = 0;
  private static final int RUN_EXECUTED = 1;

  /** A run executed and a record written after it. */
  private static final int RUN_RECORDED = 2;

  private final ProcessControl processes;
  private final Reaper reaper;
  private final List<RunitService> services;
  private final Runnable onChange;

  /** Per service: {@link #NO_RUN}, {@link #RUN_EXECUTED}, {@link #RUN_RECORDED} or not counted. */
  private final AtomicIntegerArray runs;

  /** Per watched directory: the service whose {@code supervise/} it is, or -1. */
  private final List<Integer> superviseOf = new ArrayList<>();

  /** Per watched directory: the service it is the directory of, or -1. */
  private final List<Integer> directoryOf = new ArrayList<>();

  private volatile boolean closed;

  private ServiceWatch(
      ProcessControl processes, Reaper reaper, List<RunitService> services, Runnable onChange) {
    this.processes = processes;
    this.reaper = reaper;
    this.services = List.copyOf(services);
    this.onChange = onChange;
    this.runs = new AtomicIntegerArray(services.size());
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
   * Whether runsv has executed {@code service}'s {@code ./run} and recorded something since, both
   * after the watch began.
   *
   * @return empty if that cannot be told: no watch, a {@code supervise/} that runsv created after
   *     the watch began, changes the kernel dropped
   */
  Optional<Boolean> recordedARun(RunitService service) {
    int index = services.indexOf(service);
    int state = index < 0 ? NOT_COUNTED : runs.get(index);
    return state == NOT_COUNTED ? Optional.empty() : Optional.of(state == RUN_RECORDED);
  }

  private Optional<DirectoryWatch> open() {
    try {
      DirectoryWatch watch = processes.watch(List.of());
      for (int i = 0; i < services.size(); i++) {
        RunitService service = services.get(i);
        watch.add(FileNames.bytesOf(service.directory()), true);
        superviseOf.add(-1);
        directoryOf.add(i);
        if (Files.isDirectory(service.supervise())) {
          watch.add(FileNames.bytesOf(service.supervise()), false);
          superviseOf.add(i);
          directoryOf.add(-1);
        } else {
          runs.set(i, NOT_COUNTED);
        }
      }
      return Optional.of(watch);
    } catch (ErrnoException e) {
      forgetCounts();
      return Optional.empty();
    }
  }

  private void forgetCounts() {
    for (int i = 0; i < services.size(); i++) {
      runs.set(i, NOT_COUNTED);
    }
  }

  /** How many services' supervise/ the watch holds. A loop: a stream's count is ~8 classes. */
  private int watchedSupervise() {
    int watched = 0;
    for (int service : superviseOf) {
      if (service >= 0) {
        watched++;
      }
    }
    return watched;
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
          boolean complete = watchedSupervise() == services.size();
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
        forgetCounts();
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
        // The kernel dropped changes: nothing is known any more.
        forgetCounts();
        continue;
      }
      int service = directoryOf.get(change.directory());
      if (service >= 0 && change.opened() && change.name().equals("run")) {
        runs.compareAndSet(service, NO_RUN, RUN_EXECUTED);
      }
      int supervised = superviseOf.get(change.directory());
      if (supervised >= 0 && !change.opened() && change.name().equals("status")) {
        runs.compareAndSet(supervised, RUN_EXECUTED, RUN_RECORDED);
      }
    }
  }

  /** Adds each {@code supervise/} that runsv has created since; its runs are not counted. */
  private void addNewSupervise(DirectoryWatch watch) throws ErrnoException {
    for (int i = 0; i < services.size(); i++) {
      if (!superviseOf.contains(i) && Files.isDirectory(services.get(i).supervise())) {
        watch.add(FileNames.bytesOf(services.get(i).supervise()), false);
        superviseOf.add(i);
        directoryOf.add(-1);
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
