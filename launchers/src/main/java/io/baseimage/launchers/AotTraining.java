package io.baseimage.launchers;

import io.baseimage.startup.LauncherArguments;
import java.util.List;

/**
 * The build's AOT training run (jlink-image/src/main/sh/build-overlay.sh), never started in a
 * container: one JVM takes setuser's path and then my_init's, so that the one cache holds the
 * classes of both. Started without the launcher's script path ({@code
 * -Dbaseimage.launcher.shebang=false}):
 *
 * <pre>{@code
 * AotTraining USER /nonexistent/command MY_INIT_ARGS...
 * }</pre>
 *
 * <p>setuser's command must not exist: setuser then fails before it would replace the JVM, and
 * returns. my_init's exit ends the JVM, which then writes the cache.
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
    Setuser.run(all.subList(0, SETUSER_ARGS));
    System.exit(MyInit.run(all.subList(SETUSER_ARGS, all.size())));
  }
}
