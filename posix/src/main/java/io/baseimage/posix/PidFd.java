package io.baseimage.posix;

import static io.baseimage.posix.NativeFunction.failure;
import static io.baseimage.posix.NativeMemory.IO;

import com.kenai.jffi.Type;
import java.util.Optional;

/**
 * A {@link TrackedProcess} on a pidfd. Its exit status comes from {@code PIDFD_GET_INFO} with
 * {@code PIDFD_INFO_EXIT} (Linux 6.15), which the kernel answers even after another process has
 * reaped it.
 */
final class PidFd implements TrackedProcess {
  private static final NativeFunction PIDFD_OPEN =
      NativeFunction.of("pidfd_open", Type.SINT32, Type.SINT32, Type.UINT32);
  private static final NativeFunction IOCTL =
      NativeFunction.of("ioctl", Type.SINT32, Type.SINT32, Type.ULONG, Type.POINTER);
  private static final NativeFunction CLOSE = NativeFunction.of("close", Type.SINT32, Type.SINT32);

  /** {@code struct pidfd_info} up to {@code exit_code}: its first version, 64 bytes. */
  private static final int INFO_SIZE = 64;

  private static final int EXIT_CODE_OFFSET = 60;
  private static final long PIDFD_INFO_EXIT = 0x8;

  /** {@code _IOWR(0xFF, 11, struct pidfd_info)}. */
  private static final long PIDFD_GET_INFO = 0xC000_0000L | INFO_SIZE << 16 | 0xFF << 8 | 11;

  private final int pid;
  private final int fd;

  private PidFd(int pid, int fd) {
    this.pid = pid;
    this.fd = fd;
  }

  static PidFd open(int pid) throws ErrnoException {
    int fd = PIDFD_OPEN.callInt(pid, 0);
    if (fd < 0) {
      throw failure("pidfd_open(" + pid + ")", NativeFunction.errno());
    }
    return new PidFd(pid, fd);
  }

  /** The descriptor, for calls that take a pidfd. */
  int fd() {
    return fd;
  }

  @Override
  public Optional<WaitStatus> exit() {
    try (NativeMemory memory = new NativeMemory()) {
      long info = memory.allocate(INFO_SIZE);
      IO.setMemory(info, INFO_SIZE, (byte) 0);
      IO.putLong(info, PIDFD_INFO_EXIT);
      // Older kernels fail with EINVAL or ENOTTY, or answer without the exit flag.
      if (IOCTL.callInt(fd, PIDFD_GET_INFO, info) != 0
          || (IO.getLong(info) & PIDFD_INFO_EXIT) == 0) {
        return Optional.empty();
      }
      return Optional.of(new WaitStatus(pid, IO.getInt(info + EXIT_CODE_OFFSET)));
    }
  }

  @Override
  public void close() {
    CLOSE.call(fd);
  }
}
