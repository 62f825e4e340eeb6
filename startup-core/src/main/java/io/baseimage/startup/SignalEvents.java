package io.baseimage.startup;

import io.baseimage.posix.ErrnoException;
import io.baseimage.posix.ProcessControl;
import java.util.function.Consumer;

/**
 * Turns signals into {@link Event.Signaled} events, taken synchronously by one thread.
 *
 * <p>Not {@code sun.misc.Signal}: a JVM's handlers exist only once its start-up is done, and until
 * then a {@code SIGTERM} ends the process without a shutdown and a {@code SIGQUIT} prints a thread
 * dump. Instead the launcher blocks these signals before the JVM starts and the JVM runs with
 * {@code -Xrs}, which leaves them blocked in every thread; a signal that comes before this thread
 * waits for it stays pending, and is taken here as soon as it does (docs/architecture.md).
 */
public final class SignalEvents {
  private SignalEvents() {}

  /**
   * Queues the {@code signals} already pending to {@code reaper}, then starts a daemon thread that
   * takes the later ones and queues each. The pending ones are taken on the calling thread: a
   * caller that looks at its events at once (my_init before its command) must see a SIGTERM that
   * came while it booted, not find the queue empty while the new thread starts.
   *
   * @param errors receives a line if taking signals fails (it then stops)
   */
  public static void queueTo(
      Reaper reaper, ProcessControl processes, Consumer<String> errors, int... signals) {
    try {
      for (int signal = processes.takePendingSignal(signals);
          signal != 0;
          signal = processes.takePendingSignal(signals)) {
        reaper.signalReceived(signal);
      }
    } catch (ErrnoException e) {
      errors.accept("signals are no longer handled: " + e.getMessage());
      return;
    }
    Thread taker =
        new Thread(
            () -> {
              try {
                while (true) {
                  reaper.signalReceived(processes.awaitSignal(signals));
                }
              } catch (ErrnoException e) {
                errors.accept("signals are no longer handled: " + e.getMessage());
              }
            },
            "signals");
    taker.setDaemon(true);
    taker.start();
  }
}
