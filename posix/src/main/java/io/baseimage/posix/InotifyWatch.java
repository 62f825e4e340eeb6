package io.baseimage.posix;

import static io.baseimage.posix.NativeFunction.failure;
import static io.baseimage.posix.NativeMemory.IO;

import com.kenai.jffi.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
  private static final int IN_OPEN = 0x20;
  private static final int IN_CLOSE_WRITE = 0x8;
  private static final int IN_MOVED_TO = 0x80;
  private static final int IN_CREATE = 0x100;
  private static final short POLLIN = 1;
  private static final int BUFFER_SIZE = 4096;

  private static final int IN_Q_OVERFLOW = 0x4000;

  /** struct inotify_event: wd, mask, cookie, len, then len bytes of NUL-padded name. */
  private static final int EVENT_HEADER = 16;

  private final int fd;

  /** The watch descriptor of each watched directory, in the order they were added. */
  private final List<Integer> watches = new ArrayList<>();

  private InotifyWatch(int fd) {
    this.fd = fd;
  }

  static InotifyWatch of(List<byte[]> directories) throws ErrnoException {
    int fd = INOTIFY_INIT1.callInt(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
      throw failure("inotify_init1", NativeFunction.errno());
    }
    InotifyWatch watch = new InotifyWatch(fd);
    try {
      for (byte[] directory : directories) {
        watch.add(directory, false);
      }
    } catch (ErrnoException e) {
      watch.close();
      throw e;
    }
    return watch;
  }

  @Override
  public int add(byte[] directory, boolean opens) throws ErrnoException {
    try (NativeMemory memory = new NativeMemory()) {
      int mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | (opens ? IN_OPEN : 0);
      int wd = INOTIFY_ADD_WATCH.callInt(fd, memory.cString(directory), mask);
      if (wd < 0) {
        throw failure(
            "inotify_add_watch(" + new String(directory, StandardCharsets.UTF_8) + ")",
            NativeFunction.errno());
      }
      watches.add(wd);
      return watches.size() - 1;
    }
  }

  @Override
  public List<Change> awaitChanges(long timeoutMillis) throws ErrnoException {
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
          return List.of();
        }
        throw failure("poll(inotify)", errno);
      }
      List<Change> changes = new ArrayList<>();
      long buffer = memory.allocate(BUFFER_SIZE);
      for (long length = READ.call(fd, buffer, BUFFER_SIZE);
          length > 0;
          length = READ.call(fd, buffer, BUFFER_SIZE)) {
        for (long event = buffer; event < buffer + length; ) {
          int mask = IO.getInt(event + 4);
          int nameLength = IO.getInt(event + 12);
          int directory = (mask & IN_Q_OVERFLOW) != 0 ? -1 : watches.indexOf(IO.getInt(event));
          changes.add(
              new Change(directory, name(event + EVENT_HEADER, nameLength), (mask & IN_OPEN) != 0));
          event += EVENT_HEADER + nameLength;
        }
      }
      return changes;
    }
  }

  private static String name(long address, int length) {
    byte[] bytes = new byte[length];
    IO.getByteArray(address, bytes, 0, length);
    int end = 0;
    while (end < length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    CLOSE.call(fd);
  }
}
