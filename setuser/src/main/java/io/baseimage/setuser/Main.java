package io.baseimage.setuser;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.startup.Executables;
import io.baseimage.startup.LauncherArguments;
import io.baseimage.startup.LauncherEnvironment;
import io.baseimage.startup.SpawnException;
import io.baseimage.startup.Version;
import io.baseimage.startup.internal.posix.ErrnoException;
import io.baseimage.startup.internal.posix.JffiPosix;
import io.baseimage.startup.internal.posix.Posix;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code /sbin/setuser USER COMMAND [ARG...]}: becomes USER and replaces itself with COMMAND.
 *
 * <pre>{@code
 * exec /sbin/setuser memcache /usr/bin/memcached -m 64
 * }</pre>
 */
public final class Main {
  static final String USAGE = "Usage: /sbin/setuser USERNAME COMMAND [args..]";

  static final String HELP = USAGE + """


      Runs COMMAND as another user: sets the supplementary groups, the group and
      the user (for good: COMMAND cannot switch back), sets USER, HOME and UID,
      and replaces itself with COMMAND, searched on PATH. COMMAND keeps the
      process id, no Java is left behind, and signals go straight to COMMAND.

      USERNAME is one of:
        name        a user of the user database, with all the groups it is in
        uid         a numeric user id; if the user database has no such user,
                    the group is the same number, HOME is / and USER is the uid
        name:group  the user with exactly one group, a group name or a gid
        uid:gid     numeric ids, with exactly the one group

      Only root may switch to another user.

      Exit status: that of COMMAND; 1 if setuser fails; 126 if COMMAND cannot
      be executed; 127 if it is not found.

      Options (alone, in place of USERNAME):
        --help      print this help
        --version   print the version
      """;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(LauncherArguments.of(args), new FileOutputStream(FileDescriptor.out),
        new FileOutputStream(FileDescriptor.err)));
  }

  /**
   * Reads this process's environment as bytes and loads the C library, then runs
   * {@link #run(List, ContainerEnvironment, Posix, OutputStream, OutputStream)}.
   */
  static int run(List<byte[]> args, OutputStream out, OutputStream err) {
    ContainerEnvironment environment;
    try {
      environment = LauncherEnvironment.ofProcess();
    } catch (IOException e) {
      print(err, "setuser: cannot read the environment: " + e.getMessage() + "\n");
      return 1;
    }
    try {
      return run(args, environment, JffiPosix.load(), out, err);
    } catch (RuntimeException | Error e) {
      // A bug or a broken runtime (a missing native library): one line, no stack trace.
      print(err, "setuser: failed: " + e + "\n");
      return 1;
    }
  }

  /**
   * Runs setuser with {@code args} as exact bytes. Returns only if it fails: on success
   * {@link Posix#exec} has replaced the process.
   *
   * @return the exit status
   */
  static int run(List<byte[]> args, ContainerEnvironment environment, Posix posix, OutputStream out,
      OutputStream err) {
    if (!args.isEmpty()) {
      String first = text(args.getFirst());
      if (first.equals("--help") || first.equals("-h")) {
        print(out, HELP);
        return 0;
      }
      if (first.equals("--version")) {
        print(out, "setuser " + Version.current() + "\n");
        return 0;
      }
    }
    if (args.size() < 2) {
      print(err, USAGE + "\n");
      return 1;
    }
    List<byte[]> command = args.subList(1, args.size());
    String commandName = text(command.getFirst());
    ContainerEnvironment childEnvironment;
    byte[] path;
    try {
      Identity identity = Identity.resolve(UserSpec.parse(text(args.getFirst())), posix);
      if (posix.uid() == 0) {
        identity.assume(posix);
      } else if (identity.uid() != posix.uid() || identity.gid() != posix.gid()) {
        return fail(err, "must be run as root");
      }
      childEnvironment = identity.environment(environment);
      // After setuid, so that "executable" means executable by the new user.
      path = Executables.resolve(command.getFirst(), childEnvironment);
      // The JVM's jars and devices, opened as root, must not reach the command.
      posix.closeOnExec(3);
    } catch (IllegalArgumentException | IdentityNotFoundException | ErrnoException e) {
      return fail(err, e.getMessage());
    } catch (SpawnException e) {
      print(err, "setuser: " + e.getMessage() + "\n");
      return e.shellStatus();
    }
    try {
      posix.exec(path, command, childEnvironment.toEnviron());
    } catch (ErrnoException e) {
      // Shell conventions: not found is 127, found but not executable (EACCES, ENOEXEC...) is 126.
      print(err, "setuser: cannot execute " + commandName + ": " + e.description() + "\n");
      return e.errno() == Posix.ENOENT ? 127 : 126;
    }
    throw new IllegalStateException("exec returned without an error");
  }

  private static int fail(OutputStream err, String message) {
    print(err, "setuser: " + message + "\n");
    return 1;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void print(OutputStream stream, String text) {
    PrintStream printer = new PrintStream(stream, true, StandardCharsets.UTF_8);
    printer.print(text);
    printer.flush();
  }
}
