package io.baseimage.env;

/**
 * How my_init combines the environment directory with the process environment.
 *
 * <pre>{@code
 * ContainerEnvironment env = EnvironmentImport.atBoot(directory, ContainerEnvironment.ofProcess());
 * // ... a startup script ran and may have changed the directory:
 * env = EnvironmentImport.afterScript(env, EnvironmentDirectory.read(dir).value());
 * }</pre>
 */
public final class EnvironmentImport {
  private EnvironmentImport() {}

  /** At boot, a variable from {@code docker run -e} or {@code ENV} wins over the file of the same name. */
  public static ContainerEnvironment atBoot(ContainerEnvironment directory, ContainerEnvironment process) {
    return directory.overlaidWith(process);
  }

  /**
   * After a startup script the directory replaces the environment, so a script can add, change and
   * delete variables; but {@link ContainerEnvironment#IDENTITY_VARIABLES} keep their current value
   * unless the directory has a file for them (they are never written there, so they would vanish:
   * phusion/baseimage-docker#119).
   */
  public static ContainerEnvironment afterScript(ContainerEnvironment current, ContainerEnvironment directory) {
    ContainerEnvironment result = directory;
    for (String name : ContainerEnvironment.IDENTITY_VARIABLES) {
      if (!directory.contains(name)) {
        var value = current.getBytes(name);
        if (value.isPresent()) {
          result = result.with(ByteString.of(name), value.get());
        }
      }
    }
    return result;
  }
}
