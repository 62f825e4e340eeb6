package io.baseimage.posix;

import com.kenai.jffi.MemoryIO;
import java.util.ArrayList;
import java.util.List;

/** Native memory for the arguments of one call, freed together at the end of the call. */
final class NativeMemory implements AutoCloseable {
  static final MemoryIO IO = MemoryIO.getInstance();

  /** A generous upper bound of glibc's {@code sigset_t} (128 bytes on x86_64 and aarch64). */
  static final int SIGSET_SIZE = 128;

  private final List<Long> blocks = new ArrayList<>();

  /** {@code size} bytes, zeroed. */
  long allocate(long size) {
    long address = IO.allocateMemory(Math.max(1, size), true);
    if (address == 0) {
      throw new OutOfMemoryError("cannot allocate " + size + " bytes of native memory");
    }
    blocks.add(address);
    return address;
  }

  /** A NUL-terminated copy of {@code bytes}. */
  long cString(byte[] bytes) {
    long address = allocate(bytes.length + 1L);
    IO.putByteArray(address, bytes, 0, bytes.length);
    return address;
  }

  /** A NULL-terminated {@code char *[]} of NUL-terminated copies of {@code strings}. */
  long stringArray(List<byte[]> strings) {
    long total = 0;
    for (byte[] s : strings) {
      total += s.length + 1;
    }
    long array = allocate((long) Long.BYTES * (strings.size() + 1));
    long block = allocate(total);
    long offset = 0;
    for (int i = 0; i < strings.size(); i++) {
      byte[] s = strings.get(i);
      IO.putByteArray(block + offset, s, 0, s.length);
      IO.putAddress(array + (long) Long.BYTES * i, block + offset);
      offset += s.length + 1;
    }
    return array;
  }

  /** The NUL-terminated string at {@code address}, or "" for NULL. */
  static byte[] string(long address) {
    return address == 0 ? new byte[0] : IO.getZeroTerminatedByteArray(address);
  }

  @Override
  public void close() {
    blocks.forEach(IO::freeMemory);
    blocks.clear();
  }
}
