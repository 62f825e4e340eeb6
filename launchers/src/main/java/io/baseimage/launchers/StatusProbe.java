package io.baseimage.launchers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The AOT training's {@code my_init --status}: a health probe runs every few seconds for a
 * container's life, and each class it needs beyond the boot's would be read from the compressed
 * module image at every probe. In the training JVM, beside the boot, once the training's command
 * has started (it creates {@code run/training-command} under the training root, {@code
 * -Dbaseimage.root}, and waits for {@code run/training-probed}); the training's services have no
 * {@code check} script, whose child the boot's reaper would reap.
 */
final class StatusProbe extends Thread {
  private static final long POLL_NANOS = 20_000_000;

  private final Path run;

  private StatusProbe(Path run) {
    super("training-status-probe");
    this.run = run;
    setDaemon(true);
  }

  /** Starts the probe, which waits for {@code run/training-command} in the training root. */
  static void startDuringTheBoot(Path run) {
    new StatusProbe(run).start();
  }

  @Override
  public void run() {
    while (!Files.exists(run.resolve("training-command"))) {
      // Not Thread.sleep: its JFR event class is one the AOT cache cannot hold (a warning).
      LockSupport.parkNanos(POLL_NANOS);
    }
    MyInit.run(List.of("--status".getBytes(StandardCharsets.US_ASCII)));
    try {
      Files.createFile(run.resolve("training-probed"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
