package io.baseimage.startup;

import io.baseimage.env.internal.FileNames;
import io.baseimage.posix.Errno;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.posix.WaitStatus;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Starts children and reaps every process that ends, turning both and incoming signals into {@link
 * Event}s for one thread to handle in order.
 *
 * <p>One platform thread blocks in {@code waitpid(-1)}: it reaps our children and every orphan the
 * kernel hands us. Spawning and registering a child happen under the lock that the reaper takes to
 * dispatch a status, so a child that ends at once is never mistaken for an orphan. Never use {@code
 * java.lang.Process} next to this: its own reaper would lose statuses to ours.
 *
 * <pre>{@code
 * Reaper reaper = Reaper.start(JffiProcessControl.load(), problem -> log(problem));
 * int pid = reaper.spawn(Command.of(env, "/bin/true"));
 * Event event = reaper.next(Long.MAX_VALUE);   // Exited[pid=..., status=ExitStatus[code=0...]]
 * }</pre>
 */
public final class Reaper {
  /**
   * For waits that no signal ends. One instance, made when the class is: a lambda at each wait
   * would be linked at run time where the AOT training never waited so (a child that needs
   * SIGKILL).
   */
  private static final IntPredicate IGNORING_SIGNALS = signal -> false;

  /**
   * How long the reaper sleeps when it has no children, in case one is handed to it from outside.
   */
  private static final long IDLE_RECHECK_MILLIS = 1000;

  private final ProcessControl processes;
  private final Consumer<String> errors;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition childSpawned = lock.newCondition();
  private final Condition noChildrenLeft = lock.newCondition();
  private boolean childless;

  /**
   * Counts spawns and {@link #awaitNoChildren} calls. The reaper reads it before each {@code
   * waitpid(-1)}: an {@code ECHILD} that raced a spawn or a new wait says nothing about now.
   */
  private long generation;

  private final Set<Integer> running = new HashSet<>();
  private final Map<Integer, ExitStatus> ended = new HashMap<>();

  private Reaper(ProcessControl processes, Consumer<String> errors) {
    this.processes = processes;
    this.errors = errors;
  }

  /**
   * A reaper with its thread running.
   *
   * @param errors receives a line for each unexpected failure of the reaper (it keeps going)
   */
  public static Reaper start(ProcessControl processes, Consumer<String> errors) {
    Reaper reaper = new Reaper(processes, errors);
    Thread thread = new Thread(reaper::reap, "reaper");
    thread.setDaemon(true);
    thread.start();
    return reaper;
  }

  public ProcessControl processes() {
    return processes;
  }

  /**
   * Starts {@code command}; its end becomes an {@link Event.Exited}.
   *
   * @return the child's pid
   * @throws SpawnException naming the command when it cannot be started
   */
  public int spawn(Command command) throws SpawnException {
    byte[] path = Executables.resolve(command.argv().get(0), command.environment());
    lock.lock();
    try {
      int pid =
          processes.spawn(
              path,
              command.argv(),
              command.environment().toEnviron(),
              command.ownProcessGroup(),
              command.directory().map(FileNames::bytesOf));
      running.add(pid);
      // An earlier child may have had this pid: its status says nothing about the new one.
      ended.remove(pid);
      generation++;
      childless = false;
      childSpawned.signal();
      return pid;
    } catch (ErrnoException e) {
      throw spawnFailure(command, path, e);
    } finally {
      lock.unlock();
    }
  }

  private static SpawnException spawnFailure(Command command, byte[] path, ErrnoException e) {
    String program = FileNames.display(path);
    String reason =
        switch (e.errno()) {
          // Fixed text, as Executables gives it: the same line whichever finds the file missing.
          case Errno.ENOENT -> "No such file or directory";
          case Errno.E2BIG ->
              "the environment and arguments are too large for execve (E2BIG, "
                  + command.environment().size()
                  + " variables)";
          default -> e.description();
        };
    return new SpawnException(
        "cannot execute " + program + ": " + reason, ExitCodes.ofExecFailure(e.errno()));
  }

