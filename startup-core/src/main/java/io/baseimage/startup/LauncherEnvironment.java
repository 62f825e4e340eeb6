package io.baseimage.startup;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment the container gave a launcher, as exact bytes. The {@code /sbin} launchers start
 * our JVM through {@code bin/launcher}, which holds back the variables that HotSpot and the java
 * launcher would otherwise apply to our own JVM (docs/architecture.md, "The launchers"): it renames
 * each one {@code BASEIMAGE_HELD_<NAME>} (a name that already starts so gets a second prefix), and
 * sets {@code _JAVA_SR_SIGNUM} for our JVM alone. Here every held name loses one prefix again, byte
 * for byte, for every child and for the dumps.
 *
 * <pre>{@code
 * ContainerEnvironment env = LauncherEnvironment.ofProcess();   // JAVA_TOOL_OPTIONS as the container set it
 * }</pre>
 */
public final class LauncherEnvironment {
  /** Set by the launcher for our JVM (SIGUSR2, HotSpot's default, must reach my_init). */
  static final String SUSPEND_RESUME_SIGNAL = "_JAVA_SR_SIGNUM";

  static final ByteString HELD_PREFIX = ByteString.of("BASEIMAGE_HELD_");

  private LauncherEnvironment() {}

  /** This process's environment (read from {@code /proc/self/environ}) as the container gave it. */
  public static ContainerEnvironment ofProcess() throws IOException {
    return restored(ContainerEnvironment.ofProcess());
  }

  /**
   * {@link #ofProcess()} for a launcher's {@code Supplier}: the launchers read the environment only
   * once they know they will run something, so that {@code --help} needs no {@code /proc}.
   *
   * @throws UncheckedIOException when {@code /proc/self/environ} cannot be read
   */
  public static ContainerEnvironment ofProcessUnchecked() {
    try {
      return ofProcess();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code environment} as the container gave it to the launcher: the launcher's own {@code
   * _JAVA_SR_SIGNUM} removed, and one {@code BASEIMAGE_HELD_} prefix taken off every name.
   */
  public static ContainerEnvironment restored(ContainerEnvironment environment) {
    Map<ByteString, ByteString> variables = new TreeMap<>();
    for (Map.Entry<ByteString, ByteString> variable : environment.asMap().entrySet()) {
      ByteString name = variable.getKey();
      if (name.startsWith(HELD_PREFIX) && name.length() > HELD_PREFIX.length()) {
        byte[] bytes = name.toByteArray();
        variables.put(
            ByteString.of(Arrays.copyOfRange(bytes, HELD_PREFIX.length(), bytes.length)),
            variable.getValue());
      } else if (!name.toString().equals(SUSPEND_RESUME_SIGNAL)) {
        variables.putIfAbsent(name, variable.getValue());
      }
    }
    return ContainerEnvironment.ofBytes(variables);
  }
}
