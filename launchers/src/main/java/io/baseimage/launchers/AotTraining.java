package io.baseimage.launchers;

import io.baseimage.startup.LauncherArguments;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.util.List;

/**
 * The build's AOT training run (jlink-image/src/main/sh/build-overlay.sh), never started in a
 * container: one JVM takes setuser's path and then my_init's, so that the one cache holds the
 * classes of both. Started with the launchers' JVM options, so with a first argument in the place
 * of the script path that the kernel passes a launcher, which is dropped:
 *
 * <pre>{@code
 * AotTraining AotTraining USER /nonexistent/command MY_INIT_ARGS...
 * }</pre>
 *
 * <p>setuser runs twice, as {@code USER} and as {@code USER:root}. Its command must not exist:
 * setuser then fails before it would replace the JVM, and returns. my_init's exit ends the JVM,
 * which then writes the cache.
 */
public final class AotTraining {
  private static final int SETUSER_ARGS = 2;

  private AotTraining() {}

  public static void main(String[] args) {
    List<byte[]> all = LauncherArguments.of(args);
    if (all.size() <= SETUSER_ARGS) {
      throw new IllegalArgumentException(
          "usage: AotTraining USER /nonexistent/command MY_INIT_ARGS...");
    }
    // The image has the dumps' reader group (docker_env) and the build machine has not: look up a
    // group every machine has, so that a boot's successful lookup loads no class from outside the
    // cache.
    try {
      FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName("root");
    } catch (IOException e) {
      // No group root: the boot then reads two classes from the module image.
    }
    preload();
    List<byte[]> setuser = all.subList(0, SETUSER_ARGS);
    Setuser.run(setuser);
    // USER:GROUP takes a path of its own: the group's lookup.
    // ISO-8859-1 maps every byte to one char and back.
    String user = new String(setuser.get(0), StandardCharsets.ISO_8859_1);
    Setuser.run(List.of((user + ":root").getBytes(StandardCharsets.ISO_8859_1), setuser.get(1)));
    System.exit(MyInit.run(all.subList(SETUSER_ARGS, all.size())));
  }

  /**
   * Loads the classes that a boot needs only after a race the training cannot count on: whether
   * runit's first write to a service's {@code supervise/} reaches my_init's watch before the
   * training ends, and which class jffi's set-up (on its own thread) finds not yet initialised. A
   * class that is not in the cache is read from the compressed module image at boot.
   */
  private static void preload() {
    for (String name :
        new String[] {
          "io.baseimage.posix.DirectoryWatch$Change", "java.lang.invoke.DirectMethodHandle$1"
        }) {
      try {
        Class.forName(name, false, AotTraining.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("AotTraining preloads a class that is gone: " + name, e);
      }
    }
  }
}
