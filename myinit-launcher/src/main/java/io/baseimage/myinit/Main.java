package io.baseimage.myinit;

import io.baseimage.env.ContainerEnvironment;
import io.baseimage.posix.JffiProcessControl;
import io.baseimage.posix.ProcessControl;
import io.baseimage.posix.Signals;
import io.baseimage.startup.ExitCodes;
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

  /**
   * Runs my_init with {@code args}, exact bytes, and returns its exit status. The process's entry
   * point is {@code io.baseimage.launchers.MyInit}.
   */
  public static int run(List<byte[]> args) {
    return run(
        args,
        LauncherEnvironment::ofProcessUnchecked,
        JffiProcessControl::load,
        new FileOutputStream(FileDescriptor.out),
        new FileOutputStream(FileDescriptor.err));
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
      // jffi's set-up (~10 ms, interpreted) on a thread of its own while this one imports the
      // environment (docs/benchmarks.md, "Levers").
      NativeLayerLoader nativeLayer = NativeLayerLoader.start(processes);
      ContainerEnvironment container = environment.get();
      Settings settings = Settings.from(container);
      log.setLevel(Log.Level.of(settings.logLevel(), options.quiet()));
      MyInit init =
          new MyInit(
              () -> startReaper(nativeLayer.await(), log),
              options,
              settings,
              Layout.under(ROOT, settings),
              log);
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

  /**
   * The launcher blocked these signals before the JVM started: one that came since is pending and
   * becomes the first event.
   */
  private static Reaper startReaper(ProcessControl kernel, Log log) {
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
    return reaper;
  }

  /**
   * Loads the native layer on a thread of its own. Not a FutureTask: its VarHandles cost every boot
   * a millisecond of class set-up, and join() already orders what the thread wrote before what the
   * caller reads.
   */
  private static final class NativeLayerLoader extends Thread {
    private final Supplier<ProcessControl> load;
    private ProcessControl loaded;
    private Throwable failure;

    private NativeLayerLoader(Supplier<ProcessControl> load) {
      super("native-layer");
      this.load = load;
      setDaemon(true);
    }

    static NativeLayerLoader start(Supplier<ProcessControl> load) {
      NativeLayerLoader loader = new NativeLayerLoader(load);
      loader.start();
      return loader;
    }

    @Override
    public void run() {
      try {
        loaded = load.get();
        loaded.prepareForBoot();
      } catch (RuntimeException | Error e) {
        failure = e;
      }
    }

    /** What the thread loaded; what it threw is thrown here, as if this thread had loaded it. */
    ProcessControl await() {
      try {
        join();
      } catch (InterruptedException e) {
        // Nothing interrupts my_init's main thread; if something did, the boot cannot go on.
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while loading the native layer", e);
      }
      if (failure instanceof RuntimeException unchecked) {
        throw unchecked;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      return loaded;
    }
  }
}
