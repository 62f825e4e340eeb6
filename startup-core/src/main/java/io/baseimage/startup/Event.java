package io.baseimage.startup;

/** Something the init system reacts to: one of its children ended, or a signal came. */
public sealed interface Event {
  /** A child that {@link Reaper#spawn} started has ended (already reaped). */
  record Exited(int pid, ExitStatus status) implements Event {}

  /** A handled signal arrived. */
  record Signaled(int signal) implements Event {}
}
