package io.baseimage.setuser;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.JffiUserSwitch;
import io.baseimage.posix.UserSwitch;
import io.baseimage.startup.Executables;
import io.baseimage.startup.ExitCodes;
import io.baseimage.startup.LauncherEnvironment;
import io.baseimage.startup.Output;
import io.baseimage.startup.SpawnException;
import io.baseimage.startup.Version;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /sbin/setuser USER COMMAND [ARG...]}: becomes USER and replaces itself with COMMAND.
 *
 * <pre>{@code
 * exec /sbin/setuser memcache /usr/bin/memcached -m 64
 * }</pre>
 */
public final class Main {
  static final String USAGE = "Usage: /sbin/setuser USERNAME COMMAND [args..]";

  static final String HELP =
      USAGE
          + """


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

  /**
   * Runs setuser with {@code args}, exact bytes, and returns its exit status; it does not return
   * when it has replaced the process with the command. The process's entry point is {@code
   * io.baseimage.launchers.Setuser}.
   */
  public static int run(List<byte[]> args) {
    OutputStream err = new FileOutputStream(FileDescriptor.err);
    try {
      return run(
          args,
          LauncherEnvironment::ofProcessUnchecked,
          JffiUserSwitch::load,
          new FileOutputStream(FileDescriptor.out),
          err);
    } catch (UncheckedIOException e) {
      Output.print(
          err, "setuser: cannot read the environment: " + e.getCause().getMessage() + "\n");
      return ExitCodes.FAILURE;
    } catch (RuntimeException | Error e) {
      // A bug or a broken runtime (a missing native library): one line, no stack trace.
      Output.print(err, "setuser: failed: " + Output.describe(e) + "\n");
      return ExitCodes.FAILURE;
    }
  }

  /**
   * Runs setuser with {@code args} as exact bytes. The container's {@code environment} and the
   * native layer, {@code users}, are fetched only to switch: {@code --help}, {@code --version} and
   * a usage error need neither {@code /proc} nor the C library. Returns only if it fails: on
   * success {@link UserSwitch#exec} has replaced the process.
   *
   * @return the exit status
   */
  static int run(
      List<byte[]> args,
      Supplier<ContainerEnvironment> environment,
      Supplier<UserSwitch> users,
      OutputStream out,
      OutputStream err) {
    if (!args.isEmpty()) {
      String first = text(args.getFirst());
      if (first.equals("--help") || first.equals("-h")) {
        Output.print(out, HELP);
        return ExitCodes.SUCCESS;
      }
      if (first.equals("--version")) {
        Output.print(out, "setuser " + Version.current() + "\n");
        return ExitCodes.SUCCESS;
      }
    }
    if (args.size() < 2) {
      Output.print(err, USAGE + "\n");
      return ExitCodes.FAILURE;
    }
    return switchTo(args, environment.get(), users.get(), err);
  }

  private static int switchTo(
      List<byte[]> args, ContainerEnvironment environment, UserSwitch users, OutputStream err) {
    List<byte[]> command = args.subList(1, args.size());
    String commandName = text(command.getFirst());
    ContainerEnvironment childEnvironment;
    byte[] path;
    try {
      Identity identity = Identity.resolve(UserSpec.parse(text(args.getFirst())), users);
      if (users.uid() == 0) {
        identity.assume(users);
      } else if (identity.uid() != users.uid() || identity.gid() != users.gid()) {
        return fail(err, "must be run as root");
      }
      childEnvironment = identity.environment(environment);
      // After setuid, so that "executable" means executable by the new user.
      path = Executables.resolve(command.getFirst(), childEnvironment);
      // The JVM's jars and devices, opened as root, must not reach the command.
      users.closeOnExec(3);
    } catch (IllegalArgumentException | IdentityNotFoundException | ErrnoException e) {
      return fail(err, e.getMessage());
    } catch (SpawnException e) {
      Output.print(err, "setuser: " + e.getMessage() + "\n");
      return e.shellStatus();
    }
    try {
      users.exec(path, command, childEnvironment.toEnviron());
    } catch (ErrnoException e) {
      Output.print(err, "setuser: cannot execute " + commandName + ": " + e.description() + "\n");
      return ExitCodes.ofExecFailure(e.errno());
    }
    throw new IllegalStateException("exec returned without an error");
  }

  private static int fail(OutputStream err, String message) {
    Output.print(err, "setuser: " + message + "\n");
    return ExitCodes.FAILURE;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
