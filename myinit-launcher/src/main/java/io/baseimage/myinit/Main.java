package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.startup.LauncherArguments;
import io.baseimage.startup.LauncherEnvironment;
import io.baseimage.startup.SignalEvents;
import io.baseimage.startup.Supervisor;
import io.baseimage.startup.Version;
import io.baseimage.startup.internal.posix.JffiPosix;
import io.baseimage.startup.internal.posix.Posix;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** {@code /sbin/my_init}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(LauncherArguments.of(args), new FileOutputStream(FileDescriptor.out),
        new FileOutputStream(FileDescriptor.err)));
  }

  /** Runs my_init with {@code args} as exact bytes; returns the exit status. */
  static int run(List<byte[]> args, OutputStream out, OutputStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (UsageException e) {
      print(err, "my_init: " + Log.printable(e.getMessage()) + "\nTry 'my_init --help'.\n");
      return 2;
    }
    if (options.help()) {
      print(out, Options.USAGE);
      return 0;
    }
    if (options.version()) {
      print(out, "my_init " + Version.current() + "\n");
      return 0;
    }
    Log log = new Log(err, options.quiet());
    if (options.skipRunit() && !options.hasCommand()) {
      log.error("When --skip-runit is given, you must also pass a main command.");
      return 1;
    }
    try {
      // The launcher blocked these signals before the JVM started: one that came since is pending
      // and becomes the first event. The reaper's first waitpid sets up the native layer (~20 ms)
      // while this thread imports the environment.
      Posix posix = JffiPosix.load();
      Supervisor supervisor = Supervisor.start(posix, log::warn);
      SignalEvents.queueTo(supervisor, posix, log::error, Posix.SIGTERM, Posix.SIGINT, Posix.SIGHUP,
          Posix.SIGUSR1, Posix.SIGUSR2, Posix.SIGWINCH);
      ContainerEnvironment environment = LauncherEnvironment.ofProcess();
      Settings settings = Settings.from(environment);
      Path root = Path.of(System.getProperty("baseimage.root", "/"));
      MyInit init = new MyInit(supervisor, options, settings, Layout.under(root, settings), log);
      return init.run(environment);
    } catch (SettingsException e) {
      log.error(e.getMessage());
      return 1;
    } catch (IOException e) {
      log.error("cannot read the environment: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MyInit.EXIT_ABORTED;
    } catch (RuntimeException | Error e) {
      // A bug, a broken runtime (a missing native library) or exhausted memory: one line, not a
      // stack trace in the container's log. The exit takes the container's processes down with it.
      log.error("my_init failed: " + e);
      return 1;
    }
  }

  private static void print(OutputStream stream, String text) {
    PrintStream printer = new PrintStream(stream, true, StandardCharsets.UTF_8);
    printer.print(text);
    printer.flush();
  }
}
