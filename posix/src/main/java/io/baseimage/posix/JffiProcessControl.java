package io.baseimage.posix;

import static io.baseimage.posix.Errno.EAGAIN;
import static io.baseimage.posix.Errno.ECHILD;
import static io.baseimage.posix.Errno.EINTR;
import static io.baseimage.posix.NativeFunction.failure;
import static io.baseimage.posix.NativeMemory.IO;
import static io.baseimage.posix.NativeMemory.SIGSET_SIZE;

import com.kenai.jffi.Type;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@link ProcessControl} on the C library (glibc 2.34 or later), through jffi. */
public final class JffiProcessControl implements ProcessControl {
  private static final Type INT = Type.SINT32;
  private static final Type UINT = Type.UINT32;
  private static final Type SHORT = Type.SINT16;
  private static final Type LONG = Type.SINT64;
  private static final Type POINTER = Type.POINTER;

  // posix_spawn and its attribute functions return an error number instead of setting errno.
  private static final NativeFunction POSIX_SPAWN =
      NativeFunction.of("posix_spawn", INT, POINTER, POINTER, POINTER, POINTER, POINTER, POINTER);
  private static final NativeFunction SPAWNATTR_INIT =
      NativeFunction.of("posix_spawnattr_init", INT, POINTER);
  private static final NativeFunction SPAWNATTR_DESTROY =
      NativeFunction.of("posix_spawnattr_destroy", INT, POINTER);
  private static final NativeFunction SPAWNATTR_SETFLAGS =
      NativeFunction.of("posix_spawnattr_setflags", INT, POINTER, SHORT);
  private static final NativeFunction SPAWNATTR_SETSIGMASK =
      NativeFunction.of("posix_spawnattr_setsigmask", INT, POINTER, POINTER);
  private static final NativeFunction SPAWNATTR_SETSIGDEFAULT =
      NativeFunction.of("posix_spawnattr_setsigdefault", INT, POINTER, POINTER);
  private static final NativeFunction SPAWNATTR_SETPGROUP =
      NativeFunction.of("posix_spawnattr_setpgroup", INT, POINTER, INT);
  private static final NativeFunction FILE_ACTIONS_INIT =
      NativeFunction.of("posix_spawn_file_actions_init", INT, POINTER);
  private static final NativeFunction FILE_ACTIONS_DESTROY =
      NativeFunction.of("posix_spawn_file_actions_destroy", INT, POINTER);
  private static final NativeFunction FILE_ACTIONS_ADDCLOSEFROM =
      NativeFunction.of("posix_spawn_file_actions_addclosefrom_np", INT, POINTER, INT);
  private static final NativeFunction FILE_ACTIONS_ADDCHDIR =
      NativeFunction.of("posix_spawn_file_actions_addchdir_np", INT, POINTER, POINTER);
  private static final NativeFunction SIGNAL = NativeFunction.of("signal", POINTER, INT, POINTER);
  private static final NativeFunction SIGTIMEDWAIT =
      NativeFunction.of("sigtimedwait", INT, POINTER, POINTER, POINTER);
  private static final NativeFunction SIGWAITINFO =
      NativeFunction.of("sigwaitinfo", INT, POINTER, POINTER);
  private static final NativeFunction WAITPID =
      NativeFunction.of("waitpid", INT, INT, POINTER, INT);
  private static final NativeFunction KILL = NativeFunction.of("kill", INT, INT, INT);
  private static final NativeFunction PRCTL =
      NativeFunction.of("prctl", INT, INT, LONG, LONG, LONG, LONG);
  private static final NativeFunction GETUID = NativeFunction.of("getuid", UINT);
  private static final NativeFunction GETPID = NativeFunction.of("getpid", INT);
  private static final NativeFunction GETPGRP = NativeFunction.of("getpgrp", INT);
  private static final NativeFunction ISATTY = NativeFunction.of("isatty", INT, INT);
  private static final NativeFunction TCSETPGRP = NativeFunction.of("tcsetpgrp", INT, INT, INT);
  private static final NativeFunction MALLOC_TRIM =
      NativeFunction.of("malloc_trim", INT, Type.ULONG);
  private static final NativeFunction MADVISE =
      NativeFunction.of("madvise", INT, POINTER, Type.ULONG, INT);
  private static final NativeFunction PROCESS_MADVISE =
      NativeFunction.of("process_madvise", Type.SLONG, INT, POINTER, Type.ULONG, INT, UINT);

