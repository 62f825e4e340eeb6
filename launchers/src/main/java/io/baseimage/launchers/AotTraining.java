package io.baseimage.launchers;

import io.baseimage.startup.LauncherArguments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
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
    // The training root's run/ (-Dbaseimage.root), as my_init's Main finds it.
    Path run = Path.of(System.getProperty("baseimage.root", "/"), "run");
    StatusProbe.startDuringTheBoot(run);
    setTimesAsANonRootBootDoes(run);
    List<byte[]> setuser = all.subList(0, SETUSER_ARGS);
    Setuser.run(setuser);
    // USER:GROUP takes a path of its own: the group's lookup.
    // ISO-8859-1 maps every byte to one char and back.
    String user = new String(setuser.get(0), StandardCharsets.ISO_8859_1);
    Setuser.run(List.of((user + ":root").getBytes(StandardCharsets.ISO_8859_1), setuser.get(1)));
    // As the launchers end: see MyInit.main.
    Runtime.getRuntime().halt(MyInit.run(all.subList(SETUSER_ARGS, all.size())));
  }

  /**
   * A non-root boot gives runsvdir a directory of links whose modification time it sets back
   * (ServiceSelection): the JDK's lambda for setting a time is linked here, as the training runs as
   * root.
   */
  private static void setTimesAsANonRootBootDoes(Path run) {
    try {
      Files.setLastModifiedTime(run, FileTime.from(Instant.now()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loads the classes that a boot needs only after a race the training cannot count on (whether
   * runit's first write to a service's {@code supervise/} reaches my_init's watch before the
   * training ends; which class jffi's set-up, on its own thread, finds not yet initialised) or on a
   * path it does not take (a startup script that a signal stops, a command a signal kills). A class
   * that is not in the cache is read from the compressed module image.
   */
  private static void preload() {
    for (String name :
        new String[] {
          "io.baseimage.posix.DirectoryWatch$Change",
          "io.baseimage.startup.ScriptRunner$Outcome$Aborted",
          "io.baseimage.startup.SignalNames",
          "io.baseimage.myinit.ServiceReadiness$Outcome$NotReady",
          // --status with a check script (the training's probe has none to run).
          "io.baseimage.myinit.StatusCommand$Warning",
          "io.baseimage.myinit.StatusCommand$Interruption",
          // A non-root boot's, and a read-only or full disk's.
          "io.baseimage.env.StoreProblem$Unreadable",
          "io.baseimage.env.StoreProblem$NotWritable",
          "io.baseimage.env.StoreProblem$WriteFailed"
        }) {
      try {
        Class.forName(name, false, AotTraining.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("AotTraining preloads a class that is gone: " + name, e);
      }
    }
    try {
      // The JDK's own, so it may be gone in a later JDK: then nothing needs it.
      Class.forName("java.lang.invoke.DirectMethodHandle$1", false, null);
    } catch (ClassNotFoundException e) {
      // see above
    }
  }
}
