package io.baseimage.testing;

import static io.baseimage.posix.Errno.E2BIG;
import static io.baseimage.posix.Errno.EACCES;
import static io.baseimage.posix.Errno.ENOENT;
import static io.baseimage.posix.Errno.ENOSYS;
import static io.baseimage.posix.Errno.EPERM;
import static io.baseimage.posix.Errno.ESRCH;
import static io.baseimage.posix.Signals.SIGCONT;
import static io.baseimage.posix.Signals.SIGHUP;
import static io.baseimage.posix.Signals.SIGINT;
import static io.baseimage.posix.Signals.SIGKILL;
import static io.baseimage.posix.Signals.SIGTERM;
import static io.baseimage.posix.Signals.SIGUSR1;
import static io.baseimage.posix.Signals.SIGUSR2;

import io.baseimage.posix.DirectoryWatch;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.GroupEntry;
import io.baseimage.posix.PasswdEntry;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.TrackedProcess;
import io.baseimage.posix.UserSwitch;
import io.baseimage.posix.WaitStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Both native ports, {@link ProcessControl} and {@link UserSwitch}, in memory: it simulates
 * children instead of starting them, holds a user and group database, and records what it is asked.
 *
 * <p>{@link #spawn} hands out increasing pids and records a {@link Spawn}; nothing is executed,
 * but, like {@code posix_spawn}, it fails with {@code ENOENT}/{@code EACCES} when the file is
 * missing or not executable. A child runs until the test ends it ({@link #exit}, {@link #killBy})
 * or until a signal does: by default {@code SIGKILL}, {@code SIGTERM}, {@code SIGINT}, {@code
 * SIGHUP}, {@code SIGUSR1} and {@code SIGUSR2} kill it, other signals are ignored; {@link #program}
 * changes that per program. {@link #waitAny} blocks until a child has ended and returns empty when
 * no child is left, like {@code waitpid(-1)} and {@code ECHILD}. Thread-safe: the reaper thread
 * waits here while the test thread ends children.
 *
 * <p>Tests never sleep to let the reaper catch up: they wait for what it does here ({@link
 * #awaitBlockedInWaitAny}, {@link #awaitReaped}, {@link #awaitHandedOn}), and {@link #onCall} lets
 * them act at a precise step of the code under test. To check that a test does not depend on a
 * prompt reaper, run it with {@code -Dfakeposix.lateReaperMillis=1500}: it must still pass, only
 * slower.
 *
 * <pre>{@code
 * FakePosix posix = new FakePosix();
 * posix.program("runsvdir").ignores(Signals.SIGTERM);      // dies only on SIGKILL
 * posix.program("my-script").exitsAtOnce(0);
 * }</pre>
 *
 * <p>For setuser: {@link #user} and {@link #group} fill the database, {@link #failing} makes a call
 * fail, and {@link #exec} records the call and throws {@link Exec}: like a real exec, nothing after
 * it runs.
 */
public final class FakePosix implements ProcessControl, UserSwitch {
  /** Thrown by {@link #exec} in place of the process being replaced. */
  public static final class Exec extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient byte[] path;
    private final transient List<byte[]> argv;
    private final transient List<byte[]> environ;

    Exec(byte[] path, List<byte[]> argv, List<byte[]> environ) {
      super("exec " + new String(path, StandardCharsets.UTF_8), null, false, false);
      this.path = path;
      this.argv = List.copyOf(argv);
      this.environ = List.copyOf(environ);
    }

    public byte[] path() {
      return path.clone();
    }

    public List<byte[]> argv() {
      return argv;
    }

    public List<byte[]> environ() {
      return environ;
    }
  }

  /** A {@link #spawn} call. */
  public record Spawn(
      int pid,
      String path,
      List<String> argv,
      List<String> environ,
      boolean newProcessGroup,
      Optional<String> directory) {
    public String program() {
      return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The value of {@code name} in the child's environment. */
    public Optional<String> variable(String name) {
      return environ.stream()
          .filter(entry -> entry.startsWith(name + "="))
          .map(entry -> entry.substring(name.length() + 1))
          .findFirst();
    }
  }

  /** A {@link #kill} call. */
  public record Kill(int pid, int signal) {}

  /** How a simulated program behaves; configured with {@link FakePosix#program}. */
  public static final class Program {
    private Integer exitAtOnce;
    private boolean exitBeforeSpawnReturns;
    private Integer spawnErrno;
    private final Map<Integer, Integer> onSignal = new HashMap<>();
    private final List<IntConsumer> onSpawn = new ArrayList<>();

    private Program() {}

    /** Ends with {@code code} as soon as it is started; the reaper may see that at any time. */
    public Program exitsAtOnce(int code) {
      exitAtOnce = code;
      return this;
    }

    /**
     * Ends with {@code code} so fast that the reaper has collected the status before {@link #spawn}
     * returns the pid (provided the reaper is waiting in {@link #waitAny}).
     */
    public Program exitsBeforeSpawnReturns(int code) {
      exitAtOnce = code;
      exitBeforeSpawnReturns = true;
      return this;
    }

    /** Cannot be started: {@link #spawn} fails with {@code errno}. */
    public Program failsToSpawn(int errno) {
      spawnErrno = errno;
      return this;
    }

    /** Exits with {@code code} when it gets {@code signal} (a handler that exits). */
    public Program exitsOn(int signal, int code) {
      onSignal.put(signal, code << 8);
      return this;
    }

    /** Is killed by {@code signal}. */
    public Program diesOn(int signal) {
      onSignal.put(signal, signal);
      return this;
    }

    /** Ignores these signals ({@code SIGKILL} cannot be ignored). */
    public Program ignores(int... signals) {
      for (int signal : signals) {
        if (signal != SIGKILL) {
          onSignal.put(signal, null);
        }
      }
      return this;
    }

    /** Runs {@code action} with the new pid right after each start, on the spawning thread. */
    public Program onSpawn(IntConsumer action) {
      onSpawn.add(action);
      return this;
    }

    private Optional<Integer> reaction(int signal) {
      if (signal == SIGKILL) {
        return Optional.of(SIGKILL);
      }
      if (onSignal.containsKey(signal)) {
        return Optional.ofNullable(onSignal.get(signal));
      }
      return DEADLY_BY_DEFAULT.contains(signal) ? Optional.of(signal) : Optional.empty();
    }
  }

  /**
   * How late the reaper runs: {@link #waitAny} sleeps this long before it looks and after it took a
   * status, as a reaper that a loaded machine deschedules may. 0 unless set for a check.
   */
  private static final long LATE_REAPER_MILLIS = Long.getLong("fakeposix.lateReaperMillis", 0);

  private static final Set<Integer> DEADLY_BY_DEFAULT =
      Set.of(SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2);
  private static final Program DEFAULT = new Program();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, Program> programs = new HashMap<>();
  private final List<Spawn> spawns = new ArrayList<>();
  private final List<Kill> kills = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private final Map<String, PasswdEntry> users = new HashMap<>();
  private final Map<String, GroupEntry> groups = new HashMap<>();
  private final Map<String, ErrnoException> failures = new HashMap<>();

  /** Children not reaped yet (running or ended), with how they behave. */
  private final Map<Integer, Program> children = new LinkedHashMap<>();

  private final Set<Integer> processGroupLeaders = new HashSet<>();

  /** Ended children, in the order they ended, waiting for {@link #waitAny}. */
  private final Deque<WaitStatus> ended = new ArrayDeque<>();

  private final Set<Integer> reaped = new HashSet<>();
  private boolean watchUnavailable;

  /** A change that {@link #filesChanged} or {@link #fileRenamed} made: where, if it says. */
  private record FileChange(Optional<String> directory, String name, boolean opened) {}

  private final List<FileChange> fileChanges = new ArrayList<>();

  /** Running processes that are not our children, which {@link #track} can hold on to. */
  private final Set<Integer> others = new HashSet<>();

  /** Those that have ended, with what their trackers tell. */
  private final Map<Integer, Optional<WaitStatus>> othersEnded = new HashMap<>();

  /**
   * Calls of {@link #waitAny} so far, and for each reaped child the number of the call that took
   * it.
   */
  private long waitAnyCalls;

  private final Map<Integer, Long> reapedByCall = new HashMap<>();

  /** Threads inside {@link #waitAny} that wait for a child to end. */
  private int blockedInWaitAny;

  private final Map<String, List<Runnable>> onCall = new HashMap<>();
  private int nextPid = 100;
  private int pid = 4242;
  private int uid;
  private int gid;
  private boolean terminal;
  private boolean holdNoChildren;
  private final List<Integer> pendingSignals = new ArrayList<>();
  private boolean noChildrenHeld;

  /** Gives the next spawn {@code pid}, as the kernel does when it recycles an ended child's pid. */
  public FakePosix reusePid(int pid) {
    lock.lock();
    try {
      nextPid = pid;
      return this;
    } finally {
      lock.unlock();
    }
  }

  public FakePosix pid(int pid) {
    this.pid = pid;
    return this;
  }

  public FakePosix uid(int uid) {
    this.uid = uid;
    return this;
  }

  public FakePosix gid(int gid) {
    this.gid = gid;
    return this;
  }

  /** A user of the database, with {@code /bin/sh} as its shell. */
  public FakePosix user(String name, int uid, int gid, String home) {
    users.put(name, new PasswdEntry(name, uid, gid, home, "/bin/sh"));
    return this;
  }

  public FakePosix group(String name, int gid) {
    groups.put(name, new GroupEntry(name, gid));
    return this;
  }

  /**
   * Makes the user-switch call named {@code call} ({@code "getpwnam"}, {@code "setgid"}, {@code
   * "closeOnExec"}, {@code "execve"}...) fail with {@code errno}.
   */
  public FakePosix failing(String call, int errno, String description) {
    failures.put(call, new ErrnoException(call, errno, description));
    return this;
  }

  public FakePosix terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  /**
   * How the program {@code name} behaves; {@code name} is a path as spawned or the last part of one
   * ({@code "runsvdir"}).
   */
  public Program program(String name) {
    lock.lock();
    try {
      return programs.computeIfAbsent(name, n -> new Program());
    } finally {
      lock.unlock();
    }
  }

  /** A process that became our child without a spawn, as an orphan does (reaped as such). */
  public FakePosix adopt(int orphan, Program behaviour) {
    lock.lock();
    try {
      children.put(orphan, behaviour);
      changed.signalAll();
      return this;
    } finally {
      lock.unlock();
    }
  }

  /** A behaviour for {@link #adopt}. */
  public static Program behaviour() {
    return new Program();
  }

  /** Waits until {@code call}, as {@link #calls} lists it, has been made. */
  public void awaitCall(String call, Duration timeout) throws InterruptedException {
    await(() -> calls.contains(call), "no " + call, timeout);
  }

  /** Waits until {@code kill} has been sent. */
  public void awaitKill(Kill kill, Duration timeout) throws InterruptedException {
    await(() -> kills.contains(kill), "no " + kill, timeout);
  }

  /** Makes {@link #watch} fail with ENOSYS, as under a seccomp profile that predates inotify. */
  public FakePosix watchUnavailable() {
    lock.lock();
    try {
      watchUnavailable = true;
      return this;
    } finally {
      lock.unlock();
    }
  }

  /** Makes {@code pid} a process of someone else's that {@link #track} can hold on to. */
  public FakePosix otherProcess(int pid) {
    lock.lock();
    try {
      others.add(pid);
      return this;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends a process of {@link #otherProcess}: its tracker tells {@code waitStatus}; empty, as a
   * kernel before 6.15 does, tells nothing.
   */
  public void otherProcessEnded(int pid, Optional<WaitStatus> waitStatus) {
    lock.lock();
    try {
      others.remove(pid);
      othersEnded.put(pid, waitStatus);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public TrackedProcess track(int pid) throws ErrnoException {
    boolean running;
    lock.lock();
    try {
      running = others.contains(pid);
    } finally {
      lock.unlock();
    }
    // Recorded once the process is held: a test that waits for the call may then end it.
    call("track(" + pid + ")");
    if (!running) {
      throw new ErrnoException("pidfd_open(" + pid + ")", ESRCH, description(ESRCH));
    }
    return new TrackedProcess() {
      @Override
      public Optional<WaitStatus> exit() {
        lock.lock();
        try {
          return othersEnded.getOrDefault(pid, Optional.empty());
        } finally {
          lock.unlock();
        }
      }

      @Override
      public void close() {}
    };
  }

  /** Tells the watches that files changed, as the kernel's inotify would. */
  public void filesChanged() {
    fileChange(new FileChange(Optional.empty(), "", false));
  }

  /**
   * Makes the file changes of {@code changes} at once: a watch gets them in one wake-up, as it
   * would if it had been busy while they happened.
   */
  public void atOnce(Runnable changes) {
    lock.lock();
    try {
      changes.run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Tells the watches of {@code directory} that {@code name} was renamed into it, as runsv does.
   */
  public void fileRenamed(Path directory, String name) {
    fileChange(new FileChange(Optional.of(directory.toString()), name, false));
  }

  /**
   * Tells the watches of {@code directory} that asked for opens that {@code name} was opened in it,
   * as runsv's child does when it executes {@code ./run}.
   */
  public void fileOpened(Path directory, String name) {
    fileChange(new FileChange(Optional.of(directory.toString()), name, true));
  }

  private void fileChange(FileChange change) {
    lock.lock();
    try {
      fileChanges.add(change);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends child {@code child} with exit code {@code code}. */
  public void exit(int child, int code) {
    end(child, code << 8);
  }

  /** Ends child {@code child} as killed by {@code signal}. */
  public void killBy(int child, int signal) {
    end(child, signal);
  }

  /** An orphan handed to us by the kernel ends at once. */
  public void orphanExits(int orphan, int code) {
    adopt(orphan, behaviour());
    exit(orphan, code);
  }

  public List<Spawn> spawns() {
    lock.lock();
    try {
      return List.copyOf(spawns);
    } finally {
      lock.unlock();
    }
  }

  public List<Kill> kills() {
    lock.lock();
    try {
      return List.copyOf(kills);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The signals sent to {@code target}, in order, but for {@code SIGCONT}: the reaper sends one
   * after every {@code SIGTERM} (a stopped child must see the TERM), and whether it still reaches a
   * child that ended on the TERM is a race. {@link #kills} has every call.
   */
  public List<Integer> signalsTo(int target) {
    return kills().stream()
        .filter(kill -> kill.pid() == target && kill.signal() != SIGCONT)
        .map(Kill::signal)
        .toList();
  }

  /** Every call other than spawn, kill and waitAny, as text such as {@code ignore(3)}. */
  public List<String> calls() {
    lock.lock();
    try {
      return List.copyOf(calls);
    } finally {
      lock.unlock();
    }
  }

  /** Children started or adopted and not reaped yet. */
  public Set<Integer> unreaped() {
    lock.lock();
    try {
      return Set.copyOf(children.keySet());
    } finally {
      lock.unlock();
    }
  }

  public boolean wasReaped(int child) {
    lock.lock();
    try {
      return reaped.contains(child);
    } finally {
      lock.unlock();
    }
  }

  /** Waits for the first spawn of {@code program} (see {@link #program} for names). */
  public Spawn awaitSpawn(String program, Duration timeout) throws InterruptedException {
    return awaitSpawn(spawn -> matches(program, spawn.path()), timeout);
  }

  public Spawn awaitSpawn(Predicate<Spawn> which, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (true) {
        for (Spawn spawn : spawns) {
          if (which.test(spawn)) {
            return spawn;
          }
        }
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
          throw new AssertionError("no such spawn within " + timeout + "; spawns: " + spawns);
        }
        changed.awaitNanos(wait);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until child {@code child} has been reaped. */
  public void awaitReaped(int child, Duration timeout) throws InterruptedException {
    await(() -> reaped.contains(child), "pid " + child + " not reaped", timeout);
  }

  /**
   * Waits until child {@code child} has been reaped and {@link #waitAny} has been called again. A
   * reaper that handles each status before it asks for the next one, as the reaper's does, has by
   * then passed the status on: the test can look at what it did with it.
   */
  public void awaitHandedOn(int child, Duration timeout) throws InterruptedException {
    await(
        () -> reapedByCall.containsKey(child) && waitAnyCalls > reapedByCall.get(child),
        "pid " + child + " not handed on by the reaper",
        timeout);
  }

  /**
   * Waits until a thread is blocked in {@link #waitAny}, waiting for a child to end: from then on
   * it takes a status without needing anything but this fake.
   */
  public void awaitBlockedInWaitAny(Duration timeout) throws InterruptedException {
    await(() -> blockedInWaitAny > 0, "no thread blocked in waitAny", timeout);
  }

  /**
   * Runs {@code action} on the caller's thread each time {@code name} is called, after the call is
   * recorded; {@code name} is a method as {@link #calls} shows it, such as {@code
   * "releaseIdleMemory"}.
   */
  public FakePosix onCall(String name, Runnable action) {
    lock.lock();
    try {
      onCall.computeIfAbsent(name, n -> new ArrayList<>()).add(action);
      return this;
    } finally {
      lock.unlock();
    }
  }

  private void await(BooleanSupplier condition, String failure, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!condition.getAsBoolean()) {
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
          throw new AssertionError(failure + " within " + timeout);
        }
        changed.awaitNanos(wait);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int spawn(
      byte[] path,
      List<byte[]> argv,
      List<byte[]> environ,
      boolean newProcessGroup,
      Optional<byte[]> directory)
      throws ErrnoException {
    String file = text(path);
    Program program;
    int child;
    lock.lock();
    try {
      program = behaviourOf(file);
      if (program.spawnErrno != null) {
        throw new ErrnoException(
            "posix_spawn(" + file + ")", program.spawnErrno, description(program.spawnErrno));
      }
      // As posix_spawn's chdir action: a relative path is found in the child's directory.
      Path onDisk =
          directory.map(d -> Path.of(text(d)).resolve(file)).orElseGet(() -> Path.of(file));
      if (!Files.isRegularFile(onDisk)) {
        throw new ErrnoException("posix_spawn(" + file + ")", ENOENT, description(ENOENT));
      }
      if (!Files.isExecutable(onDisk)) {
        throw new ErrnoException("posix_spawn(" + file + ")", EACCES, description(EACCES));
      }
      child = nextPid++;
      spawns.add(
          new Spawn(
              child,
              file,
              argv.stream().map(FakePosix::text).toList(),
              environ.stream().map(FakePosix::text).toList(),
              newProcessGroup,
              directory.map(FakePosix::text)));
      children.put(child, program);
      if (newProcessGroup) {
        processGroupLeaders.add(child);
      }
      if (program.exitAtOnce != null) {
        ended.add(new WaitStatus(child, program.exitAtOnce << 8));
      }
      changed.signalAll();
      if (program.exitBeforeSpawnReturns) {
        // Give a waiting reaper the status before the caller learns the pid: the spawn/exit race.
        // Ample time, for a loaded machine; the test checks that the reaper did take it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!reaped.contains(child) && deadline - System.nanoTime() > 0) {
          changed.awaitNanos(deadline - System.nanoTime());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      lock.unlock();
    }
    for (IntConsumer action : program.onSpawn) {
      action.accept(child);
    }
    return child;
  }

  /**
   * Makes the next {@link #waitAny} that finds no children hold that answer until {@link
   * #releaseNoChildren}, as a reaper preempted between {@code ECHILD} and its next step is.
   */
  public void holdNoChildren() {
    lock.lock();
    try {
      holdNoChildren = true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a {@link #waitAny} has found no children and holds that answer. */
  public void awaitNoChildrenHeld() {
    lock.lock();
    try {
      while (!noChildrenHeld) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Lets the held "no children" answer go, stale by now if a child was spawned meanwhile. */
  public void releaseNoChildren() {
    lock.lock();
    try {
      holdNoChildren = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void deliverStaleNoChildren() {
    noChildrenHeld = true;
    changed.signalAll();
    while (holdNoChildren) {
      changed.awaitUninterruptibly();
    }
    noChildrenHeld = false;
  }

  @Override
  public Optional<WaitStatus> waitAny() {
    runLate();
    Optional<WaitStatus> status = takeStatus();
    if (status.isPresent()) {
      runLate();
    }
    return status;
  }

  private static void runLate() {
    if (LATE_REAPER_MILLIS > 0) {
      try {
        Thread.sleep(LATE_REAPER_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Optional<WaitStatus> takeStatus() {
    lock.lock();
    try {
      long call = ++waitAnyCalls;
      changed.signalAll();
      while (true) {
        WaitStatus status = ended.poll();
        if (status != null) {
          children.remove(status.pid());
          reaped.add(status.pid());
          reapedByCall.put(status.pid(), call);
          changed.signalAll();
          return Optional.of(status);
        }
        if (children.isEmpty()) {
          if (holdNoChildren) {
            deliverStaleNoChildren();
          }
          return Optional.empty();
        }
        blockedInWaitAny++;
        changed.signalAll();
        try {
          changed.awaitUninterruptibly();
        } finally {
          blockedInWaitAny--;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void kill(int target, int signal) throws ErrnoException {
    lock.lock();
    try {
      kills.add(new Kill(target, signal));
      changed.signalAll();
      if (target == -1) {
        for (int child : List.copyOf(children.keySet())) {
          deliver(child, signal);
        }
      } else if (target < -1) {
        if (!processGroupLeaders.contains(-target) || !isRunning(-target)) {
          throw new ErrnoException(
              "kill(" + target + ", " + signal + ")", ESRCH, description(ESRCH));
        }
        deliver(-target, signal);
      } else if (children.containsKey(target)) {
        deliver(target, signal);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int pid() {
    return pid;
  }

  @Override
  public int uid() {
    return uid;
  }

  @Override
  public int gid() {
    return gid;
  }

  /** Our process group: we lead our own, as a container's PID 1 does. */
  @Override
  public int processGroup() {
    return pid;
  }

  @Override
  public void becomeChildSubreaper() {
    call("becomeChildSubreaper()");
  }

  @Override
  public void ignore(int signal) {
    call("ignore(" + signal + ")");
  }

  /** A signal sent to this process: {@link #awaitSignal} takes it. */
  public void raise(int signal) {
    lock.lock();
    try {
      pendingSignals.add(signal);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int awaitSignal(int... signals) {
    lock.lock();
    try {
      for (int signal = takePending(signals); ; signal = takePending(signals)) {
        if (signal != 0) {
          return signal;
        }
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int takePendingSignal(int... signals) {
    lock.lock();
    try {
      return takePending(signals);
    } finally {
      lock.unlock();
    }
  }

  /** The first of {@code signals} that is pending, taken, or 0; with the lock held. */
  private int takePending(int... signals) {
    for (int signal : signals) {
      if (pendingSignals.remove(Integer.valueOf(signal))) {
        return signal;
      }
    }
    return 0;
  }

  @Override
  public boolean isTerminal(int fd) {
    return terminal && fd <= 2;
  }

  @Override
  public void setForegroundProcessGroup(int fd, int processGroup) {
    call("setForegroundProcessGroup(" + fd + ", " + processGroup + ")");
  }

  @Override
  public void setThreadName(String name) {
    call("setThreadName(" + name + ")");
  }

  @Override
  public void releaseIdleMemory() {
    call("releaseIdleMemory()");
  }

  @Override
  public DirectoryWatch watch(List<byte[]> directories) throws ErrnoException {
    call(
        "watch("
            + directories.stream().map(d -> new String(d, StandardCharsets.UTF_8)).toList()
            + ")");
    lock.lock();
    try {
      if (watchUnavailable) {
        throw new ErrnoException("inotify_init1", ENOSYS, description(ENOSYS));
      }
      List<String> watched = new ArrayList<>(directories.stream().map(FakePosix::text).toList());
      List<Boolean> opens = new ArrayList<>(directories.stream().map(d -> false).toList());
      int[] seen = {fileChanges.size()};
      return new DirectoryWatch() {
        @Override
        public List<Change> awaitChanges(long timeoutMillis) {
          lock.lock();
          try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (fileChanges.size() == seen[0]) {
              long wait = deadline - System.nanoTime();
              if (wait <= 0) {
                return List.of();
              }
              changed.awaitNanos(wait);
            }
            List<Change> changes = new ArrayList<>();
            for (FileChange change : fileChanges.subList(seen[0], fileChanges.size())) {
              int directory = change.directory().map(watched::indexOf).orElse(-1);
              boolean reported =
                  change.directory().isEmpty()
                      || (directory >= 0 && (!change.opened() || opens.get(directory)));
              if (reported) {
                changes.add(new Change(directory, change.name(), change.opened()));
              }
            }
            seen[0] = fileChanges.size();
            // As inotify, which only reports what it watches: an unnamed change wakes every watch.
            return changes;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
          } finally {
            lock.unlock();
          }
        }

        @Override
        public int add(byte[] directory, boolean withOpens) {
          lock.lock();
          try {
            watched.add(text(directory));
            opens.add(withOpens);
            return watched.size() - 1;
          } finally {
            lock.unlock();
          }
        }

        @Override
        public void close() {}
      };
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Optional<PasswdEntry> userByName(String name) throws ErrnoException {
    userCall("getpwnam(" + name + ")");
    return Optional.ofNullable(users.get(name));
  }

  @Override
  public Optional<PasswdEntry> userById(int uid) throws ErrnoException {
    userCall("getpwuid(" + Integer.toUnsignedString(uid) + ")");
    return users.values().stream().filter(user -> user.uid() == uid).findFirst();
  }

  @Override
  public Optional<GroupEntry> groupByName(String name) throws ErrnoException {
    userCall("getgrnam(" + name + ")");
    return Optional.ofNullable(groups.get(name));
  }

  @Override
  public void initgroups(String user, int gid) throws ErrnoException {
    userCall("initgroups(" + user + ", " + Integer.toUnsignedString(gid) + ")");
  }

  @Override
  public void setgroups(int[] groups) throws ErrnoException {
    userCall(
        "setgroups("
            + Arrays.stream(groups)
                .mapToObj(Integer::toUnsignedString)
                .collect(Collectors.joining(", ", "[", "]"))
            + ")");
  }

  @Override
  public void setgid(int gid) throws ErrnoException {
    userCall("setgid(" + Integer.toUnsignedString(gid) + ")");
    this.gid = gid;
  }

  @Override
  public void setuid(int uid) throws ErrnoException {
    userCall("setuid(" + Integer.toUnsignedString(uid) + ")");
    this.uid = uid;
  }

  @Override
  public void closeOnExec(int lowest) throws ErrnoException {
    userCall("closeOnExec(" + lowest + ")");
  }

  @Override
  public void exec(byte[] path, List<byte[]> argv, List<byte[]> environ) throws ErrnoException {
    userCall("execve(" + text(path) + ")");
    throw new Exec(path, argv, environ);
  }

  /** Records {@code call} and throws the failure {@link #failing} set up for it, if any. */
  private void userCall(String call) throws ErrnoException {
    call(call);
    ErrnoException failure = failures.get(call.substring(0, call.indexOf('(')));
    if (failure != null) {
      throw new ErrnoException(call, failure.errno(), failure.description());
    }
  }

  private void end(int child, int rawStatus) {
    lock.lock();
    try {
      if (!children.containsKey(child)) {
        throw new IllegalStateException("pid " + child + " is not a child");
      }
      if (!isRunning(child)) {
        throw new IllegalStateException("pid " + child + " has already ended");
      }
      ended.add(new WaitStatus(child, rawStatus));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void deliver(int child, int signal) {
    if (signal == 0 || !isRunning(child)) {
      return;
    }
    children
        .get(child)
        .reaction(signal)
        .ifPresent(
            status -> {
              ended.add(new WaitStatus(child, status));
              changed.signalAll();
            });
  }

  /** Started or adopted, and not ended yet (a zombie is not running). */
  private boolean isRunning(int child) {
    return children.containsKey(child) && ended.stream().noneMatch(status -> status.pid() == child);
  }

  private Program behaviourOf(String path) {
    Program exact = programs.get(path);
    if (exact != null) {
      return exact;
    }
    return programs.getOrDefault(path.substring(path.lastIndexOf('/') + 1), DEFAULT);
  }

  private static boolean matches(String program, String path) {
    return path.equals(program) || path.endsWith("/" + program);
  }

  private void call(String call) {
    List<Runnable> actions;
    lock.lock();
    try {
      calls.add(call);
      changed.signalAll();
      actions = List.copyOf(onCall.getOrDefault(call.substring(0, call.indexOf('(')), List.of()));
    } finally {
      lock.unlock();
    }
    actions.forEach(Runnable::run);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String description(int errno) {
    return switch (errno) {
      case ENOENT -> "No such file or directory";
      case EACCES -> "Permission denied";
      case ESRCH -> "No such process";
      case E2BIG -> "Argument list too long";
      case EPERM -> "Operation not permitted";
      default -> "errno " + errno;
    };
  }
}
