package io.baseimage.myinit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * What runsv last recorded about a service in {@code supervise/status}: runit's 20-byte record (the
 * time of the last change as TAI64N, the pid as 4 bytes little-endian, paused, want 'u' or 'd', got
 * TERM, and the state: 0 down, 1 run, 2 finish). runsv rewrites it, by a rename, at every change.
 *
 * @param since when runsv last started or saw the end of the service's run or finish script
 */
record ServiceStatus(int pid, boolean wantsUp, int state, Instant since) {
  static final int DOWN = 0;
  static final int RUN = 1;
  static final int FINISH = 2;
  private static final int LENGTH = 20;

  /** The TAI64 label of the Unix epoch as runit writes it: 2^62 plus its 10 leap seconds. */
  private static final long TAI64_EPOCH = (1L << 62) + 10;

  /**
   * The status of the service in {@code directory}, or empty if runsv has written none that we can
   * read.
   */
  static Optional<ServiceStatus> of(Path directory) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(directory.resolve("supervise/status"));
    } catch (IOException e) {
      return Optional.empty();
    }
    return parse(bytes);
  }

  static Optional<ServiceStatus> parse(byte[] bytes) {
    if (bytes.length != LENGTH) {
      return Optional.empty();
    }
    ByteBuffer record = ByteBuffer.wrap(bytes);
    long seconds = record.getLong(0) - TAI64_EPOCH;
    int nanos = record.getInt(8);
    Instant since =
        seconds >= 0 && nanos >= 0 && nanos < 1_000_000_000
            ? Instant.ofEpochSecond(seconds, nanos)
            : Instant.EPOCH;
    int pid = Integer.reverseBytes(record.getInt(12));
    return Optional.of(new ServiceStatus(pid, bytes[17] == 'u', bytes[19], since));
  }

  /** Neither its {@code run} nor its {@code finish} is running. */
  boolean isDown() {
    return state == DOWN && pid == 0;
  }

  /** Its {@code run} script is running. */
  boolean isUp() {
    return state == RUN && pid > 0;
  }

  /** The record of a service that has {@code pid} in {@code state} since {@code since}. */
  static byte[] format(int pid, char want, int state, Instant since) {
    ByteBuffer record = ByteBuffer.allocate(LENGTH);
    record.putLong(0, since.getEpochSecond() + TAI64_EPOCH);
    record.putInt(8, since.getNano());
    record.putInt(12, Integer.reverseBytes(pid));
    record.put(17, (byte) want);
    record.put(19, (byte) state);
    return record.array();
  }
}
