package io.baseimage.startup.internal.posix;

import static io.baseimage.startup.internal.posix.NativeMemory.IO;

import com.kenai.jffi.Type;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@link Posix} on the C library (glibc 2.34 or later), through jffi. Only Linux on 64-bit
 * platforms: the offsets into {@code struct passwd} and {@code struct group} are LP64's.
 */
public final class JffiPosix implements Posix {
  private static final Type INT = Type.SINT32;
  private static final Type UINT = Type.UINT32;
  private static final Type SHORT = Type.SINT16;
  private static final Type LONG = Type.SINT64;
  private static final Type POINTER = Type.POINTER;

  // posix_spawn and its attribute functions return an error number instead of setting errno.
  private static final NativeFunction POSIX_SPAWN =
      NativeFunction.of("posix_spawn", INT, POINTER, POINTER, POINTER, POINTER, POINTER, POINTER);
  private static final NativeFunction SPAWNATTR_INIT = NativeFunction.of("posix_spawnattr_init", INT, POINTER);
  private static final NativeFunction SPAWNATTR_DESTROY = NativeFunction.of("posix_spawnattr_destroy", INT, POINTER);
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
  private static final NativeFunction SIGPROCMASK = NativeFunction.of("sigprocmask", INT, INT, POINTER, POINTER);
  private static final NativeFunction SIGNAL = NativeFunction.of("signal", POINTER, INT, POINTER);
  private static final NativeFunction SIGWAITINFO = NativeFunction.of("sigwaitinfo", INT, POINTER, POINTER);
  private static final NativeFunction WAITPID = NativeFunction.of("waitpid", INT, INT, POINTER, INT);
  private static final NativeFunction KILL = NativeFunction.of("kill", INT, INT, INT);
  private static final NativeFunction PRCTL = NativeFunction.of("prctl", INT, INT, LONG, LONG, LONG, LONG);
  private static final NativeFunction GETUID = NativeFunction.of("getuid", UINT);
  private static final NativeFunction GETGID = NativeFunction.of("getgid", UINT);
  private static final NativeFunction GETPGRP = NativeFunction.of("getpgrp", INT);
  private static final NativeFunction ISATTY = NativeFunction.of("isatty", INT, INT);
  private static final NativeFunction TCSETPGRP = NativeFunction.of("tcsetpgrp", INT, INT, INT);
  private static final NativeFunction GETPWNAM = NativeFunction.of("getpwnam", POINTER, POINTER);
  private static final NativeFunction GETPWUID = NativeFunction.of("getpwuid", POINTER, UINT);
  private static final NativeFunction GETGRNAM = NativeFunction.of("getgrnam", POINTER, POINTER);
  private static final NativeFunction GETGRGID = NativeFunction.of("getgrgid", POINTER, UINT);
  private static final NativeFunction INITGROUPS = NativeFunction.of("initgroups", INT, POINTER, UINT);
  private static final NativeFunction SETGROUPS = NativeFunction.of("setgroups", INT, Type.ULONG, POINTER);
  private static final NativeFunction SETGID = NativeFunction.of("setgid", INT, UINT);
  private static final NativeFunction SETUID = NativeFunction.of("setuid", INT, UINT);
  private static final NativeFunction EXECVE = NativeFunction.of("execve", INT, POINTER, POINTER, POINTER);
  private static final NativeFunction STRERROR = NativeFunction.of("strerror", POINTER, INT);
  private static final NativeFunction CLOSE_RANGE = NativeFunction.of("close_range", INT, UINT, UINT, INT);
  private static final NativeFunction FCNTL = NativeFunction.of("fcntl", INT, INT, INT, INT);
  private static final NativeFunction MALLOC_TRIM = NativeFunction.of("malloc_trim", INT, Type.ULONG);
  private static final NativeFunction MADVISE = NativeFunction.of("madvise", INT, POINTER, Type.ULONG, INT);

