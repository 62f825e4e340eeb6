package io.baseimage.startup;

import sun.misc.Signal;

/**
 * Turns signals into {@link Event.Signaled} events. The JVM runs each handler on a new thread, so a
 * handler only queues: all work happens on the thread that takes events.
 */
public final class SignalEvents {
  private SignalEvents() {}

  /**
   * Handles the named signals ({@code "TERM"}, {@code "HUP"}, ...) by queueing them to
   * {@code supervisor}.
   */
  public static void queueTo(Supervisor supervisor, String... names) {
    for (String name : names) {
      Signal.handle(new Signal(name), signal -> supervisor.signalReceived(signal.getNumber()));
    }
  }
}