  private static final short POSIX_SPAWN_SETPGROUP = 0x02;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final long SIG_IGN = 1;
  private static final long SIG_ERR = -1;
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int MADV_PAGEOUT = 21;
  private static final int IOV_MAX = 1024;
  // Generous upper bounds of glibc's opaque types (336 and 80 bytes on x86_64 and aarch64).
  private static final int SPAWNATTR_SIZE = 512;
  private static final int FILE_ACTIONS_SIZE = 256;

  private JffiProcessControl() {}

  /** The C library of this process, through jffi's native stub ({@link NativeFunction}). */
  public static JffiProcessControl load() {
    return new JffiProcessControl();
  }

  /**
   * The functions every boot calls, looked up and given their call contexts (~1.5 ms, interpreted)
   * by the thread that loads the layer while my_init's main thread imports the environment, instead
   * of by the main thread at the first spawn and signal wait.
   */
  @Override
  public void prepareForBoot() {
    for (NativeFunction function :
        new NativeFunction[] {
          POSIX_SPAWN,
          SPAWNATTR_INIT,
          SPAWNATTR_DESTROY,
          SPAWNATTR_SETFLAGS,
          SPAWNATTR_SETSIGMASK,
          SPAWNATTR_SETSIGDEFAULT,
          SPAWNATTR_SETPGROUP,
          FILE_ACTIONS_INIT,
          FILE_ACTIONS_DESTROY,
          FILE_ACTIONS_ADDCLOSEFROM,
          SIGTIMEDWAIT,
          SIGWAITINFO,
          WAITPID,
          KILL,
          GETPID
        }) {
      function.prepare();
    }
    // The shutdown's kill(-1) fails with ESRCH when no process is left.
    NativeFunction.prepareFailures();
  }

  @Override
  public int uid() {
    return GETUID.callInt();
  }

