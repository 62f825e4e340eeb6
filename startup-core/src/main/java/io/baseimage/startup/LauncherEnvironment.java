package io.baseimage.startup;

import io.baseimage.env.ByteString;
import io.baseimage.env.ContainerEnvironment;
import java.io.IOException;
import java.util.List;

/**
 * The environment the container gave a launcher, as exact bytes. The {@code /sbin} launchers
 * start our JVM through {@code bin/launcher}, which holds back the Java option variables that
 * HotSpot and the java launcher would otherwise apply to our own JVM (SPEC §3.9): it renames each
 * one {@code BASEIMAGE_HELD_<NAME>}. Here they get their names back, byte for byte, for every
 * child and for the dumps.
 *
 * <pre>{@code
 * ContainerEnvironment env = LauncherEnvironment.ofProcess();   // JAVA_TOOL_OPTIONS as the container set it
 * }</pre>
 */
public final class LauncherEnvironment {
  /** The variables that reach our JVM only under a held name. */
  public static final List<String> JAVA_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS");
  static final String HELD_PREFIX = "BASEIMAGE_HELD_";

  private LauncherEnvironment() {}

  /** This process's environment (read from {@code /proc/self/environ}) with the held variables restored. */
  public static ContainerEnvironment ofProcess() throws IOException {
    return restored(ContainerEnvironment.ofProcess());
  }

  /** {@code environment} with each {@code BASEIMAGE_HELD_<NAME>} of a Java option variable renamed back. */
  public static ContainerEnvironment restored(ContainerEnvironment environment) {
    ContainerEnvironment result = environment;
    for (String name : JAVA_OPTION_VARIABLES) {
      String held = HELD_PREFIX + name;
      var value = environment.getBytes(held);
      if (value.isPresent()) {
        result = result.without(held).with(ByteString.of(name), value.get());
      }
    }
    return result;
  }
}
