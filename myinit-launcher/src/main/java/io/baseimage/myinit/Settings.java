package io.baseimage.myinit;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Settings from the environment my_init starts with, validated before anything runs. */
record Settings(
    Duration killProcessTimeout,
    Duration killAllProcessesTimeout,
    Duration shutdownTimeout,
    Path initDirectory,
    Optional<Duration> scriptTimeout,
    Optional<Log.Level> logLevel,
    Optional<Duration> waitForServices) {

  /** The longest limit: a year. */
  static final long MAX_NANOS = 86_400L * 365 * 1_000_000_000L;

  /** MAX_NANOS has 17 digits: a number with more is above it. */
  private static final int MAX_NANOS_DIGITS = 17;

  static Settings from(ContainerEnvironment environment) throws SettingsException {
    return new Settings(
        seconds(environment, "KILL_PROCESS_TIMEOUT").orElse(Duration.ofSeconds(5)),
        seconds(environment, "KILL_ALL_PROCESSES_TIMEOUT").orElse(Duration.ofSeconds(5)),
        // Below docker's 10 s grace: `docker stop` sees my_init exit by itself
        // (docs/operations.md).
        seconds(environment, "MY_INIT_SHUTDOWN_TIMEOUT").orElse(Duration.ofSeconds(9)),
        directory(environment, "ENV_INIT_DIRECTORY").orElse(Path.of("/etc/my_init.d")),
        seconds(environment, "MY_INIT_SCRIPT_TIMEOUT"),
        logLevel(environment, "MY_INIT_LOG_LEVEL"),
        // 0 is "do not wait", as no setting is.
        seconds(environment, "MY_INIT_WAIT_FOR_SERVICES").filter(limit -> !limit.isZero()));
  }

  private static Optional<Log.Level> logLevel(ContainerEnvironment environment, String name)
      throws SettingsException {
    Optional<String> text = environment.getBytes(name).map(ByteString::toString);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Log.Level> level = Log.Level.parse(text.get());
    if (level.isEmpty()) {
      throw new SettingsException(
          "invalid " + name + " '" + text.get() + "': expected error, warn, info or debug");
    }
    return level;
  }

  private static Optional<Duration> seconds(ContainerEnvironment environment, String name)
      throws SettingsException {
    Optional<String> text = environment.getBytes(name).map(ByteString::toString);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    long nanos = nanosOf(text.get().trim());
    if (nanos < 0) {
      throw new SettingsException(
          "invalid "
              + name
              + " '"
              + text.get()
              + "': expected a number of seconds, for example 5 or 0.5");
    }
    return Optional.of(Duration.ofNanos(nanos));
  }

  /**
   * {@code seconds}, a decimal number as {@link java.math.BigDecimal#BigDecimal(String)} reads it
   * ({@code 5}, {@code 0.5}, {@code .25}, {@code 1e1}), but in ASCII digits only, in nanoseconds,
   * truncated; -1 if it is not such a number, is below zero or above {@link #MAX_NANOS}. Not
   * BigDecimal itself: its class set-up links BigInteger's parallel arithmetic, ~35 classes with
   * ForkJoinPool's, which a boot that sets a timeout would read from the module image
   * (docs/benchmarks.md, "Levers").
   */
  static long nanosOf(String seconds) {
    int at = 0;
    int end = seconds.length();
    boolean negative = false;
    if (at < end && (seconds.charAt(at) == '+' || seconds.charAt(at) == '-')) {
      negative = seconds.charAt(at) == '-';
      at++;
    }
    // The significant digits (no leading zeros) and the power of ten they are multiplied by.
    StringBuilder digits = new StringBuilder();
    long power = 9;
    boolean anyDigit = false;
    boolean point = false;
    for (; at < end; at++) {
      char c = seconds.charAt(at);
      if (c == '.' && !point) {
        point = true;
      } else if (c >= '0' && c <= '9') {
        anyDigit = true;
        if (digits.length() > 0 || c != '0') {
          digits.append(c);
        }
        if (point) {
          power--;
        }
      } else {
        break;
      }
    }
    if (!anyDigit) {
      return -1;
    }
    if (at < end && (seconds.charAt(at) == 'e' || seconds.charAt(at) == 'E')) {
      long exponent = exponentOf(seconds, at + 1);
      if (exponent == Long.MIN_VALUE) {
        return -1;
      }
      power += exponent;
      at = end;
    }
    if (at != end) {
      return -1;
    }
    if (negative && digits.length() > 0) {
      return -1; // -0 is zero: BigDecimal's zero has no sign
    }
    // A year and a fraction of a nanosecond is more than a year, though it reads as one.
    boolean aboveTruncated = false;
    if (power < 0) {
      // Truncated below the nanosecond, as BigDecimal's longValue() does.
      int kept = (int) Math.max(0, digits.length() + power);
      for (int i = kept; i < digits.length(); i++) {
        aboveTruncated |= digits.charAt(i) != '0';
      }
      digits.setLength(kept);
      power = 0;
    }
    if (digits.length() == 0) {
      return 0;
    }
    if (digits.length() + power > MAX_NANOS_DIGITS) {
      return -1;
    }
    long nanos = Long.parseLong(digits.toString());
    for (long i = 0; i < power; i++) {
      nanos *= 10;
    }
    return nanos < MAX_NANOS || (nanos == MAX_NANOS && !aboveTruncated) ? nanos : -1;
  }

  /**
   * The exponent written from {@code at} ({@code [+-]digits}), or {@link Long#MIN_VALUE} if there
   * is none or, as for BigDecimal, it is beyond an {@code int}.
   */
  private static long exponentOf(String text, int at) {
    int end = text.length();
    boolean negative = false;
    if (at < end && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
      negative = text.charAt(at) == '-';
      at++;
    }
    if (at == end) {
      return Long.MIN_VALUE;
    }
    long exponent = 0;
    for (; at < end; at++) {
      char c = text.charAt(at);
      if (c < '0' || c > '9') {
        return Long.MIN_VALUE;
      }
      exponent = exponent * 10 + (c - '0');
      if (exponent > Integer.MAX_VALUE) {
        return Long.MIN_VALUE;
      }
    }
    return negative ? -exponent : exponent;
  }

  /** A directory given by its exact bytes, in any encoding: a name is bytes, not text. */
  private static Optional<Path> directory(ContainerEnvironment environment, String name)
      throws SettingsException {
    Optional<ByteString> bytes = environment.getBytes(name);
    if (bytes.isPresent() && bytes.get().isEmpty()) {
      throw new SettingsException("invalid " + name + " '': expected a directory");
    }
    return bytes.map(b -> FileNames.pathOf(b.toByteArray()));
  }

  /** A limit for shutdown scripts, which must never hang the shutdown. */
  Duration shutdownScriptTimeout() {
    return scriptTimeout.orElse(killProcessTimeout);
  }
}