  /** Queues a signal; safe to call from a signal handler's thread. */
  public void signalReceived(int signal) {
    events.add(new Event.Signaled(signal));
  }

  /** Queues {@link Event.FilesChanged}; safe to call from any thread. */
  public void filesChanged() {
    events.add(new Event.FilesChanged());
  }

  /**
   * The next event, waiting until {@code deadlineNanos} ({@link System#nanoTime()} scale).
   *
   * @return the event, or empty when the deadline passed first
   */
  public Optional<Event> next(long deadlineNanos) throws InterruptedException {
    long wait =
        deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
    // Never take(): an untimed Condition.await goes through ForkJoinPool.managedBlock, whose class
    // set-up right after my_init gave its idle memory back read ~9 MB of it in again
    // (docs/benchmarks.md, "Levers").
    return Optional.ofNullable(events.poll(Math.max(0, wait), TimeUnit.NANOSECONDS));
  }

  /**
   * Waits until child {@code pid} ends or {@code deadlineNanos} passes. Signals that arrive in the
   * meantime go to {@code onSignal}; when it answers true the wait stops. Other children's ends
   * stay available through {@link #exitStatus}.
   *
   * @return the child's status, or empty if the deadline passed or {@code onSignal} stopped the
   *     wait
   */
  public Optional<ExitStatus> awaitExit(int pid, long deadlineNanos, IntPredicate onSignal)
      throws InterruptedException {
    return awaitExitOr(
        pid,
        deadlineNanos,
        event -> event instanceof Event.Signaled signaled && onSignal.test(signaled.signal()));
  }

  /**
   * Waits as {@link #awaitExit(int, long, IntPredicate)} does, but hands {@code stop} every signal
   * and {@link Event.FilesChanged}.
   */
  public Optional<ExitStatus> awaitExitOr(int pid, long deadlineNanos, Predicate<Event> stop)
      throws InterruptedException {
    while (true) {
      Optional<ExitStatus> status = exitStatus(pid);
      if (status.isPresent()) {
        return status;
      }
      Optional<Event> event = next(deadlineNanos);
      if (event.isEmpty()) {
        return Optional.empty();
      }
      if (!(event.get() instanceof Event.Exited) && stop.test(event.get())) {
        return Optional.empty();
      }
    }
  }

  /**
   * Stops child {@code pid}: {@code SIGTERM}, then {@code SIGKILL} if it has not ended after {@code
   * killTimeout}, and waits as long again for the end; both waits are cut to {@code deadline}.
   * Signals that arrive meanwhile are ignored.
   *
   * @return the child's status, or empty if it did not even end after {@code SIGKILL} in time
   */
  public Optional<ExitStatus> terminate(int pid, Deadline deadline, Duration killTimeout)
      throws InterruptedException {
    return terminate(pid, deadline, killTimeout, killTimeout);
  }

  /**
   * As {@link #terminate(int, Deadline, Duration)}, but sends {@code SIGTERM} again every {@code
   * every} until the child ends or {@code killTimeout} has passed: for a child that takes the
   * signal only at some moments and otherwise long after.
   *
   * @return the child's status, or empty if it did not even end after {@code SIGKILL} in time
   */
  public Optional<ExitStatus> terminate(
      int pid, Deadline deadline, Duration killTimeout, Duration every)
      throws InterruptedException {
    if (every.isNegative() || every.isZero()) {
      throw new IllegalArgumentException("every must be positive: " + every);
    }
    long end = deadline.cut(killTimeout);
    // No repeat when the first wait already reaches the end (and no overflow for a long one).
    long step = every.compareTo(killTimeout) >= 0 ? Long.MAX_VALUE : every.toNanos();
    Optional<ExitStatus> status;
    do {
      signal(pid, Signals.SIGTERM);
      // A stopped child (Ctrl-Z, SIGSTOP) would only see the TERM once continued: as runsv does.
      signal(pid, Signals.SIGCONT);
      long now = System.nanoTime();
      status = awaitExit(pid, end - now <= step ? end : now + step, IGNORING_SIGNALS);
    } while (status.isEmpty() && System.nanoTime() - end < 0);
    if (status.isPresent()) {
      return status;
    }
    signal(pid, Signals.SIGKILL);
    return awaitExit(pid, deadline.forKilled(killTimeout), IGNORING_SIGNALS);
  }