  @Override
  public int spawn(
      byte[] path,
      List<byte[]> argv,
      List<byte[]> environ,
      boolean newProcessGroup,
      Optional<byte[]> directory)
      throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      long attr = memory.allocate(SPAWNATTR_SIZE);
      long actions = memory.allocate(FILE_ACTIONS_SIZE);
      // A sigset_t is a bit mask (signal n is bit n - 1), built here rather than by sigemptyset()
      // and sigfillset(): the latter leaves out glibc's internal signals 32 and 33, which the
      // child would then inherit as ignored.
      long noSignals = memory.allocate(SIGSET_SIZE);
      long allSignals = memory.allocate(SIGSET_SIZE);
      IO.putLong(allSignals, -1L);
      long pid = memory.allocate(Integer.BYTES);
      SPAWNATTR_INIT.call(attr);
      FILE_ACTIONS_INIT.call(actions);
      try {
        short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
        if (newProcessGroup) {
          flags |= POSIX_SPAWN_SETPGROUP;
          SPAWNATTR_SETPGROUP.call(attr, 0);
        }
        SPAWNATTR_SETFLAGS.call(attr, flags);
        // The JVM blocks SIGQUIT in its threads and handles others: the child must start clean.
        SPAWNATTR_SETSIGMASK.call(attr, noSignals);
        SPAWNATTR_SETSIGDEFAULT.call(attr, allSignals);
        // Not every descriptor of the JVM is close-on-exec.
        FILE_ACTIONS_ADDCLOSEFROM.call(actions, 3);
        if (directory.isPresent()) {
          FILE_ACTIONS_ADDCHDIR.call(actions, memory.cString(directory.get()));
        }
        int error =
            POSIX_SPAWN.callInt(
                pid,
                memory.cString(path),
                actions,
                attr,
                memory.stringArray(argv),
                memory.stringArray(environ));
        if (error != 0) {
          throw failure("posix_spawn(" + new String(path, StandardCharsets.UTF_8) + ")", error);
        }
        return IO.getInt(pid);
      } finally {
        FILE_ACTIONS_DESTROY.call(actions);
        SPAWNATTR_DESTROY.call(attr);
      }
    }
  }

  @Override
  public Optional<WaitStatus> waitAny() throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      long status = memory.allocate(Integer.BYTES);
      while (true) {
        int pid = WAITPID.callInt(-1, status, 0);
        if (pid > 0) {
          return Optional.of(new WaitStatus(pid, IO.getInt(status)));
        }
        int errno = NativeFunction.errno();
        if (errno == ECHILD) {
          return Optional.empty();
        }
        if (errno != EINTR) {
          throw failure("waitpid(-1)", errno);
        }
      }
    }
  }

  @Override
  public void kill(int pid, int signal) throws ErrnoException {
    if (KILL.callInt(pid, signal) != 0) {
      throw failure("kill(" + pid + ", " + signal + ")", NativeFunction.errno());
    }
  }

  @Override
  public int pid() {
    // Not ProcessHandle: its class set-up builds a thread pool for waiting on processes (~1 ms).
    return GETPID.callInt();
  }

  @Override
  public int processGroup() {
    return GETPGRP.callInt();
  }

  @Override
  public void becomeChildSubreaper() throws ErrnoException {
    if (PRCTL.callInt(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      throw failure("prctl(PR_SET_CHILD_SUBREAPER)", NativeFunction.errno());
    }
  }

  @Override
  public void ignore(int signal) throws ErrnoException {
    if (SIGNAL.call(signal, SIG_IGN) == SIG_ERR) {
      throw failure("signal(" + signal + ", SIG_IGN)", NativeFunction.errno());
    }
  }

  @Override
  public int awaitSignal(int... signals) throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      // A sigset_t is a bit mask: signal n is bit n - 1.
      long set = memory.allocate(SIGSET_SIZE);
      IO.putLong(set, signalMask(signals));
      while (true) {
        int signal = SIGWAITINFO.callInt(set, 0);
        if (signal > 0) {
          return signal;
        }
        if (NativeFunction.errno() != EINTR) {
          throw failure("sigwaitinfo", NativeFunction.errno());
        }
      }
    }
  }

  @Override
  public int takePendingSignal(int... signals) throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      long set = memory.allocate(SIGSET_SIZE);
      IO.putLong(set, signalMask(signals));
      // struct timespec { 0, 0 }: allocate() zeroes it.
      long noWait = memory.allocate(16);
      while (true) {
        int signal = SIGTIMEDWAIT.callInt(set, 0, noWait);
        if (signal > 0) {
          return signal;
        }
        int errno = NativeFunction.errno();
        if (errno == EAGAIN) {
          return 0;
        }
        if (errno != EINTR) {
          throw failure("sigtimedwait", errno);
        }
      }
    }
  }

  @Override
  public boolean isTerminal(int fd) {
    return ISATTY.callInt(fd) == 1;
  }

  @Override
  public void setForegroundProcessGroup(int fd, int processGroup) throws ErrnoException {
    if (TCSETPGRP.callInt(fd, processGroup) != 0) {
      throw failure("tcsetpgrp(" + fd + ", " + processGroup + ")", NativeFunction.errno());
    }
  }

  @Override
  public void setThreadName(String name) {
    try {
      Files.writeString(Path.of("/proc/self/task/" + pid() + "/comm"), name);
    } catch (IOException e) {
      // Only cosmetic (ps and pstree show "java"); /proc may be missing in a chroot.
    }
  }

  @Override
  public TrackedProcess track(int pid) throws ErrnoException {
    return PidFd.open(pid);
  }

  @Override
  public DirectoryWatch watch(List<byte[]> directories) throws ErrnoException {
    return InotifyWatch.of(directories);
  }

  /** A sigset_t's first word: signal n is bit n - 1. */
  private static long signalMask(int... signals) {
    long mask = 0;
    for (int signal : signals) {
      mask |= 1L << (signal - 1);
    }
    return mask;
  }

  @Override
  public void releaseIdleMemory() {
    List<String> maps;
    try {
      maps = Files.readAllLines(Path.of("/proc/self/maps"));
    } catch (IOException e) {
      maps = List.of();
    }
    long[] ranges = readOnlyFileMappings(maps);
    // A collection now, not just after the release: the next one would walk the AOT cache's
    // classes and read ~10 MB of the pages just given back (docs/benchmarks.md, "Levers").
    System.gc();
    MALLOC_TRIM.call(0);
    // Clean pages: reclaiming them loses nothing. Best effort: kernels before 5.4 lack PAGEOUT.
    if (!pageOutAtOnce(ranges)) {
      pageOutEach(ranges, 0, ranges.length);
    }
  }

  private static void pageOutEach(long[] ranges, int from, int to) {
    for (int i = from; i < to; i += 2) {
      MADVISE.call(ranges[i], ranges[i + 1] - ranges[i], MADV_PAGEOUT);
    }
  }

  /**
   * All of {@code ranges} in one process_madvise(2) (Linux 5.10, glibc 2.36), so that no Java code
   * runs between two of them and reads back the JVM's pages just given back (~4 MB that a madvise
   * per mapping leaves resident).
   */
  private static boolean pageOutAtOnce(long[] ranges) {
    if (ranges.length == 0 || !PROCESS_MADVISE.exists()) {
      return false;
    }
    try (PidFd self = PidFd.open(GETPID.callInt());
        NativeMemory memory = new NativeMemory()) {
      // struct iovec { void *iov_base; size_t iov_len; }, at most IOV_MAX per call.
      for (int first = 0; first < ranges.length; first += 2 * IOV_MAX) {
        int count = Math.min(IOV_MAX, (ranges.length - first) / 2);
        long vector = memory.allocate(16L * count);
        long bytes = 0;
        for (int i = 0; i < count; i++) {
          long length = ranges[first + 2 * i + 1] - ranges[first + 2 * i];
          IO.putAddress(vector + 16L * i, ranges[first + 2 * i]);
          IO.putLong(vector + 16L * i + 8, length);
          bytes += length;
        }
        if (PROCESS_MADVISE.call(self.fd(), vector, count, MADV_PAGEOUT, 0) != bytes) {
          // Refused, or stopped at a mapping unmapped since /proc/self/maps was read.
          pageOutEach(ranges, first, first + 2 * count);
        }
      }
      return true;
    } catch (ErrnoException e) {
      return false;
    }
  }

  /**
   * The start and end of each mapping in {@code maps} (lines of /proc/self/maps, "start-end perms
   * offset dev inode path") that is file-backed and not writable, as pairs.
   */
  static long[] readOnlyFileMappings(List<String> maps) {
    long[] ranges = new long[2 * maps.size()];
    int count = 0;
    for (String line : maps) {
      int dash = line.indexOf('-');
      int space = line.indexOf(' ');
      if (dash < 0 || space < dash || line.length() < space + 3 || !pathIsAFile(line)) {
        continue;
      }
      if (line.charAt(space + 2) == '-') {
        ranges[count++] = Long.parseUnsignedLong(line, 0, dash, 16);
        ranges[count++] = Long.parseUnsignedLong(line, dash + 1, space, 16);
      }
    }
    return Arrays.copyOf(ranges, count);
  }

  /**
   * Whether the sixth field of a maps line, the path, names a file ("[heap]", "[anon:x /y]" not).
   */
  private static boolean pathIsAFile(String line) {
    int at = 0;
    for (int field = 0; field < 5; field++) {
      at = line.indexOf(' ', at);
      if (at < 0) {
        return false;
      }
      while (at < line.length() && line.charAt(at) == ' ') {
        at++;
      }
    }
    return at < line.length() && line.charAt(at) == '/';
  }
}