  private static final short POSIX_SPAWN_SETPGROUP = 0x02;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final int SIG_SETMASK = 2;
  private static final long SIG_IGN = 1;
  private static final long SIG_ERR = -1;
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int CLOSE_RANGE_CLOEXEC = 4;
  private static final int MADV_PAGEOUT = 21;
  private static final int F_GETFD = 1;
  private static final int F_SETFD = 2;
  private static final int FD_CLOEXEC = 1;
  private static final int EIO = 5;
  private static final int EBADF = 9;
  private static final int EINVAL = 22;
  // Generous upper bounds of glibc's opaque types (336, 80 and 128 bytes on x86_64 and aarch64).
  private static final int SPAWNATTR_SIZE = 512;
  private static final int FILE_ACTIONS_SIZE = 256;
  private static final int SIGSET_SIZE = 128;

  private JffiPosix() {}

  /**
   * The C library of this process. jffi's own native stub is loaded from
   * {@code -Djffi.boot.library.path} (the runtime's lib directory in the image), else extracted
   * from its jar to a temporary directory.
   */
  public static JffiPosix load() {
    return new JffiPosix();
  }

  @Override
  public int spawn(byte[] path, List<byte[]> argv, List<byte[]> environ, boolean newProcessGroup)
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
        int error = POSIX_SPAWN.callInt(pid, memory.cString(path), actions, attr,
            memory.stringArray(argv), memory.stringArray(environ));
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
    return (int) ProcessHandle.current().pid();
  }

  @Override
  public int uid() {
    return GETUID.callInt();
  }

  @Override
  public int gid() {
    return GETGID.callInt();
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
      long mask = 0;
      for (int signal : signals) {
        mask |= 1L << (signal - 1);
      }
      IO.putLong(set, mask);
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
    long pid = ProcessHandle.current().pid();
    try {
      Files.writeString(Path.of("/proc/self/task/" + pid + "/comm"), name);
    } catch (IOException e) {
      // Only cosmetic (ps and pstree show "java"); /proc may be missing in a chroot.
    }
  }

  @Override
  public DirectoryWatch watch(List<byte[]> directories) throws ErrnoException {
    return InotifyWatch.of(directories);
  }

  @Override
  public Optional<PasswdEntry> userByName(String name) {
    try (NativeMemory memory = new NativeMemory()) {
      return passwd(GETPWNAM.call(memory.cString(name.getBytes(StandardCharsets.UTF_8))));
    }
  }

  @Override
  public Optional<PasswdEntry> userById(int uid) {
    return passwd(GETPWUID.call(uid));
  }

  @Override
  public Optional<GroupEntry> groupByName(String name) {
    try (NativeMemory memory = new NativeMemory()) {
      return group(GETGRNAM.call(memory.cString(name.getBytes(StandardCharsets.UTF_8))));
    }
  }

  @Override
  public Optional<GroupEntry> groupById(int gid) {
    return group(GETGRGID.call(gid));
  }

  // struct passwd on LP64: name, passwd, uid, gid, gecos, dir, shell.
  private static Optional<PasswdEntry> passwd(long entry) {
    if (entry == 0) {
      return Optional.empty();
    }
    return Optional.of(new PasswdEntry(
        string(IO.getAddress(entry)), IO.getInt(entry + 16), IO.getInt(entry + 20),
        string(IO.getAddress(entry + 32)), string(IO.getAddress(entry + 40))));
  }

  // struct group on LP64: name, passwd, gid, members.
  private static Optional<GroupEntry> group(long entry) {
    if (entry == 0) {
      return Optional.empty();
    }
    return Optional.of(new GroupEntry(string(IO.getAddress(entry)), IO.getInt(entry + 16)));
  }

  @Override
  public void initgroups(String user, int gid) throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      if (INITGROUPS.callInt(memory.cString(user.getBytes(StandardCharsets.UTF_8)), gid) != 0) {
        throw failure("initgroups(" + user + ", " + gid + ")", NativeFunction.errno());
      }
    }
  }

  @Override
  public void setgroups(int[] groups) throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      long list = memory.allocate((long) Integer.BYTES * groups.length);
      for (int i = 0; i < groups.length; i++) {
        IO.putInt(list + (long) Integer.BYTES * i, groups[i]);
      }
      if (SETGROUPS.callInt(groups.length, list) != 0) {
        throw failure("setgroups(" + Arrays.toString(groups) + ")", NativeFunction.errno());
      }
    }
  }

  @Override
  public void setgid(int gid) throws ErrnoException {
    if (SETGID.callInt(gid) != 0) {
      throw failure("setgid(" + gid + ")", NativeFunction.errno());
    }
  }

  @Override
  public void setuid(int uid) throws ErrnoException {
    if (SETUID.callInt(uid) != 0) {
      throw failure("setuid(" + uid + ")", NativeFunction.errno());
    }
  }

  @Override
  public void exec(byte[] path, List<byte[]> argv, List<byte[]> environ) throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      long noSignals = memory.allocate(SIGSET_SIZE);
      long file = memory.cString(path);
      long args = memory.stringArray(argv);
      long env = memory.stringArray(environ);
      // The JVM blocks SIGQUIT in its threads; the mask survives execve.
      SIGPROCMASK.call(SIG_SETMASK, noSignals, 0);
      EXECVE.call(file, args, env);
      throw failure("execve(" + new String(path, StandardCharsets.UTF_8) + ")", NativeFunction.errno());
    }
  }

  @Override
  public void closeOnExec(int lowest) throws ErrnoException {
    if (CLOSE_RANGE.exists() && CLOSE_RANGE.callInt(lowest, -1, CLOSE_RANGE_CLOEXEC) == 0) {
      return;
    }
    int errno = CLOSE_RANGE.exists() ? NativeFunction.errno() : ENOSYS;
    if (errno != ENOSYS && errno != EINVAL && errno != EPERM) {
      throw failure("close_range(" + lowest + ", ~0, CLOSE_RANGE_CLOEXEC)", errno);
    }
    // Kernels before 5.11 (Amazon Linux 2 runs 4.14 and 5.10) lack CLOSE_RANGE_CLOEXEC, and older
    // container seccomp profiles refuse close_range with EPERM: flag each open descriptor instead,
    // as glibc's closefrom fallback does.
    List<Integer> fds = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path entry : entries) {
        int fd = Integer.parseInt(entry.getFileName().toString());
        if (fd >= lowest) {
          fds.add(fd);
        }
      }
    } catch (IOException e) {
      int error = e instanceof NoSuchFileException ? ENOENT : EIO;
      throw failure("opendir(/proc/self/fd)", error);
    }
    for (int fd : fds) {
      // EBADF: the directory stream's own descriptor, closed by now.
      int flags = FCNTL.callInt(fd, F_GETFD, 0);
      if (flags < 0) {
        if (NativeFunction.errno() == EBADF) {
          continue;
        }
        throw failure("fcntl(" + fd + ", F_GETFD)", NativeFunction.errno());
      }
      if (FCNTL.callInt(fd, F_SETFD, flags | FD_CLOEXEC) != 0 && NativeFunction.errno() != EBADF) {
        throw failure("fcntl(" + fd + ", F_SETFD, FD_CLOEXEC)", NativeFunction.errno());
      }
    }
  }

  @Override
  public void releaseIdleMemory() {
    MALLOC_TRIM.call(0);
    List<String> maps;
    try {
      maps = Files.readAllLines(Path.of("/proc/self/maps"));
    } catch (IOException e) {
      return;
    }
    for (String line : maps) {
      // "start-end perms offset dev inode path": file-backed and not writable, so the pages are
      // clean and reclaiming them loses nothing. Best effort: kernels before 5.4 lack PAGEOUT.
      String[] fields = line.split("\\s+", 6);
      if (fields.length == 6 && fields[5].startsWith("/") && fields[1].charAt(1) == '-') {
        String[] range = fields[0].split("-");
        long start = Long.parseUnsignedLong(range[0], 16);
        long end = Long.parseUnsignedLong(range[1], 16);
        MADVISE.call(start, end - start, MADV_PAGEOUT);
      }
    }
  }

  static ErrnoException failure(String call, int errno) {
    String description = new String(NativeMemory.string(STRERROR.call(errno)), StandardCharsets.UTF_8);
    return new ErrnoException(call, errno, description);
  }

  private static String string(long address) {
    return new String(NativeMemory.string(address), StandardCharsets.UTF_8);
  }
}
