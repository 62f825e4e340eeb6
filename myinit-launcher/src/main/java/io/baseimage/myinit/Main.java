package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.JffiProcessControl;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.startup.ExitCodes;
import io.baseimage.startup.LauncherArguments;
import io.baseimage.startup.LauncherEnvironment;
import io.baseimage.startup.Output;
import io.baseimage.startup.Reaper;
import io.baseimage.startup.SignalEvents;
import io.baseimage.startup.Version;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code /sbin/my_init}. */
public final class Main {
  /** A command-line mistake, as getopt's tools exit. */
  static final int EXIT_USAGE = 2;

  /**
   * Where my_init finds /etc and /run: the build's AOT training run boots a root of its own ({@code
   * -Dbaseimage.root}, jlink-image/src/main/sh/build-overlay.sh); every container uses /.
   */
  private static final Path ROOT = Path.of(System.getProperty("baseimage.root", "/"));

  private Main() {}

  public static void main(String[] args) {
    System.exit(
        run(
            LauncherArguments.of(args),
            LauncherEnvironment::ofProcessUnchecked,
            JffiProcessControl::load,
            new FileOutputStream(FileDescriptor.out),
            new FileOutputStream(FileDescriptor.err)));
  }

  /**
   * Runs my_init with {@code args} as exact bytes. The container's {@code environment} and the
   * native layer, {@code processes}, are fetched only to boot: {@code --help}, {@code --version}
   * and a usage error need neither {@code /proc} nor the C library, and {@code --status} needs the
   * C library only for a service's {@code check} script.
   *
   * @return the exit status
   */
  static int run(
      List<byte[]> args,
      Supplier<ContainerEnvironment> environment,
      Supplier<ProcessControl> processes,
      OutputStream out,
      OutputStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (UsageException e) {
      Output.print(err, "my_init: " + Log.printable(e.getMessage()) + "\nTry 'my_init --help'.\n");
      return EXIT_USAGE;
    }
    if (options.help()) {
      Output.print(out, Options.USAGE);
      return ExitCodes.SUCCESS;
    }
    if (options.version()) {
      Output.print(out, "my_init " + Version.current() + "\n");
      return ExitCodes.SUCCESS;
    }
    Log log = new Log(err, Log.Level.of(Optional.empty(), options.quiet()));
    if (options.skipRunit() && !options.hasCommand()) {
      log.error("When --skip-runit is given, you must also pass a main command.");
      return ExitCodes.FAILURE;
    }
    try {
      if (options.status()) {
        // A probe, run every few seconds: it reads files and loads the native layer only to run
        // a service's check script.
        ContainerEnvironment container = environment.get();
        Settings settings = Settings.from(container);
        return new StatusCommand(
                Layout.under(ROOT, settings),
                settings,
                container,
                processes,
                InstantSource.system(),
                log)
            .run(out);
      }
      // The launcher blocked these signals before the JVM started: one that came since is pending
      // and becomes the first event. The reaper's first waitpid sets up the native layer (~20 ms)
      // while this thread imports the environment.
      ProcessControl kernel = processes.get();
      Reaper reaper = Reaper.start(kernel, log::warn);
      SignalEvents.queueTo(
          reaper,
          kernel,
          log::error,
          Signals.SIGTERM,
          Signals.SIGINT,
          Signals.SIGHUP,
          Signals.SIGUSR1,
          Signals.SIGUSR2,
          Signals.SIGWINCH);
      ContainerEnvironment container = environment.get();
      Settings settings = Settings.from(container);
      log.setLevel(Log.Level.of(settings.logLevel(), options.quiet()));
      MyInit init = new MyInit(reaper, options, settings, Layout.under(ROOT, settings), log);
      return init.run(container);
    } catch (SettingsException e) {
      log.error(e.getMessage());
      return ExitCodes.FAILURE;
    } catch (UncheckedIOException e) {
      log.error("cannot read the environment: " + e.getCause().getMessage());
      return ExitCodes.FAILURE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return MyInit.EXIT_ABORTED;
    } catch (RuntimeException | Error e) {
      // A bug, a broken runtime (a missing native library) or exhausted memory: one line, not a
      // stack trace in the container's log. The exit takes the container's processes down with it.
      log.error("my_init failed: " + Output.describe(e));
      return ExitCodes.FAILURE;
    }
  }
}
