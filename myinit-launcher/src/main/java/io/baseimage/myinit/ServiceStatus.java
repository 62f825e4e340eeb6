package io.baseimage.myinit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What runsv last recorded about a service in {@code supervise/status}: runit's 20-byte record (the
 * start time as TAI64N, the pid as 4 bytes little-endian, paused, want 'u' or 'd', got TERM, and
 * the state: 0 down, 1 run, 2 finish). runsv rewrites it, by a rename, at every change.
 */
record ServiceStatus(int pid, boolean wantsUp, int state) {
  static final int DOWN = 0;
  static final int FINISH = 2;
  private static final int LENGTH = 20;

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
    int pid =
        (bytes[12] & 0xff)
            | (bytes[13] & 0xff) << 8
            | (bytes[14] & 0xff) << 16
            | (bytes[15] & 0xff) << 24;
    return Optional.of(new ServiceStatus(pid, bytes[17] == 'u', bytes[19]));
  }

  /** Neither its {@code run} nor its {@code finish} is running. */
  boolean isDown() {
    return state == DOWN && pid == 0;
  }
}
