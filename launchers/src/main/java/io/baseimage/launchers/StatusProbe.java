package io.baseimage.launchers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The AOT training's {@code my_init --status}: a health probe runs every few seconds for a
 * container's life, and each class it needs beyond the boot's would be read from the compressed
 * module image at every probe. In the training JVM, beside the boot, once the training's command
 * has started (it creates {@code run/training-command} under the training root, {@code
 * -Dbaseimage.root}); the training's services have no {@code check} script, whose child the boot's
 * reaper would reap.
 */
final class StatusProbe extends Thread {
  private static final long POLL_MILLIS = 20;

  private final Path started;

  private StatusProbe(Path started) {
    super("training-status-probe");
    this.started = started;
    setDaemon(true);
  }

  static void startDuringTheBoot() {
    new StatusProbe(Path.of(System.getProperty("baseimage.root", "/"), "run/training-command"))
        .start();
  }

  @Override
  public void run() {
    try {
      while (!Files.exists(started)) {
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      return;
    }
    MyInit.run(List.of("--status".getBytes(StandardCharsets.US_ASCII)));
  }
}
