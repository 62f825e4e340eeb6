package io.baseimage.env;

/**
 * How my_init combines the environment directory with the process environment.
 *
 * <pre>{@code
 * ContainerEnvironment env = EnvironmentImport.atBoot(directory, ContainerEnvironment.ofProcess());
 * ContainerEnvironment before = EnvironmentDirectory.read(dir).value();   // after my_init wrote it
 * // ... a startup script ran and may have changed the directory:
 * env = EnvironmentImport.afterScript(env, before, EnvironmentDirectory.read(dir).value());
 * }</pre>
 */
public final class EnvironmentImport {
  private EnvironmentImport() {}

  /** At boot, a variable from {@code docker run -e} or {@code ENV} wins over the file of the same name. */
  public static ContainerEnvironment atBoot(ContainerEnvironment directory, ContainerEnvironment process) {
    return directory.overlaidWith(process);
  }

  /**
   * After a startup script: what the script changed in the directory — files it added, changed or
   * removed between {@code before} (the directory as my_init last read or wrote it) and
   * {@code after} (the directory now) — applied to {@code current}. Every variable the script did
   * not touch keeps its value: one given with {@code docker run -e} whose file could not be written
   * (a symbolic link, a full disk), and {@link ContainerEnvironment#IDENTITY_VARIABLES}, which are
   * never written there, even where the image ships a default file for them ({@code HOME=/root}:
   * phusion/baseimage-docker#119, #490). A script sets an identity variable by writing its file;
   * removing the file does not unset it.
   */
  public static ContainerEnvironment afterScript(
      ContainerEnvironment current, ContainerEnvironment before, ContainerEnvironment after) {
    ContainerEnvironment result = current;
    for (var variable : after.asMap().entrySet()) {
      if (!variable.getValue().equals(before.asMap().get(variable.getKey()))) {
        result = result.with(variable.getKey(), variable.getValue());
      }
    }
    for (ByteString name : before.asMap().keySet()) {
      // The directory never holds identity variables (they are never written there), so a
      // missing file says nothing about them: only a file can set them.
      if (!after.asMap().containsKey(name) && !ContainerEnvironment.IDENTITY_VARIABLES.contains(name.toString())) {
        result = result.without(name);
      }
    }
    return result;
  }
}
