package io.baseimage.startup.internal.posix;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/** {@link Posix} on the C library, through jnr-ffi. */
public final class JnrPosix implements Posix {
  private static final short POSIX_SPAWN_SETPGROUP = 0x02;
  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final int SIG_SETMASK = 2;
  private static final long SIG_IGN = 1;
  private static final long SIG_ERR = -1;
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final long SYS_PIDFD_OPEN = 434;
  private static final short POLLIN = 1;
  private static final int CLOSE_RANGE_CLOEXEC = 4;
  private static final int F_GETFD = 1;
  private static final int F_SETFD = 2;
  private static final int FD_CLOEXEC = 1;
  private static final int EIO = 5;
  private static final int EBADF = 9;
  private static final int EINVAL = 22;
  private static final int ENOSYS = 38;
  // Generous upper bounds of glibc's opaque types (336, 80 and 128 bytes on x86_64 and aarch64).
  private static final int SPAWNATTR_SIZE = 512;
  private static final int FILE_ACTIONS_SIZE = 256;
  private static final int SIGSET_SIZE = 128;

  private final LibC libc;
  private final Runtime runtime;

  private JnrPosix(LibC libc) {
    this.libc = libc;
    this.runtime = Runtime.getRuntime(libc);
  }

  public static JnrPosix load() {
    return new JnrPosix(LibraryLoader.create(LibC.class).load("c"));
  }

  @Override
  public int spawn(byte[] path, List<byte[]> argv, List<byte[]> environ, boolean newProcessGroup)
      throws ErrnoException {
    Pointer attr = Memory.allocateDirect(runtime, SPAWNATTR_SIZE);
    Pointer actions = Memory.allocateDirect(runtime, FILE_ACTIONS_SIZE);
    // A sigset_t is a bit mask (signal n is bit n - 1): built here, not with sigemptyset() and
    // sigfillset(), saves two native bindings on the start-up path.
    Pointer signals = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
    libc.posix_spawnattr_init(attr);
    libc.posix_spawn_file_actions_init(actions);
    try {
      short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
      if (newProcessGroup) {
        flags |= POSIX_SPAWN_SETPGROUP;
        libc.posix_spawnattr_setpgroup(attr, 0);
      }
      libc.posix_spawnattr_setflags(attr, flags);
      // The JVM blocks SIGQUIT in its threads and handles others: the child must start clean.
      libc.posix_spawnattr_setsigmask(attr, signals);
      // Every signal, glibc's internal 32 and 33 included: with sigfillset() they would stay
      // ignored in the child (SigIgn 0x180000000).
      signals.setMemory(0, Long.BYTES, (byte) 0xff);
      libc.posix_spawnattr_setsigdefault(attr, signals);
      // Not every descriptor of the JVM is close-on-exec.
      libc.posix_spawn_file_actions_addclosefrom_np(actions, 3);
      IntByReference pid = new IntByReference();
      CStringArray args = stringArray(argv);
      CStringArray env = stringArray(environ);
      int error = libc.posix_spawn(pid, cString(path), actions, attr, args.array(), env.array());
      Reference.reachabilityFence(args);
      Reference.reachabilityFence(env);
      if (error != 0) {
        throw failure("posix_spawn(" + new String(path, StandardCharsets.UTF_8) + ")", error);
      }
      return pid.intValue();
    } finally {
      libc.posix_spawn_file_actions_destroy(actions);
      libc.posix_spawnattr_destroy(attr);
    }
  }

  @Override
  public Optional<WaitStatus> waitAny() throws ErrnoException {
    IntByReference status = new IntByReference();
    while (true) {
      int pid = libc.waitpid(-1, status, 0);
      if (pid > 0) {
        return Optional.of(new WaitStatus(pid, status.intValue()));
      }
      int errno = errno();
      if (errno == ECHILD) {
        return Optional.empty();
      }
      if (errno != EINTR) {
        throw failure("waitpid(-1)", errno);
      }
    }
  }

