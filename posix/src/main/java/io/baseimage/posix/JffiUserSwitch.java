package io.baseimage.posix;

import static io.baseimage.posix.Errno.EBADF;
import static io.baseimage.posix.Errno.EINVAL;
import static io.baseimage.posix.Errno.EIO;
import static io.baseimage.posix.Errno.ENOENT;
import static io.baseimage.posix.Errno.ENOSYS;
import static io.baseimage.posix.Errno.EPERM;
import static io.baseimage.posix.NativeFunction.failure;
import static io.baseimage.posix.NativeMemory.IO;
import static io.baseimage.posix.NativeMemory.SIGSET_SIZE;

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
 * {@link UserSwitch} on the C library (glibc 2.34 or later), through jffi. Only Linux on 64-bit
 * platforms: the offsets into {@code struct passwd} and {@code struct group} are LP64's.
 */
public final class JffiUserSwitch implements UserSwitch {
  private static final Type INT = Type.SINT32;
  private static final Type UINT = Type.UINT32;
  private static final Type POINTER = Type.POINTER;

  private static final NativeFunction GETUID = NativeFunction.of("getuid", UINT);
  private static final NativeFunction GETGID = NativeFunction.of("getgid", UINT);
  private static final NativeFunction GETPWNAM = NativeFunction.of("getpwnam", POINTER, POINTER);
  private static final NativeFunction GETPWUID = NativeFunction.of("getpwuid", POINTER, UINT);
  private static final NativeFunction GETGRNAM = NativeFunction.of("getgrnam", POINTER, POINTER);
  private static final NativeFunction INITGROUPS =
      NativeFunction.of("initgroups", INT, POINTER, UINT);
  private static final NativeFunction SETGROUPS =
      NativeFunction.of("setgroups", INT, Type.ULONG, POINTER);
  private static final NativeFunction SETGID = NativeFunction.of("setgid", INT, UINT);
  private static final NativeFunction SETUID = NativeFunction.of("setuid", INT, UINT);
  private static final NativeFunction SIGPROCMASK =
      NativeFunction.of("sigprocmask", INT, INT, POINTER, POINTER);
  private static final NativeFunction EXECVE =
      NativeFunction.of("execve", INT, POINTER, POINTER, POINTER);
  private static final NativeFunction CLOSE_RANGE =
      NativeFunction.of("close_range", INT, UINT, UINT, INT);
  private static final NativeFunction FCNTL = NativeFunction.of("fcntl", INT, INT, INT, INT);

  private static final int SIG_SETMASK = 2;
  private static final int CLOSE_RANGE_CLOEXEC = 4;
  private static final int F_GETFD = 1;
  private static final int F_SETFD = 2;
  private static final int FD_CLOEXEC = 1;

  private JffiUserSwitch() {}

  /** The C library of this process, through jffi's native stub ({@link NativeFunction}). */
  public static JffiUserSwitch load() {
    return new JffiUserSwitch();
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

  // struct passwd on LP64: name, passwd, uid, gid, gecos, dir, shell.
  private static Optional<PasswdEntry> passwd(long entry) {
    if (entry == 0) {
      return Optional.empty();
    }
    return Optional.of(
        new PasswdEntry(
            string(IO.getAddress(entry)),
            IO.getInt(entry + 16),
            IO.getInt(entry + 20),
            string(IO.getAddress(entry + 32)),
            string(IO.getAddress(entry + 40))));
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
      throw failure(
          "execve(" + new String(path, StandardCharsets.UTF_8) + ")", NativeFunction.errno());
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

  private static String string(long address) {
    return new String(NativeMemory.string(address), StandardCharsets.UTF_8);
  }
}
