package io.baseimage.startup;

/**
 * Something the init system reacts to: one of its children ended, a signal came, or files it
 * watches changed.
 */
public sealed interface Event {
  /** A child that {@link Reaper#spawn} started has ended (already reaped). */
  record Exited(int pid, ExitStatus status) implements Event {}

  /** A handled signal arrived. */
  record Signaled(int signal) implements Event {}

  /** Files that someone watches for us have changed ({@link Reaper#filesChanged}). */
  record FilesChanged() implements Event {}
}