  @Override
  public void kill(int pid, int signal) throws ErrnoException {
    if (libc.kill(pid, signal) != 0) {
      throw failure("kill(" + pid + ", " + signal + ")", errno());
    }
  }

  @Override
  public int pid() {
    return (int) ProcessHandle.current().pid();
  }

  @Override
  public int uid() {
    return libc.getuid();
  }

  @Override
  public int gid() {
    return libc.getgid();
  }

  @Override
  public void becomeChildSubreaper() throws ErrnoException {
    if (libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
      throw failure("prctl(PR_SET_CHILD_SUBREAPER)", errno());
    }
  }

  @Override
  public void ignore(int signal) throws ErrnoException {
    if (libc.signal(signal, SIG_IGN) == SIG_ERR) {
      throw failure("signal(" + signal + ", SIG_IGN)", errno());
    }
  }

  @Override
  public boolean isTerminal(int fd) {
    return libc.isatty(fd) == 1;
  }

  @Override
  public void setForegroundProcessGroup(int fd, int processGroup) throws ErrnoException {
    if (libc.tcsetpgrp(fd, processGroup) != 0) {
      throw failure("tcsetpgrp(" + fd + ", " + processGroup + ")", errno());
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
  public List<Integer> awaitExits(List<Integer> pids, long timeoutMillis) throws ErrnoException {
    List<Integer> running = new ArrayList<>();
    List<Integer> fds = new ArrayList<>();
    try {
      for (int pid : pids) {
        int fd = (int) libc.syscall(SYS_PIDFD_OPEN, pid, 0);
        if (fd >= 0) {
          running.add(pid);
          fds.add(fd);
        } else if (errno() != ESRCH) {
          throw failure("pidfd_open(" + pid + ")", errno());
        }
      }
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
      Pointer pollFds = Memory.allocateDirect(runtime, 8L * Math.max(1, fds.size()));
      while (!running.isEmpty()) {
        for (int i = 0; i < fds.size(); i++) {
          pollFds.putInt(8L * i, fds.get(i));
          pollFds.putShort(8L * i + 4, POLLIN);
          pollFds.putShort(8L * i + 6, (short) 0);
        }
        long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
        int ready = libc.poll(pollFds, fds.size(), (int) Math.min(Integer.MAX_VALUE, left));
        if (ready == 0) {
          break;
        }
        if (ready < 0 && errno() != EINTR) {
          throw failure("poll", errno());
        }
        for (int i = fds.size() - 1; i >= 0; i--) {
          if (pollFds.getShort(8L * i + 6) != 0) {
            libc.close(fds.remove(i));
            running.remove(i);
          }
        }
      }
      return running;
    } finally {
      fds.forEach(libc::close);
    }
  }

  @Override
  public Optional<PasswdEntry> userByName(String name) {
    return passwd(libc.getpwnam(cString(name.getBytes(StandardCharsets.UTF_8))));
  }

  @Override
  public Optional<PasswdEntry> userById(int uid) {
    return passwd(libc.getpwuid(uid));
  }

  @Override
  public Optional<GroupEntry> groupByName(String name) {
    return group(libc.getgrnam(cString(name.getBytes(StandardCharsets.UTF_8))));
  }

  @Override
  public Optional<GroupEntry> groupById(int gid) {
    return group(libc.getgrgid(gid));
  }

  // struct passwd on LP64: name, passwd, uid, gid, gecos, dir, shell.
  private static Optional<PasswdEntry> passwd(Pointer entry) {
    if (entry == null) {
      return Optional.empty();
    }
    return Optional.of(new PasswdEntry(
        string(entry.getPointer(0)), entry.getInt(16), entry.getInt(20),
        string(entry.getPointer(32)), string(entry.getPointer(40))));
  }

  // struct group on LP64: name, passwd, gid, members.
  private static Optional<GroupEntry> group(Pointer entry) {
    if (entry == null) {
      return Optional.empty();
    }
    return Optional.of(new GroupEntry(string(entry.getPointer(0)), entry.getInt(16)));
  }

  @Override
  public void initgroups(String user, int gid) throws ErrnoException {
    if (libc.initgroups(cString(user.getBytes(StandardCharsets.UTF_8)), gid) != 0) {
      throw failure("initgroups(" + user + ", " + gid + ")", errno());
    }
  }

  @Override
  public void setgroups(int[] groups) throws ErrnoException {
    if (libc.setgroups(groups.length, groups) != 0) {
      throw failure("setgroups(" + Arrays.toString(groups) + ")", errno());
    }
  }

  @Override
  public void setgid(int gid) throws ErrnoException {
    if (libc.setgid(gid) != 0) {
      throw failure("setgid(" + gid + ")", errno());
    }
  }

  @Override
  public void setuid(int uid) throws ErrnoException {
    if (libc.setuid(uid) != 0) {
      throw failure("setuid(" + uid + ")", errno());
    }
  }

  @Override
  public void exec(byte[] path, List<byte[]> argv, List<byte[]> environ) throws ErrnoException {
    Pointer empty = Memory.allocateDirect(runtime, SIGSET_SIZE, true);
    CStringArray args = stringArray(argv);
    CStringArray env = stringArray(environ);
    byte[] file = cString(path);
    // The JVM blocks SIGQUIT in its threads; the mask survives execve.
    libc.sigprocmask(SIG_SETMASK, empty, null);
    libc.execve(file, args.array(), env.array());
    Reference.reachabilityFence(args);
    Reference.reachabilityFence(env);
    throw failure("execve(" + new String(path, StandardCharsets.UTF_8) + ")", errno());
  }

  @Override
  public void closeOnExec(int lowest) throws ErrnoException {
    if (libc.close_range(lowest, -1, CLOSE_RANGE_CLOEXEC) == 0) {
      return;
    }
    int errno = errno();
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
      throw new ErrnoException("opendir(/proc/self/fd)", error, libc.strerror(error));
    }
    for (int fd : fds) {
      // EBADF: the directory stream's own descriptor, closed by now.
      int flags = libc.fcntl(fd, F_GETFD, 0);
      if (flags < 0) {
        if (errno() == EBADF) {
          continue;
        }
        throw failure("fcntl(" + fd + ", F_GETFD)", errno());
      }
      if (libc.fcntl(fd, F_SETFD, flags | FD_CLOEXEC) != 0 && errno() != EBADF) {
        throw failure("fcntl(" + fd + ", F_SETFD, FD_CLOEXEC)", errno());
      }
    }
  }

  private int errno() {
    return LastError.getLastError(runtime);
  }

  private ErrnoException failure(String call, int errno) {
    return new ErrnoException(call, errno, libc.strerror(errno));
  }

  private static byte[] cString(byte[] bytes) {
    return Arrays.copyOf(bytes, bytes.length + 1);
  }

  /**
   * A NULL-terminated {@code char *[]} of NUL-terminated copies of {@code strings}. The strings
   * live in {@code block}: keep the record reachable until the native call returns.
   */
  private record CStringArray(Pointer array, Pointer block) {}

  private CStringArray stringArray(List<byte[]> strings) {
    long total = 0;
    for (byte[] s : strings) {
      total += s.length + 1;
    }
    int pointerSize = runtime.addressSize();
    Pointer array = Memory.allocateDirect(runtime, (long) pointerSize * (strings.size() + 1), true);
    Pointer block = Memory.allocateDirect(runtime, Math.max(1, total), true);
    long offset = 0;
    for (int i = 0; i < strings.size(); i++) {
      byte[] s = strings.get(i);
      block.put(offset, s, 0, s.length);
      array.putPointer((long) pointerSize * i, block.slice(offset));
      offset += s.length + 1;
    }
    array.putPointer((long) pointerSize * strings.size(), null);
    return new CStringArray(array, block);
  }

  private static String string(Pointer p) {
    if (p == null) {
      return "";
    }
    int length = 0;
    while (p.getByte(length) != 0) {
      length++;
    }
    byte[] bytes = new byte[length];
    p.get(0, bytes, 0, length);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