  /** The status of a child that has ended, if it has. */
  public Optional<ExitStatus> exitStatus(int pid) {
    lock.lock();
    try {
      return Optional.ofNullable(ended.get(pid));
    } finally {
      lock.unlock();
    }
  }

  public boolean isRunning(int pid) {
    lock.lock();
    try {
      return running.contains(pid);
    } finally {
      lock.unlock();
    }
  }

  /** Sends {@code signal} to a child that is still running; a child that ended is left alone. */
  public void signal(int pid, int signal) {
    signal(pid, pid, signal);
  }

  /**
   * Sends {@code signal} to the process group that child {@code pid} leads (it was started {@link
   * Command#inOwnProcessGroup}), and to the child, while the child runs: once it has been reaped
   * its group id may name another group.
   */
  public void signalGroup(int pid, int signal) {
    signal(pid, -pid, signal);
  }

  private void signal(int pid, int target, int signal) {
    lock.lock();
    try {
      if (running.contains(pid)) {
        processes.kill(target, signal);
      }
    } catch (ErrnoException e) {
      // ESRCH: it has just ended, and the reaper has not told us yet.
      if (e.errno() != Errno.ESRCH) {
        errors.accept(e.getMessage());
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until this process has no children left at all (ours and adopted orphans), or until
   * {@code deadlineNanos}.
   *
   * @return whether none is left
   */
  public boolean awaitNoChildren(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      // The reaper's last "no children" may be stale: an orphan handed to us since (a `docker
      // exec` job whose shell ended) would never be waited for, or killed. Have it look again.
      generation++;
      childless = false;
      childSpawned.signal();
      while (!childless) {
        long wait = deadlineNanos - System.nanoTime();
        if (wait <= 0) {
          return false;
        }
        noChildrenLeft.awaitNanos(wait);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void reap() {
    while (true) {
      try {
        long seen = generation();
        Optional<WaitStatus> status = processes.waitAny();
        if (status.isPresent()) {
          dispatch(status.get());
        } else {
          awaitChild(seen);
        }
      } catch (ErrnoException e) {
        errors.accept("reaper: " + e.getMessage());
        awaitChild(generation());
      } catch (RuntimeException | Error e) {
        // The reaper must outlive anything, even exhausted memory: an init that stops reaping
        // fills the process table with zombies.
        errors.accept("reaper: " + e);
      }
    }
  }

  private void dispatch(WaitStatus status) {
    lock.lock();
    try {
      childless = false;
      if (running.remove(status.pid())) {
        ExitStatus exit = ExitStatus.of(status);
        ended.put(status.pid(), exit);
        events.add(new Event.Exited(status.pid(), exit));
      }
      // Anything else was an orphan the kernel handed us: reaping it was all it needed.
    } finally {
      lock.unlock();
    }
  }

  private long generation() {
    lock.lock();
    try {
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /**
   * No children when {@code waitpid} looked at generation {@code seen}: wait for a spawn, or a
   * while for a process that a `docker exec` orphans. If a child was spawned since, look again at
   * once.
   */
  private void awaitChild(long seen) {
    lock.lock();
    try {
      if (generation != seen) {
        return;
      }
      childless = true;
      noChildrenLeft.signalAll();
      if (running.isEmpty()) {
        childSpawned.await(IDLE_RECHECK_MILLIS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }
}
