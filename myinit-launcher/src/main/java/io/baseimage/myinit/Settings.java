package io.baseimage.myinit;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import io.baseimage.env.internal.FileNames;
import java.math.BigDecimal;
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
    try {
      BigDecimal seconds = new BigDecimal(text.get().trim());
      if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(86_400L * 365)) > 0) {
        throw new NumberFormatException();
      }
      return Optional.of(Duration.ofNanos(seconds.movePointRight(9).longValue()));
    } catch (NumberFormatException e) {
      throw new SettingsException(
          "invalid "
              + name
              + " '"
              + text.get()
              + "': expected a number of seconds, for example 5 or 0.5");
    }
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
