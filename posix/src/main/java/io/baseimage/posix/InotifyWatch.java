package io.baseimage.posix;

import static io.baseimage.posix.NativeFunction.failure;
import static io.baseimage.posix.NativeMemory.IO;

import com.kenai.jffi.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A {@link DirectoryWatch} on one non-blocking inotify descriptor. */
final class InotifyWatch implements DirectoryWatch {
  private static final Type INT = Type.SINT32;
  private static final Type UINT = Type.UINT32;
  private static final Type LONG = Type.SINT64;
  private static final Type POINTER = Type.POINTER;
  private static final NativeFunction INOTIFY_INIT1 = NativeFunction.of("inotify_init1", INT, INT);
  private static final NativeFunction INOTIFY_ADD_WATCH =
      NativeFunction.of("inotify_add_watch", INT, INT, POINTER, UINT);
  private static final NativeFunction POLL =
      NativeFunction.of("poll", INT, POINTER, Type.ULONG, INT);
  private static final NativeFunction READ =
      NativeFunction.of("read", LONG, INT, POINTER, Type.ULONG);
  private static final NativeFunction CLOSE = NativeFunction.of("close", INT, INT);

  private static final int IN_NONBLOCK = 0x800;
  private static final int IN_CLOEXEC = 0x80000;
  private static final int IN_CLOSE_WRITE = 0x8;
  private static final int IN_MOVED_TO = 0x80;
  private static final int IN_CREATE = 0x100;
  private static final short POLLIN = 1;
  private static final int BUFFER_SIZE = 4096;

  private final int fd;

  private InotifyWatch(int fd) {
    this.fd = fd;
  }

  static InotifyWatch of(List<byte[]> directories) throws ErrnoException {
    int fd = INOTIFY_INIT1.callInt(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
      throw failure("inotify_init1", NativeFunction.errno());
    }
    InotifyWatch watch = new InotifyWatch(fd);
    try (NativeMemory memory = new NativeMemory()) {
      for (byte[] directory : directories) {
        if (INOTIFY_ADD_WATCH.callInt(
                fd, memory.cString(directory), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)
            < 0) {
          int errno = NativeFunction.errno();
          watch.close();
          throw failure(
              "inotify_add_watch(" + new String(directory, StandardCharsets.UTF_8) + ")", errno);
        }
      }
    }
    return watch;
  }

  @Override
  public boolean awaitChange(long timeoutMillis) throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      // struct pollfd { int fd; short events; short revents; }
      long pollFd = memory.allocate(8);
      IO.putInt(pollFd, fd);
      IO.putShort(pollFd + 4, POLLIN);
      int ready =
          POLL.callInt(pollFd, 1, (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeoutMillis)));
      if (ready < 0) {
        int errno = NativeFunction.errno();
        if (errno == Errno.EINTR) {
          return true;
        }
        throw failure("poll(inotify)", errno);
      }
      if (ready == 0) {
        return false;
      }
      // Only "something changed" matters: the caller reads the files again.
      long buffer = memory.allocate(BUFFER_SIZE);
      while (READ.call(fd, buffer, BUFFER_SIZE) > 0) {
        // drain
      }
      return true;
    }
  }

  @Override
  public void close() {
    CLOSE.call(fd);
  }
}
